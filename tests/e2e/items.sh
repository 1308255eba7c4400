#!/bin/sh
# items.sh - kith item add/list/show/edit/withdraw/lend/return/request
# between two members, status words, filters, expiry, and refusals of
# writes on a record someone else wrote.
. "$(dirname "$0")/lib.sh"

T=$TMP_DIR
alice_and_bob

# Expiry and due dates need a clock: 2030-03-01 12:00 UTC, mid-day so the
# local time zone cannot move it across a date.
NOW=1898596800

# ---- add ---------------------------------------------------------------

run_ok "item add with only a title" "$A" item add --title "Tomato seedlings"
check_match "item add prints the new id (32 hex)" "$OUT" "$HEX32"
check_eq "item add prints only the id" "$(wc -l <"$T/out" | tr -d ' ')" 1
SEED=$OUT
check_match "item add says on stderr the item is posted, with its short id" \
	"$ERR" "your item 'Tomato seedlings' is posted \(id $(printf %.6s "$SEED")[0-9a-f]*\)"
check_match "... and how to see the requests" "$ERR" "kith item show [0-9a-f]{6,}"
run_ok "item add with every flag" "$A" item add --title "Aluminium ladder" \
	--kind lend --category tools --qty 2 --unit pieces --condition good \
	--location "Shed 3" --description "Three metres, folds" --until 2030-06-30
LADDER=$OUT
k "$A" --json item add --title "Sewing lessons" --kind skill --category crafts
check_json "item add --json prints {id}" "len(d['id']) == 32"
SEW=$(json "d['id']")
run_ok "item add --kind space" "$A" item add --title "Guest room" --kind space \
	--category rooms --location "Elm 4"
ROOM=$OUT
run_ok "item add --kind resource" "$A" item add --title "Generator" \
	--kind resource --category power
GEN=$OUT

k "$A" --json item show "$SEED"
check_json "a new item is 'available'" "d['status'] == 'available'"
check_json "default kind is give and quantity 1" "d['kind'] == 'give' and d['quantity'] == 1"
k "$A" --json item show "$LADDER"
check_json "item show --json has every field given" \
	"(d['title'], d['kind'], d['category'], d['quantity'], d['unit'], d['condition'], d['location'], d['description']) == ('Aluminium ladder', 'lend', 'tools', 2, 'pieces', 'good', 'Shed 3', 'Three metres, folds')"
check_json "item show --json: the owner is Alice" "d['author'] == '$ALICE'"
check_json "item show --json: --until is stored" "isinstance(d['until'], int) and d['until'] > $NOW"
k "$A" item show "$LADDER"
check_match "item show text has the title" "$OUT" "Aluminium ladder"
check_match "item show text has the until date" "$OUT" "2030-06-30"
run_ok "item show with a 6-character prefix" "$A" item show "$(printf %.6s "$LADDER")"
check_match "the prefix found the right item" "$OUT" "Aluminium ladder"

# ---- list and filters --------------------------------------------------

k "$A" --json item list
check_eq "item list --json exits 0" "$RC" 0
check_json "item list --json shows all five items" "len(d) == 5"
check_json "item list --json objects carry id title kind category quantity status author location" \
	"all(set(['id','title','kind','category','quantity','status','author','location']) <= set(i) for i in d)"
k "$A" --json item list --kind lend
check_json "--kind lend finds the ladder only" "[i['id'] for i in d] == ['$LADDER']"
k "$A" --json item list --kind skill
check_json "--kind skill finds the lessons only" "[i['id'] for i in d] == ['$SEW']"
k "$A" --json item list --category rooms
check_json "--category rooms finds the room only" "[i['id'] for i in d] == ['$ROOM']"
k "$A" --json item list --search ladder
check_json "--search finds by a title word" "[i['id'] for i in d] == ['$LADDER']"
k "$A" --json item list --search folds
check_json "--search finds by a description word" "[i['id'] for i in d] == ['$LADDER']"
k "$A" --json item list --search zeppelin
check_json "--search with no match gives []" "d == []"
k "$A" item list
check_match "item list text shows the ladder" "$OUT" "Aluminium ladder"
check_match "item list text shows its status" "$OUT" "available"
check_match "item list text shows the short id (at least 6 characters)" "$OUT" \
	"^$(printf %.6s "$LADDER")[0-9a-f]* +available"
check_nomatch "item list text shows no full id" "$OUT" "$LADDER"
check_match "item list text names the owner" "$OUT" "Shed 3 / Alice"

# ---- edit / withdraw ---------------------------------------------------

