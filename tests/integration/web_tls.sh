#!/bin/sh
# web_tls.sh - the web app over TLS (`kith daemon --web-cert FILE
# --web-key FILE`, web/server.h "TLS", cli/web.c), in a real daemon over
# loopback, with a self-signed P-256 certificate made by openssl:
#   - the flags: one without the other, either with --no-web, --kiosk
#     with --no-web: usage errors (exit 2, one "kith:" line first);
#   - files refused before anything starts (exit 1, one line): a
#     certificate that does not exist, a key others can read (0644), a
#     certificate given as the key and a key given as the certificate;
#     and by GnuTLS when the server starts: a key that is not the
#     certificate's, a certificate whose PEM is garbage - the daemon
#     does not start and says why in one line;
#   - a good pair: `kith open --print` prints https://; over HTTPS (the
#     certificate as the only CA) /healthz is "ok", /login says the
#     connection is encrypted (and not that it is not), its kith_login
#     cookie and the session cookie of a PIN login and of a login link
#     are Secure; the session works; plain HTTP to the same port gets no
#     HTTP answer; a client that trusts the system's CAs only refuses the
#     certificate (it is ours that is served);
#   - `kith print --url http://...` warns that the daemon speaks HTTPS,
#     https:// goes on the sheet without one.
. "$(dirname "$0")/lib.sh" "$1"

web_py
command -v openssl >/dev/null 2>&1 || skip "needs openssl (to make a certificate)"

setup_community a
printf '123456\n' >"$WORK/pin_a"
K_STDIN=$WORK/pin_a k a member pin a
check_eq "member pin a: exit 0" "$RC" 0

# two certificates for 127.0.0.1, each with its own key
for n in 1 2; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$WORK/key$n.pem" -out "$WORK/cert$n.pem" -days 2 \
		-subj "/CN=kith test" -addext "subjectAltName=IP:127.0.0.1" \
		>"$WORK/openssl.log" 2>&1 ||
		skip "openssl cannot make a P-256 certificate: $(tail -n 1 "$WORK/openssl.log")"
	chmod 600 "$WORK/key$n.pem"
done
cp "$WORK/key1.pem" "$WORK/key_open.pem"
chmod 644 "$WORK/key_open.pem"
printf -- '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n' \
	>"$WORK/garbage.pem"

# first line of stderr, and how many lines start with "kith:"
first_line() { printf '%s\n' "$ERR" | head -n 1; }
kith_lines() { printf '%s\n' "$ERR" | grep -c '^kith:'; }

# ---- usage errors ---------------------------------------------------------
D="daemon --listen 127.0.0.1:0 --no-mdns --web 127.0.0.1:0"
# shellcheck disable=SC2086 # D is words
k a $D --web-cert "$WORK/cert1.pem"
check_eq "--web-cert alone: exit 2" "$RC" 2
check_match "--web-cert alone: says both or neither" "$(first_line)" \
	'^kith: --web-cert and --web-key go together: give both, or neither$'
# shellcheck disable=SC2086
k a $D --web-key "$WORK/key1.pem"
check_eq "--web-key alone: exit 2" "$RC" 2
check_match "--web-key alone: says both or neither" "$(first_line)" \
	'^kith: --web-cert and --web-key go together'
k a daemon --no-web --web-cert "$WORK/cert1.pem" --web-key "$WORK/key1.pem"
check_eq "--web-cert with --no-web: exit 2" "$RC" 2
check_match "--web-cert with --no-web: says why" "$(first_line)" \
	'^kith: --web-cert is for the web app, which --no-web turns off$'
k a daemon --no-web --kiosk
check_eq "--kiosk with --no-web: exit 2" "$RC" 2
check_match "--kiosk with --no-web: says why" "$(first_line)" \
	'^kith: --kiosk is for the web app'

