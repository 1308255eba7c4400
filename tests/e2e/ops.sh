#!/bin/sh
# Neighbourhood operations: profile skills and availability, kith inventory,
# volunteers, match and hours, across four members who exchange bundles,
# with every error path (exit 1 failures, exit 2 usage errors).
. "$(dirname "$0")/lib.sh"

T=$TMP_DIR
A=$T/amira B=$T/ben C=$T/chloe D=$T/dara
# 2030-03-01 12:00 UTC: a fixed clock for expiry and dates
NOW=1898596800

# ---- profiles: skills and availability ------------------------------------
mkdir -p "$A" "$B" "$C" "$D"
run_ok "init takes --available" "$A" init --name Amira --building "Elm 12" \
	--unit 1 --skills "cooking" --available "mornings"
AMIRA=$OUT
member "$B" Ben || finish
BEN=$OUT
member "$C" Chloe && member "$D" Dara || finish
run_ok "profile --skills --available" "$B" profile --building "Elm 12" \
	--unit 4 --skills "plumbing, German" --available "evenings, weekends"
k "$C" profile --building "Oak 3" --unit 2 --skills "nurse, first aid"
k "$D" profile --building "elm 12" --unit 7
run_rc 2 "profile --available without a value is a usage error" "$B" \
	profile --available
community "$A" "Elm and Oak" && join "$B" && join "$C" && join "$D" || finish
everyone() {
	carry "$A" "$B"; carry "$B" "$C"; carry "$C" "$D"; carry "$D" "$A"
	carry "$A" "$B"; carry "$B" "$C"
}
everyone
# credit counts between members verified in person (issue 7)
for m in "Amira Elm-12 1" "Ben Elm-12 4" "Chloe Oak-3 2" "Dara Elm-12 7"; do
	set -- $m
	k "$A" member verify "$1" --building "$2" --unit "$3"
	[ "$RC" = 0 ] || fail "Amira verifies $1" "$(last)"
done
everyone

# ---- volunteers ------------------------------------------------------------
k "$D" --json volunteers
check_json "volunteers --json: members with skills or availability" \
	"[v['name'] for v in d] == ['Amira', 'Ben', 'Chloe']"
check_json "volunteers --json carries skills and availability" \
	"[(v['skills'], v['available']) for v in d if v['name'] == 'Ben'] == [('plumbing, German', 'evenings, weekends')]"
check_json "volunteers --json objects carry id, building, unit and hours" \
	"all(set(['id', 'building', 'unit', 'hours']) <= set(v) for v in d)"
k "$C" --json volunteers
check_json "volunteers: your own building first" \
	"[v['name'] for v in d] == ['Chloe', 'Amira', 'Ben']"
k "$D" volunteers
check_eq "volunteers exits 0" "$RC" 0
check_match "volunteers text has a header" "$OUT" "^ID +NAME +BUILDING"
check_match "volunteers text shows availability" "$OUT" "Ben.*plumbing, German \(evenings, weekends\)"
check_nomatch "members without skills are not volunteers" "$OUT" "Dara"
check_match "volunteers show short ids (at least 6 hex digits)" "$OUT" "^[0-9a-f]{6,} +Ben"
k "$D" --json volunteers --skill NURS
check_json "--skill is a case-insensitive substring" \
	"[v['name'] for v in d] == ['Chloe']"
k "$D" --json volunteers --skill "first aid"
check_json "--skill with two words" "[v['name'] for v in d] == ['Chloe']"
k "$D" --json volunteers --building "ELM 12"
check_json "--building, case-insensitive" "[v['name'] for v in d] == ['Amira', 'Ben']"
k "$D" --json volunteers --skill plumbing --building "Oak 3"
check_json "--skill and --building together" "d == []"
k "$D" volunteers --skill juggling
check_eq "no volunteers: exit 0" "$RC" 0
check_eq "no volunteers: nothing on stdout" "$OUT" ""
check_match "no volunteers: says so on stderr" "$ERR" "no volunteers with skill juggling"
run_rc 2 "volunteers: unknown option" "$D" volunteers --skills x
run_rc 2 "volunteers: unexpected argument" "$D" volunteers plumbing
run_rc 2 "volunteers: --skill needs a value" "$D" volunteers --skill
run_rc 2 "volunteers: --building cannot be empty" "$D" volunteers --building ""