run_ok "item edit --title" "$A" item edit "$LADDER" --title "Long ladder" --qty 1
k "$A" --json item show "$LADDER"
check_json "the edit shows: title and quantity" "(d['title'], d['quantity']) == ('Long ladder', 1)"
check_json "the edit keeps the other fields" "d['location'] == 'Shed 3' and d['kind'] == 'lend'"
run_ok "item edit with the id after the flags" "$A" item edit --condition worn "$(printf %.8s "$LADDER")"
k "$A" --json item show "$LADDER"
check_json "edit by prefix changed the condition" "d['condition'] == 'worn'"
run_rc 2 "item edit with nothing to change is a usage error" "$A" item edit "$LADDER"
run_rc 2 "item edit without an id is a usage error" "$A" item edit --title X

run_ok "item withdraw" "$A" item withdraw "$GEN"
k "$A" --json item show "$GEN"
check_json "a withdrawn item is 'withdrawn'" "d['status'] == 'withdrawn'"
k "$A" --json item list
check_json "item list hides withdrawn items" "'$GEN' not in [i['id'] for i in d]"
k "$A" --json item list --all
check_json "item list --all shows withdrawn items" "'$GEN' in [i['id'] for i in d]"
run_err 1 "withdrawn" "withdrawing twice is refused" "$A" item withdraw "$GEN"
run_err 1 "withdrawn" "editing a withdrawn item is refused" "$A" item edit "$GEN" --title X

# ---- another member: request, lend, return -----------------------------

carry "$A" "$B"
carry "$B" "$A"
check_eq "after two bundles both digests agree" "$(digest "$B")" "$(digest "$A")"
k "$B" --json item list
check_json "Bob sees Alice's four current items" "len(d) == 4 and all(i['author'] == '$ALICE' for i in d)"
k "$B" --json item list --mine
check_json "Bob's --mine is empty" "d == []"
k "$A" --json item list --mine
check_json "Alice's --mine has her four current items" "len(d) == 4"

run_ok "item request with --note" "$B" item request "$LADDER" --note "for the gutter, Saturday"
check_match "item request prints a request id" "$OUT" "$HEX32"
check_eq "item request prints only the id on stdout" "$(wc -l <"$T/out" | tr -d ' ')" 1
REQ=$OUT
check_match "item request says what happened and what next" "$ERR" \
	"you asked Alice for 'Long ladder' \(request $(printf %.6s "$REQ")[0-9a-f]*\); Alice sees it when your machines sync and can lend it to you"
k "$B" --json item request "$SEW"
check_json "item request --json prints {id} only" "list(d) == ['id'] and len(d['id']) == 32"
check_eq "item request --json says nothing on stderr" "$ERR" ""
k "$B" --json item show "$LADDER"
check_json "a requested item is 'requested'" "d['status'] == 'requested'"
run_err 1 "own" "requesting your own item is refused" "$A" item request "$SEED"
run_err 1 "withdrawn" "requesting a withdrawn item is refused" "$B" item request "$GEN"

carry "$B" "$A"
k "$A" --json item show "$LADDER"
check_json "Alice sees the request: 'requested'" "d['status'] == 'requested'"
k "$A" item show "$LADDER"
check_match "item show lists the request with its note" "$OUT" "for the gutter"
check_match "item show names the requester, with the request's short id" "$OUT" \
	"^  $(printf %.6s "$REQ")[0-9a-f]* +active +Bob: for the gutter"
k "$A" --json item list
check_json "item list shows requested items" "'$LADDER' in [i['id'] for i in d]"

run_ok "item lend --to NAME --due" "$A" item lend "$LADDER" --to Bob --due 2030-03-10
check_match "item lend prints the loan id" "$OUT" "$HEX32"
check_eq "item lend prints only the id on stdout" "$(wc -l <"$T/out" | tr -d ' ')" 1
LOAN=$OUT
LOAN_SHORT=$(printf '%s' "$ERR" | sed -n "s/.*(loan \([0-9a-f]*\)).*/\1/p")
check_match "item lend says what happened, with the loan's short id" "$ERR" \
	"'Long ladder' is lent to Bob until 2030-03-10 \(loan $(printf %.6s "$LOAN")[0-9a-f]*\); when it comes back: 'kith item return $LOAN_SHORT'"
k "$A" --json item show "$LADDER"
check_json "a lent item is 'on_loan'" "d['status'] == 'on_loan'"
check_json "item show --json names the borrower" "d['borrower'] == '$BOB'"
k "$A" item show "$LADDER"
check_match "item show text has the due date" "$OUT" "2030-03-10"
check_match "item show names the borrower, not their id" "$OUT" "^lent to +Bob$"
check_match "item show gives the loan's short id" "$OUT" "^loan +$LOAN_SHORT$"
check_match "item show tells the owner how to record the return" "$ERR" \
	"kith item return $LOAN_SHORT"
