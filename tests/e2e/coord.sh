#!/bin/sh
# Community operations: roles, moderation, blocking, emergency mode and
# check-ins, across three members who exchange bundles, with every refusal.
. "$(dirname "$0")/lib.sh"

A=$TMP_DIR/amira B=$TMP_DIR/ben C=$TMP_DIR/chloe
member "$A" Amira && member "$B" Ben && member "$C" Chloe || finish
k "$A" profile --building Elm --unit 1
k "$B" profile --building Elm --unit 4
k "$C" profile --building Oak --unit 2
community "$A" "Elm and Oak" && join "$B" && join "$C" || finish
everyone() { carry "$A" "$B"; carry "$B" "$C"; carry "$C" "$A"; carry "$A" "$B"; }
everyone

# ---- roles --------------------------------------------------------------
k "$B" --json roles
check_json "the creator is the first coordinator (as Ben sees it)" \
	"[(r['name'], r['role']) for r in d] == [('Amira', 'coordinator')]"
refused "a non-coordinator granting a role" "$B" "only coordinators" \
	role grant Chloe building-head --building Oak
run_rc 2 "a building head heads a building: --building is required" "$A" \
	role grant Ben building-head
run_ok "Amira makes Ben the building head of Elm" "$A" role grant Ben \
	building-head --building Elm
run_err 1 "already" "granting twice is refused" "$A" role grant Ben \
	building-head --building elm
run_rc 2 "an unknown role is a usage error" "$A" role grant Ben mayor
run_rc 2 "neither grant nor revoke" "$A" role give Ben coordinator
run_err 1 "no member" "an unknown member is refused" "$A" role grant Zed coordinator
run_ok "Amira makes Chloe a coordinator" "$A" role grant Chloe coordinator
check_match "the message names the new coordinator" "$ERR" "^Chloe is now a coordinator"
k "$A" roles
check_match "roles lists names" "$OUT" "building head +Ben +Elm"
check_nomatch "roles shows no hex key of a named member" "$OUT" "[0-9a-f]{16}"
everyone
k "$B" --json roles
check_json "every replica derives the same roles" \
	"sorted((r['name'], r['role']) for r in d) == [('Amira', 'coordinator'), ('Ben', 'building-head'), ('Chloe', 'coordinator')]"
refused "a building head cannot appoint coordinators" "$B" "only coordinators" \
	role grant Ben coordinator

# ---- verification in person (issue 7) ------------------------------------
refused "a building head cannot verify in another building" "$B" \
	"only coordinators" member verify Chloe --building Oak --unit 2
run_ok "the building head verifies a neighbour of Elm" "$B" member verify \
	Ben --building Elm --unit 4
check_match "verify says where and what it means" "$ERR" \
	"Ben is verified as living in Elm, unit 4; hours between verified members count"
run_rc 2 "verify needs a building and a unit" "$A" member verify Chloe
run_ok "a coordinator verifies anyone" "$A" member verify Chloe \
	--building Oak --unit 2
run_err 1 "not verified" "unverifying an unverified member is refused" \
	"$A" member unverify Amira
everyone

# concurrent, partitioned: Amira and Chloe revoke each other offline
run_ok "Amira revokes Chloe (partitioned)" "$A" role revoke Chloe coordinator
run_ok "Chloe revokes Amira (partitioned)" "$C" role revoke Amira coordinator
everyone
everyone
ra=$(k "$A" --json roles; echo "$OUT")
rb=$(k "$B" --json roles; echo "$OUT")
rc=$(k "$C" --json roles; echo "$OUT")
check_eq "Amira and Ben agree on roles after concurrent revocations" "$ra" "$rb"
check_eq "Ben and Chloe agree on roles after concurrent revocations" "$rb" "$rc"
k "$A" --json roles
check_json "exactly one of the two coordinators remains" \
	"sorted(r['name'] for r in d if r['role'] == 'coordinator') in (['Amira'], ['Chloe'])"
check_eq "digests agree" "$(digest "$A")" "$(digest "$C")"
# whoever is left leads from here
k "$A" --json roles
if echo "$OUT" | grep -q '"name":"Amira","role":"coordinator"'; then
	L=$A O=$C
else
	L=$C O=$A
fi
[ "$L" = "$A" ] && LN=Amira || LN=Chloe
refused "the last coordinator cannot step down" "$L" \
	"'$LN' is the last coordinator; make someone else a coordinator first" \
	role revoke "$LN" coordinator

