/*
 * bench.c - kith's speed and size, measured in one run on this machine
 * against a raw SQLite baseline and against Automerge / Yjs (whose figures
 * bench/run.sh gets from bench/peers/edits.mjs and passes in with --peers).
 *
 * Rows of the table (see bench/README.md for the full story):
 *   1. local writes: N items through crdt_replica_commit, batch items per
 *      change, vs the same rows inserted into plain SQLite with the same
 *      items/items_fts schema, the same batch per transaction.
 *   2. import: a bundle of N changes (A authors, mostly creates, some
 *      single-field edits) into an empty replica, vs the same inserts and
 *      updates into plain SQLite, one transaction per 8192 rows.
 *   3. bytes per single-field edit in a bundle, vs Automerge and Yjs.
 *   4. peak RSS of the import.
 *
 * Both imports run in worker processes forked at startup, while this
 * process is still small: a child's ru_maxrss starts from the resident set
 * it inherits, so forking after the build phase would report the parent's
 * memory, not the import's.
 *
 * Identities, record contents and the workload are derived from fixed seeds
 * (the import baseline has to regenerate exactly the rows in the bundle);
 * clocks are real except in row 3, where edits are spaced --edit-interval
 * apart as they are in real use (the HLC delta is part of the edit's bytes).
 */
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crdt/bundle.h"
#include "crdt/err.h"
#include "crdt/replica.h"
#include "crdt/schema.h"

#define IMPORT_BATCH 8192 /* crdt/bundle.c BATCH: changes per crdt_apply */

struct opts {
	long items;	/* row 1 */
	long batch;	/* row 1: items per change / per transaction */
	long changes;	/* row 2 */
	long authors;	/* row 2 */
	long edit_pct;	/* row 2: share of changes that are edits */
	long edits;	/* row 3 */
	long interval;	/* row 3: ms between edits, 0 = real clock */
	const char *peers; /* JSON line from edits.mjs, or NULL */
	const char *dir;   /* parent of the temp dir */
	int strict;	   /* exit 1 when a target is missed */
};

static struct opts opt = {
	.items = 100000, .batch = 1000, .changes = 100000, .authors = 100,
	.edit_pct = 10, .edits = 1000, .interval = 60000,
};

static char tmpdir[4096];
static pid_t main_pid;
static uint8_t community[32];

/* ---- small helpers ------------------------------------------------------ */

static void rm_tmpdir(void);

__attribute__((format(printf, 1, 2), noreturn)) static void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (getpid() != main_pid)
		_exit(1);
	exit(1);
}

#define CHECK(expr)                                                           \
	do {                                                                  \
		int rc_ = (expr);                                             \
		if (rc_)                                                      \
			die("%s:%d: %s: %s", __FILE__, __LINE__, #expr,       \
			    kith_strerror(rc_));                              \
	} while (0)

#define SQLCHECK(db, expr)                                                    \
	do {                                                                  \
		int rc_ = (expr);                                             \
		if (rc_ != SQLITE_OK && rc_ != SQLITE_DONE &&                 \
		    rc_ != SQLITE_ROW)                                        \
			die("%s:%d: %s: %s", __FILE__, __LINE__, #expr,       \
			    sqlite3_errmsg(db));                              \
	} while (0)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t wall_ms(void)
{
	return crdt_env_system.now_ms(NULL);
}

/* splitmix64: the workload's deterministic randomness */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint64_t key2(uint64_t a, uint64_t b)
{
	return mix(mix(a) ^ (b * 0x2545f4914f6cdd1dull));
}