k "$A" --json item list
check_json "item list shows items on loan" "'$LADDER' in [i['id'] for i in d]"
run_err 1 "on loan" "lending an item on loan is refused" "$A" item lend "$LADDER" --to Bob
k "$A" --json item list --overdue
check_json "not overdue before the due date" "d == []"
NOW=1899460800 # 2030-03-11 12:00 UTC
k "$A" --json item list --overdue
check_json "--overdue shows it after the due date" "[i['id'] for i in d] == ['$LADDER']"
k "$A" item list --overdue
check_match "--overdue text names the borrower and the due date" "$OUT" \
	"lent to Bob until 2030-03-10"
NOW=1898596800

carry "$A" "$B"
refused "Bob cannot record the return by the loan id" "$B" "another member" \
	item return "$LOAN_SHORT"
run_ok "item return by the loan's short id, as item lend said" "$A" item return "$LOAN_SHORT"
check_match "item return says the item is back from Bob" "$ERR" "'Long ladder' is back from Bob"
run_err 1 "already returned" "returning the same loan twice is refused" "$A" item return "$LOAN_SHORT"
run_ok "lent again" "$A" item lend "$LADDER" --to Bob
run_ok "item return by the item's id" "$A" item return "$LADDER"
k "$A" --json item show "$LADDER"
check_json "a returned item is 'available' again" "d['status'] == 'available'"
run_err 1 "not on loan" "returning an item not on loan is refused" "$A" item return "$LADDER"
run_ok "lend by member id prefix" "$A" item lend "$SEW" --to "$(printf %.10s "$BOB")"
k "$A" --json item show "$SEW"
check_json "lent to the member the prefix names" "d['borrower'] == '$BOB' and d['status'] == 'on_loan'"
run_err 1 "yourself" "lending to yourself is refused" "$A" item lend "$ROOM" --to Alice
run_err 1 "no member" "lending to an unknown member is refused" "$A" item lend "$ROOM" --to Zed
run_err 1 "withdrawn" "lending a withdrawn item is refused" "$A" item lend "$GEN" --to Bob
run_rc 2 "item lend without --to is a usage error" "$A" item lend "$ROOM"
run_rc 2 "item lend --due with a bad date is a usage error" "$A" item lend "$ROOM" --to Bob --due 2030-13-01

# ---- someone else's item: refused, nothing written ---------------------

carry "$A" "$B"
refused "Bob edits Alice's item" "$B" "another member|not yours|your own" \
	item edit "$ROOM" --title "Bob's room now"
refused "Bob withdraws Alice's item" "$B" "another member|not yours|your own" \
	item withdraw "$ROOM"
refused "Bob lends Alice's item" "$B" "another member|not yours|your own" \
	item lend "$ROOM" --to Alice
refused "Bob returns Alice's lent item" "$B" "another member|not yours|your own" \
	item return "$SEW"
carry "$B" "$A"
k "$A" --json item show "$ROOM"
check_json "Alice's item is untouched after Bob's attempts" \
	"(d['title'], d['status']) == ('Guest room', 'available')"

# ---- expiry (needs the fixed clock) ------------------------------------

k "$A" --json item show "$LADDER"
check_json "before --until the item is available" "d['status'] == 'available'"
NOW=1924948800 # 2030-12-31 12:00 UTC, after 2030-06-30
k "$A" --json item show "$LADDER"
check_json "after --until the item is 'expired'" "d['status'] == 'expired'"
k "$A" --json item list
check_json "item list hides expired items" "'$LADDER' not in [i['id'] for i in d]"
k "$A" --json item list --all
check_json "item list --all shows expired items" "'$LADDER' in [i['id'] for i in d]"
NOW=1898596800

# ---- bad values --------------------------------------------------------

run_rc 2 "item add without --title is a usage error" "$A" item add --kind give
run_rc 2 "item add --title '' is a usage error" "$A" item add --title ""
run_rc 2 "item add --kind unknown is a usage error" "$A" item add --title X --kind borrow
run_rc 2 "item add --qty 0 is a usage error" "$A" item add --title X --qty 0
run_rc 2 "item add --qty -3 is a usage error" "$A" item add --title X --qty -3
run_rc 2 "item add --qty abc is a usage error" "$A" item add --title X --qty abc
run_rc 2 "item add --qty 1.5 is a usage error" "$A" item add --title X --qty 1.5
run_rc 2 "item add --until 2030-02-30 is a usage error" "$A" item add --title X --until 2030-02-30
run_rc 2 "item add --until tomorrow is a usage error" "$A" item add --title X --until tomorrow
run_rc 2 "item add with a stray argument is a usage error" "$A" item add --title X stray
run_rc 2 "item list --kind unknown is a usage error" "$A" item list --kind borrow
k "$A" --json item list --all
check_json "no bad add wrote an item" "len(d) == 5"

