#!/bin/sh
# web_devices.sh - one person on several devices in the web app
# (web/page_device.c, the handover on web/page_for.c), in real daemons
# over loopback:
#   - Settings links to "Your devices"; GET /devices names the member key
#     "This computer (your first device ...)" with an 8-character key tag
#     and never its whole key;
#   - POST /devices/add (403 without csrf) answers 303 to /devices/new,
#     no code in any address; that page shows the code grouped, as a QR
#     code, with `kith init --link CODE` and the house-key warning, once
#     (a second GET says it was shown); `kith init --link` of that code
#     into a new data directory prints the device key, which /devices
#     then lists as "A phone or computer linked to you";
#   - POST /devices/remove: 403 without csrf; without sure=1 the question
#     "Remove this device?" and nothing removed; with it 303 to
#     /devices?done=removed, and the device is gone from the page and
#     from `kith --json device list`; the member key itself is refused
#     (422, the action's sentence);
#   - on a linked device (its own daemon) no link button, and a POST to
#     /devices/add is refused with the action's sentence (422);
#   - acting for Mrs Okafor: /devices says only she can link hers, and a
#     POST is the action's refusal (422, not 500);
#   - Mrs Okafor logged in with her own PIN (a fixed session): /devices
#     says who keeps her key; POSTs to /devices/add, /devices/remove and
#     /for/handover are 403;
#   - the handover from /for: a button per neighbour, a question first
#     (nothing changed), then 303 to GET /for/handover showing her code
#     (again on a reload: it is the only copy of her key) until the host
#     posts do=done
#     once with "no longer keeps the key"; `kith member hosted` is empty
#     after, her PIN session ends, and `kith init --link` of the code
#     gives her own key; a key not hosted here is 422;
#   - a name with <script> is escaped everywhere; labels in Chinese;
#   - kiosk mode: a code made in one PIN session is not there for the
#     next person's session after Log out.
. "$(dirname "$0")/lib.sh" "$1"

web_py
setup_community a
web_daemon a
web_login a
k a member host --name "Mrs Okafor" --building Elm --unit 4
check_eq "kith member host exits 0" "$RC" 0
OKAFOR=$OUT
k a member host --name "<script>alert(1)</script> Lee"
check_eq "kith member host (a name with script) exits 0" "$RC" 0
LEE=$OUT
printf '654321\n' >"$WORK/pin_o"
K_STDIN=$WORK/pin_o k a member pin "mrs okafor"
check_eq "a PIN for Mrs Okafor" "$RC" 0

# a linked device of a's with a daemon of its own
k a device add
check_eq "kith device add (CLI) exits 0" "$RC" 0
kith_at phone init --link "$OUT" >/dev/null 2>&1
check_eq "kith init --link makes the phone" "$?" 0
web_daemon phone
web_login phone

cat >"$WORK/devices.py" <<'PYEOF'
import html, json, os, re, sys
from weblib import csrf_of, kith_at, login, pages, req, say, setup, text

url, url_phone, kith_bin, work, okafor, lee = sys.argv[1:7]
home = os.path.join(work, "a")
setup(BASE=url, KITH=kith_bin, DETAIL=600)


def code_of(b):
    m = re.search(r'<p class="invite-code">([^<]*)</p>', b)
    return m.group(1) if m else ""


def devices(h=home):
    rc, out, err = kith_at(h, "--json", "device", "list")
    return json.loads(out) if rc == 0 else None


rc, out, err = kith_at(home, "--json", "whoami")
me = json.loads(out)["id"]
cookie = login(home)
st, h, b = req("GET", "/for", cookie=cookie)
csrf = csrf_of(b)
say(cookie.startswith("kith_session=") and csrf, "the login link gives a session")

# ---- the list, linked from Settings
st, h, b = req("GET", "/settings", cookie=cookie)
say(st == 200 and '<a href="/devices">Your phones and computers</a>' in b,
    "Settings links to /devices", b[-1500:])
st, h, b = req("GET", "/devices", cookie=cookie)
say(st == 200 and "<h1>Your devices</h1>" in b, "GET /devices", (st, b[-1500:]))
say("This computer (your first device: it holds your member key)" in b,
    "the member key is this computer, the first device", b[-3000:])
say("Key tag: " + me[:8] in b and me not in b, "its 8-character tag, never the whole key")
say("A phone or computer linked to you" in b, "the phone linked with the CLI is listed")
say('action="/devices/add"' in b and ">Link a new device</button>" in b, "the button linking a new device")

