#!/bin/sh
# tests/lint/layers.sh - fail when SQL or libsodium creep out of crdt/.
#
#   sh tests/lint/layers.sh [ROOT]      (ROOT: the tree to check, default
#                                        this checkout)
#
# docs/DESIGN.md s1: only crdt/ talks to SQLite, only crdt/crypto.c calls
# libsodium, net/ and peer/ (and every interface) write no SQL.  The store
# is sealed: the connection and SQLite's types live in crdt/db.h, which is
# for the .c files of crdt/ only.  This script checks the product code -
# every .c and .h under ROOT except tests/, bench/, build*/ and hidden
# directories, so a new folder (app/, web/ ...) is checked from its first
# file - and prints one "file:line: reason" per offending line:
#
#   SQLite    #include <sqlite3.h>, any sqlite3* or SQLITE_* name, or a
#             call to crdt/db.h's crdt_store_db / crdt_stmt /
#             crdt_store_err / crdt_rows - allowed in crdt/*.c and
#             crdt/db.h only (so also never in a public crdt header);
#             #include "crdt/db.h" - allowed in crdt/ only;
#   SQL text  a string literal that reads as an SQL statement (SELECT x,
#             INSERT INTO, UPDATE t SET, DELETE FROM, CREATE/DROP TABLE,
#             PRAGMA, BEGIN IMMEDIATE ...; "SELECT a member" is English)
#             - allowed in crdt/ only;
#   libsodium #include <sodium.h>, any sodium_*, randombytes* or crypto_*
#             name (crdt_crypto_* and other names that merely contain
#             "crypto_" are ours and fine) - allowed in crdt/crypto.c only;
#   web       #include of web/... in crdt/, net/, peer/ or action/ (web/ is
#             an interface like cli/; nothing below calls it), and
#             #include <microhttpd.h> outside web/;
#   QR        #include <qrencode.h>, or a QRcode_* / QRinput_* name -
#             allowed in action/qr.c only (action/qr.h renders them).
#
# Comments are skipped, and names inside string literals do not count (a
# message may say "sqlite3"); SQL is looked for inside string literals.
#
# Before the real tree, the script checks itself on a small fixture of
# known violations and known non-violations: a rule that matches nothing
# (a regular expression this awk does not understand) fails the run rather
# than passing forever.
#
# Exit 0 when clean, 1 on any violation (or a failed self-check), 2 on a
# usage error.  tests/run.sh runs it (it counts as one test) and
# `make check` runs it first.

LC_ALL=C
export LC_ALL

