#!/bin/sh
# identity.sh - kith init, whoami, community create/invite/join, profile,
# members, and where the data directory is.
. "$(dirname "$0")/lib.sh"

T=$TMP_DIR
A=$T/alice
B=$T/bob

# ---- data directory: --home, $KITH_HOME, $XDG_DATA_HOME, ~ -------------

KITH_HOME=$T/env-home
export KITH_HOME
run_ok "init with \$KITH_HOME" - init --name Env
check_match "init prints the new id as 64 hex characters" "$OUT" "$HEX64"
check_eq "init prints exactly one line on stdout" "$(wc -l <"$T/out" | tr -d ' ')" 1
ENV_ID=$OUT
check "identity is written under \$KITH_HOME" test -f "$T/env-home/identity"
check_eq "identity file has mode 0600" "$(mode "$T/env-home/identity")" "-rw-------"
check_eq "data directory has mode 0700" "$(mode "$T/env-home")" "drwx------"

run_ok "--home wins over \$KITH_HOME" - --home "$T/flag-home" init --name Flag
check "identity is written under --home" test -f "$T/flag-home/identity"
run_ok "--home=DIR works too" - --home="$T/flag-home2" init --name Flag2
check "identity is written under --home=DIR" test -f "$T/flag-home2/identity"
k - whoami
check_match "whoami without --home reads \$KITH_HOME" "$OUT" "$ENV_ID"

unset KITH_HOME
XDG_DATA_HOME=$T/xdg
export XDG_DATA_HOME
run_ok "init with \$XDG_DATA_HOME" - init --name Xdg
check "identity is written to \$XDG_DATA_HOME/kith" test -f "$T/xdg/kith/identity"
unset XDG_DATA_HOME
HOME=$T/home
export HOME
mkdir -p "$HOME"
run_ok "init with only \$HOME" - init --name Home
check "identity is written to ~/.local/share/kith" \
	test -f "$T/home/.local/share/kith/identity"
KITH_HOME=$T/default-home
export KITH_HOME

# ---- init --------------------------------------------------------------

k "$A" --json init --name Alice --building "Elm 4" --unit 12
check_eq "init --json exits 0" "$RC" 0
check_json "init --json prints {id, home}" \
	"len(d['id']) == 64 and d['home'].endswith('alice')"
ALICE=$(json "d['id']")
SUM=$(cksum <"$A/identity")
run_err 1 "exist|overwrit" "init refuses to overwrite an identity" "$A" init --name Mallory
check_eq "the identity file is unchanged" "$(cksum <"$A/identity")" "$SUM"
run_rc 2 "init without --name is a usage error" "$T/none1" init
run_rc 2 "init --name '' is a usage error" "$T/none2" init --name ""
run_rc 2 "init with a stray argument is a usage error" "$T/none3" init --name X extra
check "a refused init writes no identity" test ! -e "$T/none1/identity"

run_ok "whoami" "$A" whoami
check_match "whoami shows the id" "$OUT" "$ALICE"
check_match "whoami shows the name" "$OUT" "^name: +Alice$"
check_match "whoami says there is no community yet" "$OUT" "community: +\(none"
k "$A" --json whoami
check_json "whoami --json: id, name, community null" \
	"d['id'] == '$ALICE' and d['name'] == 'Alice' and d['community'] is None"
check_json "whoami --json: building and unit" \
	"d['building'] == 'Elm 4' and d['unit'] == '12'"

run_err 1 "kith init" "whoami without an identity says to run 'kith init'" \
	"$T/empty" whoami
run_err 1 "kith init" "community create without an identity says to run 'kith init'" \
	"$T/empty" community create Nowhere
run_err 1 "kith init" "item add without an identity says to run 'kith init'" \
	"$T/empty" item add --title Ladder
run_err 1 "kith init" "wish add without an identity says to run 'kith init'" \
	"$T/empty" wish add --title Soup
run_err 1 "kith init" "profile without an identity says to run 'kith init'" \
	"$T/empty" profile --skills x
run_err 1 "no kith data directory" "a data directory that does not exist is named, not created" \
	"$T/empty" item list
check "... and nothing was created" test ! -e "$T/empty"
mkdir -m 700 "$T/empty"
run_ok "listing items needs no identity" "$T/empty" item list
run_ok "digest needs no identity" "$T/empty" digest

# ---- posting before joining a community ---------------------------------

# warnings: how many "kith: warning: ... not joined" lines the last command
# printed
warnings() {
	grep -c "^kith: warning: .*not joined" "$TMP_DIR/err"
}
L=$T/loner
mkdir -p "$L"
run_ok "init before any community" "$L" init --name Lone
check_eq "init gives no 'not joined' warning" "$(warnings)" 0
run_ok "item add before joining" "$L" item add --title Ladder
check_eq "item add before joining warns once" "$(warnings)" 1
run_ok "wish add before joining" "$L" wish add --title Soup
check_eq "wish add before joining warns once" "$(warnings)" 1
run_ok "profile before joining" "$L" profile --skills knitting
check_eq "a profile edit before joining warns once" "$(warnings)" 1
run_ok "community create after posting" "$L" community create "Lone Lane"
check_eq "community create gives no 'not joined' warning" "$(warnings)" 0
check_match "community create says what happened" "$ERR" \
	"you started the community 'Lone Lane'"
run_ok "item add after founding" "$L" item add --title Rake
check_eq "a member of a community is not warned" "$(warnings)" 0