# ---- link a new device
st, h, b = req("POST", "/devices/add", {"do": "link"}, cookie)
say(st == 403, "POST /devices/add without csrf is 403", st)
n0 = len(devices())
st, h, b = req("POST", "/devices/add", {"do": "link", "csrf": csrf}, cookie)
loc = h.get("location", "")
say(st == 303 and loc == "/devices/new", "POST /devices/add: 303 to /devices/new", (st, loc))
say(len(devices()) == n0 + 1, "a device key was made", devices())
st, h, b = req("GET", "/devices/new", cookie=cookie)
grouped = code_of(b)
code = grouped.replace(" ", "")
say(st == 200 and code.startswith("kithlink1") and grouped.startswith("kithlink1 ")
    and all(len(g) == 4 for g in grouped.split(" ")[1:-1]), "the code, grouped in fours", grouped[:80])
say('<svg xmlns="http://www.w3.org/2000/svg" class="qr"' in b, "a QR code of it")
say("kith init --link CODE" in b and "house key" in b and "same Wi-Fi" in b and "shown only this once" in b,
    "the steps and the warning", text(b)[-2500:])
say("no-store" in h.get("cache-control", ""), "Cache-Control: no-store", h.get("cache-control"))
st, h, b = req("GET", "/devices/new", cookie=cookie)
say(st == 200 and "kithlink1" not in b and "is shown only once, and it has been shown" in b,
    "a second GET shows no code, says it was shown", text(b)[-1500:])
rc, out, err = kith_at(os.path.join(work, "laptop"), "init", "--link", code)
laptop = out.strip()
say(rc == 0 and re.fullmatch(r"[0-9a-f]{64}", laptop or ""), "kith init --link of the code prints a key", (rc, out, err))
say(laptop in [d["key"] for d in devices()], "the key is one of a's devices", devices())
st, h, b = req("GET", "/devices", cookie=cookie)
say("Key tag: " + laptop[:8] in b and "Linked just now; nothing posted or changed from it yet." in b,
    "/devices lists it with its tag and when it was linked", text(b)[-2500:])

# ---- remove it
st, h, b = req("POST", "/devices/remove", {"key": laptop}, cookie)
say(st == 403, "POST /devices/remove without csrf is 403", st)
st, h, b = req("POST", "/devices/remove", {"key": laptop, "csrf": csrf}, cookie)
say(st == 200 and "<h1>Remove this device?</h1>" in b and "Key tag: " + laptop[:8] in b
    and "Anything it writes from now on is ignored everywhere." in b
    and 'name="sure" value="1"' in b and ">Yes, remove this device</button>" in b
    and '<a href="/devices">No, keep it</a>' in b, "without sure=1: the question", text(b)[-2000:])
say(laptop in [d["key"] for d in devices()], "nothing removed by the question")
st, h, b = req("POST", "/devices/remove", {"key": laptop, "sure": "1", "csrf": csrf}, cookie)
say(st == 303 and h.get("location") == "/devices?done=removed", "sure=1: 303 to /devices?done=removed",
    (st, h.get("location"), text(b)[-800:]))
say(laptop not in [d["key"] for d in devices()], "gone from kith device list", devices())
st, h, b = req("GET", "/devices?done=removed", cookie=cookie)
say("The device is removed." in b and laptop[:8] not in b, "the page says so; the device is gone", text(b)[-2000:])
st, h, b = req("POST", "/devices/remove", {"key": me, "sure": "1", "csrf": csrf}, cookie)
say(st == 422 and "is your member key, not a device: it cannot be removed" in html.unescape(b),
    "removing the member key: 422 with the action's sentence", (st, text(b)[-1500:]))

# ---- on the linked device
pc = login(os.path.join(work, "phone"))
st, h, b = req("GET", "/devices", cookie=pc, base=url_phone)
say(st == 200 and 'action="/devices/add"' not in b and "This computer is linked to your first device." in b,
    "on a linked device: no link button, a sentence", (st, text(b)[-1500:]))
pcsrf = csrf_of(req("GET", "/for", cookie=pc, base=url_phone)[2])
st, h, b = req("POST", "/devices/add", {"do": "link", "csrf": pcsrf}, pc, base=url_phone)
say(st == 422 and "this machine is a linked device" in b and "kithlink1" not in b,
    "a POST there: 422 with the action's sentence", (st, text(b)[-1500:]))

