#!/bin/sh
# privacy.sh - private parts of wishes and profiles (--private,
# --private-to): sealed to the author, the coordinators, named members and
# a wish's accepted helper; everyone else sees "(sealed for N members)",
# and replicas that cannot open a private part hold only ciphertext - no
# file in their data directory contains the plaintext.
#
# Alice created the community (coordinator); Bob posts; Carol helps; Dave
# is a neighbour who is never a recipient until named.  They meet only
# through bundles carried via Alice.
. "$(dirname "$0")/lib.sh"

T=$TMP_DIR
alice_and_bob
C=$T/carol
D=$T/dave
member "$C" Carol || finish
join "$C" || finish
member "$D" Dave || finish
DAVE=$OUT
join "$D" || finish

# everything to Alice, then Alice's everything to the others
sync_all() {
	for _h in "$B" "$C" "$D"; do carry "$_h" "$A" || return 1; done
	for _h in "$B" "$C" "$D"; do carry "$A" "$_h" || return 1; done
}
sync_all || finish

SECRET="Flat 4B, phone 0176 555 1234"
NEEDLE="0176 555 1234"
TITLE="Lift to the clinic on Friday"

# private DIR WISH: the private line of `wish show` (text)
private() {
	k "$1" wish show "$2"
	printf '%s\n' "$OUT" | sed -n 's/^private  *//p'
}
# holds DIR TEXT: some file under DIR contains TEXT (any bytes)
holds() {
	grep -r -a -F -q -- "$2" "$1"
}

# ---- the author ---------------------------------------------------------

run_ok "Bob posts a wish with --private" "$B" wish add --title "$TITLE" \
	--urgency urgent --private "$SECRET"
check_match "wish add prints the new id" "$OUT" "$HEX32"
W=$OUT
check_eq "the author reads his own private part" "$(private "$B" "$W")" "$SECRET"
k "$B" --json wish show "$W"
check_json "wish show --json: private has the text, private_sealed false" \
	"d['private'] == '$SECRET' and d['private_sealed'] is False and d['title'] == '$TITLE'"
k "$B" wish list
check_nomatch "wish list (text) never shows the private part" "$OUT" "$NEEDLE|Flat 4B"
k "$B" --json wish list
check_json "wish list --json has no private field" \
	"len(d) == 1 and all('private' not in w for w in d)"
check_nomatch "wish list --json never shows the private part" "$OUT" "$NEEDLE"
check "Bob's own replica stores only ciphertext" sh -c \
	"! grep -r -a -F -q -- '$NEEDLE' '$B'"

sync_all || finish

# ---- coordinator, neighbours --------------------------------------------

check_eq "Alice (coordinator) reads it" "$(private "$A" "$W")" "$SECRET"
k "$A" --json wish show "$W"
check_json "Alice: --json private is the text" "d['private'] == '$SECRET'"
check_eq "Carol cannot read it: sealed for Bob and Alice" \
	"$(private "$C" "$W")" "(sealed for 2 members)"
k "$C" wish show "$W"
check_match "Carol still sees the public fields" "$OUT" "$TITLE"
k "$C" --json wish show "$W"
check_json "Carol: --json private null, private_sealed true" \
	"d['private'] is None and d['private_sealed'] is True"
check_eq "Dave cannot read it" "$(private "$D" "$W")" "(sealed for 2 members)"

# ---- accepting a helper shares it ----------------------------------------

run_ok "Carol offers help" "$C" wish claim "$W"
CLAIM_C=$OUT
run_ok "Dave offers help too" "$D" wish claim "$W"
carry "$C" "$B" && carry "$D" "$B"
check_eq "before accepting, Carol still cannot read it" \
	"$(private "$C" "$W")" "(sealed for 2 members)"
run_ok "Bob accepts Carol's claim" "$B" wish accept "$CLAIM_C"
check_eq "the author still reads it after re-sealing" \
	"$(private "$B" "$W")" "$SECRET"
sync_all || finish
check_eq "Carol, the accepted helper, now reads it" "$(private "$C" "$W")" "$SECRET"
k "$C" --json wish show "$W"
check_json "Carol: --json private is the text once accepted" \
	"d['private'] == '$SECRET' and d['private_sealed'] is False and d['status'] == 'claimed'"
check_eq "Alice still reads it" "$(private "$A" "$W")" "$SECRET"
check_eq "Dave, whose claim was not accepted, still cannot" \
	"$(private "$D" "$W")" "(sealed for 3 members)"

# ---- what Dave's disk holds ---------------------------------------------

check "Dave's data directory holds the wish title (the search works)" \
	holds "$D" "$TITLE"
check "no file in Dave's data directory contains the phone number" \
	sh -c "! grep -r -a -F -q -- '$NEEDLE' '$D'"
check "no file in Dave's data directory contains the address" \
	sh -c "! grep -r -a -F -q -- 'Flat 4B' '$D'"
check "not even on the replicas that can open it (Alice, Carol)" \
	sh -c "! grep -r -a -F -q -- '$NEEDLE' '$A' '$C'"

# ---- --private-to -------------------------------------------------------

run_ok "Bob names Dave with --private-to (by name)" "$B" wish add \
	--title "Water the plants" --private "Key under the blue pot" \
	--private-to Dave
