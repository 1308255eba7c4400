#!/bin/sh
# clock.sh - a node whose clock is far behind (a Raspberry Pi without a
# real-time clock after a power cut) stamps its posts just after the
# newest change it has seen, and warns its user with one line on stderr
# without failing (issue 7, item 12).  A neighbour's clock far ahead still
# cannot drag ours along (the drift bound, crdt/replica.h).  KITH_NOW pins
# the clock.
. "$(dirname "$0")/lib.sh"

TZ=UTC
export TZ
T=$TMP_DIR
A=$T/alice
B=$T/bob
DAY=86400
NOON=1717243200 # 2024-06-01 12:00 UTC
NOW=$NOON
member "$A" Alice || finish
community "$A" "Elm Street" || finish
member "$B" Bob || finish
join "$B" || finish

WARN="^kith: warning: this computer's clock says %s, %s days behind the newest change seen \\(%s\\); posts are stamped just after that change; set the clock\$"
# warning DATE DAYS SEEN: the exact warning line
warning() {
	# shellcheck disable=SC2059 # the format is ours
	printf "$WARN" "$1" "$2" "$3"
}
# newest DIR: the largest created_ms among DIR's items
newest() {
	k "$1" --json item list --all
	json "max(i['created_ms'] for i in d)"
}
# first DIR: the title of DIR's newest item (lists are newest first, by
# stamp; created_ms has only the millisecond part of it)
first() {
	k "$1" --json item list --all
	json "d[0]['title']"
}
# stamp DIR TITLE: created_ms of DIR's item TITLE
stamp() {
	k "$1" --json item list --all
	json "[i['created_ms'] for i in d if i['title'] == '$2'][0]"
}

run_ok "a post with the right clock" "$A" item add --title "Ladder"
check_nomatch "no warning with the right clock" "$ERR" "^kith: "
LADDER=$(stamp "$A" Ladder)
check_eq "the post is stamped with the clock" "$LADDER" "$((NOON * 1000))"

# ---- the power cut: the clock falls back three days ---------------------

NOW=$((NOON - 3 * DAY))
run_ok "a post with the clock 3 days behind still works" "$A" item add --title "Pump"
check_match "it prints the new item's id" "$OUT" "$HEX32"
check_eq "one warning" "$(printf '%s\n' "$ERR" | grep -c '^kith: ')" 1
check_match "it warns: clock 3 days behind, set the clock" "$ERR" \
	"$(warning 2024-05-29 3 2024-06-01)"
NOW=$NOON
PUMP=$(stamp "$A" Pump)
check "the post is stamped at or after the newest change seen" test "$PUMP" -ge "$LADDER"
check_eq "and listed as the newest" "$(first "$A")" Pump
check "and not in the past the clock claims" test "$PUMP" -ge "$((NOON * 1000))"
NOW=$((NOON - 3 * DAY))
run_ok "reading with the clock behind works" "$A" item list
check_match "and warns the same way" "$ERR" "$(warning 2024-05-29 3 2024-06-01)"

# back to 1970, as a Pi without a real-time clock boots
NOW=86400
run_ok "a post with the clock in 1970 works" "$A" item add --title "Hose"
check_match "it warns: clock says 1970-01-02" "$ERR" \
	"$(warning 1970-01-02 19874 2024-06-01)"
NOW=$NOON
HOSE=$(stamp "$A" Hose)
check "the 1970 post is stamped at or after the last one" test "$HOSE" -ge "$PUMP"
check_eq "and listed as the newest" "$(first "$A")" Hose

# ---- stamps of applied changes are folded in -----------------------------

NOW=$((NOON + 30 * 60)) # Bob's clock is 30 minutes ahead: within the bound
run_ok "Bob posts" "$B" item add --title "Rake"
RAKE=$(stamp "$B" Rake)
NOW=$NOON
carry "$B" "$A"
NOW=$((NOON - 3 * DAY))
run_ok "Alice posts with the clock behind after Bob's change" "$A" item add --title "Shovel"
check_match "the warning counts from Bob's newer change" "$ERR" \
	"$(warning 2024-05-29 3 2024-06-01)"
NOW=$NOON
SHOVEL=$(stamp "$A" Shovel)
check "the post is stamped at or after Bob's newer change" test "$SHOVEL" -ge "$RAKE"
check_eq "and listed as the newest" "$(first "$A")" Shovel

# ---- a clock far ahead cannot drag the others along ----------------------

NOW=$((NOON + 10 * DAY))
run_ok "Bob's clock is 10 days fast" "$B" item add --title "Future"
NOW=$NOON
carry "$B" "$A"
run_ok "Alice, with the right clock, posts" "$A" item add --title "Today"
check_nomatch "no warning: a far-ahead neighbour is not our clock" "$ERR" "^kith: "
TODAY=$(stamp "$A" Today)
check "the post is not dragged 10 days ahead (1 hour at most)" \
	test "$TODAY" -le "$(((NOON + 3600) * 1000 + 1000))"
check "and still after everything it saw" test "$TODAY" -ge "$SHOVEL"

# ---- the replica lost in the same power cut -------------------------------

carry "$A" "$B"
k "$B" export "$T/b-all.kb"
rm -f "$A/replica.db" "$A/replica.db-wal" "$A/replica.db-shm"
NOW=$((NOON - 3 * DAY))
run_ok "Alice restores from Bob's bundle with the clock behind" "$A" import "$T/b-all.kb"
run_ok "and posts" "$A" item add --title "Bucket"
NOW=$NOON
BUCKET=$(stamp "$A" Bucket)
check "the post is stamped after Alice's own earlier ones" test "$BUCKET" -ge "$TODAY"
k "$A" --json item list --all
check_json "Alice's posts are listed in the order she made them" \
	"[i['title'] for i in d if i['author_name'] == 'Alice'] == ['Bucket', 'Today', 'Shovel', 'Hose', 'Pump', 'Ladder']"

finish
