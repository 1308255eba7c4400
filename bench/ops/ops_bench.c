/*
 * ops_bench.c - how fast `kith match` and `kith checkins` answer on a
 * replica the size of a real old-town community (the target:
 * under 200 ms each).
 *
 * Untimed: the replica of bench/ops/town.h (--members, --buildings,
 * --items, --wishes, --resource-pct, --claim-pct), built through the crdt
 * API, every change signed by its author.
 *
 * Timed (best and median of --repeat runs):
 *   - the crdt-level queries: crdt_match for the --match-wishes most
 *     urgent open wishes and for one wish, crdt_checkins for everyone
 *     since the emergency began and for one building (what `kith
 *     checkins` runs), and the other queries of crdt/ops.h;
 *   - searches (`item list --search`, `wish list --search`) for Chinese
 *     words of one to four characters and for English, each next to a
 *     baseline measured in turn with it: the same posts found by scanning
 *     the table with instr() (no index), on the same connection; the
 *     Chinese searches must find exactly the posts the scan finds;
 *   - the commands themselves, when --kith names the binary (default
 *     build/kith if it exists): `kith --home H match`, `match WISH`,
 *     `checkins`, ... run as processes with stdout to /dev/null, wall
 *     time from fork to exit (process start, opening the replica and
 *     deriving roles included).
 *
 *   cc -std=c11 -D_GNU_SOURCE -O2 -I. -o build/bench/ops_bench \
 *      bench/ops/ops_bench.c bench/ops/town.c build/libkith.a \
 *      $(pkg-config --libs sqlite3 libsodium libuv avahi-client)
 *   build/bench/ops_bench [--quick] [--repeat N] [--dir D] [--keep]
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h> /* its version, and the scan baseline */

#include "bench/ops/town.h"
#include "crdt/community.h"
#include "crdt/db.h" /* the scan baseline reads the tables */
#include "crdt/err.h"
#include "crdt/ops.h"
#include "crdt/query.h"
#include "crdt/replica.h"
#include "crdt/schema.h"
#include "peer/keystore.h"

#define TARGET_MS 200.0

static struct {
	struct town_cfg town;
	long match_wishes, repeat;
	const char *dir, *kith;
	int keep, strict;
} opt = {
	.town = { .members = 12000, .buildings = 69, .items = 50000,
		  .wishes = 20000, .resource_pct = 10, .claim_pct = 30 },
	.match_wishes = 20, .repeat = 5,
};

static char tmpdir[4096], home[4200];
static pid_t main_pid;
static struct town town;
#define R (town.r)
#define die town_die
#define CHECK TOWN_CHECK

/* ---- small helpers ------------------------------------------------------ */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int rm_one(const char *p, const struct stat *sb, int flag,
		  struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(p);
	return 0;
}

static void rm_tmpdir(void)
{
	if (tmpdir[0] && getpid() == main_pid && !opt.keep)
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void on_signal(int sig)
{
	rm_tmpdir();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* ---- timing ------------------------------------------------------------- */

struct counter {
	long rows;
	char first_wish[40];
	char first_building[64];
};

static int count_row(void *ctx, const struct crdt_row *r)
{
	(void)r;
	((struct counter *)ctx)->rows++;
	return 0;
}

static int wish_row(void *ctx, const struct crdt_row *r)
{
	struct counter *c = ctx;
	const struct crdt_col *id = crdt_row_get(r, "id");
	const struct crdt_col *b = crdt_row_get(r, "building");

	if (!c->first_wish[0] && id && id->s) {
		snprintf(c->first_wish, sizeof c->first_wish, "%s", id->s);
		snprintf(c->first_building, sizeof c->first_building, "%s",
			 b && b->s ? b->s : "");
	}
	c->rows++;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct result {
	char name[96];
	double best, median;
	double base;	/* median of the baseline, ms; < 0: none */
	long rows;
	int target; /* 1: 200 ms target applies */
};
static struct result results[48];
static int nresults;

static void record(const char *name, double *t, long n, long rows, int target)
{
	struct result *r = &results[nresults++];

	qsort(t, (size_t)n, sizeof *t, cmp_double);
	snprintf(r->name, sizeof r->name, "%s", name);
	r->best = t[0] * 1000;
	r->median = t[n / 2] * 1000;
	r->base = -1;
	r->rows = rows;
	r->target = target;
}

/* Columns a row name takes in the table: CJK (lead bytes E3..ED: U+3000..
 * U+DFFF) two, other characters one, continuation bytes none. */
static int name_cols(const char *s)
{
	int cols = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c & 0xc0) == 0x80)
			continue;
		cols += c >= 0xe3 && c <= 0xed ? 2 : 1;
	}
	return cols;
}

