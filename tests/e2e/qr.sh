#!/bin/sh
# qr.sh - QR codes end to end (action/qr.h): `kith community invite
# --qr-page F.html` writes a private page whose QR code decodes (its SVG
# drawn by rsvg-convert, read by zbarimg) to the very invite code, and a
# fresh member joins the same community with it (`community join -`);
# `--qr` draws the same code in the terminal, which decodes too; `kith
# print --url` puts the building machine's address on the sheet as a QR
# code that decodes to it; the refusals.  Needs zbarimg (zbar-tools) and
# rsvg-convert (librsvg2-bin): skipped with the reason when missing, a
# failure under CI=true (make deps installs them).
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
for tool in zbarimg rsvg-convert "$PY"; do
	command -v "$tool" >/dev/null 2>&1 && continue
	[ "${CI:-}" = true ] && { fail "$tool is installed (CI=true)"; finish; }
	skip "$tool is not installed (make deps installs it)"
done

T=$TMP_DIR
A=$T/amira B=$T/ben
member "$A" Amira || finish
member "$B" Ben || finish
community "$A" "Elm & Oak <neighbours>" || finish

# decode_svg HTML: the first <svg> of the page, drawn and read
decode_svg() {
	sed -n 's/.*\(<svg.*<\/svg>\).*/\1/p' "$1" | head -n 1 >"$T/q.svg"
	rsvg-convert -w 480 -b white "$T/q.svg" -o "$T/q.png" 2>/dev/null &&
		zbarimg -q --raw "$T/q.png" 2>/dev/null
}

# ---- the printable page ------------------------------------------------------

k "$A" community invite --qr-page "$T/invite.html"
check_eq "invite --qr-page exits 0" "$RC" 0
check_eq "stdout still holds the code" "$OUT" "$CODE"
check_match "stderr says where the page went and to keep it private" "$ERR" \
	"wrote '.*invite.html'.*private"
check_eq "the page is 0600" "$(stat -c %a "$T/invite.html")" 600
P=$(cat "$T/invite.html")
check_match "the page is HTML" "$P" '^<!DOCTYPE html>'
check_match "the page names the community, escaped" "$P" \
	'<h1>Join Elm &amp; Oak &lt;neighbours&gt; on kith</h1>'
check_match "the page says what to do" "$P" \
	'Scan with your phone&#39;s camera, or type this code into kith'
check "the page shows the code as text (groups of four)" \
	sh -c "sed -n 's/.*<p class=\"code\">\([^<]*\)<.*/\1/p' '$T/invite.html' | tr -d ' ' | grep -qx '$CODE'"
check_nomatch "no style attribute in the svg" "$(grep -o '<svg.*</svg>' "$T/invite.html")" 'style='
GOT=$(decode_svg "$T/invite.html")
check_eq "the page's QR code decodes to the invite code" "$GOT" "$CODE"

printf '%s\n' "$GOT" >"$T/scanned"
K_STDIN=$T/scanned k "$B" community join -
check_eq "a fresh member joins with the scanned code" "$RC" 0
K_STDIN=
k "$A" --json digest
CA=$(printf '%s' "$OUT" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["community"])')
k "$B" --json digest
CB=$(printf '%s' "$OUT" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["community"])')
check_ne "digest names a community" "$CA" ""
check_eq "the scanned code joins the same community" "$CB" "$CA"

# ---- the terminal --------------------------------------------------------------

k "$A" community invite --qr
check_eq "invite --qr exits 0" "$RC" 0
check_nomatch "no escapes when stdout is not a terminal" "$OUT" "$(printf '\033')"
check_eq "the code follows the QR code" "$(printf '%s\n' "$OUT" | tail -n 1)" "$CODE"
# the half blocks back to modules: a PBM, scaled 8x
printf '%s\n' "$OUT" | sed '$d' | "$PY" -c '
import sys
rows = []
for line in sys.stdin.read().split("\n"):
    if not line: continue
    top = [1 if c in "\u2580\u2588" else 0 for c in line]
    bot = [1 if c in "\u2584\u2588" else 0 for c in line]
    rows += [top, bot]
w, s = len(rows[0]), 8
out = ["P1", "%d %d" % (w * s, len(rows) * s)]
for r in rows:
    line = " ".join(str(v) for v in r for _ in range(s))
    out += [line] * s
open(sys.argv[1], "w").write("\n".join(out) + "\n")
' "$T/term.pbm"
check_eq "the terminal's QR code decodes to the invite code" \
	"$(zbarimg -q --raw "$T/term.pbm" 2>/dev/null)" "$CODE"

# ---- the notice sheet ----------------------------------------------------------

URL=http://192.168.1.20:7474
k "$A" print --url "$URL" --out "$T/sheet.html"
check_eq "print --url exits 0" "$RC" 0
check_match "the sheet says how to use the QR code" "$(cat "$T/sheet.html")" \
	"Open kith on your phone: scan this, on the building&#39;s Wi-Fi"
check_eq "the sheet's QR code decodes to the address" \
	"$(decode_svg "$T/sheet.html")" "$URL"
k "$A" print --out "$T/plain.html"
check_nomatch "without --url no QR code" "$(cat "$T/plain.html")" '<svg'

# ---- Chinese ---------------------------------------------------------------------

LC_ALL=zh_CN.UTF-8 k "$A" community invite --qr-page "$T/zh.html"
check_eq "the page in Chinese exits 0" "$RC" 0
check_match "the page in Chinese" "$(cat "$T/zh.html")" '用手机相机扫一扫'
check_eq "the Chinese page's QR code decodes too" "$(decode_svg "$T/zh.html")" "$CODE"

# ---- refusals ---------------------------------------------------------------------

k "$A" community invite --qr-page
check_eq "--qr-page without a file is a usage error" "$RC" 2
k "$A" --json community invite --qr
check_eq "--qr with --json is a usage error" "$RC" 2
k "$A" community invite --qr-page "$A/identity"
check_eq "the page never goes over the identity" "$RC" 1
k "$A" print --url "ftp://x"
check_eq "print --url refuses what is not a web address" "$RC" 2
check_match "...saying how" "$ERR" "http://"
mkdir -p "$T/nobody"
member "$T/nobody" Nobody
k "$T/nobody" community invite --qr
check_eq "no community: invite --qr fails" "$RC" 1
finish