W2=$OUT
run_ok "--private-to takes a member id too" "$B" wish add \
	--title "Feed the cat" --private "Door code 4711" \
	--private-to "$(printf %.10s "$DAVE")" --private-to Carol
W3=$OUT
sync_all || finish
check_eq "Dave reads the wish he was named for" \
	"$(private "$D" "$W2")" "Key under the blue pot"
check_eq "Alice (coordinator) reads it too" \
	"$(private "$A" "$W2")" "Key under the blue pot"
check_eq "Carol, not named, cannot" "$(private "$C" "$W2")" \
	"(sealed for 3 members)"
check_eq "two --private-to: Dave reads" "$(private "$D" "$W3")" "Door code 4711"
check_eq "two --private-to: Carol reads" "$(private "$C" "$W3")" "Door code 4711"

# ---- editing the private part -------------------------------------------

run_ok "Bob edits the private part of the accepted wish" "$B" wish edit "$W" \
	--private "Flat 4B, phone 0176 555 9999"
sync_all || finish
check_eq "the accepted helper reads the new text without being named" \
	"$(private "$C" "$W")" "Flat 4B, phone 0176 555 9999"
check_eq "Alice reads the new text" "$(private "$A" "$W")" \
	"Flat 4B, phone 0176 555 9999"
check_eq "Dave still cannot" "$(private "$D" "$W")" "(sealed for 3 members)"
run_ok "an edit of other fields keeps the private part" "$B" wish edit "$W" \
	--urgency critical
check_eq "private part unchanged by the edit" "$(private "$B" "$W")" \
	"Flat 4B, phone 0176 555 9999"
run_ok "wish edit --private \"\" removes it" "$B" wish edit "$W2" --private ""
k "$B" wish show "$W2"
check_nomatch "no private line once removed" "$OUT" "^private"
k "$B" --json wish show "$W2"
check_json "--json after removal: private null, private_sealed false" \
	"d['private'] is None and d['private_sealed'] is False"

# ---- a coordinator granted later is a reader of what is sealed later -----

run_ok "Alice makes Dave a coordinator" "$A" role grant Dave coordinator
sync_all || finish
run_ok "Bob posts another private wish" "$B" wish add --title "Shopping" \
	--private "Pick up at Flat 4B after 6"
W4=$OUT
sync_all || finish
check_eq "Dave, now a coordinator, reads it" "$(private "$D" "$W4")" \
	"Pick up at Flat 4B after 6"
check_eq "Carol cannot" "$(private "$C" "$W4")" "(sealed for 3 members)"

# ---- profile ------------------------------------------------------------

PSECRET="Allergic to penicillin; spare key with unit 3"
run_ok "Carol sets a private profile part" "$C" profile --private "$PSECRET"
k "$C" whoami
check_match "whoami shows her own private part" "$OUT" \
	"^private: +Allergic to penicillin; spare key with unit 3$"
k "$C" --json whoami
check_json "whoami --json: private is the text" \
	"d['private'] == '$PSECRET' and d['private_sealed'] is False and d['name'] == 'Carol'"
k "$C" members
check_nomatch "members never shows a private part" "$OUT" "penicillin"
k "$C" --json members
check_json "members --json has no private field" \
	"all('private' not in m for m in d)"
sync_all || finish
k "$A" members
check_nomatch "the coordinator's members list does not show it either" \
	"$OUT" "penicillin"
k "$A" whoami
check_nomatch "Alice's whoami shows no private part (she set none)" \
	"$OUT" "penicillin|^private"
run_ok "profile --private-to" "$B" profile --private "Spare key: Carol" \
	--private-to Carol
k "$B" whoami
check_match "Bob's whoami shows his" "$OUT" "^private: +Spare key: Carol$"
run_ok "profile --private \"\" removes it" "$B" profile --private ""
k "$B" --json whoami
check_json "whoami --json after removal: private null, not sealed" \
	"d['private'] is None and d['private_sealed'] is False"
check "Bob's data directory does not hold Carol's profile secret" \
	sh -c "! grep -r -a -F -q -- 'penicillin' '$B'"

# ---- errors -------------------------------------------------------------

refused "an unknown --private-to member" "$B" "no member 'zed'" \
	wish add --title "Ladder" --private "Flat 4B" --private-to Zed
refused "an unknown --private-to member on profile" "$B" "no member" \
	profile --private "x" --private-to Zed
run_err 2 "--private-to needs --private" "wish add --private-to without --private" \
	"$B" wish add --title "Ladder" --private-to Carol
run_err 2 "--private-to needs --private" "wish edit --private-to without --private" \
	"$B" wish edit "$W" --private-to Carol
run_err 2 "--private-to needs --private" "profile --private-to without --private" \
	"$B" profile --private-to Carol
run_err 2 "empty" "wish add --private \"\" is a usage error" \
	"$B" wish add --title "Ladder" --private ""
run_err 2 "needs a value" "--private without a value" "$B" wish add --title x --private
LONG=$(awk 'BEGIN { while (i++ < 4000) printf "a" }')
refused "a private part too long to seal" "$B" "too long.*at most [0-9]+ bytes" \
	wish add --title "Ladder" --private "$LONG"
run_err 1 "another member" "editing the private part of another's wish" \
	"$A" wish edit "$W" --private "mine now"
run_err 2 "belong to 'kith profile'" "init does not take --private" \
	"$T/eve" init --name Eve --private x

finish