static void path_in(char *out, size_t n, const char *name)
{
	if ((size_t)snprintf(out, n, "%s/%s", tmpdir, name) >= n)
		die("path too long");
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
	if (tmpdir[0] && getpid() == main_pid)
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void on_signal(int sig)
{
	rm_tmpdir();
	signal(sig, SIG_DFL);
	raise(sig);
}

static long rss_now_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* ---- record contents ------------------------------------------------------ */

static const char *const adjs[] = {
	"aluminium", "18V", "two-person", "adult", "electric", "heavy-duty",
	"portable", "spare", "folding", "old but working", "compact", "large",
	"small", "cast iron", "battery", "children's",
};
static const char *const nouns[] = {
	"ladder", "cordless drill", "tent", "bicycle", "sewing machine",
	"pressure washer", "camping stove", "stroller", "extension cord",
	"wheelbarrow", "lawn mower", "toolbox", "projector", "folding table",
	"car jack", "kayak", "rice cooker", "hedge trimmer", "sleeping bag",
	"baby monitor", "jump starter", "paint roller set", "tile cutter",
	"generator", "water filter", "insulin cooler", "wheelchair", "crutches",
	"soldering iron", "stepladder", "dehumidifier", "slow cooker",
};
static const char *const conds[] = {
	"good", "fair", "like-new", "well used", "excellent",
};
static const char *const cats[] = {
	"tools", "kitchen", "garden", "sports", "children", "electronics",
	"camping", "medical", "furniture", "transport", "household", "crafts",
};
static const char *const notes[] = {
	"Ask before borrowing.", "Please return it clean.",
	"Evenings and weekends only.", "Bring your own bag.",
	"Can deliver within the block.", "Instructions are in the box.",
	"Needs a 230V socket.", "Spare parts included.",
};
#define PICK(a, k) ((a)[(k) % (sizeof(a) / sizeof((a)[0]))])

struct row {
	int kind, qty;
	char title[64], desc[192], cat[24], loc[40];
};

static void gen_title(char *out, size_t n, uint64_t k)
{
	snprintf(out, n, "%s %s", PICK(adjs, k >> 8), PICK(nouns, k >> 16));
}

static void gen_desc(char *out, size_t n, uint64_t k)
{
	snprintf(out, n, "%s %s in %s condition. %s Pick up at block %u.",
		 PICK(adjs, k >> 24) , PICK(nouns, k >> 16),
		 PICK(conds, k >> 32), PICK(notes, k >> 40),
		 (unsigned)(k >> 48) % 12 + 1);
}

static void gen_loc(char *out, size_t n, uint64_t k)
{
	snprintf(out, n, "Block %u unit %u", (unsigned)(k >> 52) % 12 + 1,
		 (unsigned)(k >> 4) % 80 + 1);
}

static void gen_row(struct row *r, uint64_t k)
{
	r->kind = (int)(k % CRDT_ITEM_KINDS);
	r->qty = (int)(k >> 56) % 5 + 1;
	gen_title(r->title, sizeof r->title, k);
	gen_desc(r->desc, sizeof r->desc, k);
	snprintf(r->cat, sizeof r->cat, "%s", PICK(cats, k >> 36));
	gen_loc(r->loc, sizeof r->loc, k);
}

static void op_create(struct crdt_op *op, const struct row *r)
{
	crdt_op_init(op, CRDT_OP_CREATE, CRDT_R_ITEM);
	CHECK(crdt_op_set_int(op, F_ITEM_KIND, r->kind));
	CHECK(crdt_op_set_text(op, F_ITEM_TITLE, r->title));
	CHECK(crdt_op_set_text(op, F_ITEM_DESCRIPTION, r->desc));
	CHECK(crdt_op_set_text(op, F_ITEM_CATEGORY, r->cat));
	CHECK(crdt_op_set_int(op, F_ITEM_QUANTITY, r->qty));
	CHECK(crdt_op_set_text(op, F_ITEM_LOCATION, r->loc));
	CHECK(crdt_op_finish(op));
}

/* ---- the plain SQLite baseline --------------------------------------------- */

/* The items part of crdt/store.c migration 1, verbatim. */
static const char base_schema[] =
	"CREATE TABLE items(id BLOB NOT NULL UNIQUE, author BLOB NOT NULL,"
	" created INTEGER, updated INTEGER, kind INTEGER, title TEXT,"
	" description TEXT, category TEXT, quantity INTEGER, unit TEXT,"
	" condition TEXT, location TEXT, until INTEGER,"
	" withdrawn INTEGER NOT NULL DEFAULT 0);"
	"CREATE VIRTUAL TABLE items_fts USING fts5(title, description,"
	" content='items', content_rowid='rowid');"
	"CREATE TRIGGER items_ai AFTER INSERT ON items BEGIN"
	" INSERT INTO items_fts(rowid, title, description)"
	" VALUES (new.rowid, new.title, new.description); END;"
	"CREATE TRIGGER items_au AFTER UPDATE OF title, description ON items BEGIN"
	" INSERT INTO items_fts(items_fts, rowid, title, description)"
	" VALUES ('delete', old.rowid, old.title, old.description);"
	" INSERT INTO items_fts(rowid, title, description)"
	" VALUES (new.rowid, new.title, new.description); END;";

enum { BF_TITLE, BF_QTY, BF_LOC, BF_DESC, BF_N };
static const char *const edit_cols[BF_N] = { "title", "quantity", "location",
					     "description" };

struct base {
	sqlite3 *db;
	sqlite3_stmt *ins, *upd[BF_N], *begin, *commit;
};

static sqlite3_stmt *base_prep(struct base *b, const char *sql)
{
	sqlite3_stmt *q = NULL;

	SQLCHECK(b->db, sqlite3_prepare_v3(b->db, sql, -1,
					   SQLITE_PREPARE_PERSISTENT, &q, NULL));
	return q;
}

static void base_open(struct base *b, const char *path)
{
	int i;

	memset(b, 0, sizeof *b);
	if (sqlite3_open(path, &b->db) != SQLITE_OK)
		die("cannot open '%s': %s", path, sqlite3_errmsg(b->db));
	SQLCHECK(b->db, sqlite3_exec(b->db, "PRAGMA journal_mode=WAL;"
				     "PRAGMA synchronous=NORMAL;", NULL, NULL,
				     NULL));
	SQLCHECK(b->db, sqlite3_exec(b->db, base_schema, NULL, NULL, NULL));
	b->ins = base_prep(b, "INSERT INTO items(id, author, created, updated,"
			   " kind, title, description, category, quantity,"
			   " location) VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7,"
			   " ?8, ?9)");
	for (i = 0; i < BF_N; i++) {
		char sql[160];

		snprintf(sql, sizeof sql, "UPDATE items SET %s = ?1, updated = ?2"
			 " WHERE id = ?3 AND author = ?4", edit_cols[i]);
		b->upd[i] = base_prep(b, sql);
	}
	b->begin = base_prep(b, "BEGIN IMMEDIATE");
	b->commit = base_prep(b, "COMMIT");
}

static void base_step(struct base *b, sqlite3_stmt *q)
{
	int rc = sqlite3_step(q);

	if (rc != SQLITE_DONE)
		die("baseline: %s", sqlite3_errmsg(b->db));
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
}

static void base_insert(struct base *b, const uint8_t id[16],
			const uint8_t author[32], int64_t t, const struct row *r)
{
	sqlite3_stmt *q = b->ins;

	sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, author, 32, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, t);
	sqlite3_bind_int(q, 4, r->kind);
	sqlite3_bind_text(q, 5, r->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, r->desc, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 7, r->cat, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 8, r->qty);
	sqlite3_bind_text(q, 9, r->loc, -1, SQLITE_STATIC);
	base_step(b, q);
}

