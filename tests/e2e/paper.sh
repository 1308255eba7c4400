#!/bin/sh
# paper.sh - kith print (the notice sheet) and kith report --csv (the
# committee's tables) over a small community of four buildings' worth of
# neighbours who meet only through bundles: one section per building in
# order, wishes critical first, offers with resources first, the roll call
# during an emergency, escaping, nothing private on paper; CSV files that
# parse, with RFC 4180 quoting, ISO 8601 local times, names and hours that
# add up; and the error paths.
. "$(dirname "$0")/lib.sh"

T=$TMP_DIR
A=$T/amira B=$T/ben C=$T/chloe D=$T/dan E=$T/eve
# a fixed clock (needed-by dates stay in the future) and a fixed zone
# without tzdata: CET-1 is UTC+1 everywhere
NOW=1796468400 # 2026-12-05 11:00 UTC
TZ=CET-1
export TZ

# init NAME [BUILDING UNIT]: an identity with a profile
init() {
	_h=$1
	_n=$2
	mkdir -p "$_h"
	if [ -n "${3:-}" ]; then
		k "$_h" init --name "$_n" --building "$3" --unit "$4"
	else
		k "$_h" init --name "$_n"
	fi
	[ "$RC" = 0 ] || { fail "set up member $_n" "$(last)"; finish; }
}
init "$A" Amira "Elm 12" 1
init "$B" Ben "Elm 12" 4
init "$C" Chloe "Oak 3" 2
init "$D" Dan
init "$E" Eve "ELM 12" 10 # the same building, spelled differently
community "$A" "Elm & Oak <neighbours>" || finish
for h in "$B" "$C" "$D" "$E"; do join "$h" || finish; done
everyone() {
	carry "$A" "$B"; carry "$B" "$C"; carry "$C" "$D"; carry "$D" "$E"
	carry "$E" "$A"; carry "$A" "$B"; carry "$A" "$C"; carry "$A" "$D"
}
everyone
# credit counts between members verified in person (issue 7)
k "$A" member verify Amira --building "Elm 12" --unit 1
k "$A" member verify Ben --building "Elm 12" --unit 4

# id TITLE: the id of the wish or item the last command created
SECRET="door code 4711, key under the mat"
k "$A" wish add --title "Bread for Sunday" --urgency low
W_LOW=$OUT
LONG=$(printf 'Any colour. %0300d TAILEND' 0)
k "$A" wish add --title "Paint for the stairwell" --description "$LONG"
k "$A" wish add --title "Insulin must stay cold" --urgency critical \
	--for "Mrs Okafor, unit 6" --location "Elm 12, 3rd floor" \
	--needed-by 2026-12-06 --description "Her fridge broke; two pens." \
	--private "$SECRET"
if [ "$RC" != 0 ]; then
	# no --private in this build: seal nothing, store the text raw in
	# the private column instead, which must not reach paper either
	k "$A" wish add --title "Insulin must stay cold" --urgency critical \
		--for "Mrs Okafor, unit 6" --location "Elm 12, 3rd floor" \
		--needed-by 2026-12-06 --description "Her fridge broke; two pens."
	W_CRIT=$OUT
	if [ "$HAVE_SQLITE3" = 1 ]; then
		sqlite3 "$A/replica.db" "UPDATE wishes SET private = CAST('$SECRET' AS BLOB) WHERE lower(hex(id)) = '$W_CRIT'"
	fi
fi
k "$A" wish add --title "Boxes for moving" --qty 10
W_BOXES=$OUT
k "$A" wish add --title "An old wish, withdrawn"
k "$A" wish withdraw "$OUT"
k "$A" item add --title "Aluminium ladder" --kind lend --location cellar
k "$B" wish add --title "<script>alert('x')</script> & friends" --urgency urgent
k "$B" item add --title 'Camping stove, "Primus", with gas' --kind lend \
	--location "unit 4"
I_STOVE=$OUT
k "$B" item add --title "Drinking water" --kind resource --qty 24 \
	--unit bottles --location "bike room"
