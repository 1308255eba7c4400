# lib.sh - helpers of the kith end-to-end scripts (POSIX sh), on top of
# the core all suites share (tests/lib.sh: pass/fail/check*, finish, skip,
# k, kith_at, last, digest, TMP_DIR).
#
# A script starts with
#	. "$(dirname "$0")/lib.sh"
# while its own "$@" is still the runner's arguments: $1 is the kith binary
# (tests/run.sh runs `sh tests/e2e/NAME.sh /abs/path/to/build/kith`).
#
# Commands run through `k DIR ARGS...` (output captured in RC, OUT, ERR);
# `finish` adds one check that no kith run printed a sanitizer report.
# Every data directory lives under $TMP_DIR, removed on exit; the user's
# own data directory is never touched (KITH_HOME, XDG_DATA_HOME and HOME
# point into $TMP_DIR).

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

E2E_DIR=$(cd "$(dirname "$0")" && pwd)
LIB_SAN_CHECK=1

need_kith "${1:-}"
command -v python3 >/dev/null 2>&1 || skip "python3 is needed to check JSON output"
# the interpreter itself, not a wrapper (pyenv shims cost ~0.3 s a call);
# -S -E: no site packages or environment, only the standard library
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
[ -x "$PY" ] || PY=$(command -v python3)
HAVE_SQLITE3=0
command -v sqlite3 >/dev/null 2>&1 && HAVE_SQLITE3=1

# never touch the user's own data directory by accident
KITH_HOME=$TMP_DIR/default-home
XDG_DATA_HOME=$TMP_DIR/xdg-unused
HOME=$TMP_DIR/home-unused
export KITH_HOME XDG_DATA_HOME HOME
unset KITH_NOW
# English messages, whatever the machine speaks (tests/e2e/chinese.sh
# switches per command); UTF-8 so that text is not mangled
unset LANGUAGE LANG LC_MESSAGES
LC_ALL=C.UTF-8
export LC_ALL

# ---- commands and their error shapes -----------------------------------

# err_shape RC: empty when the output has the shape the contract asks for,
# else why not.  Nothing on stdout.  Failures (1): exactly one stderr line,
# "kith: ...".  Usage errors (2): the first line is "kith: ..." and it is
# the only "kith: " line (a usage synopsis may follow).
err_shape() {
	_lines=$(wc -l <"$TMP_DIR/err" | tr -d ' ')
	_first=$(head -n 1 "$TMP_DIR/err")
	case $_first in
	"kith: "?*) ;;
	*)
		echo "first stderr line does not start with 'kith: ': '$_first'"
		return 0
		;;
	esac
	if [ -s "$TMP_DIR/out" ]; then
		echo "an error must leave stdout empty"
	elif [ "$1" = 1 ] && [ "$_lines" != 1 ]; then
		echo "a failure must print exactly one stderr line, got $_lines"
	elif [ "$1" = 2 ] &&
		[ "$(grep -c '^kith: ' "$TMP_DIR/err")" != 1 ]; then
		echo "a usage error must print exactly one 'kith: ' line"
	fi
	return 0
}

# run_ok DESC HOME ARGS...: the command exits 0.
run_ok() {
	_d=$1
	shift
	k "$@"
	if [ "$RC" = 0 ]; then
		pass "$_d"
	else
		fail "$_d" "$(last)"
	fi
}

# run_rc CODE DESC HOME ARGS...: exits CODE, and errors have the right
# shape (see err_shape).
run_rc() {
	_want=$1
	_d=$2
	shift 2
	k "$@"
	if [ "$RC" != "$_want" ]; then
		fail "$_d" "expected exit $_want" "$(last)"
		return 0
	fi
	_why=
	[ "$_want" != 0 ] && _why=$(err_shape "$_want")
	if [ -n "$_why" ]; then
		fail "$_d" "$_why" "$(last)"
	else
		pass "$_d"
	fi
}

# run_err CODE ERE DESC HOME ARGS...: like run_rc, and the first stderr
# line matches the extended regular expression ERE (case-insensitive).
run_err() {
	_want=$1
	_re=$2
	_d=$3
	shift 3
	k "$@"
	if [ "$RC" != "$_want" ]; then
		fail "$_d" "expected exit $_want" "$(last)"
		return 0
	fi
	_why=$(err_shape "$_want")
	if [ -z "$_why" ] &&
		! head -n 1 "$TMP_DIR/err" | grep -Eiq -- "$_re"; then
		_why="first stderr line does not match /$_re/"
	fi
	if [ -n "$_why" ]; then
		fail "$_d" "$_why" "$(last)"
	else
		pass "$_d"
	fi
}

# ---- JSON --------------------------------------------------------------

# json EXPR [FILE]: evaluate a Python expression over d = the JSON in FILE
# (default: stdout of the last command); prints strings raw, other values
# as JSON.  Prints "JSON-ERROR: ..." when the text is not JSON.
json() {
	"$PY" -S -E -c '
import json, sys
try:
    d = json.load(open(sys.argv[2]))
except Exception as e:
    print("JSON-ERROR: %s" % e)
    sys.exit(0)
try:
    r = eval(sys.argv[1], {"d": d, "json": json})
except Exception as e:
    print("EXPR-ERROR: %s: %s" % (type(e).__name__, e))
    sys.exit(0)
print(r if isinstance(r, str) else json.dumps(r, sort_keys=True))
' "$1" "${2:-$TMP_DIR/out}"
}