# ---- acting for Mrs Okafor
st, h, b = req("POST", "/for", {"member": okafor, "csrf": csrf}, cookie)
st, h, b = req("GET", "/devices", cookie=cookie)
say(st == 200 and "You are acting for Mrs Okafor" in b and 'action="/devices/add"' not in b
    and "Only the neighbour you act for can link a device of theirs." in b,
    "acting for her: /devices says only she can link hers", text(b)[-2000:])
st, h, b = req("POST", "/devices/add", {"do": "link", "csrf": csrf}, cookie)
say(st == 422 and "only you can link or remove a device of yours, not someone you act for" in b
    and "kithlink1" not in b, "a POST while acting: 422 with the action's sentence", (st, text(b)[-1500:]))
st, h, b = req("POST", "/for", {"do": "self", "csrf": csrf}, cookie)

# ---- her own PIN session
st, h, b = req("POST", "/login", {"member": "Mrs Okafor", "pin": "654321"})
m = re.search(r"kith_session=([0-9a-f]{64})", h.get("set-cookie", ""))
oc = "kith_session=" + m.group(1) if m else ""
say(st == 303 and oc, "Mrs Okafor logs in with her PIN", (st, h))
st, h, b = req("GET", "/devices", cookie=oc)
ocsrf = csrf_of(b)
say(st == 200 and "Your key is kept on this computer by the neighbour who helps you." in b
    and 'action="/devices/add"' not in b, "her /devices says who keeps her key", text(b)[-1500:])
for path, body in (("/devices/add", {"do": "link"}), ("/devices/remove", {"key": okafor, "sure": "1"}),
                   ("/for/handover", {"member": okafor, "sure": "1"})):
    body["csrf"] = ocsrf
    st, h, b = req("POST", path, body, oc)
    say(st == 403 and "kithlink1" not in b, "her session: POST %s is 403" % path, st)
st, h, b = req("GET", "/for/handover", cookie=oc)
say(st == 403, "her session: GET /for/handover is 403", st)

# ---- the handover
st, h, b = req("GET", "/for", cookie=cookie)
say(st == 200 and b.count(">They have their own phone now: hand over</button>") == 2
    and 'action="/for/handover"' in b, "/for: a handover button per neighbour", text(b)[-2500:])
st, h, b = req("POST", "/for/handover", {"member": okafor}, cookie)
say(st == 403, "POST /for/handover without csrf is 403", st)
st, h, b = req("POST", "/for/handover", {"member": "ab" * 32, "sure": "1", "csrf": csrf}, cookie)
say(st == 422 and "That neighbour is not kept on this computer" in html.unescape(b),
    "a key not hosted here: 422", (st, text(b)[-1000:]))
st, h, b = req("POST", "/for/handover", {"member": okafor, "csrf": csrf}, cookie)
say(st == 200 and "<h1>Hand Mrs Okafor over to their own phone?</h1>" in b
    and ">Yes, hand over now</button>" in b and "forgets their key and PIN" in b,
    "without sure=1: the question", text(b)[-1500:])
rc, out, err = kith_at(home, "--json", "member", "hosted")
say(okafor in out, "nothing handed over by the question", out)
st, h, b = req("POST", "/for/handover", {"member": okafor, "sure": "1", "csrf": csrf}, cookie)
say(st == 303 and h.get("location") == "/for/handover", "sure=1: 303 to /for/handover", (st, h, text(b)[-800:]))
st, h, b = req("GET", "/for/handover", cookie=cookie)
hcode = code_of(b).replace(" ", "")
say(st == 200 and hcode.startswith("kithlink1") and "class=\"qr\"" in b
    and "The code for Mrs Okafor&#39;s own phone" in b
    and "This computer no longer keeps the key of Mrs Okafor." in html.unescape(b)
    and "kith init --link CODE" in b, "GET /for/handover: her code once, and what it means", text(b)[-2500:])
st, h, b = req("GET", "/for/handover", cookie=cookie)
say(code_of(b).replace(" ", "") == hcode and 'name="do" value="done"' in b,
    "a reload shows her code again (the only copy of her key), with 'Done'", text(b)[-1500:])
st, h, b = req("POST", "/for/handover", {"do": "done"}, cookie)
say(st == 403, "'Done' without csrf is 403", st)
st, h, b = req("POST", "/for/handover", {"do": "done", "csrf": csrf}, cookie)
say(st == 303 and h.get("location") == "/for", "'Done': 303 to /for", (st, h))
st, h, b = req("GET", "/for/handover", cookie=cookie)
say("kithlink1" not in b and "reached their phone" in b, "after 'Done' the code is shown no more",
    text(b)[-1500:])
