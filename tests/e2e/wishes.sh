#!/bin/sh
# wishes.sh - kith wish add/list/show/edit/withdraw/claim/unclaim/deliver/
# accept/confirm among three members who only meet through bundles:
# concurrent claims -> contested, accept -> claimed, deliver -> delivered,
# confirm -> confirmed and hours in `kith members`; ordering, filters,
# expiry, and refusals of writes on records someone else wrote.
. "$(dirname "$0")/lib.sh"

T=$TMP_DIR
alice_and_bob
C=$T/carol
member "$C" Carol || finish
CAROL=$OUT
join "$C" || finish

# hours of member $2 in `kith members --json` on replica $1
hours() {
	k "$1" --json members
	json "[m['hours'] for m in d if m['id'] == '$2']"
}
# status of wish $2 on replica $1
wstatus() {
	k "$1" --json wish show "$2"
	json "d['status']"
}

# ---- add, defaults, ordering -------------------------------------------

run_ok "wish add with only a title" "$A" wish add --title "Bread for Sunday" --urgency low
check_match "wish add prints the new id (32 hex)" "$OUT" "$HEX32"
W_LOW=$OUT
check_match "wish add says on stderr what happened and what comes next, with the short id" \
	"$ERR" "your wish is posted \\(id $(printf %.6s "$W_LOW")[0-9a-f]*\\).*kith wish show $(printf %.6s "$W_LOW")"
run_ok "wish add critical" "$A" wish add --title "Insulin fridge space" \
	--urgency critical --category health --qty 1 --location "Elm 4" \
	--for "Mrs Novak" --description "Her fridge broke; 2 pens"
W_CRIT=$OUT
run_ok "wish add with default urgency" "$A" wish add --title "Boxes for moving" --qty 10
W_NORM=$OUT
run_ok "wish add --kind service --urgency urgent" "$A" wish add \
	--title "Lift to the clinic" --kind service --urgency urgent
W_URG=$OUT
k "$A" --json wish add --title "Oxygen concentrator power" --urgency critical
check_json "wish add --json prints {id}" "len(d['id']) == 32"
W_CRIT2=$(json "d['id']")

k "$A" --json wish show "$W_NORM"
check_json "a new wish is 'open', normal, material, quantity as given" \
	"(d['status'], d['urgency'], d['kind'], d['quantity']) == ('open', 'normal', 'material', 10)"
k "$A" --json wish show "$W_CRIT"
check_json "wish show --json has the fields given" \
	"(d['title'], d['urgency'], d['category'], d['location'], d['for_name'], d['description']) == ('Insulin fridge space', 'critical', 'health', 'Elm 4', 'Mrs Novak', 'Her fridge broke; 2 pens')"
k "$A" wish show "$(printf %.6s "$W_CRIT")"
check_match "wish show by 6-character prefix, text, has the title" "$OUT" "Insulin fridge space"
check_match "wish show text names the neighbour it is for" "$OUT" "Mrs Novak"

k "$A" --json wish list
check_json "wish list --json objects carry id title urgency status author claims" \
	"all(set(['id','title','urgency','status','author','claims']) <= set(w) for w in d)"
check_json "wish list: most urgent first, then oldest" \
	"[w['id'] for w in d] == ['$W_CRIT', '$W_CRIT2', '$W_URG', '$W_NORM', '$W_LOW']"
k "$A" wish list
check_match "wish list text shows the urgency" "$OUT" "critical"
check_match "wish list text shows short ids (6 characters)" "$OUT" "^$(printf %.6s "$W_CRIT")  "
run_err 1 "nobody has offered help with wish '$(printf %.6s "$W_CRIT")' yet" \
	"accepting a wish nobody offered help with is refused" "$A" wish accept "$(printf %.6s "$W_CRIT")"
k "$A" --json wish list --urgency critical
check_json "--urgency critical" "[w['id'] for w in d] == ['$W_CRIT', '$W_CRIT2']"
k "$A" --json wish list --search clinic
check_json "--search finds by title word" "[w['id'] for w in d] == ['$W_URG']"
k "$A" --json wish list --search pens
check_json "--search finds by description word" "[w['id'] for w in d] == ['$W_CRIT']"
k "$A" --json wish list --status open
check_json "--status open lists all five" "len(d) == 5"