k "$C" wish add --title "Candles for Oak 3" --urgency critical
k "$C" item add --title "Generator" --kind resource --location courtyard
k "$D" wish add --title "Someone to walk my dog" \
	--description "$(printf 'Mornings only.\nHe is friendly, "Rex".')"
k "$D" item add --title "Cheap watches, message me"
SPAM=$OUT
k "$E" item add --title "Sewing machine" --kind share
everyone

# Ben helps with the boxes: the wish is no longer open; 1.5 hours
k "$B" wish claim "$W_BOXES" --note 'I have boxes, "lots"'
CLAIM=$OUT
carry "$B" "$A"
k "$A" wish accept "$CLAIM"
carry "$A" "$B"
k "$B" wish deliver "$CLAIM"
carry "$B" "$A"
k "$A" wish confirm "$W_BOXES" --hours 1.5
k "$A" hide "$SPAM" --reason "advertising"
k "$A" role grant Ben building-head --building "Elm 12"
k "$A" emergency start "Flood in the lower streets"
everyone
k "$B" checkin safe
k "$B" checkin need-help --for Amira --note "no water, 3rd floor"
k "$D" checkin safe
everyone

# ---- the sheet ------------------------------------------------------------

cat >"$T/sheet.py" <<'EOF'
# sheet.py FILE: the sheet's structure as JSON (sections in order, with
# wish titles and urgencies, item titles, roll rows, who to ask)
import html.parser, json, sys

class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.secs, self.stack, self.text = [], [], None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get('class') or '').split()
        self.stack.append((tag, cls))
        s = self.secs[-1] if self.secs else None
        if tag == 'section':
            self.secs.append({'h1': '', 'wishes': [], 'urgency': [],
                              'items': [], 'roll': [], 'emergency': False,
                              'ask': ''})
        elif s is None:
            return
        elif tag == 'div' and 'emergency' in cls:
            s['emergency'] = True
        elif tag == 'table':
            self.table = cls[0] if cls else ''
        elif tag == 'tr' and self.in_('tbody') and self.table == 'roll':
            s['roll'].append([])
        elif tag == 'td' and self.in_('tbody') and self.table == 'roll':
            s['roll'][-1].append('')
    def in_(self, tag):
        return any(t == tag for t, _ in self.stack)
    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break
    def handle_data(self, data):
        if not self.secs or not self.stack:
            return
        s = self.secs[-1]
        tag, cls = self.stack[-1]
        if tag == 'h1':
            s['h1'] += data
        elif 'urg' in cls:
            s['urgency'].append(data)
        elif 'title' in cls and self.in_('li'):
            s['wishes'].append(data)
        elif 'title' in cls and self.in_('td'):
            s['items'].append(data)
        elif self.in_('tbody') and self.table == 'roll' and s['roll']:
            s['roll'][-1][-1] += data
        if any('ask' in c for _, c in self.stack):
            s['ask'] += data

p = P()
p.feed(open(sys.argv[1], encoding='utf-8').read())
print(json.dumps(p.secs))
EOF
# sheet FILE: parse into $TMP_DIR/out for check_json
sheet() {
	"$PY" -S -E "$T/sheet.py" "$1" >"$T/out" 2>"$T/err" ||
		fail "the sheet parses as HTML" "$(cat "$T/err")"
}

run_ok "kith print writes the sheet to stdout" "$A" print
cp "$T/out" "$T/stdout.html"
check_match "it is an HTML document" "$(head -n 1 "$T/stdout.html")" '^<!DOCTYPE html>$'
run_ok "kith print --out FILE" "$A" print --out "$T/sheet.html"
check_eq "--out writes exactly what stdout shows" \
	"$(cksum <"$T/sheet.html")" "$(cksum <"$T/stdout.html")"
check_eq "--out leaves stdout empty" "$OUT" ""
check_match "--out says what it wrote" "$ERR" "wrote '$T/sheet.html' \(3 sections"
k "$A" --json print --out "$T/sheet.html"
check_json "--json --out: the path and the number of sections" \
	"d == {'path': '$T/sheet.html', 'sections': 3}"
