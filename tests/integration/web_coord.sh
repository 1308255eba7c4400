#!/bin/sh
# web_coord.sh - the coordinator's pages (web/pages.h: /coord ...) in real
# daemons over loopback: a founds the community (a coordinator), b is a
# plain member with a web app of its own.
#   - every /coord route as coordinator: 200 (GETs) or 303 to a page that
#     says what happened (POSTs); as b: the action layer's refusal, 403 on
#     a page (no buttons) and 422 on a POST, nothing written;
#   - a POST without csrf is 403 and writes nothing; invalid UTF-8 in a
#     field is 400 and writes nothing; markup in every field comes back
#     escaped (no page holds "<script"); an empty reason, an unknown role,
#     a too long building are refused with 422 and the action's words;
#   - verify / unverify b, grant / revoke a role, start / end emergency
#     mode, all seen by the CLI;
#   - hide b's wish: it vanishes from /wishes on a and, after sync, on b;
#     unhide brings it back;
#   - b says "I need help" in b's web app; after sync a's roll call shows
#     b under needs help in b's building, with the counts;
#   - the inventory shows a's supplies, the match shows open wishes; the
#     sheet has its sections;
#   - /coord/csv/NAME is a download (text/csv, attachment) with the very
#     bytes of `kith report --csv`, formulas (= + - @) neutralised;
#   - Chinese pages for Accept-Language: zh-CN.
. "$(dirname "$0")/lib.sh" "$1"

web_py
setup_community a b
web_daemon a
web_daemon b --peer-node a
web_login a
web_login b

"$PY" "$(dirname "$0")/web_coord.py" "$URL_A" "$URL_B" "$KITH" "$WORK/a" \
	"$WORK/b" "$WORK" >"$WORK/py.out" 2>&1
web_tally "$WORK/py.out"
check_nomatch "no page failed (500) in daemon a's log" "$(cat "$WORK/a.log")" 'web: .* failed'
check_nomatch "no page failed (500) in daemon b's log" "$(cat "$WORK/b.log")" 'web: .* failed'

for n in a b; do
	P=$(pid_of $n)
	kill -TERM "$P"
	wait "$P"
	check_eq "SIGTERM stops daemon $n with exit 0" "$?" 0
done

finish