run_ok "wish edit --urgency" "$A" wish edit "$W_LOW" --urgency urgent --title "Bread, please"
k "$A" --json wish list
check_json "an edited urgency re-sorts the list (oldest first within urgent)" \
	"[w['id'] for w in d] == ['$W_CRIT', '$W_CRIT2', '$W_LOW', '$W_URG', '$W_NORM']"
check_json "the edited title shows" "[w['title'] for w in d if w['id'] == '$W_LOW'] == ['Bread, please']"
run_rc 2 "wish edit with nothing to change is a usage error" "$A" wish edit "$W_LOW"

# ---- bad values --------------------------------------------------------

run_rc 2 "wish add without --title is a usage error" "$A" wish add --urgency low
run_rc 2 "wish add --urgency whenever is a usage error" "$A" wish add --title X --urgency whenever
run_rc 2 "wish add --kind gift is a usage error" "$A" wish add --title X --kind gift
run_rc 2 "wish add --qty 0 is a usage error" "$A" wish add --title X --qty 0
run_rc 2 "wish add --needed-by 2030-04-31 is a usage error" "$A" wish add --title X --needed-by 2030-04-31
run_rc 2 "wish list --urgency whenever is a usage error" "$A" wish list --urgency whenever
run_rc 2 "wish list --status pending is a usage error" "$A" wish list --status pending
k "$A" --json wish list --all
check_json "no bad add wrote a wish" "len(d) == 5"

# ---- two neighbours claim at once: contested ---------------------------

carry "$A" "$B"
carry "$A" "$C"
k "$B" --json wish list
check_json "Bob sees Alice's five wishes" "len(d) == 5 and all(w['author'] == '$ALICE' for w in d)"
k "$B" --json wish list --mine
check_json "Bob's --mine is empty" "d == []"

run_ok "Bob claims the fridge wish" "$B" wish claim "$W_CRIT" --note "I have a spare fridge"
check_match "wish claim prints the claim id" "$OUT" "$HEX32"
CB=$OUT
check_match "wish claim says whom it helps and how to say it is done" "$ERR" \
	"offer to help Alice is saved \\(offer $(printf %.6s "$CB")[0-9a-f]*\\).*kith wish deliver"
run_ok "Carol claims it too, not knowing of Bob" "$C" wish claim "$(printf %.6s "$W_CRIT")" --qty 1
CC=$OUT
check_eq "Bob's replica: one claim -> 'claimed'" "$(wstatus "$B" "$W_CRIT")" claimed
run_err 1 "your own" "claiming your own wish is refused" "$A" wish claim "$W_CRIT"

carry "$B" "$A"
carry "$C" "$A"
# credit counts between members verified in person (issue 7): Alice, the
# coordinator, met them
k "$A" member verify "$ALICE" --building Elm --unit 1
k "$A" member verify "$BOB" --building Elm --unit 2
k "$A" member verify "$CAROL" --building Elm --unit 3
check_eq "Alice's replica: two claims -> 'contested'" "$(wstatus "$A" "$W_CRIT")" contested
k "$A" --json wish show "$W_CRIT"
check_json "claims[] lists both claims with claimant and quantity" \
	"sorted((c['id'], c['claimant'], c['quantity']) for c in d['claims']) == sorted([('$CB', '$BOB', 1), ('$CC', '$CAROL', 1)])"
check_json "both claims are 'active'" "[c['status'] for c in d['claims']] == ['active', 'active']"
k "$A" wish show "$W_CRIT"
check_match "wish show text lists Bob's note" "$OUT" "spare fridge"
k "$A" --json wish list --status contested
check_json "--status contested" "[w['id'] for w in d] == ['$W_CRIT']"
refused "confirming a contested wish" "$A" "several|accept" wish confirm "$W_CRIT" --hours 1
refused "accepting a wish with two offers" "$A" \
	"2 neighbours offered help.*(Bob \\(offer $(printf %.6s "$CB")[0-9a-f]*\\), Carol \\(offer $(printf %.6s "$CC")|Carol \\(offer $(printf %.6s "$CC")[0-9a-f]*\\), Bob \\(offer $(printf %.6s "$CB")).*kith wish accept [0-9a-f]{6}" \
	wish accept "$W_CRIT"