# The checker: awk over the files given; prints "file:line: reason".
# Paths are relative to the tree's root (cli/util.c).
# shellcheck disable=SC2016
CHECK='
function ident(text, re,    t) {
	# the first name matching re that starts at a name boundary
	if (!match(" " text, "[^A-Za-z0-9_](" re ")"))
		return ""
	t = substr(" " text, RSTART + 1, RLENGTH - 1)
	return t
}
function exact(text, re,    t) {
	# the first whole name matching re
	if (!match(" " text " ", "[^A-Za-z0-9_](" re ")[^A-Za-z0-9_]"))
		return ""
	return substr(" " text " ", RSTART + 1, RLENGTH - 2)
}
function report(why) {
	printf "%s:%d: %s\n", FILENAME, FNR, why
	bad++
}
# Split a line into code (comments and literals blanked) and strs (the
# contents of its string literals), carrying /* ... */ across lines.
function scan(line,    i, n, c, q) {
	code = ""
	strs = ""
	n = length(line)
	i = 1
	while (i <= n) {
		c = substr(line, i, 1)
		if (inblock) {
			if (c == "*" && substr(line, i + 1, 1) == "/") {
				inblock = 0
				i += 2
				code = code " "
				continue
			}
			i++
			continue
		}
		if (c == "/" && substr(line, i + 1, 1) == "*") {
			inblock = 1
			i += 2
			continue
		}
		if (c == "/" && substr(line, i + 1, 1) == "/")
			break
		if (c == "\"" || c == "\047") {
			q = c
			i++
			while (i <= n) {
				c = substr(line, i, 1)
				if (c == "\\") {
					strs = strs substr(line, i, 2)
					i += 2
					continue
				}
				if (c == q)
					break
				strs = strs c
				i++
			}
			i++
			code = code " "
			strs = strs " "
			continue
		}
		code = code c
		i++
	}
}
FNR == 1 {
	inblock = 0
	in_crdt = FILENAME ~ /^crdt\//
	sqlite_ok = (in_crdt && FILENAME ~ /\.c$/) || FILENAME == "crdt/db.h"
	sodium_ok = FILENAME == "crdt/crypto.c"
	below_web = FILENAME ~ /^(crdt|net|peer|action)\//
	qr_ok = FILENAME == "action/qr.c"
}
{
	raw = $0
	was_block = inblock
	scan(raw)
	is_include = !was_block && raw ~ /^[ \t]*#[ \t]*include[ \t]*[<"]/
	if (is_include) {
		if (!sqlite_ok && raw ~ /[<"]([^>"]*\/)?sqlite3(ext)?\.h[>"]/)
			report("includes sqlite3.h: only crdt/*.c talk to SQLite, through crdt/db.h")
		if (!in_crdt && raw ~ /[<"]([^>"]*\/)?crdt\/db\.h[>"]/)
			report("includes crdt/db.h, which is for crdt/*.c only: use the public crdt headers")
		if (!sodium_ok && raw ~ /[<"]sodium(\.h|\/[^>"]*)[>"]/)
			report("includes sodium.h: only crdt/crypto.c calls libsodium (add a wrapper to crdt/crypto.h)")
		if (below_web && raw ~ /[<"]web\//)
			report("includes web/: web/ is an interface, nothing below it (action, peer, net, crdt) calls it")
		if (FILENAME !~ /^web\// && raw ~ /[<"]microhttpd\.h[>"]/)
			report("includes microhttpd.h: HTTP stays in web/")
		if (!qr_ok && raw ~ /[<"]qrencode\.h[>"]/)
			report("includes qrencode.h: QR codes are made in action/qr.c only (action/qr.h)")
		next
	}
	if (!sqlite_ok) {
		t = ident(code, "sqlite3[A-Za-z0-9_]*|SQLITE_[A-Z0-9_]+")
		if (t != "")
			report("uses SQLite (" t "): only crdt/*.c talk to SQLite; call a crdt/ function" \
			       (in_crdt ? " (a public crdt header must not expose SQLite: crdt/db.h)" : ""))
		t = exact(code, "crdt_store_db|crdt_stmt|crdt_store_err|crdt_rows")
		if (t != "")
			report("uses " t "(): the raw connection stays in crdt/ (crdt/db.h)")
	}
	if (!in_crdt && strs != "") {
		t = strs
		if (match(t, "(SELECT ([*0-9]|DISTINCT |[a-z_.]+ *[(,]|[a-z_.]+ (AS|FROM) )|INSERT (OR [A-Z]+ )?INTO |REPLACE INTO |UPDATE [A-Za-z_.]+ SET |DELETE FROM |CREATE (TEMP |TEMPORARY |VIRTUAL |UNIQUE )?(TABLE|INDEX|TRIGGER|VIEW) |DROP (TABLE|INDEX|TRIGGER|VIEW) |ALTER TABLE |PRAGMA [a-z_]|BEGIN (IMMEDIATE|EXCLUSIVE|DEFERRED|TRANSACTION)|SAVEPOINT [a-z_])"))
			report("SQL text (\"" substr(t, RSTART, RLENGTH) "...\"): SQL belongs in crdt/; call a crdt/ function")
	}
	if (!qr_ok) {
		t = ident(code, "QRcode_[A-Za-z0-9_]*|QRinput_[A-Za-z0-9_]*")
		if (t != "")
			report("uses libqrencode (" t "): QR codes are made in action/qr.c only (action/qr.h)")
	}
	if (!sodium_ok) {
		t = ident(code, "sodium_[A-Za-z0-9_]*|randombytes[A-Za-z0-9_]*|crypto_[A-Za-z0-9_]+")
		if (t != "")
			report("uses libsodium (" t "): only crdt/crypto.c calls libsodium; add a wrapper to crdt/crypto.h")
	}
}
END {
	exit bad ? 1 : 0
}
'

# files ROOT: the product sources under ROOT, relative, one a line.
files() {
	(cd "$1" && find . \( -path './.*' -o -path './build*' -o \
		-path ./tests -o -path ./bench -o -name node_modules \) -prune \
		-o -type f \( -name '*.c' -o -name '*.h' \) -print) |
		sed 's|^\./||' | sort
}

# check ROOT: run the checker over ROOT's product sources.
check() {
	_list=$(files "$1")
	[ -n "$_list" ] || return 0
	# shellcheck disable=SC2086
	(cd "$1" && awk "$CHECK" $_list)
}

# The self-check: every line marked "BAD" in the fixture must be reported
# and nothing else.
selftest() {
	_t=$(mktemp -d "${TMPDIR:-/tmp}/kith-layers.XXXXXX") || return 1
	mkdir -p "$_t/cli" "$_t/crdt" "$_t/peer" "$_t/web/pages" "$_t/tests" \
		"$_t/bench" "$_t/build-x/cli" "$_t/action"
	cat >"$_t/cli/bad.c" <<'EOF'
#include <sqlite3.h> /* BAD */
#include <sodium.h> /* BAD */
#include "crdt/db.h" /* BAD */
#include "crdt/crypto.h"
/* sqlite3_exec and sodium_memzero and crypto_auth( in a comment are fine,
 * and so is "SELECT x FROM t" and crdt_store_db() */
static const char *msg = "sqlite3 said no; sodium_init failed";
void f(void) { crdt_crypto_init(); kith_crypto_box(); } // crypto_box()
void g(sqlite3 *db) { (void)db; } /* BAD */
int h(void) { return SQLITE_OK; } /* BAD */
void i(void) { sodium_memzero(0, 0); } /* BAD */
void j(void) { randombytes_buf(0, 0); } /* BAD */
void k(void) { crypto_scalarmult_base(0, 0); } /* BAD */
void l(void) { crdt_store_db(s); } /* BAD */
void m(void) { x = crdt_rows(s, q, fn, 0); } /* BAD */
void n(void) { crdt_store_errmsg(s); crdt_rows_seen(); }
static const char *q = "SELECT lower(hex(node)) AS node"; /* BAD */
static const char *r = "INSERT OR IGNORE INTO blocked VALUES (?1)"; /* BAD */
static const char *u = "UPDATE peers SET x = 1"; /* BAD */
static const char *v = "DELETE FROM peers"; /* BAD */
static const char *w = "PRAGMA data_version"; /* BAD */
static const char *x = "SELECT a member to verify";
static const char *x2 = "SELECT count(*) FROM items"; /* BAD */
static const char *x3 = "SELECT data FROM changes"; /* BAD */
static const char *y = "%-10s WITH DELETE UPDATE";
/*
 * crypto_secretbox_easy(box) inside a block comment
 */
int z(void) { return 0; }
EOF
	cat >"$_t/web/pages/form.c" <<'EOF'
#include "crdt/query.h"
#include <microhttpd.h>
#include "web/form.h"
static const char *sql = "CREATE TABLE sessions(id)"; /* BAD */
EOF
	cat >"$_t/crdt/store.h" <<'EOF'
#include <sqlite3.h> /* BAD */
sqlite3 *crdt_store_db(struct crdt_store *s); /* BAD */
int crdt_store_open(struct crdt_store **out, const char *path);
EOF
	cat >"$_t/crdt/db.h" <<'EOF'
#include <sqlite3.h>
sqlite3 *crdt_store_db(struct crdt_store *s);
EOF
	cat >"$_t/crdt/store.c" <<'EOF'
#include "db.h"
#include "crdt/db.h"
static const char *sql = "SELECT x FROM t";
sqlite3 *crdt_store_db(struct crdt_store *s) { return s->db; }
void f(void) { sodium_memzero(0, 0); } /* BAD */
EOF
	cat >"$_t/crdt/crypto.c" <<'EOF'
#include <sodium.h>
void f(void) { sodium_memzero(0, 0); randombytes_buf(0, 0); }
EOF
	cat >"$_t/peer/daemon.c" <<'EOF'
#include "web/server.h" /* BAD */
#include <microhttpd.h> /* BAD */
#include "net/session.h"
EOF
	printf '#include "web/server.h"\n' >"$_t/cli/web.c"
	cat >"$_t/action/qr.c" <<'EOF'
#include <qrencode.h>
void f(void) { QRcode_free(QRcode_encodeString("x", 0, 0, 0, 1)); }
EOF
	cat >"$_t/web/page_qr.c" <<'EOF'
#include <qrencode.h> /* BAD */
#include "action/qr.h"
void f(void) { QRcode_free(0); } /* BAD */
void g(void) { action_qr_make(0, "QRcode_free"); } /* QRinput_new() */
EOF
	printf '#include <sqlite3.h>\n#include <sodium.h>\n' >"$_t/tests/t.c"
	cp "$_t/tests/t.c" "$_t/bench/b.c"
	cp "$_t/tests/t.c" "$_t/build-x/cli/gen.c"

	# shellcheck disable=SC2046 # paths without spaces, one per word
	_want=$(cd "$_t" && grep -n 'BAD' $(files .) | cut -d: -f1,2 | sort)
	_got=$(check "$_t" | cut -d: -f1,2 | sort -u)
	rm -rf "$_t"
	if [ "$_want" != "$_got" ]; then
		echo "tests/lint/layers.sh: self-check failed: the rules do not" \
			"report exactly the fixture's BAD lines"
		echo "expected:"
		printf '%s\n' "$_want" | sed 's/^/  /'
		echo "reported:"
		printf '%s\n' "$_got" | sed 's/^/  /'
		return 1
	fi
	return 0
}

if [ $# -gt 1 ]; then
	echo "usage: sh tests/lint/layers.sh [ROOT]" >&2
	exit 2
fi
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ ! -d "$root" ]; then
	echo "tests/lint/layers.sh: no directory '$root'" >&2
	exit 2
fi

selftest || exit 1
if [ -z "$(files "$root")" ]; then
	echo "tests/lint/layers.sh: no product sources under '$root'" >&2
	exit 1
fi
out=$(check "$root")
st=$?
nfiles=$(files "$root" | wc -l | tr -d ' ')
if [ -n "$out" ] || [ "$st" -ne 0 ]; then
	printf '%s\n' "$out"
	n=$(printf '%s\n' "$out" | grep -c .)
	echo "layers: $n line(s) break docs/DESIGN.md s1 (SQL and SQLite stay in crdt/," \
		"libsodium in crdt/crypto.c)"
	exit 1
fi
echo "layers: $nfiles product files keep SQL in crdt/ and libsodium in crdt/crypto.c"
exit 0