# ---- inventory --------------------------------------------------------------
k "$A" inventory
check_eq "inventory without resources exits 0" "$RC" 0
check_match "inventory without resources says how to post them" "$ERR" \
	"no resources.*--kind resource"
k "$A" item add --title "Water canister" --kind resource --category water \
	--qty 20 --unit litres
k "$B" item add --title "Bottled water" --kind resource --category Water \
	--qty 12 --unit litres
k "$B" item add --title "Water bottles" --kind resource --category water \
	--qty 6 --unit bottles
k "$C" item add --title "First aid kit" --kind resource --category "first aid" \
	--qty 2 --unit kits
k "$C" item add --title "Generator" --kind resource --category power
GEN=$OUT
k "$D" item add --title "Rice" --kind resource --category food --qty 5 --unit kg
RICE=$OUT
k "$A" item add --title "Aluminium ladder" --kind lend --category tools \
	--description "three metres"
LADDER=$OUT
k "$C" item add --title "Old tarp" --kind resource --category shelter --qty 3
TARP=$OUT
run_ok "withdrawing a resource" "$C" item withdraw "$TARP"
run_ok "lending a resource out" "$C" item lend "$GEN" --to Ben --due 2030-03-02
everyone
k "$A" --json inventory
check_json "inventory --json: one row per building, category and unit" \
	"[(r['building'], r['category'], r['unit'], r['quantity'], r['items']) for r in d] == [('Elm 12', 'food', 'kg', 5, 1), ('Elm 12', 'Water', 'bottles', 6, 1), ('Elm 12', 'Water', 'litres', 32, 2), ('Oak 3', 'first aid', 'kits', 2, 1), ('Oak 3', 'power', '', 1, 1)]"
k "$A" --json inventory --building "oak 3"
check_json "inventory --building keeps one building" \
	"[r['category'] for r in d] == ['first aid', 'power']"
k "$A" inventory
check_match "inventory text: header" "$OUT" "^BUILDING +CATEGORY +QUANTITY +UNIT +POSTS"
check_match "inventory text: a building's total" "$OUT" "Elm 12 +food +5 +kg +1"
check_match "inventory text: totals over all buildings" "$OUT" "\(all\) +first aid +2 +kits"
check_nomatch "inventory leaves out withdrawn resources" "$OUT" "shelter"
check_nomatch "inventory leaves out what is not a resource" "$OUT" "tools"
k "$A" inventory --building Nowhere
check_match "inventory of an unknown building: none" "$ERR" "no resources in Nowhere"
run_rc 2 "inventory: unknown option" "$A" inventory --all
run_rc 2 "inventory: unexpected argument" "$A" inventory water
run_rc 2 "inventory: --building needs a value" "$A" inventory --building

# ---- loans due, in kith status ------------------------------------------------
k "$B" status
check_match "status: the borrower sees the loan due tomorrow" "$OUT" \
	"due +2030-03-02  Generator, borrowed from Chloe"
k "$C" status
check_match "status: the lender sees it too" "$OUT" \
	"due +2030-03-02  Generator, lent to Ben"
k "$A" status
check_match "status: nothing due for Amira" "$OUT" "loans: +none due within 3 days"
k "$B" --json status
check_json "status --json: loans due, with role and counterpart" \
	"[(l['title'], l['role'], l['counterpart_name'], l['overdue']) for l in d['loans']] == [('Generator', 'borrowed', 'Chloe', 0)]"