static int64_t count_items(sqlite3 *db)
{
	sqlite3_stmt *q = NULL;
	int64_t n = -1;

	SQLCHECK(db, sqlite3_prepare_v2(db, "SELECT count(*) FROM items", -1,
					&q, NULL));
	if (sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

static void base_close(struct base *b)
{
	int i;

	sqlite3_finalize(b->ins);
	for (i = 0; i < BF_N; i++)
		sqlite3_finalize(b->upd[i]);
	sqlite3_finalize(b->begin);
	sqlite3_finalize(b->commit);
	if (sqlite3_close(b->db) != SQLITE_OK)
		die("baseline: close: %s", sqlite3_errmsg(b->db));
}

/* ---- the import workload ------------------------------------------------ */

/*
 * Author a (0-based) makes nchanges(a) changes, seq 1, 2, ...  Change 1 is
 * always a create; later ones are an edit of one of the author's earlier
 * items with probability edit_pct, else a create.  Everything is a pure
 * function of (a, seq), so the baseline worker regenerates it exactly.
 */
struct author {
	struct crdt_identity id;
};
static struct author *authors;
static size_t *by_pk; /* author indexes in pk order (the bundle's order) */

static uint64_t nchanges(long a)
{
	return (uint64_t)(opt.changes / opt.authors +
			  (a < opt.changes % opt.authors));
}

static int is_edit(long a, uint64_t seq)
{
	return seq > 1 && (long)(key2((uint64_t)a, seq) % 100) < opt.edit_pct;
}

/* An edit's target: an earlier create of the same author. */
static uint64_t edit_target(long a, uint64_t seq)
{
	uint64_t t = key2((uint64_t)a ^ 0x7a11u, seq) % (seq - 1) + 1;

	while (is_edit(a, t))
		t--;
	return t;
}

static int edit_field(long a, uint64_t seq)
{
	return (int)(key2((uint64_t)a ^ 0xf1e1du, seq) % BF_N);
}

static uint64_t content_key(long a, uint64_t seq)
{
	return key2((uint64_t)a ^ 0xc0117e47u, seq);
}

static int pk_cmp(const void *x, const void *y)
{
	const size_t *i = x, *j = y;

	return memcmp(authors[*i].id.pk, authors[*j].id.pk, CRDT_PK_LEN);
}

static void authors_make(void)
{
	long a;

	authors = calloc((size_t)opt.authors, sizeof *authors);
	by_pk = calloc((size_t)opt.authors, sizeof *by_pk);
	if (!authors || !by_pk)
		die("out of memory");
	for (a = 0; a < opt.authors; a++) {
		uint8_t seed[32];
		uint64_t k = mix((uint64_t)a + 1);

		memset(seed, 0, sizeof seed);
		memcpy(seed, "kith-bench-author", 17);
		memcpy(seed + 24, &k, 8);
		CHECK(crdt_identity_from_seed(&authors[a].id, seed));
		by_pk[a] = (size_t)a;
	}
	qsort(by_pk, (size_t)opt.authors, sizeof *by_pk, pk_cmp);
}

/* One change of the workload as ops (the strings live in *r / text). */
static void workload_op(struct crdt_op *op, struct row *r, long a,
			uint64_t seq)
{
	uint64_t k = content_key(a, seq);

	if (!is_edit(a, seq)) {
		gen_row(r, k);
		op_create(op, r);
		return;
	}
	crdt_op_init(op, CRDT_OP_OWN, CRDT_R_ITEM);
	op->tseq = edit_target(a, seq);
	op->tidx = 0;
	switch (edit_field(a, seq)) {
	case BF_TITLE:
		gen_title(r->title, sizeof r->title, k);
		CHECK(crdt_op_set_text(op, F_ITEM_TITLE, r->title));
		break;
	case BF_QTY:
		CHECK(crdt_op_set_int(op, F_ITEM_QUANTITY, (int64_t)(k % 9) + 1));
		break;
	case BF_LOC:
		gen_loc(r->loc, sizeof r->loc, k);
		CHECK(crdt_op_set_text(op, F_ITEM_LOCATION, r->loc));
		break;
	default:
		gen_desc(r->desc, sizeof r->desc, k);
		CHECK(crdt_op_set_text(op, F_ITEM_DESCRIPTION, r->desc));
		break;
	}
	CHECK(crdt_op_finish(op));
}

static uint64_t workload_creates(void)
{
	uint64_t n = 0, s;
	long a;

	for (a = 0; a < opt.authors; a++)
		for (s = 1; s <= nchanges(a); s++)
			n += !is_edit(a, s);
	return n;
}

/* ---- worker processes ------------------------------------------------------ */

struct result {
	double secs;
	int64_t items;
	struct crdt_apply_stats st;
	long rss_start_kb;
	int64_t db_bytes, wal_bytes; /* files after the import, before close */
};

static int64_t file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) ? 0 : (int64_t)sb.st_size;
}

