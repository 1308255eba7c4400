#!/bin/sh
# devices.sh - one person on two devices (kith device add, kith init
# --link, kith device list): Xu links her phone to her laptop; the phone
# posts, the laptop edits the phone's post and the phone the laptop's;
# every replica shows one member, Xu, as the author of both; Ben's offer
# on the phone's wish is accepted and confirmed from the laptop and the
# hours are Ben's; the link code is refused where it does not belong,
# and a link code run twice never forks the device's log.  The laptop
# removes the lost phone: what it wrote before stays, what it writes
# after is gone everywhere.  Ben hands Mrs Okafor, whom he hosts, over to
# a phone of her own: he keeps no key, nobody shows a host for her.  Mei
# loses the only phone with her key: Xu, a coordinator, replaces it with
# her new phone's (kith member replace); the new phone writes as Mei, the
# old phone's later wish counts nowhere, Ben may not, and a malformed id
# is a usage error.
. "$(dirname "$0")/lib.sh"

T=$TMP_DIR
L=$T/laptop
P=$T/phone
B=$T/ben
member "$L" Xu || finish
XU=$OUT
community "$L" "Elm Street" || finish
INVITE=$CODE
member "$B" Ben || finish
BEN=$OUT
join "$B" || finish
carry "$B" "$L" || finish

# ---- linking ---------------------------------------------------------------

run_ok "the laptop's wish" "$L" wish add --title "Soup for Sunday"
SOUP=$OUT
run_ok "kith device add" "$L" device add
check_match "device add prints a link code" "$OUT" '^kithlink1[a-z2-7]+$'
LINK=$OUT
check_match "device add says what to run on the new device" "$ERR" \
	"kith init --link CODE"
check_match "... and that the code is a secret" "$ERR" "Keep the code secret"
k "$L" --json device list
check_json "device list --json: the member key here, then the new device" \
	"[(x['member_key'], x['here']) for x in d] == [(True, True), (False, False)] and d[0]['key'] == '$XU'"
DEVICE=$(json "d[1]['key']")

run_err 1 "invite code, not a link code" "init --link with an invite code says so" \
	"$P" init --link "$INVITE"
# the 20th letter turned into another (a to b, anything else to a)
BAD=$(printf %s "$LINK" | "$PY" -S -E -c 'import sys; c = sys.stdin.read(); print(c[:19] + ("b" if c[19] == "a" else "a") + c[20:])')
run_err 1 "mistyped" "a link code with one letter changed is refused" \
	"$P" init --link "$BAD"
run_err 1 "not a link code" "a random word is refused" "$P" init --link kithfoo
run_rc 2 "--link with --name is a usage error" "$P" init --link "$LINK" --name Xu
check "nothing was written by the refusals" test ! -e "$P/identity"
run_err 1 "identity already exists" "--link where an identity is refuses" \
	"$B" init --link "$LINK"

run_ok "kith init --link CODE on the phone" "$P" init --link "$LINK"
check_eq "it prints the device key" "$OUT" "$DEVICE"
check_match "it says to sync next" "$ERR" "sync with your other machine"
check_eq "the phone's key file is 0600" "$(mode "$P/identity")" -rw-------
check_eq "DIR/member is 0600" "$(mode "$P/member")" -rw-------
run_ok "the same code again on the phone (finishes, changes nothing)" \
	"$P" init --link "$LINK"
run_err 1 "missing your own earlier changes" \
	"before it syncs, the phone refuses to write (it would fork its log)" \
	"$P" wish add --title "too early"
k "$L" device add --help
check_match "device add --help" "$OUT" "device add"

# ---- posting from both ----------------------------------------------------

carry "$L" "$P" || finish
k "$P" --json whoami
check_json "the phone is Xu" "d['id'] == '$XU' and d['name'] == 'Xu'"
run_ok "the phone posts a wish" "$P" wish add --title "Bread on Friday"
BREAD=$OUT
run_ok "the phone edits the laptop's wish" "$P" wish edit "$SOUP" \
	--title "Soup for Sunday (2 bowls)"
carry "$P" "$L" || finish
carry "$L" "$B" || finish
run_ok "the laptop edits the phone's wish" "$L" wish edit "$BREAD" \
	--title "Bread on Friday (rye)"
