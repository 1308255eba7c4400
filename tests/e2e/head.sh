#!/bin/sh
# head.sh - a lost replica must not lose acknowledged posts (issue 7,
# finding 3).  With the identity kept and replica.db deleted, damaged or
# rolled back to an old backup, kith refuses to write (one clear line,
# nothing written) until the replica holds the author's own head again
# (DIR/head, next to the identity); reading still works.  After a restore
# from a neighbour's bundle the next post continues the log: no fork, and
# every earlier post is still there on both replicas.
. "$(dirname "$0")/lib.sh"

T=$TMP_DIR
alice_and_bob

REFUSAL='^kith: this replica is missing your own earlier changes \(up to #%s\); sync with a neighbour \(kith sync ADDR\), import a bundle or restore a backup before writing$'
# refusal N: the exact refusal line for a head at seq N
refusal() {
	# shellcheck disable=SC2059 # the format is ours
	printf "$REFUSAL" "$1"
}
# head_seq DIR: the seq DIR/head records
head_seq() {
	sed -n 's/^seq \([0-9][0-9]*\)$/\1/p' "$1/head"
}
# titles DIR: every item and wish title, sorted, one line
titles() {
	{
		k "$1" --json item list --all
		json "'\n'.join(i['title'] for i in d)"
		k "$1" --json wish list --all
		json "'\n'.join(w['title'] for w in d)"
	} | sort | tr '\n' ' '
}
# no_fork DESC DIR: 'kith members' shows nobody FORKED
no_fork() {
	k "$2" members
	if [ "$RC" = 0 ] && ! printf '%s\n' "$OUT" | grep -q FORKED; then
		pass "$1"
	else
		fail "$1" "$(last)"
	fi
}
lose() {
	rm -f "$1/replica.db" "$1/replica.db-wal" "$1/replica.db-shm"
}

# ---- the head file -------------------------------------------------------

# Alice's changes so far (her profile, the community's genesis record):
# every seq below counts from here
S=$(head_seq "$A")
check_match "init and community create record Alice's head" "$S" '^[1-9][0-9]*$'
k "$A" item add --title "Ladder"
k "$A" wish add --title "Soup pot" --urgency low
check "a head file sits next to the identity" test -f "$A/head"
check_eq "the head file is 0600" "$(mode "$A/head")" "-rw-------"
check_eq "the head file starts with 'kith-head 1'" "$(head -n 1 "$A/head")" "kith-head 1"
check_eq "the head file names Alice" "$(sed -n 's/^author //p' "$A/head")" "$ALICE"
check_eq "the head file records Alice's seq after an item and a wish" "$(head_seq "$A")" $((S + 2))
check "no temporary head file is left" test -z "$(find "$A" -name '*.tmp')"

carry "$A" "$B"
k "$B" export "$T/b-early.kb" # Bob's bundle without Alice's next post
k "$A" item add --title "Drill"
check_eq "each post moves the head file on" "$(head_seq "$A")" $((S + 3))
carry "$A" "$B"
k "$B" export "$T/b-full.kb" # and with it
BEFORE=$(titles "$A")
check_eq "Alice's posts before the loss" "$BEFORE" "Drill Ladder Soup pot "

# ---- replica.db deleted -------------------------------------------------

lose "$A"
run_ok "reading works with the replica gone" "$A" item list --all
run_ok "members works with the replica gone" "$A" members
refused "a post after replica.db was deleted" "$A" "$(refusal $((S + 3)))" \
	item add --title "Hammer"
refused "a wish after replica.db was deleted" "$A" "$(refusal $((S + 3)))" \
	wish add --title "Bread"
refused "a profile edit after replica.db was deleted" "$A" "$(refusal $((S + 3)))" \
	profile --building "No. 9"
check_eq "the refusals leave the head file alone" "$(head_seq "$A")" $((S + 3))
k "$A" --json item list --all
check_json "the refused post is not there" "d == []"

