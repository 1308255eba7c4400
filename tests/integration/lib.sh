# tests/integration/lib.sh - helpers of the multi-process tests over
# loopback, on top of the core all suites share (tests/lib.sh: pass/fail/
# check*, finish, skip, k, kith_at, digest, wait_for, TMP_DIR).
#
#	. "$(dirname "$0")/lib.sh"      ($1 is the kith binary)
#
# Sets KITH, WORK (= TMP_DIR; node NAME's data directory is $WORK/NAME, so
# `kith_at NAME ...` and `k NAME ...` run on it) and MKCHANGES.  Every
# daemon started here is killed (-9) at exit.
#
#   setup_community NODES...    init each; the first creates a community,
#                               the others join it
#   start_daemon NODE ARGS...   start its daemon on 127.0.0.1 (any port),
#                               wait for it; sets PORT_<NODE>, PID_<NODE>.
#                               Its web app is on 127.0.0.1:0 unless ARGS
#                               name --web or --no-web: suites run side by
#                               side, and the default port 7474 is for
#                               KT_DEFAULT_WEB=1 start_daemon ... alone
#   port_of NODE, pid_of NODE   those values
#   kill9 NODE                  SIGKILL its daemon and reap it
#   converged SECS NODES...     all digests equal within SECS
#   pk_of NODE                  NODE's identity key (hex)
#   sq NODE SQL                 run SQL on NODE's replica (sqlite3)
#   head_of NODE PK             NODE's head seq for author PK (0 if none)
#
# The web app's tests (web*.sh, join_web.sh) start the same way:
#   web_py                      PY=/usr/bin/python3 (their checks are in
#                               Python); without it the suite is skipped.
#                               Exports PYTHONPATH with this folder first,
#                               so the checks `import weblib` (weblib.py:
#                               the helpers they share), and
#                               PYTHONDONTWRITEBYTECODE=1 (no __pycache__
#                               in the source tree)
#   web_daemon NODE [--peer-node PEER] ARGS...
#                               start_daemon NODE with the web app on
#                               127.0.0.1 (any port; not with --no-web),
#                               dialing PEER's daemon; ARGS as they are.
#                               A daemon that does not start fails the
#                               test and ends the script
#   web_tally FILE [WHAT]       count the lines a Python check program
#                               printed into FILE: "PASS what" passes,
#                               "FAIL what: detail" fails, "# ..." is
#                               shown, DONE ends it, any other line fails
#                               ("python: LINE"); then checks that it
#                               ended ("the WHAT checks ran to the end",
#                               WHAT python unless given)
#   web_login NODE              `kith open --print` of NODE (checked to
#                               exit 0): the login link in URL_<NODE> and
#                               its host:port in HOSTPORT_<NODE> (NODE in
#                               capitals: web_login a sets URL_A)

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

need_kith "${1:-}"
MKCHANGES=$(dirname "$KITH")/tests/mkchanges
WORK=$TMP_DIR
K_HOMES=$WORK
PIDS=

kill_daemons() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
}
at_exit kill_daemons

setup_community() {
	_int_first=$1
	kith_at "$_int_first" init --name "$_int_first" \
		--building "B$_int_first" >/dev/null 2>&1
	_int_code=$(kith_at "$_int_first" community create "Loopback" 2>/dev/null)
	shift
	for _int_n in "$@"; do
		kith_at "$_int_n" init --name "$_int_n" --building "B$_int_n" \
			>/dev/null 2>&1
		kith_at "$_int_n" community join "$_int_code" >/dev/null
	done
}