# check_json DESC EXPR: EXPR (over d, the last stdout) is true.
check_json() {
	_r=$(json "bool($2)")
	if [ "$_r" = true ]; then
		pass "$1"
	else
		fail "$1" "not true: $2 ($_r)" "$(last)"
	fi
}

# ---- replicas ----------------------------------------------------------

HEX32='^[0-9a-f]{32}$'
HEX64='^[0-9a-f]{64}$'

# member DIR NAME: a data directory with an identity (no community yet).
member() {
	mkdir -p "$1"
	k "$1" init --name "$2"
	if [ "$RC" != 0 ]; then
		fail "set up member $2 in $1" "$(last)"
		return 1
	fi
	return 0
}

# community DIR NAME: create a community in DIR; sets CODE.
community() {
	k "$1" community create "$2"
	CODE=$OUT
	if [ "$RC" != 0 ]; then
		fail "create community $2" "$(last)"
		return 1
	fi
	return 0
}

# join DIR: join the community of $CODE.
join() {
	k "$1" community join "$CODE"
	if [ "$RC" != 0 ]; then
		fail "join community from $1" "$(last)"
		return 1
	fi
	return 0
}

E2E_BUNDLES=0
# carry FROM TO: export everything FROM holds and import it into TO (a
# data mule).  Fails the script's check count only when something breaks.
carry() {
	E2E_BUNDLES=$((E2E_BUNDLES + 1))
	_b=$TMP_DIR/carry-$E2E_BUNDLES.kb
	k "$1" export "$_b"
	if [ "$RC" != 0 ]; then
		fail "export from $1" "$(last)"
		return 1
	fi
	k "$2" import "$_b"
	if [ "$RC" != 0 ]; then
		fail "import into $2" "$(last)"
		return 1
	fi
	return 0
}

# snapshot DIR FILE: everything observable about a replica: digest, lists,
# members, version vector and (with sqlite3) the complete database dump.
snapshot() {
	{
		k "$1" digest
		echo "digest: $OUT ($RC)"
		k "$1" --json item list --all
		echo "items: $OUT"
		k "$1" --json wish list --all
		echo "wishes: $OUT"
		k "$1" --json members
		echo "members: $OUT"
		k "$1" vector "$TMP_DIR/snap.vec"
		echo "vector:"
		cat "$TMP_DIR/snap.vec" 2>/dev/null
		if [ "$HAVE_SQLITE3" = 1 ]; then
			echo "changes: $(sqlite3 "$1/replica.db" \
				'select count(*) from changes')"
			echo "pending: $(sqlite3 "$1/replica.db" \
				'select count(*) from pending')"
			echo "dump: $(sqlite3 "$1/replica.db" .dump | cksum)"
		fi
	} >"$2"
	return 0
}

# same_state DESC DIR SNAPFILE: the replica is exactly as snapshotted.
same_state() {
	snapshot "$2" "$TMP_DIR/snap.now"
	if cmp -s "$3" "$TMP_DIR/snap.now"; then
		pass "$1"
	else
		fail "$1" "replica changed:" \
			"$(diff "$3" "$TMP_DIR/snap.now" | head -n 12)"
	fi
}

# refused DESC DIR ERE ARGS...: a write that must be refused: exit 1, one
# "kith: " line matching ERE, and nothing written to DIR's replica.
refused() {
	_rd=$1
	_rh=$2
	_re=$3
	shift 3
	snapshot "$_rh" "$TMP_DIR/snap.before"
	run_err 1 "$_re" "$_rd: refused" "$_rh" "$@"
	same_state "$_rd: nothing written" "$_rh" "$TMP_DIR/snap.before"
}

# Random numbers without $RANDOM (dash has none): awk seeded from
# E2E_SEED and a counter kept in a file, so that calls inside $(...)
# subshells still advance it.
E2E_SEED=${KITH_E2E_SEED:-$(date +%s)}
echo 0 >"$TMP_DIR/rand.count"
rand_next() {
	_c=$(($(cat "$TMP_DIR/rand.count") + 1))
	echo "$_c" >"$TMP_DIR/rand.count"
	echo "$_c"
}
# shuffle WORDS...: prints the words in a random order, one per line.
shuffle() {
	_rn=$(rand_next)
	printf '%s\n' "$@" | awk -v s="$E2E_SEED" -v n="$_rn" '
		BEGIN { srand((s % 1000000) * 1000 + n) }
		{ w[NR] = $0 }
		END {
			for (i = NR; i > 1; i--) {
				j = int(rand() * i) + 1
				t = w[i]; w[i] = w[j]; w[j] = t
			}
			for (i = 1; i <= NR; i++) print w[i]
		}'
}

# pick N: a random number in 0..N-1.
pick() {
	_rn=$(rand_next)
	awk -v s="$E2E_SEED" -v n="$_rn" -v m="$1" \
		'BEGIN { srand((s % 1000000) * 1000 + n); print int(rand() * m) }'
}

# mode FILE: "-rw-------" and the like.
mode() {
	ls -ld "$1" | cut -c1-10
}

# alice_and_bob: Alice ($A, $TMP_DIR/alice) founds "Elm Street" and Bob
# ($B, $TMP_DIR/bob) joins it; ALICE and BOB hold what their `init`
# printed.  Ends the script (finish) when any step fails.
alice_and_bob() {
	A=$TMP_DIR/alice
	B=$TMP_DIR/bob
	member "$A" Alice || finish
	ALICE=$OUT
	community "$A" "Elm Street" || finish
	member "$B" Bob || finish
	BOB=$OUT
	join "$B" || finish
}