# a bundle that lacks the newest post is not enough
run_ok "import Bob's early bundle" "$A" import "$T/b-early.kb"
refused "a post with Alice's log restored all but her newest post" "$A" "$(refusal $((S + 3)))" \
	item add --title "Hammer"
run_ok "import Bob's full bundle" "$A" import "$T/b-full.kb"
run_ok "with the log restored, Alice posts again" "$A" item add --title "Hammer"
check_eq "the new post continues Alice's log" "$(head_seq "$A")" $((S + 4))
carry "$A" "$B"
carry "$B" "$A"
no_fork "no FORKED on Alice's replica" "$A"
no_fork "no FORKED on Bob's replica" "$B"
check_eq "every post is on Alice's replica" "$(titles "$A")" "Drill Hammer Ladder Soup pot "
check_eq "every post is on Bob's replica" "$(titles "$B")" "Drill Hammer Ladder Soup pot "
check_eq "both replicas agree" "$(digest "$A")" "$(digest "$B")"

# ---- replica.db damaged ------------------------------------------------

cp "$A/replica.db" "$T/a-backup.db" # a backup (kith leaves no WAL)
check "no WAL is left behind to copy" test ! -e "$A/replica.db-wal"
k "$A" item add --title "Wheelbarrow" # only on Alice's machine so far
carry "$A" "$B"
k "$B" export "$T/b-late.kb" # Bob's bundle with it
dd if=/dev/urandom of="$A/replica.db" bs=1024 count=8 conv=notrunc 2>/dev/null
run_err 1 "^kith: cannot open replica" "a damaged replica cannot be written" \
	"$A" item add --title "Rake"
mv "$A/replica.db" "$T/a-damaged.db"
lose "$A"
refused "a post with the damaged replica moved aside" "$A" "$(refusal $((S + 5)))" \
	item add --title "Rake"

# restoring the backup brings it back one post: still behind
cp "$T/a-backup.db" "$A/replica.db"
run_ok "reading works from the old backup" "$A" item list --all
refused "a post on an old backup" "$A" "$(refusal $((S + 5)))" item add --title "Rake"
run_ok "import Bob's bundle into the backup" "$A" import "$T/b-late.kb"
run_ok "then Alice posts again" "$A" item add --title "Rake"
check_eq "the next post continues Alice's log" "$(head_seq "$A")" $((S + 6))
carry "$A" "$B"
carry "$B" "$A"
no_fork "still no FORKED on Alice's replica" "$A"
no_fork "still no FORKED on Bob's replica" "$B"
ALL="Drill Hammer Ladder Rake Soup pot Wheelbarrow "
check_eq "every post is on Alice's replica after the damage" "$(titles "$A")" "$ALL"
check_eq "every post is on Bob's replica after the damage" "$(titles "$B")" "$ALL"
check_eq "both replicas agree again" "$(digest "$A")" "$(digest "$B")"

# ---- the head file lost, or from before head files ---------------------

rm "$A/head"
run_ok "without a head file the replica is the truth" "$A" whoami
check_eq "opening with the identity writes a new head file" "$(head_seq "$A")" $((S + 6))
check_eq "the new head file is 0600" "$(mode "$A/head")" "-rw-------"
rm "$A/head"
run_ok "a post without a head file" "$A" item add --title "Pliers"
check_eq "the post records its head" "$(head_seq "$A")" $((S + 7))
# a damaged head file: a warning, and the replica is the truth
echo "kith-head 1" >"$A/head"
k "$A" item add --title "Saw"
check_eq "a post with a damaged head file works" "$RC" 0
check_match "it warns about the damaged head file" "$ERR" "^kith: warning: '.*/head' is damaged"
check_eq "and writes a good one" "$(head_seq "$A")" $((S + 8))
# opening with the identity (as the daemon does) never lowers the record
lose "$A"
k "$A" whoami
check_eq "opening a lost replica leaves the head file alone" "$(head_seq "$A")" $((S + 8))

finish