# ---- files refused before the daemon starts -------------------------------
# shellcheck disable=SC2086
k a $D --web-cert "$WORK/none.pem" --web-key "$WORK/key1.pem"
check_eq "a missing certificate: exit 1" "$RC" 1
check_eq "a missing certificate: one line" "$ERR" \
	"kith: cannot read '$WORK/none.pem': No such file or directory"
# shellcheck disable=SC2086
k a $D --web-cert "$WORK/cert1.pem" --web-key "$WORK/key_open.pem"
check_eq "a key others can read: exit 1" "$RC" 1
check_eq "a key others can read: one line, how to fix it" "$ERR" \
	"kith: the key file '$WORK/key_open.pem' is open to other users (mode 0644): run 'chmod 600' on it"
# shellcheck disable=SC2086
k a $D --web-cert "$WORK/key1.pem" --web-key "$WORK/key1.pem"
check_eq "a key as the certificate: exit 1" "$RC" 1
check_eq "a key as the certificate: one line" "$ERR" \
	"kith: '$WORK/key1.pem' holds no certificate (PEM: '-----BEGIN CERTIFICATE-----')"
chmod 600 "$WORK/cert1.pem"
# shellcheck disable=SC2086
k a $D --web-cert "$WORK/cert1.pem" --web-key "$WORK/cert1.pem"
check_eq "a certificate as the key: exit 1" "$RC" 1
check_eq "a certificate as the key: one line" "$ERR" \
	"kith: '$WORK/cert1.pem' holds no private key (PEM: '-----BEGIN PRIVATE KEY-----')"

# ---- refused by GnuTLS: the daemon does not start -------------------------
# (the log has a time before "kith:"; the line that says why is one)
refused() {
	: >"$WORK/refused.log"
	timeout 30 "$KITH" --home "$WORK/a" daemon --listen 127.0.0.1:0 \
		--no-mdns --web 127.0.0.1:0 --web-cert "$1" --web-key "$2" \
		2>"$WORK/refused.log"
	RC=$?
	ERR=$(cat "$WORK/refused.log")
}
refused "$WORK/cert1.pem" "$WORK/key2.pem"
check_eq "a key not the certificate's: the daemon exits 1" "$RC" 1
check_match "... saying GnuTLS refused it, and why, in one line" "$ERR" \
	"cannot serve the web app on '127\.0\.0\.1:0': the TLS certificate or key was refused \(GnuTLS .*do not match\)$"
check_nomatch "... and never that it serves" "$ERR" 'web app on https'
refused "$WORK/garbage.pem" "$WORK/key1.pem"
check_eq "a garbage certificate: the daemon exits 1" "$RC" 1
check_match "... saying the certificate or key was refused" "$ERR" \
	"the TLS certificate or key was refused \(GnuTLS"

# ---- a good pair ----------------------------------------------------------
web_daemon a --web-cert "$WORK/cert1.pem" --web-key "$WORK/key1.pem"
check_match "the daemon's log names an https:// address" "$(cat "$WORK/a.log")" \
	'web app on https://127\.0\.0\.1:[0-9]+'
k a open --print
check_eq "kith open --print: exit 0" "$RC" 0
check_match "kith open --print prints an https:// link" "$OUT" \
	'^https://127\.0\.0\.1:[0-9]+/login\?token=[0-9a-f]{64}$'
LINK=$OUT
WP=$(printf '%s' "$LINK" | sed 's|^https://127\.0\.0\.1:\([0-9]*\)/.*|\1|')
k a --json status
check_match "kith status: the web app is https://" "$OUT" '"web":"https://127\.0\.0\.1:'

cat >"$WORK/tls.py" <<'PYEOF'
import http.client, re, ssl, sys
from weblib import req, say, setup

port, ca, link = int(sys.argv[1]), sys.argv[2], sys.argv[3]
hostport = "127.0.0.1:%d" % port
setup(BASE="https://" + hostport + "/", TLS=ssl.create_default_context(cafile=ca),
      TIMEOUT=30)