H=$(cat "$T/sheet.html")
check_nomatch "no script element anywhere" "$H" '<[sS][cC][rR][iI][pP][tT]'
check_match "a title with <script> is escaped" "$H" \
	"&lt;script&gt;alert\(&#39;x&#39;\)&lt;/script&gt; &amp; friends"
check_match "the community name is escaped" "$H" \
	'Elm &amp; Oak &lt;neighbours&gt;'
check_nomatch "no external resources (src, href, url(), @import)" "$H" \
	'src=|href=|url\(|@import'
check_match "print CSS: A4 pages" "$H" '@page\{size:A4'
check_match "print CSS: each building on a new page" "$H" \
	'\.page\+\.page\{[^}]*page-break-before:always'
check_match "large type: body at 16pt or more" "$H" \
	'body\{[^}]*font-size:(1[6-9]|[2-9][0-9])pt'
check_nomatch "the sealed private part never reaches paper" "$H" "4711|under the mat"
check_nomatch "check-in notes stay off the notice board" "$H" "no water"
check_nomatch "withdrawn wishes are not printed" "$H" "withdrawn"
check_nomatch "fulfilled wishes are not printed" "$H" "Boxes for moving"
check_nomatch "hidden posts are not printed" "$H" "Cheap watches"
check_match "descriptions: escaped, line breaks kept" "$H" \
	'<p>Mornings only\.<br>He is friendly, &quot;Rex&quot;\.</p>'
check_match "a long description is cut short with an ellipsis" "$H" \
	'<p>Any colour\. 0+…</p>'
check_nomatch "nothing after the cut" "$H" "TAILEND"

sheet "$T/sheet.html"
check_json "one section per building, the whole neighbourhood last" \
	"[s['h1'] for s in d] == ['Elm 12', 'Oak 3', 'Whole neighbourhood']"
check_json "Elm 12: open wishes, critical first, then urgent, normal, low" \
	"d[0]['wishes'] == ['Insulin must stay cold', \"<script>alert('x')</script> & friends\", 'Paint for the stairwell', 'Bread for Sunday'] and d[0]['urgency'] == ['critical', 'urgent', 'normal', 'low']"
check_json "Oak 3 and the neighbourhood hold their authors' wishes" \
	"d[1]['wishes'] == ['Candles for Oak 3'] and d[2]['wishes'] == ['Someone to walk my dog']"
check_json "offers: resources first, spellings of a building grouped" \
	"d[0]['items'] == ['Drinking water', 'Aluminium ladder', 'Camping stove, \"Primus\", with gas', 'Sewing machine']"
check_json "every page carries the emergency banner" \
	"all(s['emergency'] for s in d)"
check_match "the banner says why" "$H" "EMERGENCY: Flood in the lower streets"
check_json "Elm 12 roll call: every member with unit and status, units in natural order" \
	"[r[:3] for r in d[0]['roll']] == [['1', 'Amira', 'NEEDS HELP 5 Dec 12:00, by Ben'], ['4', 'Ben', 'Safe 5 Dec 12:00'], ['10', 'Eve', 'Not checked in']]"
check_json "Oak 3: not checked in since the emergency started" \
	"[r[:3] for r in d[1]['roll']] == [['2', 'Chloe', 'Not checked in']]"
check_json "members without a building are on the neighbourhood's list" \
	"[r[1] for r in d[2]['roll']] == ['Dan']"
check_json "every roll row has a blank box to tick" \
	"all(len(r) == 4 and r[3].strip() == '' for s in d for r in s['roll'])"
check_match "the roll call has the box drawn" "$H" '<span class="box"></span>'
check_json "the building head is named on their building's page only" \
	"d[0]['ask'].startswith('Who to ask: Ben (building head, unit\xa04); Amira (coordinator, Elm 12 unit\xa01).') and d[1]['ask'].startswith('Who to ask: Amira (coordinator')"