# ---- moderation ------------------------------------------------------------
k "$B" item add --title "Cheap watches, message me"
SPAM=$OUT
k "$B" item add --title "Folding table"
TABLE=$OUT
everyone
run_rc 2 "hide without --reason is a usage error" "$L" hide "$SPAM"
refused "a non-coordinator hiding a post" "$B" "only coordinators" hide "$SPAM" --reason spam
run_err 1 "no item or wish" "hiding an unknown id" "$L" hide 00000000ffff --reason x
run_ok "the coordinator hides the spam" "$L" hide "$(echo "$SPAM" | cut -c1-8)" --reason "spam"
check_match "hide names the post and how to undo it" "$ERR" \
	"'Cheap watches, message me' \(.*\) is hidden from everyone's lists.*kith unhide"
refused "hiding a hidden post" "$L" "already hidden" hide "$SPAM" --reason again
everyone
k "$O" --json item list
check_json "the hidden post is gone from everyone's list" \
	"'$SPAM' not in [i['id'] for i in d] and '$TABLE' in [i['id'] for i in d]"
k "$O" --json item list --all
check_json "--all still shows it, marked hidden" \
	"[i['hidden'] for i in d if i['id'] == '$SPAM'] == [1]"
run_ok "the coordinator shows it again" "$L" unhide "$SPAM"
refused "unhiding a post that is not hidden" "$L" "not hidden" unhide "$SPAM"
everyone
k "$O" --json item list
check_json "unhidden, it is back" "'$SPAM' in [i['id'] for i in d]"

# ---- blocking (local) -------------------------------------------------------
run_ok "Chloe blocks Ben" "$C" block Ben
check_match "block names Ben and says it stays local" "$ERR" \
	"Ben's posts are now hidden from you, on this machine only.*kith unblock Ben"
k "$C" --json item list
check_json "Ben's posts are hidden from Chloe" "'$TABLE' not in [i['id'] for i in d]"
k "$A" --json item list
check_json "... and only from Chloe" "'$TABLE' in [i['id'] for i in d]"
run_err 1 "yourself" "blocking yourself is refused" "$C" block Chloe
run_ok "Chloe unblocks Ben" "$C" unblock Ben
k "$C" --json item list
check_json "Ben's posts are back for Chloe" "'$TABLE' in [i['id'] for i in d]"

# ---- emergency ---------------------------------------------------------------
refused "a non-coordinator starting an emergency" "$B" "only coordinators" \
	emergency start "flood"
run_rc 2 "emergency start needs a reason" "$L" emergency start
run_err 1 "not on" "ending an emergency that is not on" "$L" emergency end
run_ok "the coordinator starts an emergency" "$L" emergency start "Flood in Elm Street"
check_match "emergency start says what residents do next" "$ERR" \
	"emergency mode is on for everyone.*kith checkin safe"
everyone
k "$B" status
check_match "status shows the banner" "$OUT" "EMERGENCY since .*Flood in Elm Street"
k "$B" wish list
check_match "wish lists show the banner" "$OUT" "EMERGENCY"
k "$B" item list
check_match "item lists show the banner" "$OUT" "EMERGENCY"
k "$B" --json status
check_json "status --json says emergency" "d['emergency'] is True"

# ---- check-ins -----------------------------------------------------------------
run_ok "Ben checks in as needing help" "$B" checkin need-help --note "water in the cellar"
run_ok "Ben checks in for Amira" "$B" checkin safe --for Amira
check_match "a check-in for a neighbour names them" "$ERR" \
	"^Amira is checked in as safe, reported by you"
run_err 1 "no member" "checking in for an unknown member" "$B" checkin safe --for "Mrs Nobody"
run_rc 2 "an unknown state is a usage error" "$B" checkin fine
run_rc 2 "a state is required" "$B" checkin
everyone
k "$O" --json checkins
check_json "roll call: Ben needs help" \
	"[c['status'] for c in d if c['name'] == 'Ben'] == ['need-help']"
check_json "roll call: Amira safe, reported by Ben" \
	"[(c['status'], c['reported_by']) for c in d if c['name'] == 'Amira'] == [('safe', 'Ben')]"
check_json "roll call: Chloe has not checked in" \
	"[c['status'] for c in d if c['name'] == 'Chloe'] == ['unknown']"
k "$O" --json checkins --building Oak
check_json "--building filters" "[c['name'] for c in d] == ['Chloe']"
k "$O" checkins
check_match "text roll call has per-building totals" "$OUT" "safe 1, needs help 1, not heard from 0"
check_match "text roll call says 'needs help' and who reported" "$OUT" \
	"Ben +needs help .* by Ben: water in the cellar"