NOW=1898769600 # two days on: overdue
k "$C" --json status
check_json "status --json: an overdue loan is marked overdue" \
	"[(l['title'], l['overdue']) for l in d['loans']] == [('Generator', 1)]"
k "$C" status
check_match "status: OVERDUE in text" "$OUT" "OVERDUE +2030-03-02  Generator, lent to Ben"
NOW=1898596800

# ---- match ------------------------------------------------------------------
k "$A" match
check_eq "match without wishes exits 0" "$RC" 0
check_match "match without wishes says so" "$ERR" "no open wishes"
k "$A" --json match
check_eq "match --json without wishes prints []" "$OUT" "[]"
k "$D" wish add --title "Need a ladder for the roof" --category tools --urgency urgent
W_LADDER=$OUT
k "$D" wish add --title "Leaking kitchen pipe" --urgency critical \
	--description "water under the sink"
W_PIPE=$OUT
k "$B" wish add --title "Someone to check on my mother" --urgency low \
	--description "she needs a nurse twice a week"
W_NURSE=$OUT
k "$C" wish add --title "Lift to the station" --urgency normal
W_LIFT=$OUT
everyone
k "$A" --json match
check_json "match --json: one entry per open wish, most urgent first" \
	"[e['wish']['title'] for e in d] == ['Leaking kitchen pipe', 'Need a ladder for the roof', 'Lift to the station', 'Someone to check on my mother']"
check_json "match --json: every entry has wish, items and volunteers" \
	"all(set(e) == set(['wish', 'items', 'volunteers']) for e in d)"
check_json "the ladder is proposed for the ladder wish, ranked by category and words" \
	"[(i['title'], i['same_category'], i['words'], i['same_building']) for i in d[1]['items']] == [('Aluminium ladder', 1, 1, 1)]"
check_json "Ben the plumber is not proposed for a pipe (no shared word), water is" \
	"sorted(i['title'] for i in d[0]['items']) == ['Bottled water', 'Water bottles', 'Water canister'] and d[0]['volunteers'] == []"
check_json "words in the same building score 2 + 1" \
	"[i['score'] for i in d[0]['items']] == [3, 3, 3]"
check_json "Chloe the nurse is proposed for the nurse wish" \
	"[v['name'] for v in d[3]['volunteers']] == ['Chloe']"
check_json "a wish's author is never proposed to themselves" \
	"all(i['author'] != e['wish']['author'] for e in d for i in e['items']) and all(v['id'] != e['wish']['author'] for e in d for v in e['volunteers'])"
k "$A" match
check_match "match text: a block per wish with urgency and title" "$OUT" \
	"^\[critical\] Leaking kitchen pipe"
check_match "match text: items" "$OUT" "Aluminium ladder, from Amira, Elm 12.*\[same category, words, same building\]"
check_match "match text: volunteers" "$OUT" "Chloe \(Oak 3, unit 2\): nurse, first aid"
check_match "match text: says when nothing was found" "$OUT" "volunteers: none found"
k "$A" --json match --limit 1
check_json "--limit takes the most urgent wishes only" \
	"[e['wish']['title'] for e in d] == ['Leaking kitchen pipe']"
k "$A" --json match "$(echo "$W_NURSE" | cut -c1-8)"
check_json "match WISH (an id prefix) matches just that wish" \
	"[e['wish']['id'] for e in d] == ['$W_NURSE']"
# a claimed wish is not open: left out of the list, but WISH still works
k "$A" wish claim "$W_LIFT"
everyone
k "$A" --json match
check_json "a claimed wish is no longer among the open ones" \
	"'$W_LIFT' not in [e['wish']['id'] for e in d]"
k "$A" --json match "$W_LIFT"
check_json "match WISH works for a claimed wish" \
	"[e['wish']['status'] for e in d] == ['claimed']"