run_ok "print --building (any case)" "$A" print --building "oak 3"
printf '%s\n' "$OUT" >"$T/oak.html"
sheet "$T/oak.html"
check_json "--building prints that building only" \
	"[s['h1'] for s in d] == ['Oak 3']"
run_err 1 "no building 'Atlantis'" "print --building of no member is refused" \
	"$A" print --building Atlantis
run_err 1 "cannot write '$T/no/such/dir/x.html'" "an unwritable --out fails in one line" \
	"$A" print --out "$T/no/such/dir/x.html"
run_err 1 "cannot write '$T'" "--out naming a directory fails in one line" \
	"$A" print --out "$T"
run_rc 2 "print: an unknown option is a usage error" "$A" print --colour
run_rc 2 "print: a stray argument is a usage error" "$A" print now
k "$A" print --help
check_match "print --help shows the usage" "$OUT" '^usage: kith print'

# after the emergency: latest check-ins, no banner
k "$A" emergency end
run_ok "print after the emergency" "$A" print --out "$T/calm.html"
check_nomatch "no banner once the emergency is over" "$(cat "$T/calm.html")" 'EMERGENCY'
sheet "$T/calm.html"
check_json "the roll shows the latest check-ins and who never checked in" \
	"[r[2] for r in d[0]['roll']] == ['NEEDS HELP 5 Dec 12:00, by Ben', 'Safe 5 Dec 12:00', 'No check-in yet']"

# a replica that knows nobody yet still prints one page
mkdir -p "$T/empty"
run_ok "an empty replica prints" "$T/empty" print --out "$T/empty.html"
sheet "$T/empty.html"
check_json "one empty page, the whole neighbourhood" \
	"[s['h1'] for s in d] == ['Whole neighbourhood'] and d[0]['wishes'] == []"

# ---- the committee's CSV files ------------------------------------------

R=$T/reports/december
run_ok "kith report --csv creates DIR" "$A" report --csv "$R"
check_eq "it names the five files" "$(printf '%s\n' "$OUT" | cut -d' ' -f1 | tr '\n' ' ')" \
	"$R/items.csv $R/wishes.csv $R/claims.csv $R/checkins.csv $R/hours.csv "
check_eq "the files are private to the user (0600)" "$(mode "$R/hours.csv")" "-rw-------"
k "$A" --json report --csv "$R"
check_json "--json: paths and row counts" \
	"[(f['name'], f['path'], f['rows']) for f in d['files']] == [('items', '$R/items.csv', 6), ('wishes', '$R/wishes.csv', 8), ('claims', '$R/claims.csv', 1), ('checkins', '$R/checkins.csv', 3), ('hours', '$R/hours.csv', 5)]"

cat >"$T/csvcheck.py" <<'EOF'
# csvcheck.py DIR: every file as a list of dicts, plus raw checks, as JSON
import csv, json, os, sys
out = {}
for name in ('items', 'wishes', 'claims', 'checkins', 'hours'):
    path = os.path.join(sys.argv[1], name + '.csv')
    raw = open(path, 'rb').read()
    with open(path, newline='', encoding='utf-8') as f:
        rows = list(csv.reader(f, strict=True))
    out[name] = {
        'header': rows[0],
        'rows': [dict(zip(rows[0], r)) for r in rows[1:]],
        'widths': sorted(set(len(r) for r in rows)),
        'crlf': raw.endswith(b'\r\n') and raw.count(b'\r\n') >= len(rows),
    }
print(json.dumps(out))
EOF
"$PY" -S -E "$T/csvcheck.py" "$R" >"$T/out" 2>"$T/err" ||
	fail "the CSV files parse with python's csv module" "$(cat "$T/err")"
check_json "every file parses, each row as wide as its header" \
	"all(len(t['widths']) == 1 for t in d.values())"
check_json "row counts: every item, wish, claim, check-in and member" \
	"[len(d[n]['rows']) for n in ('items', 'wishes', 'claims', 'checkins', 'hours')] == [6, 8, 1, 3, 5]"