k "$A" wish show "$W_CRIT"
check_match "wish show lists the offers by helper name" "$OUT" "^  $(printf %.6s "$CB")[0-9a-f]* +active +1  Bob: I have a spare fridge"

# ---- writes on someone else's records: refused, nothing written ---------

carry "$A" "$B"
carry "$A" "$C"
refused "Bob accepts Carol's claim on Alice's wish" "$B" "another member|not yours|your own" \
	wish accept "$CC"
refused "Bob confirms Alice's wish" "$B" "another member|not yours|your own" \
	wish confirm "$W_CRIT" --hours 5
refused "Bob edits Alice's wish" "$B" "another member|not yours|your own" \
	wish edit "$W_CRIT" --urgency low
refused "Bob withdraws Alice's wish" "$B" "another member|not yours|your own" \
	wish withdraw "$W_CRIT"
refused "Alice marks Bob's claim delivered" "$A" "another member|not yours|your own" \
	wish deliver "$CB"
refused "Alice takes back Bob's claim" "$A" "another member|not yours|your own" \
	wish unclaim "$CB"
refused "Carol takes back Bob's claim" "$C" "another member|not yours|your own" \
	wish unclaim "$CB"
refused "Carol marks Bob's claim delivered" "$C" "another member|not yours|your own" \
	wish deliver "$CB"

# ---- accept -> claimed, deliver -> delivered, confirm -> confirmed ------

run_ok "Alice accepts Bob's claim" "$A" wish accept "$(printf %.7s "$CB")"
check_match "accept says whose offer and how to confirm" "$ERR" \
	"you accepted Bob's offer.*kith wish confirm $(printf %.6s "$W_CRIT")[0-9a-f]* --hours"
check_eq "accepting one claim -> 'claimed'" "$(wstatus "$A" "$W_CRIT")" claimed
k "$A" --json wish show "$W_CRIT"
check_json "the accepted claim is 'accepted', the other still 'active'" \
	"dict((c['id'], c['status']) for c in d['claims']) == {'$CB': 'accepted', '$CC': 'active'}"
carry "$A" "$B"
check_eq "Bob's replica agrees: 'claimed'" "$(wstatus "$B" "$W_CRIT")" claimed
run_ok "Bob marks his claim delivered" "$B" wish deliver "$CB"
check_eq "a delivered claim -> 'delivered'" "$(wstatus "$B" "$W_CRIT")" delivered
run_err 1 "already" "delivering twice is refused" "$B" wish deliver "$CB"
carry "$B" "$A"
check_eq "Alice sees 'delivered'" "$(wstatus "$A" "$W_CRIT")" delivered
check_eq "no hours before confirmation" "$(hours "$A" "$BOB")" "[0]"

run_ok "Alice confirms with --hours 2.5" "$A" wish confirm "$W_CRIT" --hours 2.5
check_eq "a confirmed wish is 'confirmed'" "$(wstatus "$A" "$W_CRIT")" confirmed
check_eq "Bob is credited 2.5 hours" "$(hours "$A" "$BOB")" "[2.5]"
check_eq "Carol, not accepted, gets none" "$(hours "$A" "$CAROL")" "[0]"
check_eq "Alice gets none for her own wish" "$(hours "$A" "$ALICE")" "[0]"
k "$A" members
check_match "members text shows 2.50 hours" "$OUT" "2\\.50"
k "$A" --json wish list
check_json "wish list hides confirmed wishes" "'$W_CRIT' not in [w['id'] for w in d]"
k "$A" --json wish list --status confirmed
check_json "--status confirmed shows it" "[w['id'] for w in d] == ['$W_CRIT']"
k "$A" --json wish list --all
check_json "--all shows it" "'$W_CRIT' in [w['id'] for w in d]"
run_err 1 "confirmed|fulfilled" "confirming twice is refused" "$A" wish confirm "$W_CRIT" --hours 9
check_eq "a second confirm does not add hours" "$(hours "$A" "$BOB")" "[2.5]"
run_err 1 "confirmed|fulfilled" "withdrawing a confirmed wish is refused" "$A" wish withdraw "$W_CRIT"