k "$D" wish withdraw "$W_PIPE"
everyone
run_err 1 "nothing left to match" "match of a withdrawn wish fails" "$A" match "$W_PIPE"
run_err 1 "no wish with id" "match of an unknown wish fails" "$A" match ffffffffff
run_err 1 "too short" "match with a too short id fails" "$A" match abc
run_rc 2 "match: --limit 0" "$A" match --limit 0
run_rc 2 "match: --limit not a number" "$A" match --limit many
run_rc 2 "match: --limit too large" "$A" match --limit 1001
run_rc 2 "match: unknown option" "$A" match --all
run_rc 2 "match: two wishes" "$A" match "$W_LADDER" "$W_NURSE"

# ---- hours ------------------------------------------------------------------
k "$A" hours
check_eq "hours with no confirmations exits 0" "$RC" 0
check_match "hours: says nothing was credited" "$OUT" "no hours credited yet"
check_match "hours: the balance line" "$OUT" "earned 0.00 h, given 0.00 h, balance \+0.00 h"
# Ben fixes Dara's ladder wish: 1.5 h; Amira helps Ben: 0.75 h
k "$B" wish claim "$W_LADDER"
everyone
run_ok "Dara confirms Ben's help with 1.5 hours" "$D" wish confirm "$W_LADDER" --hours 1.5
k "$B" wish add --title "Help me carry a sofa"
W_SOFA=$OUT
everyone
k "$A" wish claim "$W_SOFA"
everyone
run_ok "Ben confirms Amira's help with 0.75 hours" "$B" wish confirm "$W_SOFA" --hours 0.75
everyone
k "$C" --json hours Ben
check_json "hours --json: earned, given, balance" \
	"(d['name'], d['earned'], d['given'], d['balance']) == ('Ben', 1.5, 0.75, 0.75)"
check_json "hours --json: the ledger, signed, oldest first" \
	"[(l['title'], l['direction'], l['hours'], l['counterpart_name']) for l in d['ledger']] == [('Need a ladder for the roof', 'earned', 1.5, 'Dara'), ('Help me carry a sofa', 'given', -0.75, 'Amira')]"
check_json "hours --json: member is Ben's id" "d['member'] == '$BEN'"
k "$C" --json members
check_json "earned hours agree with kith members" \
	"[(m['name'], m['hours']) for m in d if m['name'] in ('Amira', 'Ben', 'Dara')] == [('Amira', 0.75), ('Ben', 1.5), ('Dara', 0)]"
k "$A" hours
check_match "hours defaults to yourself" "$OUT" "time bank of Amira"
check_match "hours text: a ledger line" "$OUT" "\+0\.75 +Help me carry a sofa +Ben"
k "$D" hours
check_match "hours text: help received is negative" "$OUT" "-1\.50 +Need a ladder for the roof +Ben"
check_match "hours text: balance" "$OUT" "earned 0.00 h, given 1.50 h, balance -1.50 h"
k "$C" hours "$(echo "$AMIRA" | cut -c1-10)"
check_match "hours MEMBER by id prefix" "$OUT" "time bank of Amira"
check_match "hours names the member with their short id" "$OUT" "time bank of Amira \([0-9a-f]{6,}\)"
check_nomatch "hours shows no full key to people" "$OUT" "[0-9a-f]{64}"
run_err 1 "is withdrawn: there is nothing left to match" "match says why a wish has nothing left" "$A" match "$W_PIPE"
run_err 1 "no member" "hours of an unknown member fails" "$A" hours Zed
run_rc 2 "hours: unknown option" "$A" hours --all
run_rc 2 "hours: two members" "$A" hours Ben Dara
mkdir -p "$T/nobody"
run_err 1 "no identity" "hours without an identity and no MEMBER fails" \
	"$T/nobody" hours

# ---- help -------------------------------------------------------------------
for cmd in inventory volunteers match hours; do
	k "$A" "$cmd" --help
	check_eq "$cmd --help exits 0" "$RC" 0
	check_match "$cmd --help prints its usage" "$OUT" "^usage: kith $cmd"
done
k - --help
check_match "kith --help lists match" "$OUT" "match +propose items and volunteers"

finish