enum q { Q_MATCH_TOP, Q_MATCH_ONE, Q_CHECKINS, Q_CHECKINS_ONE, Q_INVENTORY,
	 Q_VOLUNTEERS, Q_HOURS, Q_LOANS };

static uint8_t one_wish[CRDT_ID_LEN];
static uint8_t busy_member[CRDT_PK_LEN];
static char one_building[64];
static struct crdt_roles roles;

static long run_query(enum q which, struct counter *c)
{
	struct crdt_match_out out = { wish_row, count_row, count_row, NULL, c };
	int64_t now = (int64_t)(town.end_ms / 1000);

	memset(c, 0, sizeof *c);
	switch (which) {
	case Q_MATCH_TOP:
		CHECK(crdt_match(R.store, NULL, (int)opt.match_wishes, 3, now,
				 &out));
		break;
	case Q_MATCH_ONE:
		CHECK(crdt_match(R.store, one_wish, 1, 3, now, &out));
		break;
	case Q_CHECKINS:
		CHECK(crdt_checkins(R.store, NULL, roles.since_ms, count_row, c));
		break;
	case Q_CHECKINS_ONE:
		CHECK(crdt_checkins(R.store, one_building, roles.since_ms,
				    count_row, c));
		break;
	case Q_INVENTORY:
		CHECK(crdt_inventory(R.store, NULL, now, count_row, c));
		CHECK(crdt_inventory_totals(R.store, NULL, now, count_row, c));
		break;
	case Q_VOLUNTEERS:
		CHECK(crdt_volunteers(R.store, "first aid", one_building, NULL,
				      count_row, c));
		break;
	case Q_HOURS: {
		struct crdt_hours h;

		CHECK(crdt_hours_totals(R.store, busy_member, &h));
		CHECK(crdt_hours_ledger(R.store, busy_member, count_row, c));
		break;
	}
	case Q_LOANS:
		CHECK(crdt_loans_due(R.store, town.borrower, now,
				     CRDT_LOANS_DUE_WITHIN,
				     count_row, c));
		break;
	}
	return c->rows;
}

static void time_query(enum q which, const char *name, int target)
{
	double t[64];
	struct counter c;
	long i, rows = 0;

	run_query(which, &c); /* warm: statements prepared, pages cached */
	for (i = 0; i < opt.repeat; i++) {
		double t0 = now_s();

		rows = run_query(which, &c);
		t[i] = now_s() - t0;
	}
	record(name, t, opt.repeat, rows, target);
}

/* ---- searches ------------------------------------------------------------ */

struct search_row {
	const char *name;
	int wishes;	  /* else items */
	const char *q;	  /* the search */
	const char *w1, *w2; /* its words, for the scan (w2 may be NULL) */
	int same;	  /* the scan finds exactly the same posts */
};

static const struct search_row searches[] = {
	{ "wish list --search 修 (1 char)", 1, "修", "修", NULL, 1 },
	{ "wish list --search 买菜 (2 chars)", 1, "买菜", "买菜", NULL, 1 },
	{ "wish list --search 帮忙买菜 (4)", 1, "帮忙买菜", "帮忙买菜", NULL, 1 },
	{ "item list --search 水 (1 char)", 0, "水", "水", NULL, 1 },
	{ "item list --search 梯子 (2 chars)", 0, "梯子", "梯子", NULL, 1 },
	{ "item list --search 电饭锅 (3)", 0, "电饭锅", "电饭锅", NULL, 1 },
	{ "item list --search 二手 水 (2 words)", 0, "二手 水", "二手", "水", 1 },
	{ "item list --search ladder", 0, "ladder", "ladder", NULL, 0 },
};

/* The baseline: posts whose title or description holds w1 (and w2), by a
 * scan of the table; ASCII words case-insensitively. */
static const char *const scan_sql[2] = {
	"SELECT rowid, title FROM items WHERE"
	" (instr(lower(title), ?1) OR instr(lower(description), ?1))"
	" AND (?2 IS NULL OR instr(lower(title), ?2)"
	"  OR instr(lower(description), ?2))",
	"SELECT rowid, title FROM wishes WHERE"
	" (instr(lower(title), ?1) OR instr(lower(description), ?1))"
	" AND (?2 IS NULL OR instr(lower(title), ?2)"
	"  OR instr(lower(description), ?2))",
};