# ---- community ---------------------------------------------------------

run_err 1 "community" "invite before any community says so" "$A" community invite
run_ok "community create" "$A" community create "Elm Street"
CODE=$OUT
check_match "community create prints a kith1 invite code" "$CODE" '^kith1[a-z2-7]+$'
check_eq "community key file has mode 0600" "$(mode "$A/community")" "-rw-------"
k "$A" whoami
check_match "whoami shows the community" "$OUT" "community: +Elm Street"
k "$A" --json whoami
check_json "whoami --json shows the community" "d['community'] == 'Elm Street'"
run_ok "community invite" "$A" community invite
check_eq "community invite prints the same code" "$OUT" "$CODE"
k "$A" --json community invite
check_json "community invite --json: name and invite" \
	"d['invite'] == '''$CODE''' and d['name'] == 'Elm Street'"
run_err 1 "already|belongs" "a second community create is refused" \
	"$A" community create Other
k "$A" community invite
check_eq "the first community is kept" "$OUT" "$CODE"

member "$B" Bob
BOB=$OUT
# one letter changed in the middle of the code
BAD=$(printf '%s\n' "$CODE" | awk '{
	i = 20; c = substr($0, i, 1); n = (c == "a") ? "b" : "a"
	print substr($0, 1, i - 1) n substr($0, i + 1) }')
check_ne "the mistyped code differs from the real one" "$BAD" "$CODE"
run_err 1 "mistyped|checksum" "a mistyped invite code is rejected clearly" \
	"$B" community join "$BAD"
check "a rejected code writes no community file" test ! -e "$B/community"
SHORT=$(printf '%s\n' "$CODE" | cut -c1-40)
run_err 1 "mistyped|checksum|incomplete|short|truncat" \
	"a cut-off invite code is rejected" "$B" community join "$SHORT"
run_err 1 "invite code|kith1" "a word that is no code is rejected" \
	"$B" community join hello
run_rc 2 "community join without a code is a usage error" "$B" community join
check "still no community file" test ! -e "$B/community"

UPPER=$(printf '%s\n' "$CODE" | tr 'a-z' 'A-Z')
C=$T/carol
member "$C" Carol
run_ok "an invite code typed in capitals is accepted" "$C" community join "$UPPER"
D=$T/dave
member "$D" Dave
P1=$(printf '%s\n' "$CODE" | cut -c1-30)
P2=$(printf '%s\n' "$CODE" | cut -c31-)
run_ok "an invite code split in two words is accepted" "$D" community join "$P1" "$P2"
k "$D" --json whoami
check_json "the split code joined the right community" "d['community'] == 'Elm Street'"

run_ok "community join" "$B" community join "$CODE"
check_match "join says what happened, naming the community" "$ERR" \
	"you joined 'Elm Street'"
check_match "... and the next step" "$ERR" "kith daemon"
check_eq "joined community key file has mode 0600" "$(mode "$B/community")" "-rw-------"
k "$B" --json whoami
check_json "whoami after join shows the community" "d['community'] == 'Elm Street'"
run_ok "joining the same community again is fine" "$B" community join "$CODE"
check_match "... and says nothing changed" "$ERR" "already a member of 'Elm Street'"
k "$B" --json community join "$CODE"
check_json "joining again with --json still prints JSON with the name" "d['name'] == 'Elm Street'"
k "$B" community invite
check_eq "a member can pass the same invite code on" "$OUT" "$CODE"

O=$T/olga
member "$O" Olga
community "$O" "Oak Lane"
run_err 1 "another community|already" "joining a second community is refused" \
	"$B" community join "$CODE"
k "$B" --json whoami
check_json "the first community is kept after a refused join" \
	"d['community'] == 'Elm Street'"

# ---- profile and members -----------------------------------------------

D0=$(digest "$B")
run_ok "profile --skills" "$B" profile --skills "plumbing, bikes" --building "Elm 6"
check_ne "profile publishes a change" "$(digest "$B")" "$D0"
k "$B" --json members
check_json "members --json shows the new skills" \
	"[m['skills'] for m in d if m['id'] == '$BOB'] == ['plumbing, bikes']"
check_json "members --json shows the new building" \
	"[m['building'] for m in d if m['id'] == '$BOB'] == ['Elm 6']"
run_ok "profile --name renames" "$B" profile --name Robert
k "$B" --json whoami
check_json "whoami shows the new name" "d['name'] == 'Robert'"
run_rc 2 "profile without a change is a usage error" "$B" profile
run_rc 2 "profile --name '' is a usage error" "$B" profile --name ""

carry "$B" "$A"
carry "$A" "$B"
k "$A" --json members
check_json "members --json: id name building unit hours on every row" \
	"len(d) == 2 and all(set(['id','name','building','unit','hours']) <= set(m) for m in d)"
check_json "Alice's replica knows Bob's profile after a bundle" \
	"[(m['name'], m['skills']) for m in d if m['id'] == '$BOB'] == [('Robert', 'plumbing, bikes')]"
check_json "nobody has hours yet" "all(m['hours'] == 0 for m in d)"
k "$A" members
check_match "members text lists Robert" "$OUT" "Robert"
check_nomatch "members text shows no full hex id" "$OUT" "$BOB"
check_match "members text shows Robert's short id" "$OUT" \
	"Robert +$(printf %.6s "$BOB")"
check_eq "both replicas have the same digest" "$(digest "$A")" "$(digest "$B")"

finish