carry "$L" "$B" || finish
carry "$L" "$P" || finish
for h in "$L" "$P" "$B"; do
	k "$h" --json wish show "$BREAD"
	check_json "$(basename "$h"): the phone's wish is Xu's, edited on the laptop" \
		"d['author'] == '$XU' and d['title'] == 'Bread on Friday (rye)'"
	k "$h" --json wish show "$SOUP"
	check_json "$(basename "$h"): the laptop's wish, edited on the phone" \
		"d['author'] == '$XU' and d['title'] == 'Soup for Sunday (2 bowls)'"
	k "$h" --json members
	check_json "$(basename "$h"): two members, Xu once (no member for the device key)" \
		"sorted(m['name'] for m in d) == ['Ben', 'Xu']"
done
k "$P" --json wish list --mine
check_json "wish list --mine on the phone lists both of Xu's" \
	"sorted(w['id'] for w in d) == sorted(['$BREAD', '$SOUP'])"

# ---- someone else's help, accepted on the other device -------------------

run_ok "Ben offers help with the phone's wish" "$B" wish claim "$BREAD"
OFFER=$OUT
carry "$B" "$L" || finish
run_ok "the laptop accepts Ben's offer" "$L" wish accept "$OFFER"
carry "$L" "$B" || finish
run_ok "Ben delivers" "$B" wish deliver "$OFFER"
carry "$B" "$P" || finish
# Xu founded the community: her phone is a coordinator's device too, and
# its verifications count (hours go only between verified members)
run_ok "the phone (a coordinator's device) verifies Ben" "$P" member verify \
	"$BEN" --building Elm --unit 2
run_ok "... and Xu" "$P" member verify "$XU" --building Elm --unit 1
run_ok "the phone confirms with 1.5 hours" "$P" wish confirm "$BREAD" --hours 1.5
carry "$P" "$B" || finish
carry "$P" "$L" || finish
for h in "$L" "$B"; do
	k "$h" --json hours Ben
	check_json "$(basename "$h"): Ben earned 1.5 hours" "abs(d['earned'] - 1.5) < 1e-9"
done


# ---- only the member key links devices -------------------------------------

run_err 1 "linked device" "the phone cannot link a device (no member key there)" \
	"$P" device add
k "$P" --json device list
check_json "device list on the phone: this machine is the linked device" \
	"[(x['member_key'], x['here']) for x in d] == [(True, False), (False, True)]"
k "$B" --json device list
check_json "Ben has no devices but his own key" \
	"[(x['key'], x['member_key']) for x in d] == [('$BEN', True)]"

# ---- a lost phone ------------------------------------------------------------

carry "$P" "$L" || finish
run_err 1 "your member key" "device remove of the member key is refused" \
	"$L" device remove "$XU"
run_err 1 "no device of yours" "device remove of Ben's key is refused" \
	"$L" device remove "$BEN"
run_err 1 "linked device" "the phone cannot remove devices" \
	"$P" device remove "$DEVICE"
run_ok "the laptop removes the phone" "$L" device remove "$(printf %.10s "$DEVICE")"
check_eq "device remove prints the device's key" "$OUT" "$DEVICE"
check_match "... and says what stays and what is ignored" "$ERR" \
	"changes so far stay, anything it writes later is ignored"
k "$L" --json device list
check_json "device list no longer shows the phone" \
	"[x['key'] for x in d] == ['$XU']"
# whoever has the phone posts before the removal reaches it
run_ok "the phone posts once more (it has not heard yet)" "$P" wish add \
	--title "Send money to this account"
LATE=$OUT
carry "$P" "$B" || finish
k "$B" --json wish show "$LATE"
check_json "Ben sees it for now (the removal has not reached him)" \
	"d['title'] == 'Send money to this account'"
carry "$L" "$B" || finish
run_rc 1 "once the removal reaches Ben, the late wish is gone" "$B" wish show "$LATE"
k "$B" --json wish show "$BREAD"
check_json "... and what the phone wrote before stays, Xu's" \
	"d['author'] == '$XU' and d['title'] == 'Bread on Friday (rye)'"
carry "$P" "$L" || finish
run_rc 1 "the laptop never shows the late wish" "$L" wish show "$LATE"
carry "$L" "$P" || finish
run_err 1 "this device was removed" "the phone, told, refuses to write" \
	"$P" wish add --title "one more"

# ---- a hosted neighbour gets a phone of her own ------------------------------

O=$T/okafor
run_ok "Ben hosts Mrs Okafor" "$B" member host --name "Mrs Okafor"
OKAFOR=$OUT
run_ok "Ben posts a wish for her" "$B" --as "Mrs Okafor" wish add --title "Milk, please"
MILK=$OUT
run_err 1 "is hosted on this machine" "handover of someone Ben does not host is refused" \
	"$B" member handover Xu