static long run_scan(sqlite3_stmt *q, const struct search_row *sr)
{
	long rows = 0;
	int rc;

	sqlite3_bind_text(q, 1, sr->w1, -1, SQLITE_STATIC);
	if (sr->w2)
		sqlite3_bind_text(q, 2, sr->w2, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 2);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		rows++;
	if (rc != SQLITE_DONE)
		die("scan: %s", sqlite3_errmsg(crdt_store_db(R.store)));
	sqlite3_reset(q);
	return rows;
}

/* What `kith item list --all --search` / `wish list --all --search` ask
 * (--all: every post that matches, as the scan). */
static long run_search(const struct search_row *sr)
{
	struct counter c;
	int64_t now = (int64_t)(town.end_ms / 1000);

	memset(&c, 0, sizeof c);
	if (sr->wishes) {
		struct crdt_wish_filter f = { .urgency = -1, .all = 1,
					      .search = sr->q };

		CHECK(crdt_query_wishes(R.store, &f, now, count_row, &c));
	} else {
		struct crdt_item_filter f = { .kind = -1, .all = 1,
					      .search = sr->q };

		CHECK(crdt_query_items(R.store, &f, now, count_row, &c));
	}
	return c.rows;
}

static void time_search(const struct search_row *sr)
{
	double t[64], b[64];
	sqlite3_stmt *q = NULL;
	long i, rows, scanned;

	if (sqlite3_prepare_v2(crdt_store_db(R.store), scan_sql[sr->wishes],
			       -1, &q, NULL))
		die("scan: %s", sqlite3_errmsg(crdt_store_db(R.store)));
	rows = run_search(sr); /* warm, both */
	scanned = run_scan(q, sr);
	if (sr->same && rows != scanned)
		die("'%s' found %ld posts, a scan finds %ld", sr->q, rows,
		    scanned);
	if (!rows)
		fprintf(stderr, "ops_bench: '%s' finds nothing in this town\n",
			sr->q);
	for (i = 0; i < opt.repeat; i++) {
		double t0 = now_s();

		rows = run_search(sr);
		t[i] = now_s() - t0;
		t0 = now_s();
		(void)run_scan(q, sr);
		b[i] = now_s() - t0;
	}
	sqlite3_finalize(q);
	record(sr->name, t, opt.repeat, rows, 1);
	qsort(b, (size_t)opt.repeat, sizeof *b, cmp_double);
	results[nresults - 1].base = b[opt.repeat / 2] * 1000;
}