static void db_sizes(const char *db, struct result *res)
{
	char wal[4300];

	snprintf(wal, sizeof wal, "%s-wal", db);
	res->db_bytes = file_size(db);
	res->wal_bytes = file_size(wal);
}

struct worker {
	pid_t pid;
	int cmd, res; /* our ends */
};

typedef void (*work_fn)(const char *arg, struct result *res);

static int xread(int fd, void *p, size_t n)
{
	uint8_t *q = p;

	while (n) {
		ssize_t k = read(fd, q, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		q += k;
		n -= (size_t)k;
	}
	return 0;
}

static int xwrite(int fd, const void *p, size_t n)
{
	const uint8_t *q = p;

	while (n) {
		ssize_t k = write(fd, q, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		q += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Fork now; the child waits for an argument, runs fn(arg) and reports. */
static void worker_start(struct worker *w, work_fn fn)
{
	int cmd[2], res[2];

	if (pipe(cmd) || pipe(res))
		die("pipe: %s", strerror(errno));
	fflush(NULL);
	w->pid = fork();
	if (w->pid < 0)
		die("fork: %s", strerror(errno));
	if (w->pid == 0) {
		char arg[4096];
		uint32_t len;
		struct result r;

		close(cmd[1]);
		close(res[0]);
		if (xread(cmd[0], &len, sizeof len) || len >= sizeof arg ||
		    xread(cmd[0], arg, len))
			_exit(0); /* the parent went away */
		arg[len] = 0;
		memset(&r, 0, sizeof r);
		r.rss_start_kb = rss_now_kb();
		fn(arg, &r);
		_exit(xwrite(res[1], &r, sizeof r) ? 1 : 0);
	}
	close(cmd[0]);
	close(res[1]);
	w->cmd = cmd[1];
	w->res = res[0];
}

static void worker_run(struct worker *w, const char *arg, struct result *r,
		       struct rusage *ru)
{
	uint32_t len = (uint32_t)strlen(arg);
	int status, ok;

	if (xwrite(w->cmd, &len, sizeof len) || xwrite(w->cmd, arg, len))
		die("worker: write: %s", strerror(errno));
	close(w->cmd);
	ok = xread(w->res, r, sizeof *r) == 0;
	close(w->res);
	if (wait4(w->pid, &status, 0, ru) < 0)
		die("wait4: %s", strerror(errno));
	if (!ok || !WIFEXITED(status) || WEXITSTATUS(status))
		die("worker %d failed", (int)w->pid);
}

/* Worker: import the bundle at arg into a new, empty replica. */
static void work_import(const char *arg, struct result *res)
{
	struct crdt_replica r;
	char path[4200];
	double t0;

	path_in(path, sizeof path, "import.db");
	CHECK(crdt_replica_open(&r, path, &crdt_env_system));
	t0 = now_s();
	CHECK(crdt_bundle_import(&r, community, arg, &res->st));
	res->secs = now_s() - t0;
	res->items = count_items(crdt_store_db(r.store));
	db_sizes(path, res);
	crdt_replica_close(&r);
}

/* Worker: the same rows and edits into plain SQLite, 8192 per transaction. */
static void work_import_base(const char *arg, struct result *res)
{
	struct base b;
	struct row row;
	uint8_t id[CRDT_ID_LEN];
	uint64_t done = 0, s;
	int64_t t = (int64_t)(wall_ms() << 16);
	double t0;
	long i;

	base_open(&b, arg);
	t0 = now_s();
	base_step(&b, b.begin);
	for (i = 0; i < opt.authors; i++) {
		long a = (long)by_pk[i];
		const uint8_t *pk = authors[a].id.pk;

		for (s = 1; s <= nchanges(a); s++, t++) {
			uint64_t k = content_key(a, s);

			if (!is_edit(a, s)) {
				gen_row(&row, k);
				crdt_record_id(id, pk, s, 0);
				base_insert(&b, id, pk, t, &row);
			} else {
				int f = edit_field(a, s);
				sqlite3_stmt *q = b.upd[f];

				crdt_record_id(id, pk, edit_target(a, s), 0);
				switch (f) {
				case BF_TITLE:
					gen_title(row.title, sizeof row.title, k);
					sqlite3_bind_text(q, 1, row.title, -1,
							  SQLITE_STATIC);
					break;
				case BF_QTY:
					sqlite3_bind_int64(q, 1,
							   (int64_t)(k % 9) + 1);
					break;
				case BF_LOC:
					gen_loc(row.loc, sizeof row.loc, k);
					sqlite3_bind_text(q, 1, row.loc, -1,
							  SQLITE_STATIC);
					break;
				default:
					gen_desc(row.desc, sizeof row.desc, k);
					sqlite3_bind_text(q, 1, row.desc, -1,
							  SQLITE_STATIC);
					break;
				}
				sqlite3_bind_int64(q, 2, t);
				sqlite3_bind_blob(q, 3, id, CRDT_ID_LEN,
						  SQLITE_STATIC);
				sqlite3_bind_blob(q, 4, pk, CRDT_PK_LEN,
						  SQLITE_STATIC);
				base_step(&b, q);
			}
			if (++done % IMPORT_BATCH == 0) {
				base_step(&b, b.commit);
				base_step(&b, b.begin);
			}
		}
	}
	base_step(&b, b.commit);
	res->secs = now_s() - t0;
	res->st.applied = done;
	res->items = count_items(b.db);
	db_sizes(arg, res);
	base_close(&b);
}

/* ---- row 1: local writes -------------------------------------------------- */

struct local_res {
	double ours, base;
};

static void bench_local(struct local_res *out)
{
	struct crdt_replica r;
	struct crdt_identity id;
	struct crdt_op *ops;
	struct row *rows;
	struct base b;
	uint8_t seed[32], rid[CRDT_ID_LEN];
	char path[4200];
	long done, i, n;
	uint64_t seq = 0, batchno = 0;
	double t0;

	ops = calloc((size_t)opt.batch, sizeof *ops);
	rows = calloc((size_t)opt.batch, sizeof *rows);
	if (!ops || !rows)
		die("out of memory");
	crdt_env_system.random(NULL, seed, sizeof seed);
	CHECK(crdt_identity_from_seed(&id, seed));

	/* ours */
	path_in(path, sizeof path, "local.db");
	CHECK(crdt_replica_open(&r, path, &crdt_env_system));
	r.id = id;
	t0 = now_s();
	for (done = 0; done < opt.items; done += n) {
		n = opt.items - done < opt.batch ? opt.items - done : opt.batch;
		for (i = 0; i < n; i++) {
			gen_row(&rows[i], key2(1, (uint64_t)(done + i)));
			op_create(&ops[i], &rows[i]);
		}
		CHECK(crdt_replica_commit(&r, ops, (uint32_t)n, &seq));
	}
	out->ours = now_s() - t0;
	if (count_items(crdt_store_db(r.store)) != opt.items)
		die("local writes: item count mismatch");
	memset(&r.id, 0, sizeof r.id); /* id is released below */
	crdt_replica_close(&r);

	/* plain SQLite: the same rows, ids and batches */
	path_in(path, sizeof path, "local-base.db");
	base_open(&b, path);
	t0 = now_s();
	for (done = 0; done < opt.items; done += n) {
		int64_t t = (int64_t)(wall_ms() << 16);

		n = opt.items - done < opt.batch ? opt.items - done : opt.batch;
		batchno++;
		base_step(&b, b.begin);
		for (i = 0; i < n; i++) {
			gen_row(&rows[i], key2(1, (uint64_t)(done + i)));
			crdt_record_id(rid, id.pk, batchno, (uint32_t)i);
			base_insert(&b, rid, id.pk, t, &rows[i]);
		}
		base_step(&b, b.commit);
	}
	out->base = now_s() - t0;
	if (count_items(b.db) != opt.items)
		die("baseline: item count mismatch");
	base_close(&b);
	crdt_identity_release(&id);
	free(ops);
	free(rows);
}

/* ---- row 2: build and export the bundle ------------------------------------ */

struct build_res {
	double build, export;
	uint64_t bytes, changes;
};

static void bench_build(const char *bundle, struct build_res *out)
{
	struct crdt_replica r;
	struct crdt_export_stats est;
	struct crdt_op op;
	struct row row;
	char path[4200];
	uint64_t s, maxn = nchanges(0), done = 0;
	double t0;
	long a;

	path_in(path, sizeof path, "source.db");
	CHECK(crdt_replica_open(&r, path, &crdt_env_system));
	t0 = now_s();
	CHECK(crdt_store_begin(r.store));
	/* round robin: every author's next change, 1000 per transaction */
	for (s = 1; s <= maxn; s++) {
		for (a = 0; a < opt.authors; a++) {
			if (s > nchanges(a))
				continue;
			r.id = authors[a].id;
			workload_op(&op, &row, a, s);
			CHECK(crdt_replica_commit(&r, &op, 1, NULL));
			if (++done % 1000 == 0) {
				CHECK(crdt_store_commit(r.store));
				CHECK(crdt_store_begin(r.store));
			}
		}
	}
	CHECK(crdt_store_commit(r.store));
	out->build = now_s() - t0;
	memset(&r.id, 0, sizeof r.id); /* owned by authors[] */

	t0 = now_s();
	CHECK(crdt_bundle_export(&r, community, NULL, bundle, &est));
	out->export = now_s() - t0;
	out->bytes = est.bytes;
	out->changes = est.changes;
	crdt_replica_close(&r);
}

/* ---- row 3: bytes per single-field edit ------------------------------------ */

struct fake_clock {
	uint64_t ms;
};

static uint64_t fake_now(void *ctx)
{
	return ((struct fake_clock *)ctx)->ms;
}

static double bench_edits(uint64_t *bytes)
{
	struct crdt_replica r;
	struct crdt_env env = crdt_env_system;
	struct fake_clock clk = { wall_ms() };
	struct crdt_export_stats est;
	struct crdt_vector vv;
	struct crdt_op op;
	uint8_t seed[32];
	char path[4200], bpath[4200], text[64];
	uint64_t seq;
	long i;

	if (opt.interval > 0) {
		env.now_ms = fake_now;
		env.ctx = &clk;
	}
	path_in(path, sizeof path, "edits.db");
	path_in(bpath, sizeof bpath, "edits.kithbundle");
	CHECK(crdt_replica_open(&r, path, &env));
	crdt_env_system.random(NULL, seed, sizeof seed);
	CHECK(crdt_identity_from_seed(&r.id, seed));

	/* the record of bench/peers/edits.mjs */
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_ITEM);
	CHECK(crdt_op_set_text(&op, F_ITEM_TITLE, "Aluminium step ladder"));
	CHECK(crdt_op_set_text(&op, F_ITEM_DESCRIPTION,
			       "Three-step folding ladder, max load 150 kg."
			       " Ask before borrowing."));
	CHECK(crdt_op_set_text(&op, F_ITEM_CATEGORY, "tools"));
	CHECK(crdt_op_set_int(&op, F_ITEM_QUANTITY, 1));
	CHECK(crdt_op_set_text(&op, F_ITEM_LOCATION, "Block 3 unit 12"));
	CHECK(crdt_op_finish(&op));
	CHECK(crdt_replica_commit(&r, &op, 1, &seq));
	CHECK(crdt_vector_load(r.store, &vv));

	for (i = 0; i < opt.edits; i++) {
		clk.ms += (uint64_t)opt.interval;
		crdt_op_init(&op, CRDT_OP_OWN, CRDT_R_ITEM);
		op.tseq = seq;
		op.tidx = 0;
		switch (i % 3) {
		case 0:
			snprintf(text, sizeof text, "Ladder %ld aluminium", i);
			CHECK(crdt_op_set_text(&op, F_ITEM_TITLE, text));
			break;
		case 1:
			CHECK(crdt_op_set_int(&op, F_ITEM_QUANTITY, i));
			break;
		default:
			snprintf(text, sizeof text, "Block %ld unit %ld", i % 7,
				 i % 40);
			CHECK(crdt_op_set_text(&op, F_ITEM_LOCATION, text));
			break;
		}
		CHECK(crdt_op_finish(&op));
		CHECK(crdt_replica_commit(&r, &op, 1, NULL));
	}
	CHECK(crdt_bundle_export(&r, community, &vv, bpath, &est));
	if (est.changes != (uint64_t)opt.edits)
		die("edits: exported %" PRIu64 " changes, expected %ld",
		    est.changes, opt.edits);
	crdt_vector_release(&vv);
	crdt_replica_close(&r);
	*bytes = est.bytes;
	return (double)est.bytes / (double)opt.edits;
}

/* ---- peers and the table ----------------------------------------------------- */

/* A number field of the JSON line from edits.mjs; -1 when absent. */
static double peer_num(const char *key)
{
	char pat[64];
	const char *p;
	char *end;
	double v;

	if (!opt.peers)
		return -1;
	snprintf(pat, sizeof pat, "\"%s\":", key);
	p = strstr(opt.peers, pat);
	if (!p)
		return -1;
	v = strtod(p + strlen(pat), &end);
	return end == p + strlen(pat) ? -1 : v;
}

static int met, targets;

static void row_out(const char *name, const char *ours, const char *base,
		    double ratio, double target)
{
	char r[16] = "-", t[16] = "-";
	const char *verdict = "info";

	if (ratio >= 0)
		snprintf(r, sizeof r, "%.2f", ratio);
	if (target > 0) {
		snprintf(t, sizeof t, "<= %.2f", target);
		targets++;
		if (ratio < 0) {
			verdict = "n/a";
		} else if (ratio <= target) {
			verdict = "pass";
			met++;
		} else {
			verdict = "FAIL";
		}
	}
	printf("%-36s %22s %22s %7s %8s  %s\n", name, ours, base, r, t, verdict);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bench [options]\n"
		"  --items N       row 1: items written locally (100000)\n"
		"  --batch N       row 1: items per change and per transaction"
		" (1000, max %d)\n"
		"  --changes N     row 2: changes in the imported bundle (100000)\n"
		"  --authors N     row 2: authors of those changes (100)\n"
		"  --edit-pct P    row 2: percentage of edits among them (10)\n"
		"  --edits N       row 3: single-field edits (1000)\n"
		"  --edit-interval MS  row 3: clock step between edits, 0 = real"
		" clock (60000)\n"
		"  --peers JSON    the line printed by bench/peers/edits.mjs\n"
		"  --dir DIR       where to make the temp dir ($TMPDIR or /tmp)\n"
		"  --quick         --items 10000 --changes 10000\n"
		"  --strict        exit 1 when a target is missed\n",
		CRDT_MAX_OPS);
}

static long num_arg(const char *name, const char *v, long lo, long hi)
{
	char *end;
	long n;

	if (!v)
		die("%s needs a value", name);
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || n < lo || n > hi) {
		fprintf(stderr, "bench: %s must be %ld..%ld\n", name, lo, hi);
		exit(2);
	}
	return n;
}

static void parse_args(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = argv[i + 1];

		if (!strcmp(a, "--items"))
			opt.items = num_arg(a, v, 1, 100000000), i++;
		else if (!strcmp(a, "--batch"))
			opt.batch = num_arg(a, v, 1, CRDT_MAX_OPS), i++;
		else if (!strcmp(a, "--changes"))
			opt.changes = num_arg(a, v, 1, 100000000), i++;
		else if (!strcmp(a, "--authors"))
			opt.authors = num_arg(a, v, 1, 100000), i++;
		else if (!strcmp(a, "--edit-pct"))
			opt.edit_pct = num_arg(a, v, 0, 100), i++;
		else if (!strcmp(a, "--edits"))
			opt.edits = num_arg(a, v, 1, 10000000), i++;
		else if (!strcmp(a, "--edit-interval"))
			opt.interval = num_arg(a, v, 0, 86400000L * 365), i++;
		else if (!strcmp(a, "--peers"))
			opt.peers = v, i++;
		else if (!strcmp(a, "--dir"))
			opt.dir = v, i++;
		else if (!strcmp(a, "--quick"))
			opt.items = 10000, opt.changes = 10000;
		else if (!strcmp(a, "--strict"))
			opt.strict = 1;
		else if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			usage(stdout), exit(0);
		else
			usage(stderr), exit(2);
		if (i >= argc)
			die("%s needs a value", a);
	}
	if (opt.authors > opt.changes)
		opt.authors = opt.changes;
}

