#!/bin/sh
# hosted.sh - a neighbour without a device, hosted on Ben's machine
# (kith member host, --as, wish add --for, checkin --for): her whole wish
# lifecycle through the host, with Alice's help carried by bundles; the
# hours are hers, never Ben's; every replica shows who hosts her and who
# entered her posts; her key opens only on Ben's machine.
. "$(dirname "$0")/lib.sh"

T=$TMP_DIR
A=$T/alice
B=$T/ben
member "$A" Alice || finish
ALICE=$OUT
community "$A" "Elm Street" || finish
member "$B" Ben || finish
BEN=$OUT
join "$B" || finish

# ---- hosting ---------------------------------------------------------------

run_ok "Ben hosts Mrs Okafor" "$B" member host --name "Mrs Okafor" \
	--building Elm --unit 4
check_match "member host prints her id (64 hex)" "$OUT" "$HEX64"
OKAFOR=$OUT
check_match "member host says what she is now and how to act for her" "$ERR" \
	"Mrs Okafor is now a member, hosted on this machine.*kith --as \"Mrs Okafor\""
check_eq "her key is in Ben's hosted/, 0600" "$(mode "$B/hosted/$OKAFOR")" -rw-------
check_eq "hosted/ is 0700" "$(mode "$B/hosted")" drwx------
run_rc 2 "member host without --name is a usage error" "$B" member host --building Elm
k "$B" --json member hosted
check_json "member hosted --json lists her with building and unit" \
	"[(h['id'], h['name'], h['building'], h['unit']) for h in d] == [('$OKAFOR', 'Mrs Okafor', 'Elm', '4')]"
k "$B" member hosted
check_match "member hosted lists her by name" "$OUT" "^Mrs Okafor +$(printf %.8s "$OKAFOR")"
k "$A" member hosted
check_match "Alice hosts nobody: she is told how to" "$ERR" "member host --name"

carry "$B" "$A" || finish
k "$A" --json members
check_json "Alice's replica: Mrs Okafor is hosted by Ben" \
	"[(m['host'], m['host_name']) for m in d if m['id'] == '$OKAFOR'] == [('$BEN', 'Ben')]"
check_json "Alice's replica: Ben and Alice have no host" \
	"[m['host'] for m in d if m['id'] != '$OKAFOR'] == [None, None]"

# ---- acting as her ---------------------------------------------------------

run_err 1 "nobody called 'Mrs Smith' is hosted" "--as someone not hosted here is refused" \
	"$B" --as "Mrs Smith" wish add --title "x"
run_err 1 "nobody called 'Alice' is hosted" "--as a member who is not hosted here is refused" \
	"$B" --as Alice wish add --title "x"
run_err 1 "not someone you act for" "a hosted member cannot host" \
	"$B" --as "Mrs Okafor" member host --name "Someone"
run_rc 2 "--as without a member is a usage error" "$B" --as
# two neighbours of one name: the name is ambiguous, a prefix of the id not
run_ok "Ben hosts a second Mr Lee" "$B" member host --name "Mr Lee" --unit 1
LEE1=$OUT
run_ok "and another Mr Lee" "$B" member host --name "mr lee" --unit 2
run_err 1 "matches several members hosted here" "--as a name two hosted share is refused" \
	"$B" --as "Mr Lee" whoami
run_ok "--as a prefix of one's id works" "$B" --as "$(printf %.10s "$LEE1")" --json whoami
check_json "and acts as that one" "d['id'] == '$LEE1'"
for cmd in daemon sync open init community; do
	run_err 2 "not for '$cmd'" "--as is refused for '$cmd' (the machine's own work)" \
		"$B" --as "Mrs Okafor" "$cmd"
done
# her key does not open on another machine, even with the file copied
mkdir -p "$A/hosted" && cp "$B/hosted/$OKAFOR" "$A/hosted/"
run_err 1 "cannot open the key" "a copied key file does not open under another identity" \
	"$A" --as "Mrs Okafor" wish add --title "stolen"
rm -rf "$A/hosted"

run_ok "Ben posts a wish for her with --as" "$B" --as "mrs okafor" wish add \
	--title "Shopping on Friday" --urgency urgent
W1=$OUT
run_ok "Ben posts another with --for her name" "$B" wish add \
	--title "Light bulb changed" --for "Mrs Okafor"
W2=$OUT
run_ok "--for a name nobody hosts stays free text" "$B" wish add \
	--title "Soup for Mr Lee" --for "Mr Lee"
W3=$OUT
k "$B" --json wish show "$W1"
check_json "the --as wish is hers, entered by Ben" \
	"(d['author'], d['author_name'], d['entered_by']) == ('$OKAFOR', 'Mrs Okafor', 'Ben')"