rc, out, err = kith_at(home, "--json", "member", "hosted")
say(rc == 0 and okafor not in out, "kith member hosted no longer has her", out)
st, h, b = req("GET", "/", cookie=oc)
say(st == 403, "her PIN session ends with her key gone", st)
rc, out, err = kith_at(os.path.join(work, "okafor"), "init", "--link", hcode)
say(rc == 0 and out.strip() == okafor, "kith init --link of her code gives her own key", (rc, out, err))

# ---- escaping, and Chinese
evil = "<script>alert(1)</script> Lee"
st, h, b = req("POST", "/for/handover", {"member": lee, "csrf": csrf}, cookie)
say("Hand &lt;script&gt;alert(1)&lt;/script&gt; Lee over" in b, "a name with script is escaped in the question")
st, h, b = req("POST", "/for/handover", {"member": lee, "sure": "1", "csrf": csrf}, cookie)
st, h, b = req("GET", "/for/handover", cookie=cookie, lang="zh-CN")
say(st == 200 and "给 &lt;script&gt;alert(1)&lt;/script&gt; Lee 自己手机用的代码" in b
    and "家门钥匙" in b and code_of(b).startswith("kithlink1"),
    "her code page in Chinese, the name escaped", text(b)[-2000:])
st, h, b = req("GET", "/devices", cookie=cookie, lang="zh-CN")
say(st == 200 and "<h1>你的设备</h1>" in b and "这台电脑（你的第一台设备：保存着你的成员密钥）" in b
    and ">关联一台新设备</button>" in b, "/devices in Chinese", text(b)[-2000:])
st, h, b = req("POST", "/devices/add", {"do": "link", "csrf": csrf}, cookie, lang="zh-CN")
st, h, b = req("GET", "/devices/new", cookie=cookie, lang="zh-CN")
say("在新的手机或电脑上安装 kith。" in b and "kith init --link CODE" in b, "the steps in Chinese", text(b)[-1500:])
st, h, b = req("POST", "/devices/remove", {"key": me, "sure": "1", "csrf": csrf}, cookie, lang="zh-CN")
say(st == 422 and "是你的成员密钥，不是一台设备" in b, "the action's refusal in Chinese", text(b)[-800:])

bad = [p for p, body in pages if b"<script" in body]
say(not bad, "no page holds \"<script\"", bad[:3])
leaked = [p for p, body in pages if "kithlink1" in p]
say(not leaked, "no address holds a code", leaked)
print("DONE")
PYEOF

"$PY" "$WORK/devices.py" "$URL_A" "$URL_PHONE" "$KITH" "$WORK" "$OKAFOR" "$LEE" >"$WORK/py.out" 2>&1
web_tally "$WORK/py.out"
check_nomatch "no page failed (500) in daemon a's log" "$(cat "$WORK/a.log")" 'web: .* failed'
check_nomatch "no page failed (500) in the phone's log" "$(cat "$WORK/phone.log")" 'web: .* failed'

# ---- kiosk mode: the code leaves the screen with the session
kill9 a
printf '123456\n' >"$WORK/pin_a"
K_STDIN=$WORK/pin_a k a member pin a
check_eq "a PIN for a" "$RC" 0
web_daemon a --kiosk
web_login a
cat >"$WORK/kiosk.py" <<'PYEOF'
import sys
from weblib import cookie_of, csrf_of, pin_login, req, say, setup

setup(BASE=sys.argv[1], DETAIL=600)
ck = cookie_of(pin_login("a", "123456")[1])
st, h, b = req("GET", "/devices", cookie=ck)
csrf = csrf_of(b)
say(st == 200 and csrf and 'class="kiosk"' in b, "kiosk: /devices after a PIN login", (st, b[:600]))
st, h, b = req("POST", "/devices/add", {"do": "link", "csrf": csrf}, ck)
say(st == 303 and "kithlink1" not in h.get("location", "x"), "kiosk: linking answers 303, no code in the address",
    (st, h.get("location")))
st, h, b = req("POST", "/logout", {"csrf": csrf}, ck)
say(st == 303, "kiosk: Log out", st)
ck2 = cookie_of(pin_login("a", "123456")[1])
st, h, b = req("GET", "/devices/new", cookie=ck2)
say(st == 200 and "kithlink1" not in b and "has been shown" in b,
    "kiosk: the next person's session finds no code", b[-1200:])
print("DONE")
PYEOF
"$PY" "$WORK/kiosk.py" "$URL_A" >"$WORK/kiosk.out" 2>&1
web_tally "$WORK/kiosk.out" kiosk

finish
