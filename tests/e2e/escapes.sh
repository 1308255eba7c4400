#!/bin/sh
# escapes.sh - text from the replica never reaches a terminal raw (issue 7,
# finding 11).  Two neighbours post every kind of text a member can write
# (names, skills, buildings, titles, locations, descriptions, notes, a
# check-in note, an emergency reason, a community name) full of terminal
# escape sequences, C1 controls (UTF-8 C2 80..C2 9F), BEL, CR, DEL and, put
# straight into the replica with sqlite3, bytes that are not UTF-8.  Every
# read command's text output must then hold no control byte (but newline)
# and be valid UTF-8; every --json output must parse and give back the
# controls escaped; what was posted stays readable (U+FFFD in place of the
# controls, the words around them intact).
. "$(dirname "$0")/lib.sh"

T=$TMP_DIR
A=$T/amira B=$T/ben

# EVIL WORD: WORD wrapped in escapes: CSI colour, a clear-screen, an OSC
# window title ended by BEL, a C1 CSI (U+009B), CR, DEL, a tab
evil() {
	printf '\033[31m%s\033[2J\033]0;pwned\007\302\2331m\r\177\tend' "$1"
}

mkdir -p "$A" "$B"
k "$A" init --name "$(evil Amira)" --building "$(evil Elm)" \
	--unit "$(evil 7)" --skills "$(evil plumbing)" \
	--available "$(evil evenings)"
[ "$RC" = 0 ] || { fail "init with escapes in the profile" "$(last)"; finish; }
member "$B" Ben || finish
community "$A" "$(evil Elmstreet)" || finish
join "$B" || finish

k "$A" item add --title "$(evil Ladder)" --kind resource \
	--category "$(evil tools)" --unit "$(evil pieces)" --qty 2 \
	--condition "$(evil good)" --location "$(evil shed)" \
	--description "$(evil long)"
ITEM=$OUT
k "$A" wish add --title "$(evil Insulin)" --urgency critical \
	--category "$(evil health)" --location "$(evil hall)" \
	--for "$(evil Okafor)" --description "$(evil fridge)"
WISH=$OUT
k "$A" emergency start "$(evil Flood)"
k "$A" checkin need-help --note "$(evil roof)"
carry "$A" "$B"
k "$B" wish claim "$WISH" --note "$(evil coming)"
k "$B" item request "$ITEM" --note "$(evil please)"
k "$A" --json whoami
AID=$(json 'd["id"]')
k "$B" checkin safe --for "$AID" --note "$(evil seen)"
carry "$B" "$A"
check_match "the posts were made" "$ITEM $WISH" "^[0-9a-f]{32} [0-9a-f]{32}$"

# Bytes that are not UTF-8 (a lone continuation byte, an overlong '/', a
# cut-off sequence) and a C1 control, written into the materialized tables
# as an old or damaged replica could hold them.
if [ "$HAVE_SQLITE3" = 1 ]; then
	sqlite3 "$A/replica.db" \
		"UPDATE items SET description = CAST(X'6F6B80C0AFE282' AS TEXT) || 'end';
		 UPDATE members SET unit = CAST(X'FF9B316D' AS TEXT);
		 UPDATE wishes SET location = CAST(X'C29B33326DF0' AS TEXT);" ||
		fail "sqlite3 could write invalid UTF-8 into the replica"
fi

cat >"$T/clean.py" <<'EOF'
# clean.py FILE: "ok", or why the bytes are not safe for a terminal
import sys
b = open(sys.argv[1], 'rb').read()
try:
    s = b.decode('utf-8')
except UnicodeDecodeError as e:
    print('not UTF-8: %s' % e)
    sys.exit(0)
bad = [c for c in s if (ord(c) < 0x20 and c != '\n') or 0x7f <= ord(c) <= 0x9f]
print('control characters: %r' % bad[:8] if bad else 'ok')
EOF

# clean DESC ARGS...: kith ARGS prints only safe text (stdout and stderr)
clean() {
	_d=$1
	shift
	k "$A" "$@"
	if [ "$RC" != 0 ]; then
		fail "$_d" "$(last)"
		return 0
	fi
	_o=$("$PY" -S -E "$T/clean.py" "$TMP_DIR/out")
	_e=$("$PY" -S -E "$T/clean.py" "$TMP_DIR/err")
	if [ "$_o" = ok ] && [ "$_e" = ok ]; then
		pass "$_d"
	else
		fail "$_d" "stdout: $_o" "stderr: $_e" "$(cat -v "$TMP_DIR/out" | head -n 5)"
	fi
}

clean "whoami shows no raw escapes" whoami
clean "members shows no raw escapes" members
clean "item list shows no raw escapes" item list --all
clean "item show shows no raw escapes" item show "$ITEM"
clean "wish list shows no raw escapes" wish list --all
clean "wish show shows no raw escapes" wish show "$WISH"
clean "checkins shows no raw escapes" checkins
clean "inventory shows no raw escapes" inventory
clean "volunteers shows no raw escapes" volunteers
clean "hours shows no raw escapes" hours
clean "roles shows no raw escapes" roles
clean "emergency shows no raw escapes" emergency
clean "status shows no raw escapes" status
clean "community invite shows no raw escapes" community invite
clean "print (to the terminal) shows no raw escapes" print
k "$A" wish list --all
check_match "the words around the escapes stay readable" "$OUT" \
	"Insulin.*end"
k "$A" item show "$ITEM"
check_match "a control becomes U+FFFD" "$OUT" "$(printf 'Ladder\357\277\275')"
check_match "a C1 control (U+009B) becomes U+FFFD" "$OUT" \
	"$(printf 'pwned\357\277\275\357\277\2751m')"

# JSON: parses, and the controls come back escaped
for cmd in "whoami" "members" "item list --all" "item show $ITEM" \
	"wish list --all" "wish show $WISH" "checkins" "inventory" \
	"volunteers" "hours" "roles" "emergency" "status" "match"; do
	# shellcheck disable=SC2086
	k "$A" --json $cmd
	case $(json 'type(d).__name__') in
	JSON-ERROR*) fail "--json $cmd is valid JSON" "$(last)" ;;
	*) pass "--json $cmd is valid JSON" ;;
	esac
	_c=$("$PY" -S -E "$T/clean.py" "$TMP_DIR/out")
	check_eq "--json $cmd escapes every control" "$_c" ok
done
k "$A" --json item show "$ITEM"
check_json "JSON keeps the escape as an escape" \
	'd["title"].startswith("\x1b[31mLadder\x1b[2J\x1b]0;pwned\x07\x9b1m\r\x7f\tend")'
if [ "$HAVE_SQLITE3" = 1 ]; then
	check_json "invalid UTF-8 becomes U+FFFD in JSON" \
		'd["description"] == "ok\ufffd\ufffd\ufffd\ufffd\ufffdend"'
	k "$A" --json members
	check_json "invalid UTF-8 in a name's unit becomes U+FFFD" \
		'any(m["unit"] == "\ufffd\ufffd1m" for m in d)'
fi
finish