start_daemon() {
	_int_n=$1
	shift
	: >"$WORK/$_int_n.log"
	_int_sw="--web 127.0.0.1:0"
	[ "${KT_DEFAULT_WEB:-}" = 1 ] && _int_sw=
	for _int_a in "$@"; do
		case $_int_a in --web | --web=* | --no-web) _int_sw= ;; esac
	done
	# shellcheck disable=SC2086 # the two words of the option
	"$KITH" --home "$WORK/$_int_n" daemon --listen 127.0.0.1:0 --no-mdns \
		--interval 2 -v $_int_sw "$@" 2>>"$WORK/$_int_n.log" &
	_int_pid=$!
	PIDS="$PIDS $_int_pid"
	eval "PID_$_int_n=$_int_pid"
	_int_i=0
	while [ $_int_i -lt 100 ]; do
		_int_port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
			"$WORK/$_int_n.log" | tail -n 1)
		if [ -n "$_int_port" ]; then
			eval "PORT_$_int_n=$_int_port"
			return 0
		fi
		sleep 0.1
		_int_i=$((_int_i + 1))
	done
	echo "daemon $_int_n did not start:" >&2
	cat "$WORK/$_int_n.log" >&2
	return 1
}

port_of() { eval "echo \$PORT_$1"; }
pid_of() { eval "echo \$PID_$1"; }

kill9() {
	_int_p=$(pid_of "$1")
	kill -9 "$_int_p" 2>/dev/null
	wait "$_int_p" 2>/dev/null
}

converged() {
	_int_end=$(($(date +%s) + $1))
	shift
	while [ "$(date +%s)" -le "$_int_end" ]; do
		_int_first=
		_int_same=1
		for _int_n in "$@"; do
			_int_d=$(digest "$_int_n") || { _int_same=0; break; }
			[ -z "$_int_first" ] && _int_first=$_int_d
			[ "$_int_d" = "$_int_first" ] || _int_same=0
		done
		[ "$_int_same" -eq 1 ] && return 0
		sleep 0.2
	done
	for _int_n in "$@"; do
		echo "  $_int_n: $(digest "$_int_n") changes=$(kith_at "$_int_n" --json status | sed 's/.*"changes":\([0-9]*\).*/\1/')"
	done
	return 1
}

pk_of() {
	kith_at "$1" --json whoami | sed 's/.*"id":"\([0-9a-f]*\)".*/\1/'
}

sq() { sqlite3 "$WORK/$1/replica.db" "$2"; }

head_of() {
	sq "$1" "SELECT coalesce(max(head), 0) FROM authors WHERE hex(pk) = upper('$2')"
}

web_py() {
	PY=/usr/bin/python3
	[ -x "$PY" ] || skip "needs /usr/bin/python3"
	PYTHONPATH=$(cd "$(dirname "$0")" && pwd)${PYTHONPATH:+:$PYTHONPATH}
	PYTHONDONTWRITEBYTECODE=1
	export PYTHONPATH PYTHONDONTWRITEBYTECODE
}

web_daemon() {
	_int_wn=$1
	shift
	_int_web="--web 127.0.0.1:0"
	_int_peer=
	if [ "${1:-}" = --peer-node ]; then
		_int_peer="--peer 127.0.0.1:$(port_of "$2")"
		shift 2
	fi
	for _int_a in "$@"; do
		[ "$_int_a" = --no-web ] && _int_web=
	done
	# shellcheck disable=SC2086 # the two words of each option
	start_daemon "$_int_wn" $_int_web $_int_peer "$@" ||
		{ fail "daemon $_int_wn starts"; finish; }
}

web_tally() {
	while IFS= read -r _int_line; do
		case $_int_line in
		"PASS ") ;;
		"PASS "*) pass "${_int_line#PASS }" ;;
		"FAIL "*) fail "${_int_line#FAIL }" ;;
		"# "*) echo "$_int_line" ;;
		DONE) ;;
		*) fail "python: $_int_line" ;;
		esac
	done <"$1"
	check "the ${2:-python} checks ran to the end" grep -qx DONE "$1"
}

web_login() {
	_int_up=$(printf '%s' "$1" | tr '[:lower:]' '[:upper:]')
	k "$1" open --print
	check_eq "kith open --print ($1) exits 0" "$RC" 0
	_int_hp=$(printf '%s' "$OUT" | sed 's|^http://\([^/]*\)/.*|\1|')
	eval "URL_$_int_up=\$OUT HOSTPORT_$_int_up=\$_int_hp"
}