run_ok "kith member handover" "$B" member handover "Mrs Okafor"
check_match "it prints a link code" "$OUT" '^kithlink1[a-z2-7]+$'
HAND=$OUT
check_match "it says Ben keeps no key and the code is the only copy" "$ERR" \
	"no longer holds their key.*only copy"
check "Ben's machine no longer holds her key" test ! -e "$B/hosted/$OKAFOR"
run_err 1 "is hosted on this machine" "--as her on Ben's machine is refused now" \
	"$B" --as "Mrs Okafor" wish add --title "x"
k "$B" --json member hosted
check_json "member hosted no longer lists her" "d == []"
run_ok "her phone: kith init --link CODE" "$O" init --link "$HAND"
check_eq "it prints her own member key" "$OUT" "$OKAFOR"
check_match "it says the phone holds her member key" "$ERR" "holds your own member key"
check "no DIR/member on her phone: the key is her own" test ! -e "$O/member"
carry "$B" "$O" || finish
k "$O" --json whoami
check_json "her phone is Mrs Okafor" "d['id'] == '$OKAFOR' and d['name'] == 'Mrs Okafor'"
run_ok "she posts from her phone" "$O" wish add --title "Bread too"
BREAD2=$OUT
run_ok "... and edits the wish Ben entered for her" "$O" wish edit "$MILK" --title "Milk, 2 litres"
carry "$O" "$B" || finish
carry "$B" "$L" || finish
for h in "$B" "$L" "$O"; do
	k "$h" --json members
	check_json "$(basename "$h"): nobody hosts her any more" \
		"[(m['host'], m['host_name']) for m in d if m['id'] == '$OKAFOR'] == [(None, None)]"
done
k "$L" --json wish show "$MILK"
check_json "the wish Ben entered stays hers, with her edit" \
	"d['author'] == '$OKAFOR' and d['title'] == 'Milk, 2 litres'"
k "$L" --json wish show "$BREAD2"
check_json "the wish from her phone is hers" "d['author'] == '$OKAFOR'"

# ---- a member who lost the only device with their key ------------------------
# Mei's one phone held her member key; it is stolen.  She makes a new
# identity on a new phone, Xu (a coordinator) names it: the new phone
# writes as Mei, and what the old one writes afterwards counts nowhere.

M=$T/mei
N=$T/mei-new
member "$M" Mei || finish
MEI=$OUT
join "$M" || finish
carry "$L" "$M" || finish
run_ok "Mei posts a wish" "$M" wish add --title "Ladder for the weekend"
LADDER=$OUT
carry "$M" "$L" || finish
run_ok "Xu verifies Mei" "$L" member verify Mei --building Elm --unit 3
carry "$L" "$B" || finish
run_ok "Ben offers to bring a ladder" "$B" wish claim "$LADDER"
LOFFER=$OUT
carry "$B" "$M" || finish
carry "$L" "$M" || finish
run_ok "Mei accepts" "$M" wish accept "$LOFFER"
carry "$M" "$B" || finish
run_ok "Ben delivers" "$B" wish deliver "$LOFFER"
carry "$B" "$M" || finish
run_ok "Mei confirms with 2 hours" "$M" wish confirm "$LADDER" --hours 2
carry "$M" "$L" || finish
carry "$L" "$B" || finish

# her phone is gone: a new identity on a new phone, in the community
member "$N" Mei || finish
join "$N" || finish
k "$N" --json whoami
NEW=$(json "d['id']")
check_match "the new phone has an id of its own" "$NEW" "$HEX64"

k "$L" member replace --help
check_match "member replace --help shows the synopsis" "$OUT" \
	"replace MEMBER --with ID"
run_rc 2 "member replace without --with is a usage error" "$L" member replace Mei
run_rc 2 "member replace without a member is a usage error" "$L" member replace \
	--with "$NEW"
snapshot "$L" "$T/replace.before"
k "$L" digest
DBEFORE=$OUT
run_rc 2 "--with a malformed id is a usage error" "$L" member replace Mei \
	--with "12ab-not-an-id"
run_rc 2 "--with an id one character short is a usage error" "$L" member \
	replace Mei --with "$(printf %.63s "$NEW")"