check_json "RFC 4180 lines end in CRLF" "all(t['crlf'] for t in d.values())"
check_json "hours.csv has the committee's columns" \
	"d['hours']['header'] == ['member_id', 'name', 'building', 'hours_earned', 'hours_given']"
check_json "a title with a comma and quotes round-trips" \
	"[r['title'] for r in d['items']['rows'] if r['id'] == '$I_STOVE'] == ['Camping stove, \"Primus\", with gas']"
check_json "a description with a newline and quotes round-trips" \
	"[r['description'] for r in d['wishes']['rows'] if r['title'] == 'Someone to walk my dog'] == ['Mornings only.\\nHe is friendly, \"Rex\".']"
check_json "ids are hex: 32 for records, 64 for members" \
	"all(len(r['id']) == 32 and int(r['id'], 16) >= 0 for r in d['items']['rows'] + d['wishes']['rows'] + d['claims']['rows'] + d['checkins']['rows']) and all(len(r['member_id']) == 64 for r in d['hours']['rows'])"
check_json "times are ISO 8601 in local time with the offset" \
	"set(r['created'] for r in d['wishes']['rows']) == {'2026-12-05T12:00:00+01:00'}"
check_json "dates such as needed-by are the end of that local day" \
	"[r['needed_by'] for r in d['wishes']['rows'] if r['title'] == 'Insulin must stay cold'] == ['2026-12-06T23:59:59+01:00']"
check_json "statuses are the derived ones" \
	"sorted(r['status'] for r in d['wishes']['rows']) == ['confirmed', 'open', 'open', 'open', 'open', 'open', 'open', 'withdrawn']"
check_json "the hidden post is listed, marked hidden" \
	"[r['hidden'] for r in d['items']['rows'] if r['title'].startswith('Cheap')] == ['1']"
check_json "names come from profiles: claimant, helper, owner, reporter" \
	"d['claims']['rows'][0]['claimant_name'] == 'Ben' and d['claims']['rows'][0]['status'] == 'confirmed' and d['claims']['rows'][0]['note'] == 'I have boxes, \"lots\"' and [r['helper_name'] for r in d['wishes']['rows'] if r['title'] == 'Boxes for moving'] == ['Ben'] and [r['owner_name'] for r in d['items']['rows'] if r['id'] == '$I_STOVE'] == ['Ben']"
check_json "check-ins: member, status, note and who reported it" \
	"sorted((r['member_name'], r['status'], r['note'], r['reporter_name']) for r in d['checkins']['rows']) == [('Amira', 'need-help', 'no water, 3rd floor', 'Ben'), ('Ben', 'safe', '', 'Ben'), ('Dan', 'safe', '', 'Dan')]"
check_json "hours: Ben earned 1.5, Amira gave 1.5, nobody else any" \
	"sorted((r['name'], r['building'], r['hours_earned'], r['hours_given']) for r in d['hours']['rows']) == [('Amira', 'Elm 12', '0', '1.5'), ('Ben', 'Elm 12', '1.5', '0'), ('Chloe', 'Oak 3', '0', '0'), ('Dan', '', '0', '0'), ('Eve', 'ELM 12', '0', '0')]"
check_nomatch "the sealed private part is in no CSV file" \
	"$(cat "$R"/*.csv)" "4711|under the mat"
k "$A" --json members
check_json "hours earned agree with 'kith members'" \
	"sorted((m['name'], m['hours']) for m in d) == [('Amira', 0), ('Ben', 1.5), ('Chloe', 0), ('Dan', 0), ('Eve', 0)]"

: >"$T/a-file"
run_err 1 "cannot write '$T/a-file'" "report: DIR is a file, one line" \
	"$A" report --csv "$T/a-file"
run_rc 2 "report without --csv is a usage error" "$A" report
run_rc 2 "report: --csv without DIR is a usage error" "$A" report --csv
run_rc 2 "report: an unknown option is a usage error" "$A" report --csv "$R" --xlsx
k "$A" report --help
check_match "report --help shows the usage" "$OUT" '^usage: kith report --csv DIR'

finish
