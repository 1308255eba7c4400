#!/bin/sh
# backup.sh - kith backup and kith restore: Alice, who hosts Mrs Okafor,
# backs up her keys (passphrase on standard input, never on the command
# line); a new machine restores them; writing there is refused until a
# bundle from her neighbour Ben brings her own changes back, then goes on
# with no fork (for her and for Mrs Okafor, acted for with --as); the
# replicas agree.  A wrong passphrase, a changed byte, a cut file, a later
# version: one line, exit 1, nothing written.  Never over an identity.
. "$(dirname "$0")/lib.sh"

T=$TMP_DIR
A=$T/alice
B=$T/ben
N=$T/alice-new
member "$A" Alice || finish
ALICE=$OUT
community "$A" "Elm Street" || finish
member "$B" Ben || finish
join "$B" || finish

printf 'correct horse battery\n' >"$T/pass"
printf 'wrong horse battery\n' >"$T/wrong"
printf 'short\n' >"$T/short"

# kp FILE run_... : a run whose standard input is FILE (the passphrase).
kp() {
	K_STDIN=$1
	shift
	"$@"
	K_STDIN=
}

# unchanged DESC DIR: DIR does not exist, or is as listed in $T/before.
listing() {
	if [ -e "$1" ]; then
		(cd "$1" && find . -exec ls -ld {} + | awk '{print $1, $5, $NF}' | sort)
	else
		echo none
	fi
}

run_ok "Alice hosts Mrs Okafor" "$A" member host --name "Mrs Okafor"
OKAFOR=$OUT
run_ok "Alice posts a wish" "$A" wish add --title "Ladder"
run_ok "Alice posts for Mrs Okafor" "$A" --as "Mrs Okafor" wish add \
	--title "Shopping on Friday"
carry "$A" "$B" || finish

# ---- backup ----------------------------------------------------------------

run_rc 2 "backup without --out is a usage error" "$A" backup
run_rc 2 "a passphrase is never an option" "$A" backup --out "$T/x.kb" \
	--passphrase "correct horse battery"
k "$A" backup --help
check_match "backup --help shows its usage" "$OUT" "usage: kith backup --out FILE"
kp "$T/short" run_err 1 "at least 8 characters" \
	"a passphrase shorter than 8 characters is refused" "$A" backup --out "$T/x.kb"
check "nothing written for a short passphrase" test ! -e "$T/x.kb"
run_err 1 "nothing was typed" "no passphrase on standard input is refused" \
	"$A" backup --out "$T/x.kb"
kp "$T/pass" run_err 1 "it is your identity" \
	"a backup over the identity's name in the data directory is refused" \
	"$A" backup --out "$A/identity"
kp "$T/pass" run_err 1 "not someone you act for|not for someone you act for" \
	"a backup while acting for a hosted neighbour is refused" \
	"$A" --as "Mrs Okafor" backup --out "$T/x.kb"

kp "$T/pass" run_ok "Alice backs up (passphrase from standard input)" \
	"$A" backup --out "$T/alice.kb"
check_match "backup says what it holds" "$ERR" "1 hosted neighbour's key"
check_eq "the backup file is 0600" "$(mode "$T/alice.kb")" -rw-------
check_eq "the backup file starts with its magic" \
	"$(head -c 14 "$T/alice.kb" | head -n 1)" "kith-backup 1"
check "the passphrase is not in the file" \
	sh -c "! grep -q 'correct horse' '$T/alice.kb'"
check "the community's name is not in the clear" \
	sh -c "! grep -q 'Elm Street' '$T/alice.kb'"