same_state "the usage errors wrote nothing" "$L" "$T/replace.before"
refused "Ben (no coordinator) replaces Mei's key" "$B" "coordinator" \
	member replace Mei --with "$NEW"
k "$B" digest
DBEN=$OUT
refused "the new key may not be Ben's own (his posts would become Mei's)" \
	"$L" "" member replace Mei --with "$BEN"
refused "nor Mei's own key" "$L" "" member replace Mei --with "$MEI"
k "$L" digest
check_eq "the refusals changed nothing on the laptop" "$OUT" "$DBEFORE"

# the sentence people read, on a copy of the laptop that syncs with nobody
cp -R "$L" "$T/laptop-copy"
run_ok "member replace (text)" "$T/laptop-copy" member replace Mei --with "$NEW"
check_eq "it prints the new key" "$OUT" "$NEW"
check_match "it says who was replaced and that the new machine writes as them" \
	"$ERR" "^Mei's key is replaced: the machine [0-9a-f]{12} now writes as them"
check_match "... that the old keys' later changes are ignored everywhere" \
	"$ERR" "writes from now on is ignored everywhere"
check_match "... and to link the other devices again from the new machine" \
	"$ERR" "link their other devices again from the new machine"
rm -rf "$T/laptop-copy"

run_ok "Xu replaces Mei's key (--json)" "$L" --json member replace \
	"$(printf %.10s "$MEI")" --with "$(printf %s "$NEW" | sed 's/.\{8\}/& /g')"
check_json "--json: member, name, key, cut" \
	"d['member'] == '$MEI' and d['name'] == 'Mei' and d['key'] == '$NEW' and isinstance(d['cut'], int) and d['cut'] >= 1"
refused "the same key twice is refused" "$L" "" member replace Mei --with "$NEW"

# the thief posts from the old phone before the replacement reaches it
run_ok "the old phone posts (it has not heard)" "$M" wish add \
	--title "Send money to this account"
THIEF=$OUT
carry "$M" "$L" || finish
carry "$L" "$N" || finish
carry "$L" "$B" || finish
k "$N" --json whoami
check_json "whoami on the new phone: Mei, by her member id" "d['name'] == 'Mei' and d['id'] == '$MEI'"
run_ok "the new phone posts a wish" "$N" wish add --title "Soup from the new phone"
NSOUP=$OUT
carry "$N" "$L" || finish
carry "$L" "$B" || finish
carry "$L" "$M" || finish
run_err 1 "a coordinator replaced this machine's key" \
	"the old phone, told, refuses to write" "$M" wish add --title "one more"
carry "$M" "$L" || finish
carry "$L" "$N" || finish
for h in "$L" "$N" "$B"; do
	n=$(basename "$h")
	k "$h" --json members
	check_json "$n: Mei once, with her name" \
		"[(m['id'], m['name']) for m in d if m['name'] == 'Mei' or m['id'] in ('$MEI', '$NEW')] == [('$MEI', 'Mei')]"
	k "$h" --json wish show "$LADDER"
	check_json "$n: Mei's wish is still hers" "d['author'] == '$MEI'"
	k "$h" --json wish show "$NSOUP"
	check_json "$n: the new phone's wish is Mei's" "d['author'] == '$MEI'"
	run_rc 1 "$n: the old phone's wish after the replacement is nowhere" \
		"$h" wish show "$THIEF"
	k "$h" --json hours Ben
	check_json "$n: Ben's hours for Mei's ladder still count (1.5 + 2)" \
		"abs(d['earned'] - 3.5) < 1e-9"
done
k "$B" digest
check "Ben's replica moved on since his refusal (the replacement reached it)" \
	test "$OUT" != "$DBEN"

# ---- the same everywhere -----------------------------------------------------

carry "$B" "$L" || finish
carry "$O" "$L" || finish
carry "$L" "$P" || finish
carry "$P" "$B" || finish
carry "$B" "$O" || finish
carry "$O" "$M" || finish
carry "$O" "$N" || finish
k "$L" digest
DL=$OUT
k "$P" digest
check_eq "laptop and phone have the same digest" "$OUT" "$DL"
k "$B" digest
check_eq "laptop and Ben have the same digest" "$OUT" "$DL"
k "$O" digest
check_eq "laptop and Mrs Okafor's phone have the same digest" "$OUT" "$DL"
k "$N" digest
check_eq "laptop and Mei's new phone have the same digest" "$OUT" "$DL"
k "$M" digest
check_eq "laptop and Mei's old phone have the same digest" "$OUT" "$DL"

finish