# ---- text that needs escaping, size limits ----------------------------

ODD='Quote " back\ slash	tab
newline, ünïcödé 梯子 {"json": [1]}'
run_ok "item add with quotes, backslash, tab, newline and UTF-8" "$A" item add --title "$ODD"
ODD_ID=$OUT
k "$A" --json item show "$ODD_ID"
printf '%s' "$ODD" >"$T/odd.txt"
check_json "item show --json gives the title back byte for byte" \
	"d['title'] == open('$T/odd.txt', encoding='utf-8').read()"
k "$A" --json item list --search 梯子
check_json "--search finds a UTF-8 word" "[i['id'] for i in d] == ['$ODD_ID']"
run_ok "odd --search words are no error" "$A" item list --search '" * - NEAR( OR'
LONG=$(awk 'BEGIN { for (i = 0; i < 4097; i++) printf "x" }')
run_rc 2 "a 4097-byte description is a usage error" "$A" item add --title X --description "$LONG"
run_ok "a 4096-byte description is fine" "$A" item add --title "Long one" --description "${LONG#x}"
run_rc 2 "item add --qty 1000000001 is a usage error" "$A" item add --title X --qty 1000000001

# ---- two writers at once (BEGIN IMMEDIATE, busy timeout) ---------------

W0=$(k "$A" --json item list --all; json "len(d)")
i=0
while [ $i -lt 12 ]; do
	# the script's clock: with the real one, 2030's stamps are far ahead
	# and every writer would rightly warn that its clock is behind
	(KITH_NOW=$NOW "$KITH" --home "$A" item add --title "parallel $i" \
		>/dev/null 2>"$T/par$i.err"
	 echo $? >"$T/par$i.rc") &
	i=$((i + 1))
done
wait
PAR_BAD=$(cat "$T"/par*.rc | grep -vc '^0$')
check_eq "12 writers at once all succeed" "$PAR_BAD" 0
check_eq "... and none complained (no 'kith:' line)" \
	"$(cat "$T"/par*.err | grep '^kith:')" ""
check_eq "... each said its item is posted" \
	"$(cat "$T"/par*.err | grep -c "is posted (id [0-9a-f]\{6,\})")" 12
k "$A" --json item list --all
check_json "all 12 items are there" "len(d) == $W0 + 12"
k "$A" export "$T/par.kb"
k "$B" --json import "$T/par.kb"
check_json "their changes form one valid chain (none rejected)" \
	"d['rejected'] == 0 and d['applied'] >= 12 and d.get('held', 0) == 0"

carry "$A" "$B"
carry "$B" "$A"
check_eq "in the end both replicas agree" "$(digest "$A")" "$(digest "$B")"
k "$B" --json item list --all
check_json "Bob sees every status Alice sees" \
	"sorted((i['id'], i['status']) for i in d if i['id'] in ('$SEED', '$LADDER', '$SEW', '$ROOM', '$GEN')) == sorted([('$SEED','available'), ('$LADDER','available'), ('$SEW','on_loan'), ('$ROOM','available'), ('$GEN','withdrawn')])"

# ---- giving away (the web app's "Give to", from the command line) --------

run_ok "Alice offers two chairs to give away" "$A" item add --title "Chairs" \
	--kind give --qty 2
CHAIRS=$OUT
carry "$A" "$B"
run_rc 2 "item give without --to is a usage error" "$A" item give "$CHAIRS"
refused "giving to a member nobody knows" "$A" "no member" item give "$CHAIRS" --to Zed
refused "Bob gives Alice's chairs away" "$B" "not yours|your own|another member|only" \
	item give "$CHAIRS" --to Alice
run_ok "Alice gives one chair to Bob" "$A" item give "$CHAIRS" --to Bob
check_match "item give prints the loan id" "$OUT" "$HEX32"
check_match "item give says one is left" "$ERR" "1 stay listed"
k "$A" --json item show "$CHAIRS"
check_json "one chair stays listed" "(d['quantity'], d['status']) == (1, 'available')"
run_ok "Alice gives the last chair to Bob" "$A" item give "$CHAIRS" --to Bob
check_match "item give says the item is gone" "$ERR" "no longer shows"
k "$A" --json item show "$CHAIRS"
check_json "the last one given: the item is off the lists" "d['status'] == 'withdrawn'"
refused "giving an item already given away" "$A" "withdrawn" item give "$CHAIRS" --to Bob

finish