check_match "text roll call says 'not heard from'" "$OUT" "Chloe +not heard from"

# ---- urgent first in a small bundle --------------------------------------------
D=$TMP_DIR/dana
member "$D" Dana && join "$D"
i=0
while [ $i -lt 60 ]; do
	k "$A" item add --title "spare part $i" --description "$(printf '%0200d' 0)"
	i=$((i + 1))
done
k "$B" wish add --title "Oxygen for Mr K" --urgency critical
everyone
k "$O" export "$TMP_DIR/small.kb" --max-bytes 3k
check_match "a small bundle says what did not fit" "$OUT" "did not fit"
k "$D" import "$TMP_DIR/small.kb"
k "$D" --json wish list
check_json "the critical wish travels in the small bundle" \
	"'Oxygen for Mr K' in [w['title'] for w in d]"
k "$D" --json wish list --search oxygen
check_json "search finds a wish that arrived by bundle" \
	"[w['title'] for w in d] == ['Oxygen for Mr K']"
k "$D" --json item list
check_json "the bulk did not" "len(d) < 60"
check "the small bundle is within --max-bytes" \
	test "$(wc -c <"$TMP_DIR/small.kb")" -le 3072
run_rc 2 "--max-bytes needs a size" "$O" export "$TMP_DIR/x.kb" --max-bytes lots
run_err 1 "too small" "a --max-bytes too small for any bundle" "$O" export "$TMP_DIR/x.kb" --max-bytes 10

# ---- expiry and renewal -----------------------------------------------------------
k "$B" item add --title "Old bike"
BIKE=$OUT
k "$B" wish add --title "Old wish"
OLDW=$OUT
LATER=$(($(date +%s) + 40 * 86400))
KITH_NOW=$LATER "$KITH" --home "$B" --json wish list --all >"$TMP_DIR/w.json"
check "a wish untouched for 30 days is expired" \
	grep -q "\"id\":\"$OLDW\",[^}]*\"status\":\"expired\"" "$TMP_DIR/w.json"
KITH_NOW=$((LATER - 20 * 86400)) "$KITH" --home "$B" wish renew "$OLDW" 2>/dev/null
KITH_NOW=$LATER "$KITH" --home "$B" --json wish list --all >"$TMP_DIR/w.json"
check "a renewed wish is open again" \
	grep -q "\"id\":\"$OLDW\",[^}]*\"status\":\"open\"" "$TMP_DIR/w.json"
MUCH_LATER=$(($(date +%s) + 100 * 86400))
KITH_NOW=$MUCH_LATER "$KITH" --home "$B" --json item list --all >"$TMP_DIR/i.json"
check "an item untouched for 90 days is expired" \
	grep -q "\"id\":\"$BIKE\",[^}]*\"status\":\"expired\"" "$TMP_DIR/i.json"
KITH_NOW=$((MUCH_LATER - 30 * 86400)) "$KITH" --home "$B" item renew "$BIKE" 2>/dev/null
KITH_NOW=$MUCH_LATER "$KITH" --home "$B" --json item list >"$TMP_DIR/i.json"
check "a renewed item is listed again" grep -q "\"id\":\"$BIKE\"" "$TMP_DIR/i.json"
carry "$B" "$A"
refused "renewing someone else's item" "$A" "another member" item renew "$BIKE"

# ---- a loan answers the request it names, whatever the clocks say -----------------
k "$A" item add --title "Step ladder"
STEP=$OUT
carry "$A" "$B"
AHEAD=$(($(date +%s) + 7200))
KITH_NOW=$AHEAD "$KITH" --home "$B" item request "$STEP" >/dev/null 2>&1
carry "$B" "$A"
run_ok "Amira lends the ladder to Ben (whose clock is 2 h ahead)" "$A" item lend "$STEP" --to Ben
run_ok "... and gets it back" "$A" item return "$STEP"
k "$A" --json item show "$STEP"
check_json "the answered request does not reopen (clock skew)" "d['status'] == 'available'"

run_ok "the coordinator ends the emergency" "$L" emergency end
everyone
k "$B" status
check_nomatch "no banner after the end" "$OUT" "EMERGENCY"
k "$B" --json emergency
check_json "emergency shows it is off" "d['emergency'] is False"
check_eq "all replicas agree at the end" "$(digest "$A")" "$(digest "$B")"
finish
