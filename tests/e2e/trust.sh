#!/bin/sh
# Trust against a hostile member using the stock CLI (issue 7): a forged
# invite code, self-minted hours with a second identity, a revoked
# coordinator back-dating a grant, and a far-future "safe" over a real
# "need-help".  Each builds the attack the way a member could.
. "$(dirname "$0")/lib.sh"

A=$TMP_DIR/amira B=$TMP_DIR/ben M=$TMP_DIR/mallory M2=$TMP_DIR/mallory2
N=$TMP_DIR/newcomer
member "$A" Amira && member "$B" Ben && member "$M" Mallory &&
	member "$M2" "Mallory Two" && member "$N" Nadia || finish
community "$A" "Elm" || finish
GOOD_CODE=$CODE
for h in "$B" "$M" "$M2"; do join "$h" || finish; done
everyone() {
	carry "$A" "$B"; carry "$B" "$M"; carry "$M" "$M2"; carry "$M2" "$A"
	carry "$A" "$B"; carry "$A" "$M"
}
everyone

# ---- 6: a forged invite code --------------------------------------------
# Mallory re-encodes the code with an id of her own (her key), as a member
# could with a few lines of script
FORGED=$("$PY" - "$GOOD_CODE" "$(k "$M" --json whoami; echo "$OUT")" <<'EOF'
import base64, hashlib, json, sys
code, who = sys.argv[1], json.loads(sys.argv[2])
body = code[5:]
raw = bytearray(base64.b32decode(body.upper() + '=' * (-len(body) % 8)))
raw[33:65] = bytes.fromhex(who['id'])
raw = raw[:-4]
raw += hashlib.blake2b(bytes(raw), digest_size=4).digest()
print('kith1' + base64.b32encode(bytes(raw)).decode().lower().rstrip('='))
EOF
)
run_ok "the newcomer joins with the forged code" "$N" community join "$FORGED"
k "$A" export "$TMP_DIR/honest.kb"
run_err 1 "another community" \
	"the forged code opens nothing of the real community" \
	"$N" import "$TMP_DIR/honest.kb"
k "$M" export "$TMP_DIR/mallory.kb"
run_err 1 "another community" "...not even the forger's bundles" \
	"$N" import "$TMP_DIR/mallory.kb"
k "$N" --json roles
check_json "the forger is never the newcomer's coordinator" "d == []"
k "$N" --json digest
check_json "digest shows the community the code names" \
	"d['community'] != '' and d['creator'] == ''"
k "$A" --json digest
A_ID=$(json "d['community']" | tr -d "'")
k "$B" --json digest
check_json "honest members see the same community and creator" \
	"d['community'] == '$A_ID' and d['creator'] != ''"

# ---- 9: self-minted hours with a second identity ------------------------
k "$M" wish add --title "Help me move a box"
W=$(k "$M" --json wish list --mine; json "d[0]['id']" | tr -d "'")
carry "$M" "$M2"
k "$M2" wish claim "$W"
carry "$M2" "$M"
run_rc 2 "more than one confirmation may credit is refused" \
	"$M" wish confirm "$W" --hours 1000
run_ok "Mallory confirms her twin's help with 100 hours" \
	"$M" wish confirm "$W" --hours 100
everyone
k "$A" --json members
check_json "unverified identities mint nothing" \
	"all(m['hours'] == 0 for m in d)"
run_ok "Amira verifies Ben, met in person" "$A" member verify Ben \
	--building Elm --unit 4
refused "Mallory cannot verify her twin" "$M" "only coordinators" \
	member verify "Mallory Two" --building Elm --unit 9
k "$A" --json members
check_json "one verified side is not enough" \
	"all(m['hours'] == 0 for m in d)"

# ---- 5: a revoked coordinator back-dates a grant ------------------------
NOW=1893456000
run_ok "Amira makes Mallory a coordinator" "$A" role grant Mallory coordinator
everyone
NOW=1893459600
run_ok "Amira revokes her an hour later" "$A" role revoke Mallory coordinator
# Mallory does not sync; her clock says half an hour after the grant
NOW=1893457800
k "$M" role grant "Mallory Two" coordinator
everyone
NOW=
k "$B" --json roles
check_json "the back-dated grant counts nowhere" \
	"sorted(r['name'] for r in d) == ['Amira']"
k "$M2" --json roles
check_json "...the same on Mallory's twin" \
	"sorted(r['name'] for r in d) == ['Amira']"

# ---- 2: a far-future "safe" over a real "need-help" -----------------------
run_ok "Amira starts an emergency" "$A" emergency start "storm"
everyone
NOW=4102444800
k "$M" checkin safe --for Ben
NOW=
run_ok "Ben needs help" "$B" checkin need-help --note "no heating"
everyone
everyone
k "$A" --json checkins
check_json "Ben's need-help stands over a far-future safe" \
	"[r['status'] for r in d if r['name'] == 'Ben'] == ['need-help']"
k "$M" checkin safe --for Ben
everyone
k "$A" --json checkins
check_json "a neighbour's later safe does not hide Ben's own need-help" \
	"[r['status'] for r in d if r['name'] == 'Ben'] == ['need-help']"
run_ok "Ben says he is safe now" "$B" checkin safe
everyone
k "$A" --json checkins
check_json "Ben's own report that follows it clears it" \
	"[r['status'] for r in d if r['name'] == 'Ben'] == ['safe']"

finish