/* Wall time of `kith --home HOME args...` with stdout to /dev/null. */
static double run_kith(char *const *args)
{
	char *argv[16];
	double t0;
	pid_t pid;
	int st, i, n = 0;

	argv[n++] = (char *)opt.kith;
	argv[n++] = "--home";
	argv[n++] = home;
	for (i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	t0 = now_s();
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		die("waitpid: %s", strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		die("'%s %s' failed (status %d)", opt.kith, args[0],
		    WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return now_s() - t0;
}

static void time_kith(const char *name, char *const *args, int target)
{
	double t[64];
	long i;

	(void)run_kith(args);
	for (i = 0; i < opt.repeat; i++)
		t[i] = run_kith(args);
	record(name, t, opt.repeat, -1, target);
}

/* ---- main --------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ops_bench [--members N] [--buildings N] [--items N] "
		"[--wishes N]\n"
		"                 [--resource-pct P] [--claim-pct P] "
		"[--match-wishes N] [--repeat N]\n"
		"                 [--kith PATH] [--dir DIR] [--keep] [--strict] "
		"[--quick]\n"
		"defaults: 12000 members, 69 buildings, 50000 items (10 %% "
		"resources),\n20000 wishes (30 %% claimed), match the 20 most "
		"urgent, best of 5;\n--kith defaults to build/kith when it "
		"exists; --quick is a tenth of the size.\n");
}

static long num(const char *s, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 0)
		die("%s needs a number, not '%s'", what, s);
	return v;
}

static void parse(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		long *dst = NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		} else if (!strcmp(a, "--keep")) {
			opt.keep = 1;
			continue;
		} else if (!strcmp(a, "--strict")) {
			opt.strict = 1;
			continue;
		} else if (!strcmp(a, "--quick")) {
			opt.town.members /= 10;
			opt.town.items /= 10;
			opt.town.wishes /= 10;
			opt.repeat = 3;
			continue;
		}
		if (!v) {
			usage(stderr);
			die("'%s' needs a value", a);
		}
		if (!strcmp(a, "--members"))
			dst = &opt.town.members;
		else if (!strcmp(a, "--buildings"))
			dst = &opt.town.buildings;
		else if (!strcmp(a, "--items"))
			dst = &opt.town.items;
		else if (!strcmp(a, "--wishes"))
			dst = &opt.town.wishes;
		else if (!strcmp(a, "--resource-pct"))
			dst = &opt.town.resource_pct;
		else if (!strcmp(a, "--claim-pct"))
			dst = &opt.town.claim_pct;
		else if (!strcmp(a, "--match-wishes"))
			dst = &opt.match_wishes;
		else if (!strcmp(a, "--repeat"))
			dst = &opt.repeat;
		else if (!strcmp(a, "--kith"))
			opt.kith = v;
		else if (!strcmp(a, "--dir"))
			opt.dir = v;
		else {
			usage(stderr);
			die("unknown option '%s'", a);
		}
		if (dst)
			*dst = num(v, a);
		i++;
	}
	if (opt.town.members < 10 || opt.town.buildings < 1 || opt.town.buildings > 256 ||
	    opt.repeat < 1 || opt.repeat > 64 || opt.match_wishes < 1 ||
	    opt.match_wishes > 1000)
		die("sizes out of range (members >= 10, 1..256 buildings, "
		    "1..64 repeats, 1..1000 match wishes)");
	if (!opt.kith && access("build/kith", X_OK) == 0)
		opt.kith = "build/kith";
}

int main(int argc, char **argv)
{
	struct peer_community com;
	char path[4300], hex[65];
	double t0, build_s;
	long i;
	int passed = 1;

	parse(argc, argv);
	main_pid = getpid();
	CHECK(crdt_crypto_init());
	snprintf(tmpdir, sizeof tmpdir, "%s/kith-ops-bench.XXXXXX",
		 opt.dir ? opt.dir : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir))
		die("cannot make a directory in '%s': %s", tmpdir, strerror(errno));
	atexit(rm_tmpdir);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	snprintf(home, sizeof home, "%s/home", tmpdir);
	CHECK(peer_home_ensure(home));
	snprintf(path, sizeof path, "%s/replica.db", home);

	t0 = now_s();
	town_build(&town, &opt.town, path);
	build_s = now_s() - t0;

	/* the community file, so `kith` sees the creator as coordinator and
	 * the emergency as on */
	memset(&com, 0, sizeof com);
	snprintf(com.name, sizeof com.name, "Old Town");
	town_bytes(com.key, sizeof com.key);
	memcpy(com.creator, town.creator, CRDT_PK_LEN);
	CHECK(peer_community_save(home, &com));
	CHECK(crdt_community_refresh(R.store, town.creator, &roles));
	if (!roles.emergency)
		die("the emergency did not start");

	/* the wish `match WISH` is timed on: the most urgent open one */
	{
		struct counter c;

		run_query(Q_MATCH_TOP, &c);
		if (!c.first_wish[0])
			die("no open wish to match");
		for (i = 0; i < CRDT_ID_LEN; i++) {
			unsigned v;

			if (sscanf(c.first_wish + 2 * i, "%2x", &v) != 1)
				die("bad wish id '%s'", c.first_wish);
			one_wish[i] = (uint8_t)v;
		}
		snprintf(one_building, sizeof one_building, "%s",
			 c.first_building[0] ? c.first_building
					     : town.first_building);
	}
	memcpy(busy_member, town.helper, CRDT_PK_LEN);

	printf("ops bench: %ld members in %ld buildings, %ld items (%ld "
	       "resources), %ld wishes (%ld claimed, %ld confirmed, %ld "
	       "withdrawn), %ld loans, %ld check-ins\n",
	       opt.town.members, opt.town.buildings, opt.town.items,
	       town.resources, opt.town.wishes, town.claims, town.confirmed,
	       town.withdrawn, town.loans, town.checkins);
	printf("%ld changes signed by %ld authors, built in %.1f s; SQLite %s; "
	       "best and median of %ld runs\n\n",
	       town.changes, town.authors, build_s, sqlite3_libversion(),
	       opt.repeat);

	{
		char name[96];

		snprintf(name, sizeof name, "crdt_match: %ld most urgent open",
			 opt.match_wishes);
		time_query(Q_MATCH_TOP, name, 1);
	}
	time_query(Q_MATCH_ONE, "crdt_match: one wish", 1);
	time_query(Q_CHECKINS, "crdt_checkins: all, since emergency", 1);
	time_query(Q_CHECKINS_ONE, "crdt_checkins: one building", 1);
	time_query(Q_INVENTORY, "crdt_inventory + totals", 1);
	time_query(Q_VOLUNTEERS, "crdt_volunteers: skill, building", 1);
	time_query(Q_HOURS, "crdt_hours_totals + ledger", 1);
	time_query(Q_LOANS, "crdt_loans_due", 1);
	for (i = 0; i < (long)(sizeof searches / sizeof searches[0]); i++)
		time_search(&searches[i]);

	if (opt.kith) {
		char lim[16], bld[80];

		crdt_hex(hex, one_wish, CRDT_ID_LEN);
		snprintf(lim, sizeof lim, "%ld", opt.match_wishes);
		snprintf(bld, sizeof bld, "%s", one_building);
		{
			char *a[] = { "match", "--limit", lim, NULL };
			char name[96];

			snprintf(name, sizeof name, "kith match --limit %ld",
				 opt.match_wishes);
			time_kith(name, a, 1);
		}
		{
			char *a[] = { "--json", "match", "--limit", lim, NULL };

			time_kith("kith --json match", a, 1);
		}
		{
			char *a[] = { "match", hex, NULL };

			time_kith("kith match WISH", a, 1);
		}
		{
			char *a[] = { "checkins", NULL };

			time_kith("kith checkins (all buildings)", a, 1);
		}
		{
			char *a[] = { "checkins", "--building", bld, NULL };

			time_kith("kith checkins --building B", a, 1);
		}
		{
			char *a[] = { "inventory", NULL };

			time_kith("kith inventory", a, 1);
		}
		{
			char *a[] = { "volunteers", "--skill", "nurse", NULL };

			time_kith("kith volunteers --skill nurse", a, 1);
		}
		{
			char *a[] = { "volunteers", "--skill", "修", NULL };

			time_kith("kith volunteers --skill 修", a, 1);
		}
		{
			char *a[] = { "wish", "list", "--search", "买菜", NULL };

			time_kith("kith wish list --search 买菜", a, 1);
		}
		{
			char *a[] = { "wish", "list", "--search", "修", NULL };

			time_kith("kith wish list --search 修", a, 1);
		}
		{
			char *a[] = { "item", "list", "--search", "水", NULL };

			time_kith("kith item list --search 水", a, 1);
		}
		{
			char *a[] = { "item", "list", "--search", "电饭锅", NULL };

			time_kith("kith item list --search 电饭锅", a, 1);
		}
		{
			char mhex[65];
			char *a[] = { "hours", mhex, NULL };

			crdt_hex(mhex, busy_member, CRDT_PK_LEN);
			time_kith("kith hours MEMBER", a, 1);
		}
	}

	printf("%-40s %9s %9s %8s %9s %6s %7s  %s\n", "row", "best ms",
	       "median", "rows", "scan ms", "ratio", "target", "");
	for (i = 0; i < nresults; i++) {
		struct result *r = &results[i];
		int ok = r->median <= TARGET_MS;
		char rows[24], base[24], ratio[24];

		if (r->rows >= 0)
			snprintf(rows, sizeof rows, "%ld", r->rows);
		else
			snprintf(rows, sizeof rows, "-");
		snprintf(base, sizeof base, "-");
		snprintf(ratio, sizeof ratio, "-");
		if (r->base >= 0) {
			snprintf(base, sizeof base, "%.1f", r->base);
			snprintf(ratio, sizeof ratio, "%.2f",
				 r->base > 0 ? r->median / r->base : 0);
		}
		/* pad by display columns: the names hold Chinese */
		printf("%s%*s %9.1f %9.1f %8s %9s %6s %7.0f  %s\n", r->name,
		       40 - name_cols(r->name) > 0 ? 40 - name_cols(r->name)
						   : 0,
		       "", r->best, r->median, rows, base, ratio, TARGET_MS,
		       r->target ? (ok ? "pass" : "FAIL") : "info");
		if (r->target && !ok)
			passed = 0;
	}
	if (!opt.kith)
		printf("(no kith binary: --kith PATH times the commands too)\n");
	if (opt.keep)
		printf("replica kept in %s\n", home);
	crdt_roles_release(&roles);
	town_release(&town);
	return opt.strict && !passed ? 1 : 0;
}