carry "$A" "$B"
carry "$A" "$C"
carry "$C" "$B"
carry "$B" "$A"
carry "$A" "$C"
run_err 1 "confirmed|fulfilled|no longer" "claiming a confirmed wish is refused" "$C" wish claim "$W_CRIT"
check_eq "Bob's replica credits Bob 2.5 hours" "$(hours "$B" "$BOB")" "[2.5]"
check_eq "Carol's replica credits Bob 2.5 hours" "$(hours "$C" "$BOB")" "[2.5]"
check_eq "Bob's claim on Carol's replica is 'confirmed'" \
	"$(k "$C" --json wish show "$W_CRIT"; json "[c['status'] for c in d['claims'] if c['id'] == '$CB']")" \
	'["confirmed"]'
DA=$(digest "$A")
check_eq "Alice and Bob agree" "$(digest "$B")" "$DA"
check_eq "Alice and Carol agree" "$(digest "$C")" "$DA"

# ---- one claim: confirm without accept ---------------------------------

run_ok "Carol claims the lift" "$C" wish claim "$W_URG"
carry "$C" "$A"
check_eq "a single claim -> 'claimed'" "$(wstatus "$A" "$W_URG")" claimed
run_ok "Alice confirms the single claim without accepting" "$A" wish confirm "$W_URG" --hours 1
check_eq "Carol gets 1 hour" "$(hours "$A" "$CAROL")" "[1]"
check_eq "Bob keeps 2.5" "$(hours "$A" "$BOB")" "[2.5]"

# ---- unclaim -----------------------------------------------------------

run_ok "Bob claims the boxes" "$B" wish claim "$W_NORM" --qty 4
CBOX=$OUT
run_ok "Bob takes his claim back" "$B" wish unclaim "$CBOX"
check_eq "after unclaim the wish is 'open' again" "$(wstatus "$B" "$W_NORM")" open
k "$B" --json wish show "$W_NORM"
check_json "the claim shows as cancelled, quantity 4" \
	"[(c['id'], c['status'], c['quantity']) for c in d['claims']] == [('$CBOX', 'cancelled', 4)]"
run_err 1 "taken back|cancel" "unclaiming twice is refused" "$B" wish unclaim "$CBOX"
run_err 1 "taken back|cancel" "delivering a taken-back claim is refused" "$B" wish deliver "$CBOX"
carry "$B" "$A"
run_err 1 "taken back|cancel" "accepting a taken-back claim is refused" "$A" wish accept "$CBOX"
run_err 1 "nobody|no one|claim" "confirming with --hours when nobody claimed is refused" \
	"$A" wish confirm "$W_NORM" --hours 2

# Accepted, then taken back, then confirmed: nobody may be credited for
# help they withdrew (docs/DESIGN.md s2: hours only from confirmed help).
run_ok "Bob claims the bread" "$B" wish claim "$W_LOW"
CBR=$OUT
carry "$B" "$A"
run_ok "Alice accepts Bob's bread claim" "$A" wish accept "$CBR"
carry "$A" "$B"
run_ok "Bob takes the accepted claim back" "$B" wish unclaim "$CBR"
carry "$B" "$A"
check_eq "with the accepted claim taken back the wish is 'open'" "$(wstatus "$A" "$W_LOW")" open
k "$A" wish confirm "$W_LOW" --hours 3
check_eq "no hours for a claim its helper took back (Bob keeps 2.5)" "$(hours "$A" "$BOB")" "[2.5]"

# ---- confirm without --hours: said plainly, hours can follow once --------

run_ok "Alice asks for soup" "$A" wish add --title "Soup pot"
W_SOUP=$OUT
carry "$A" "$B"
run_ok "Bob offers the soup pot" "$B" wish claim "$W_SOUP"
carry "$B" "$A"
snapshot "$A" "$T/snap.soup"
run_rc 2 "--hours 101 is refused before anything is written" "$A" wish confirm "$W_SOUP" --hours 101
same_state "--hours 101: nothing written" "$A" "$T/snap.soup"
run_ok "confirm without --hours and no terminal confirms" "$A" wish confirm "$W_SOUP"
check_match "... and says plainly that no hours were credited to Bob, and how to add them" \
	"$ERR" "no hours were credited to Bob.*kith wish confirm $(printf %.6s "$W_SOUP")[0-9a-f]* --hours"