k "$B" --json wish show "$W2"
check_json "the --for wish is hers too, with no 'for' text" \
	"(d['author'], d['entered_by'], d['for_name']) == ('$OKAFOR', 'Ben', None)"
k "$B" --json wish show "$W3"
check_json "the free-text --for wish is Ben's, for 'Mr Lee'" \
	"(d['author'], d['entered_by'], d['for_name']) == ('$BEN', None, 'Mr Lee')"
k "$B" wish show "$W1"
check_match "wish show says who entered it" "$OUT" "entered by +Ben"
run_ok "Ben lists a kettle for her" "$B" --as "Mrs Okafor" item add --title Kettle
k "$B" item show "$OUT"
check_match "item show: hers" "$OUT" "owner +Mrs Okafor"
check_match "item show: entered by Ben" "$OUT" "entered by +Ben"
k "$B" --as "Mrs Okafor" --json wish list --mine
check_json "--as: 'mine' are hers" "sorted(w['id'] for w in d) == sorted(['$W1', '$W2'])"

# ---- the lifecycle: Alice helps, Ben confirms for her --------------------

k "$A" member verify "$ALICE" --building Elm --unit 1
k "$A" member verify "$OKAFOR" --building Elm --unit 4
carry "$A" "$B" || finish
carry "$B" "$A" || finish
run_ok "Alice offers help" "$A" wish claim "$W1" --note "I go to the market"
CL=$OUT
carry "$A" "$B" || finish
run_ok "Ben accepts Alice's offer for her" "$B" --as "Mrs Okafor" wish accept "$CL"
refused "Ben cannot accept it as himself" "$B" "another member|not yours|your own" \
	wish confirm "$W1" --hours 1
carry "$B" "$A" || finish
run_ok "Alice marks it delivered" "$A" wish deliver "$CL"
carry "$A" "$B" || finish
run_ok "Ben confirms for her with 1.5 hours" "$B" --as "Mrs Okafor" wish confirm \
	"$W1" --hours 1.5
carry "$B" "$A" || finish
for h in "$A" "$B"; do
	k "$h" --json wish show "$W1"
	check_json "$(basename "$h")'s replica: the wish is confirmed" "d['status'] == 'confirmed'"
	k "$h" --json members
	check_json "$(basename "$h")'s replica: Alice gave 1.5 hours" \
		"[m['hours'] for m in d if m['id'] == '$ALICE'] == [1.5]"
	check_json "$(basename "$h")'s replica: Ben is credited nothing" \
		"[m['hours'] for m in d if m['id'] == '$BEN'] == [0]"
done
k "$A" hours "Mrs Okafor"
check_match "Mrs Okafor's ledger: 1.5 hours received from Alice" "$OUT" "Alice"

# ---- check-ins for her count on the roll call ----------------------------

run_ok "Ben checks in for her: needs help" "$B" checkin need-help \
	--for "Mrs Okafor" --note "no water"
carry "$B" "$A" || finish
k "$A" --json checkins
check_json "Alice's roll call: Mrs Okafor needs help, her own check-in" \
	"[(c['status'], c['reported_by']) for c in d if c['name'] == 'Mrs Okafor'] == [('need-help', 'Mrs Okafor')]"
N=$T/newcomer
member "$N" Nia || finish
join "$N" || finish
carry "$A" "$N" || finish
run_ok "Nia checks her as safe (a neighbour's word)" "$N" checkin safe --for "Mrs Okafor"
carry "$N" "$B" || finish
k "$B" --json checkins
check_json "her own check-in is not superseded by a neighbour's" \
	"[c['status'] for c in d if c['name'] == 'Mrs Okafor'] == ['need-help']"

# ---- a hosted name that another member also has -------------------------

G=$T/ana
member "$G" Ana || finish
join "$G" || finish
carry "$G" "$B" || finish
run_ok "Ben hosts a neighbour also called Ana" "$B" member host --name Ana
ANA_H=$OUT
run_err 1 "matches several members" "checkin --for a name a hosted and another member share is refused" \
	"$B" checkin safe --for Ana
run_ok "wish add --for that name stays Ben's own wish, for 'Ana'" "$B" wish add \
	--title "For which Ana?" --for Ana
k "$B" --json wish show "$OUT"
check_json "the shared name is not taken for the hosted Ana" \
	"(d['author'], d['for_name']) == ('$BEN', 'Ana')"
run_ok "--as her id prefix still acts for the hosted Ana" "$B" \
	--as "$(printf %.10s "$ANA_H")" checkin safe

# ---- the same on a fresh replica, from one bundle ------------------------

D=$T/dana
member "$D" Dana || finish
join "$D" || finish
carry "$B" "$D" || finish
k "$D" --json wish show "$W1"
check_json "a newcomer's replica: entered by Ben" "d['entered_by'] == 'Ben'"

finish