# on a terminal (a pty from script(1)): asked twice, never echoed
# wait_text TEXT: until $T/tty.out shows TEXT (at most 20 s).
wait_text() {
	_i=0
	while ! grep -q "$1" "$T/tty.out" 2>/dev/null && [ $_i -lt 200 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}
if command -v script >/dev/null 2>&1; then
	: >"$T/tty.out"
	{
		for p in "passphrase for the backup" "the same passphrase again"; do
			wait_text "$p"
			sleep 0.3 # echo goes off just after the prompt
			printf 'correct horse battery\n'
		done
		wait_text "keep the file"
	} | script -qec "'$KITH' --home '$A' backup --out '$T/tty.kb'" \
		/dev/null >"$T/tty.out" 2>&1
	check_match "on a terminal the passphrase is asked for twice" \
		"$(cat "$T/tty.out")" "the same passphrase again"
	check_nomatch "on a terminal the passphrase is not echoed" \
		"$(cat "$T/tty.out")" "correct horse"
	check "on a terminal the backup is written" test -s "$T/tty.kb"
else
	echo "# skipped: script(1) is not installed (the terminal checks)"
fi
kp "$T/pass" run_ok "backup --json" "$A" --json backup --out "$T/alice2.kb"
check_json "--json says file, id, head and hosted" \
	"d['file'] == '$T/alice2.kb' and d['id'] == '$ALICE' and d['seq'] == 3 and d['hosted'] == 1 and d['community'] == 'Elm Street'"
kp "$T/pass" run_ok "a backup replaces an earlier backup" "$A" backup --out "$T/alice2.kb"

# ---- files that do not restore ----------------------------------------------

before=$(listing "$N")
kp "$T/wrong" run_err 1 "wrong passphrase" \
	"a wrong passphrase is one line, exit 1" "$N" restore "$T/alice.kb"
check_eq "a wrong passphrase writes nothing" "$(listing "$N")" "$before"

len=$(wc -c <"$T/alice.kb" | tr -d ' ')
# one byte in the middle of the ciphertext changed
half=$((len / 2))
{
	head -c "$half" "$T/alice.kb"
	tail -c +$((half + 1)) "$T/alice.kb" | head -c 1 | tr '\000-\377' '\001-\377\000'
	tail -c +$((half + 2)) "$T/alice.kb"
} >"$T/tampered.kb"
check "the tampered copy differs by one byte" \
	test "$(cmp -l "$T/alice.kb" "$T/tampered.kb" | wc -l | tr -d ' ')" = 1
kp "$T/pass" run_err 1 "wrong passphrase, or the file was changed or damaged" \
	"a changed byte does not open" "$N" restore "$T/tampered.kb"
head -c $((len - 10)) "$T/alice.kb" >"$T/cut.kb"
kp "$T/pass" run_err 1 "cut short" "a cut file says so" "$N" restore "$T/cut.kb"
{
	printf 'kith-backup 2\n'
	tail -c +15 "$T/alice.kb"
} >"$T/v2.kb"
kp "$T/pass" run_err 1 "newer version of kith; upgrade kith" \
	"a later version asks for a newer kith" "$N" restore "$T/v2.kb"
k "$A" export "$T/bundle.kb"
kp "$T/pass" run_err 1 "not a kith backup" "a bundle is not a backup" \
	"$N" restore "$T/bundle.kb"
run_err 1 "no file" "a missing file" "$N" restore "$T/nothing.kb"
check_eq "none of these wrote anything" "$(listing "$N")" "$before"
run_rc 2 "restore without a file is a usage error" "$N" restore
run_rc 2 "restore with --as is a usage error" "$N" --as "Mrs Okafor" restore "$T/alice.kb"

# ---- never over an identity -------------------------------------------------

sum=$(cksum <"$B/identity")
kp "$T/pass" run_err 1 "already an identity" \
	"restoring over Ben's identity is refused" "$B" restore "$T/alice.kb"
check_eq "Ben's identity is untouched" "$(cksum <"$B/identity")" "$sum"

# ---- restore on a new machine ----------------------------------------------

kp "$T/pass" run_ok "a new machine restores Alice's backup" "$N" --json restore "$T/alice.kb"
check_json "restore --json: her id, head and hosted neighbour" \
	"d['id'] == '$ALICE' and d['seq'] == 3 and d['hosted'] == 1 and d['community'] == 'Elm Street'"
for f in identity head community "hosted/$OKAFOR" "hosted/$OKAFOR.head"; do
	check_eq "restored $f is 0600" "$(mode "$N/$f")" -rw-------
done
kp "$T/pass" run_err 1 "already an identity" "restoring twice is refused" \
	"$N" restore "$T/alice.kb"

refused "before her changes are back, Alice cannot post" "$N" \
	"missing your own earlier changes \\(up to #3\\)" wish add --title "Too early"
run_err 1 "go by their id until you sync" "--as her name before the sync says she goes by her id" \
	"$N" --as "Mrs Okafor" wish add --title "Too early"
refused "nor post for Mrs Okafor" "$N" \
	"missing the earlier changes of [0-9a-f]+, whom you act for \\(up to #2\\)" \
	--as "$(printf %.8s "$OKAFOR")" wish add --title "Too early for her"

run_err 1 "not on this machine yet: sync" "before the bundle, whoami says to sync, not to write a profile" \
	"$N" whoami
carry "$B" "$N" || finish
k "$N" --json whoami
check_json "the new machine is Alice" "d['id'] == '$ALICE'"
run_ok "after Ben's bundle, Alice posts again" "$N" wish add --title "After restore"
W=$OUT
run_ok "and posts for Mrs Okafor with --as" "$N" --as "Mrs Okafor" wish add \
	--title "Soup after restore"
WO=$OUT
k "$N" --json wish show "$WO"
check_json "her wish is hers, entered by Alice" \
	"(d['author'], d['entered_by']) == ('$OKAFOR', 'Alice')"

carry "$N" "$B" || finish
carry "$B" "$N" || finish
carry "$B" "$A" || finish
check_eq "Ben's and the new machine's replicas agree" "$(digest "$N")" "$(digest "$B")"
check_eq "the old machine agrees too" "$(digest "$A")" "$(digest "$B")"
for h in "$N" "$B" "$A"; do
	k "$h" --json members
	check_json "no member forked ($(basename "$h"))" \
		"len(d) == 3 and not any(m.get('forked') for m in d)"
done
k "$B" --json wish show "$W"
check_json "Ben sees Alice's post from the new machine" "d['author'] == '$ALICE'"
k "$N" vector "$T/n.vec"
check_match "Alice's log goes on at #4 (her next seq)" \
	"$(cat "$T/n.vec")" "$ALICE 4"

finish