check_eq "the soup wish is confirmed" "$(wstatus "$A" "$W_SOUP")" confirmed
check_eq "Bob still has 2.5 hours" "$(hours "$A" "$BOB")" "[2.5]"
run_ok "hours can be added to the confirmed wish afterwards" "$A" wish confirm "$W_SOUP" --hours 0.5
check_match "... saying so" "$ERR" "Bob is credited 0.5 hours"
check_eq "Bob now has 3 hours" "$(hours "$A" "$BOB")" "[3]"
refused "adding hours a second time" "$A" "already confirmed" wish confirm "$W_SOUP" --hours 4

# on a terminal, confirm asks for the hours (script(1) gives it one)
if command -v script >/dev/null 2>&1; then
	k "$A" wish add --title "Ladle"
	W_LADLE=$OUT
	carry "$A" "$B"
	k "$B" wish claim "$W_LADLE"
	carry "$B" "$A"
	printf 'lots\n2\n' | script -qec "'$KITH' --home '$A' wish confirm $W_LADLE" \
		/dev/null >"$T/tty.out" 2>&1
	TTY=$(tr -d '\r' <"$T/tty.out")
	check_match "on a terminal confirm asks how many hours Bob helped" "$TTY" \
		"How many hours did Bob help\\? \\(0 to 100, like 1.5; Enter for none\\)"
	check_match "... asks again after an answer that is no number" "$TTY" \
		"'lots' is not a number of hours"
	check_eq "... and credits the answer (Bob: 3 + 2 hours)" "$(hours "$A" "$BOB")" "[5]"
fi

# ---- withdraw, expiry --------------------------------------------------

run_ok "Alice withdraws a wish" "$A" wish withdraw "$W_CRIT2"
check_eq "a withdrawn wish is 'withdrawn'" "$(wstatus "$A" "$W_CRIT2")" withdrawn
k "$A" --json wish list
check_json "wish list hides withdrawn wishes" "'$W_CRIT2' not in [w['id'] for w in d]"
k "$A" --json wish list --status withdrawn
check_json "--status withdrawn shows it" "[w['id'] for w in d] == ['$W_CRIT2']"
run_err 1 "withdrawn" "withdrawing twice is refused" "$A" wish withdraw "$W_CRIT2"
run_err 1 "withdrawn" "editing a withdrawn wish is refused" "$A" wish edit "$W_CRIT2" --title X
carry "$A" "$C"
run_err 1 "withdrawn|no longer" "claiming a withdrawn wish is refused" "$C" wish claim "$W_CRIT2"

NOW=1898596800 # 2030-03-01 12:00 UTC
run_ok "wish add --needed-by" "$A" wish add --title "Snow shovel" --needed-by 2030-03-05
W_SNOW=$OUT
check_eq "before --needed-by it is 'open'" "$(wstatus "$A" "$W_SNOW")" open
NOW=1899460800 # 2030-03-11 12:00 UTC
check_eq "after --needed-by it is 'expired'" "$(wstatus "$A" "$W_SNOW")" expired
k "$A" --json wish list
check_json "wish list hides expired wishes" "'$W_SNOW' not in [w['id'] for w in d]"
k "$A" --json wish list --status expired
check_json "--status expired shows it" "'$W_SNOW' in [w['id'] for w in d]"
# wishes also expire 30 days after their last edit: all of 2026's are
check_json "wishes untouched for 30 days are expired too" "len(d) > 1 and all(w['status'] == 'expired' for w in d)"
NOW=

# ---- everyone meets once more ------------------------------------------

for _ in 1 2; do
	carry "$A" "$B"
	carry "$B" "$C"
	carry "$C" "$A"
done
DA=$(digest "$A")
check_eq "finally Bob agrees with Alice" "$(digest "$B")" "$DA"
check_eq "finally Carol agrees with Alice" "$(digest "$C")" "$DA"
allhours() {
	k "$1" --json members
	json "sorted((m['name'], m['hours']) for m in d)"
}
HA=$(allhours "$A")
check_eq "Bob's replica shows the same hours as Alice's" "$(allhours "$B")" "$HA"
check_eq "Carol's replica shows the same hours as Alice's" "$(allhours "$C")" "$HA"
check_eq "Carol keeps her 1 hour everywhere" \
	"$(k "$B" --json members; json "[m['hours'] for m in d if m['name'] == 'Carol']")" "[1]"

finish