static const char *fmt_s(char *buf, size_t n, double s)
{
	snprintf(buf, n, "%.2f s", s);
	return buf;
}

static void cpu_model(char *out, size_t n)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(out, n, "unknown cpu");
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		char *p = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && p) {
			p += 1 + (p[1] == ' ');
			p[strcspn(p, "\n")] = 0;
			snprintf(out, n, "%s", p);
			break;
		}
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	struct worker wk_import, wk_base;
	struct result ri, rb;
	struct rusage ui, ub;
	struct local_res lr;
	struct build_res br;
	char bundle[4200], basedb[4200], a[64], b[64], cpu[128], name[64];
	const char *parent;
	uint64_t creates, ebytes;
	double per_edit, am, yj, ams, yjs;

	main_pid = getpid();
	parse_args(argc, argv);
	CHECK(crdt_crypto_init());

	parent = opt.dir ? opt.dir : getenv("TMPDIR");
	if (!parent || !*parent)
		parent = "/tmp";
	if ((size_t)snprintf(tmpdir, sizeof tmpdir, "%s/kith-bench.XXXXXX",
			     parent) >= sizeof tmpdir)
		die("temp dir path too long");
	if (!mkdtemp(tmpdir)) {
		int e = errno;

		tmpdir[0] = 0;
		die("cannot make a temp dir in '%s': %s", parent, strerror(e));
	}
	atexit(rm_tmpdir);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	crdt_env_system.random(NULL, community, sizeof community);
	authors_make();
	path_in(bundle, sizeof bundle, "import.kithbundle");
	path_in(basedb, sizeof basedb, "import-base.db");

	/* fork the import workers while we are small (see the top) */
	worker_start(&wk_import, work_import);
	worker_start(&wk_base, work_import_base);

	cpu_model(cpu, sizeof cpu);
	printf("kith bench: %ld cpus (%s), SQLite %s, libsodium %s\n",
	       sysconf(_SC_NPROCESSORS_ONLN), cpu, sqlite3_libversion(),
	       sodium_version_string());
	printf("items %ld (batch %ld), bundle %ld changes by %ld authors"
	       " (%ld%% edits), %ld single-field edits %s\n",
	       opt.items, opt.batch, opt.changes, opt.authors, opt.edit_pct,
	       opt.edits, opt.interval ? "spaced by the clock" : "(real clock)");
	fflush(stdout);

	fprintf(stderr, "bench: local writes...\n");
	bench_local(&lr);
	fprintf(stderr, "bench: building the %ld-change source replica...\n",
		opt.changes);
	bench_build(bundle, &br);
	creates = workload_creates();
	fprintf(stderr, "bench: importing...\n");
	worker_run(&wk_import, bundle, &ri, &ui);
	worker_run(&wk_base, basedb, &rb, &ub);
	if (ri.st.applied != (uint64_t)opt.changes || ri.st.rejected ||
	    ri.st.held || ri.items != (int64_t)creates)
		die("import: applied %" PRIu64 " rejected %" PRIu64
		    " held %" PRIu64 " items %" PRId64 ", expected %ld changes"
		    " and %" PRIu64 " items",
		    ri.st.applied, ri.st.rejected, ri.st.held, ri.items,
		    opt.changes, creates);
	if (rb.items != (int64_t)creates)
		die("import baseline: %" PRId64 " items, expected %" PRIu64,
		    rb.items, creates);
	fprintf(stderr, "bench: single-field edits...\n");
	per_edit = bench_edits(&ebytes);

	fflush(stderr);
	printf("\n%-36s %22s %22s %7s %8s  %s\n", "", "kith", "baseline",
	       "ratio", "target", "");
	snprintf(name, sizeof name, "local writes, %ldk items", opt.items / 1000);
	row_out(name, fmt_s(a, sizeof a, lr.ours),
		fmt_s(b, sizeof b, lr.base), lr.ours / lr.base, 1.5);
	snprintf(a, sizeof a, "%.0f items/s", (double)opt.items / lr.ours);
	snprintf(b, sizeof b, "%.0f rows/s", (double)opt.items / lr.base);
	row_out("  rate", a, b, -1, 0);

	snprintf(name, sizeof name, "import %ldk-change bundle",
		 opt.changes / 1000);
	row_out(name, fmt_s(a, sizeof a, ri.secs), fmt_s(b, sizeof b, rb.secs),
		ri.secs / rb.secs, 2.0);
	snprintf(a, sizeof a, "%.0f changes/s", (double)opt.changes / ri.secs);
	snprintf(b, sizeof b, "%.0f rows/s", (double)opt.changes / rb.secs);
	row_out("  rate", a, b, -1, 0);
	snprintf(a, sizeof a, "%.2f MB", (double)br.bytes / 1e6);
	snprintf(b, sizeof b, "%.1f B/change",
		 (double)br.bytes / (double)br.changes);
	row_out("  bundle size", a, b, -1, 0);
	snprintf(a, sizeof a, "%.1f+%.1f MB", (double)ri.db_bytes / 1e6,
		 (double)ri.wal_bytes / 1e6);
	snprintf(b, sizeof b, "%.1f+%.1f MB", (double)rb.db_bytes / 1e6,
		 (double)rb.wal_bytes / 1e6);
	row_out("  files after import (db+wal)", a, b, -1, 0);
	snprintf(a, sizeof a, "%.2f s", br.build);
	snprintf(b, sizeof b, "export %.2f s", br.export);
	row_out("  (source build, one change each)", a, b, -1, 0);

	am = peer_num("automerge_change_bytes");
	yj = peer_num("yjs_update_bytes");
	ams = peer_num("automerge_save_bytes_per_edit");
	yjs = peer_num("yjs_state_bytes_per_edit");
	if (opt.peers && peer_num("n") != (double)opt.edits)
		fprintf(stderr, "bench: the peers' figures are for n=%.0f edits,"
			" ours for %ld\n", peer_num("n"), opt.edits);
	snprintf(a, sizeof a, "%.1f B", per_edit);
	if (am > 0)
		snprintf(b, sizeof b, "%.1f B Automerge", am);
	else
		snprintf(b, sizeof b, "n/a (Automerge)");
	row_out("bytes per single-field edit", a, b, am > 0 ? per_edit / am : -1,
		1.0);
	if (yj > 0)
		snprintf(b, sizeof b, "%.1f B Yjs", yj);
	else
		snprintf(b, sizeof b, "n/a (Yjs)");
	row_out("  vs Yjs update", a, b, yj > 0 ? per_edit / yj : -1, 0);
	if (ams > 0 && yjs > 0) {
		snprintf(b, sizeof b, "AM %.1f / Yjs %.1f B", ams, yjs);
		row_out("  peers' saved doc growth per edit", "-", b, -1, 0);
	}

	snprintf(a, sizeof a, "%.1f MB", (double)ui.ru_maxrss / 1024);
	snprintf(b, sizeof b, "%.1f MB", (double)ub.ru_maxrss / 1024);
	row_out("peak RSS of the import", a, b,
		(double)ui.ru_maxrss / (double)ub.ru_maxrss, 0);
	snprintf(a, sizeof a, "%.1f MB", (double)ri.rss_start_kb / 1024);
	snprintf(b, sizeof b, "%.1f MB", (double)rb.rss_start_kb / 1024);
	row_out("  (worker RSS before it started)", a, b, -1, 0);

	printf("\n%d of %d targets met\n", met, targets);
	return opt.strict && met < targets ? 1 : 0;
}