def secure(cookie):
    return [p.strip() for p in cookie.split(";")][1:].count("Secure") == 1


st, h, b = req("GET", "/healthz")
say(st == 200 and b == "ok\n", "GET /healthz over HTTPS (our certificate as CA)", (st, b))
st, h, b = req("GET", "/login")
say(st == 200 and "This connection is encrypted" in b,
    "/login over HTTPS says the connection is encrypted", b[:600])
say("not encrypted" not in b, "... and never that it is not")
ck = h.get("set-cookie", "")
say(ck.startswith("kith_login=") and secure(ck),
    "the login form's kith_login cookie is Secure", ck)
st, h, b = req("POST", "/login", {"member": "a", "pin": "123456"})
ck = h.get("set-cookie", "")
say(st == 303 and ck.startswith("kith_session=") and secure(ck) and
    "HttpOnly" in ck and "SameSite=Strict" in ck,
    "a PIN login over HTTPS: 303, the session cookie is Secure, HttpOnly, SameSite=Strict",
    (st, ck))
m = re.match(r"(kith_session=[0-9a-f]{64})", ck)
if m:
    st, h, b = req("GET", "/", cookie=m.group(1))
    say(st == 200 and "You are a" in b, "that session opens the home page", (st, b[-400:]))
else:
    say(False, "that session opens the home page", "no cookie")
path = link[link.index("/login"):]
st, h, b = req("GET", path)
ck = h.get("set-cookie", "")
say(st == 303 and ck.startswith("kith_session=") and secure(ck),
    "the login link of kith open over HTTPS: 303, a Secure cookie", (st, ck))

# plain HTTP to the TLS port: no HTTP answer at all
try:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", "/healthz", headers={"Host": hostport})
    r = c.getresponse()
    r.read()
    say(False, "plain HTTP to the TLS port gets no HTTP answer", r.status)
except (http.client.HTTPException, OSError) as e:
    say(True, "plain HTTP to the TLS port gets no HTTP answer (%s)" % type(e).__name__)

# the system's CAs alone do not trust it: it is our certificate served
try:
    c = http.client.HTTPSConnection("127.0.0.1", port, timeout=10,
                                    context=ssl.create_default_context())
    c.request("GET", "/healthz", headers={"Host": hostport})
    c.getresponse().read()
    say(False, "a client without our certificate refuses the connection")
except ssl.SSLCertVerificationError:
    say(True, "a client without our certificate refuses the connection")
except (http.client.HTTPException, OSError) as e:
    say(False, "a client without our certificate refuses the connection", str(e))
print("DONE")
PYEOF
"$PY" "$WORK/tls.py" "$WP" "$WORK/cert1.pem" "$LINK" >"$WORK/tls.out" 2>&1
web_tally "$WORK/tls.out" HTTPS

# the notice sheet's address: http:// to this TLS daemon is a warning
k a print --url "http://192.0.2.20:$WP" --out "$WORK/sheet.html"
check_eq "print --url http:// while the daemon speaks TLS: exit 0" "$RC" 0
check_eq "... with a warning to use https://" "$(printf '%s\n' "$ERR" | head -n 1)" \
	"kith: warning: the daemon serves the web app over HTTPS (--web-cert): an address on the sheet should start with https://"
k a print --url "https://192.0.2.20:$WP" --out "$WORK/sheet.html"
check_eq "print --url https://: exit 0" "$RC" 0
check_nomatch "... and no warning" "$ERR" "warning"
check "... the sheet holds the https:// address" grep -q "https://192.0.2.20:$WP" "$WORK/sheet.html"

P=$(pid_of a)
kill -TERM "$P"
wait "$P"
check_eq "SIGTERM: the TLS daemon exits 0" "$?" 0
check_nomatch "the loop closed cleanly" "$(cat "$WORK/a.log")" 'did not close cleanly'

finish
