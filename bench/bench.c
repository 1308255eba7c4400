/*
 * bench.c - kith's speed and size, measured in one run on this machine
 * against a raw SQLite baseline and against Automerge / Yjs (whose figures
 * bench/run.sh gets from bench/peers/edits.mjs and passes in with --peers).
 *
 *   1. local writes: --items items through crdt_replica_commit, --batch
 *      CREATE ops per change, vs the same rows inserted into plain SQLite
 *      with the items/items_fts schema of crdt/store.c, --batch rows per
 *      transaction, one prepared statement.
 *   2. import: a bundle of --changes changes by --authors authors (mostly
 *      creates, --edit-pct single-field edits) into an empty replica, vs
 *      the same inserts and updates into plain SQLite, one transaction per
 *      8192 rows (the import's batch).
 *   3. bytes per single-field edit in a bundle, vs Automerge and Yjs.
 *   4. peak RSS of the import.
 * bench/README.md says more about each row.
 *
 * Timings are the best of --repeat runs, ours and the baseline's taken
 * alternately, so load from other processes hurts both sides alike.
 *
 * The imports run in worker processes forked at startup, while this process
 * is still small: a child's ru_maxrss starts from the resident set it
 * inherits, so a child forked after the build phase would report our memory,
 * not the import's.
 *
 * Identities, record contents and the workload come from fixed seeds (the
 * baseline worker regenerates exactly the rows in the bundle); clocks and
 * the community key are real, except in row 3, where edits are spaced
 * --edit-interval apart as they would be in use (an edit carries its HLC
 * delta, so a tight loop would flatter us).
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
#include "crdt/db.h" /* counts rows on the raw connection */
#include "crdt/err.h"
#include "crdt/replica.h"
#include "crdt/schema.h"
#include "crdt/search.h"

#define IMPORT_BATCH 8192 /* crdt/run.c BATCH: changes per crdt_apply */
#define PATH_LEN 4200

static struct {
	long items, batch;	       /* row 1 */
	long changes, authors, edit_pct; /* row 2 */
	long zh_pct;		       /* rows 1, 2: posts in Chinese */
	long edits, interval;	       /* row 3 */
	long repeat;
	const char *peers; /* JSON line from edits.mjs, or NULL */
	const char *dir;   /* parent of the temp dir */
	int strict;	   /* exit 1 when a target is missed */
} opt = {
	.items = 100000, .batch = 1000, .changes = 100000, .authors = 100,
	.edit_pct = 10, .edits = 1000, .interval = 60000, .repeat = 3,
};

static char tmpdir[4096], bundle_path[PATH_LEN];
static pid_t main_pid;
static uint8_t community[32];

/* ---- small helpers ------------------------------------------------------ */

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

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds (user + system) of this process so far */
static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
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

static void path_in(char *out, const char *name, long n)
{
	if (snprintf(out, PATH_LEN, "%s/%s%ld.db", tmpdir, name, n) >= PATH_LEN)
		die("path too long");
}

static int64_t file_size(const char *path, const char *suffix)
{
	char p[PATH_LEN + 8];
	struct stat sb;

	snprintf(p, sizeof p, "%s%s", path, suffix);
	return stat(p, &sb) ? 0 : (int64_t)sb.st_size;
}

static void rm_db(const char *path)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char p[PATH_LEN + 16];
	size_t i;

	for (i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		snprintf(p, sizeof p, "%s%s", path, sfx[i]);
		unlink(p);
	}
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
/* The same posts in Chinese (--zh-pct): CJK text goes into the grams
 * index too (crdt/search.h), on both sides. */
static const char *const zh_adjs[] = {
	"铝合金", "十八伏", "双人", "成人", "电动", "加厚", "便携", "闲置",
	"折叠", "旧但能用的", "小巧", "大号", "小号", "铸铁", "电池", "儿童",
};
static const char *const zh_nouns[] = {
	"梯子", "无线电钻", "帐篷", "自行车", "缝纫机", "高压清洗机", "野营炉",
	"婴儿车", "延长线", "手推车", "割草机", "工具箱", "投影仪", "折叠桌",
	"千斤顶", "皮划艇", "电饭锅", "绿篱机", "睡袋", "婴儿监视器",
	"应急启动电源", "滚筒刷套装", "瓷砖切割机", "发电机", "净水器",
	"胰岛素冷藏盒", "轮椅", "拐杖", "电烙铁", "人字梯", "除湿机", "慢炖锅",
};
static const char *const zh_conds[] = {
	"好", "一般", "几乎全新", "用得较多", "极好",
};
static const char *const zh_notes[] = {
	"借之前请先问。", "请洗干净再还。", "只在晚上和周末。", "请自带袋子。",
	"本楼内可以送。", "说明书在盒子里。", "需要二百三十伏插座。",
	"附带备件。",
};
#define PICK(a, k) ((a)[(k) % (sizeof(a) / sizeof((a)[0]))])

static int in_zh(uint64_t k)
{
	return (long)(mix(k ^ 0x7a68u) % 100) < opt.zh_pct;
}

/* An item: title ~20, description ~80 characters, like real posts. */
struct row {
	int kind, qty;
	char title[64], desc[192], cat[24], loc[40];
};

static void gen_title(char *out, size_t n, uint64_t k)
{
	if (in_zh(k))
		snprintf(out, n, "%s%s", PICK(zh_adjs, k >> 8),
			 PICK(zh_nouns, k >> 16));
	else
		snprintf(out, n, "%s %s", PICK(adjs, k >> 8),
			 PICK(nouns, k >> 16));
}

static void gen_desc(char *out, size_t n, uint64_t k)
{
	if (in_zh(k))
		snprintf(out, n, "%s%s，成色%s。%s在%u号楼取。",
			 PICK(zh_adjs, k >> 24), PICK(zh_nouns, k >> 16),
			 PICK(zh_conds, k >> 32), PICK(zh_notes, k >> 40),
			 (unsigned)(k >> 48) % 12 + 1);
	else
		snprintf(out, n, "%s %s in %s condition. %s Pick up at block %u.",
			 PICK(adjs, k >> 24), PICK(nouns, k >> 16),
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

/*
 * The items part of crdt/store.c's schema as its migrations leave it,
 * verbatim: migration 1's table, FTS table and update trigger, migration
 * 3's items_author index; migration 5 drops the items_ai trigger because
 * the store writes the full-text row of a new item itself, right after the
 * INSERT (a trigger would make FTS5 flush a segment per row), and so does
 * the baseline (base_insert).  Migration 10's items_grams gets a row for
 * posts with CJK text, from the same C as the store's (crdt/search.h:
 * a byte scan, then the grams), after an INSERT or an edit of the title or
 * description (base_grams, base_regrams).  Keep this in step with the
 * store, or the ratios mean nothing.
 */
static const char base_schema[] =
	"CREATE TABLE items(id BLOB NOT NULL UNIQUE, author BLOB NOT NULL,"
	" created INTEGER, updated INTEGER, kind INTEGER, title TEXT,"
	" description TEXT, category TEXT, quantity INTEGER, unit TEXT,"
	" condition TEXT, location TEXT, until INTEGER,"
	" withdrawn INTEGER NOT NULL DEFAULT 0);"
	"CREATE VIRTUAL TABLE items_fts USING fts5(title, description,"
	" content='items', content_rowid='rowid');"
	"CREATE TRIGGER items_au AFTER UPDATE OF title, description ON items BEGIN"
	" INSERT INTO items_fts(items_fts, rowid, title, description)"
	" VALUES ('delete', old.rowid, old.title, old.description);"
	" INSERT INTO items_fts(rowid, title, description)"
	" VALUES (new.rowid, new.title, new.description); END;"
	"CREATE INDEX items_author ON items(author);"
	"CREATE VIRTUAL TABLE items_grams USING fts5(grams, tokenize='ascii');";

/* The fields a workload edit sets. */
enum { E_TITLE, E_QTY, E_LOC, E_DESC, E_N };
static const struct {
	const char *column;
	unsigned field;
} edit_fields[E_N] = {
	{ "title", F_ITEM_TITLE },
	{ "quantity", F_ITEM_QUANTITY },
	{ "location", F_ITEM_LOCATION },
	{ "description", F_ITEM_DESCRIPTION },
};

struct base {
	sqlite3 *db;
	sqlite3_stmt *ins, *fts, *upd[E_N], *begin, *commit;
	sqlite3_stmt *grams, *find, *drop;
};

static void base_check(struct base *b, int rc)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		die("baseline: %s", sqlite3_errmsg(b->db));
}

static sqlite3_stmt *base_prep(struct base *b, const char *sql)
{
	sqlite3_stmt *q = NULL;

	base_check(b, sqlite3_prepare_v3(b->db, sql, -1,
					 SQLITE_PREPARE_PERSISTENT, &q, NULL));
	return q;
}

static void base_open(struct base *b, const char *path)
{
	int i;

	memset(b, 0, sizeof *b);
	if (sqlite3_open(path, &b->db) != SQLITE_OK)
		die("cannot open '%s': %s", path, sqlite3_errmsg(b->db));
	base_check(b, sqlite3_exec(b->db, "PRAGMA journal_mode=WAL;"
				   "PRAGMA synchronous=NORMAL;", NULL, NULL,
				   NULL));
	base_check(b, sqlite3_exec(b->db, base_schema, NULL, NULL, NULL));
	b->ins = base_prep(b, "INSERT INTO items(id, author, created, updated,"
			   " kind, title, description, category, quantity,"
			   " location) VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7,"
			   " ?8, ?9)");
	b->fts = base_prep(b, "INSERT INTO items_fts(rowid, title, description)"
			   " VALUES (last_insert_rowid(), ?1, ?2)");
	for (i = 0; i < E_N; i++) {
		char sql[160];

		snprintf(sql, sizeof sql, "UPDATE items SET %s = ?1, updated = ?2"
			 " WHERE id = ?3 AND author = ?4", edit_fields[i].column);
		b->upd[i] = base_prep(b, sql);
	}
	b->grams = base_prep(b, "INSERT INTO items_grams(rowid, grams)"
			     " VALUES (?1, ?2)");
	b->find = base_prep(b, "SELECT t.rowid, t.title, t.description,"
			    " EXISTS (SELECT 1 FROM items_grams g"
			    " WHERE g.rowid = t.rowid) FROM items t"
			    " WHERE t.id = ?1");
	b->drop = base_prep(b, "DELETE FROM items_grams WHERE rowid = ?1");
	b->begin = base_prep(b, "BEGIN IMMEDIATE");
	b->commit = base_prep(b, "COMMIT");
}

static void base_step(struct base *b, sqlite3_stmt *q)
{
	base_check(b, sqlite3_step(q));
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
}

static int has_cjk_byte(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s >= 0xe1 && (unsigned char)*s <= 0xf4)
			return 1;
	return 0;
}

/* The grams row of a post, as crdt_search_index writes it. */
static void base_grams(struct base *b, int64_t rowid, const char *title,
		       const char *desc)
{
	char buf[1024];
	size_t n = 0;

	if (!has_cjk_byte(title) && !has_cjk_byte(desc))
		return;
	buf[0] = 0;
	CHECK(crdt_search_grams(buf, sizeof buf, &n, title, strlen(title)));
	CHECK(crdt_search_grams(buf, sizeof buf, &n, desc, strlen(desc)));
	if (!n)
		return;
	sqlite3_bind_int64(b->grams, 1, rowid);
	sqlite3_bind_text(b->grams, 2, buf, (int)n, SQLITE_STATIC);
	base_step(b, b->grams);
}

/* After an edit of title or description, as crdt_search_reindex. */
static void base_regrams(struct base *b, const uint8_t id[CRDT_ID_LEN])
{
	char title[256], desc[512];
	int64_t rowid;
	int had;

	sqlite3_bind_blob(b->find, 1, id, CRDT_ID_LEN, SQLITE_STATIC);
	if (sqlite3_step(b->find) != SQLITE_ROW)
		die("baseline: edited row not found");
	rowid = sqlite3_column_int64(b->find, 0);
	snprintf(title, sizeof title, "%s",
		 (const char *)sqlite3_column_text(b->find, 1));
	snprintf(desc, sizeof desc, "%s",
		 (const char *)sqlite3_column_text(b->find, 2));
	had = sqlite3_column_int(b->find, 3);
	sqlite3_reset(b->find);
	sqlite3_clear_bindings(b->find);
	if (had) {
		sqlite3_bind_int64(b->drop, 1, rowid);
		base_step(b, b->drop);
	}
	base_grams(b, rowid, title, desc);
}

static void base_insert(struct base *b, const uint8_t id[CRDT_ID_LEN],
			const uint8_t author[CRDT_PK_LEN], int64_t t,
			const struct row *r)
{
	sqlite3_stmt *q = b->ins;
	int64_t rowid;

	sqlite3_bind_blob(q, 1, id, CRDT_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, author, CRDT_PK_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, t);
	sqlite3_bind_int(q, 4, r->kind);
	sqlite3_bind_text(q, 5, r->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, r->desc, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 7, r->cat, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 8, r->qty);
	sqlite3_bind_text(q, 9, r->loc, -1, SQLITE_STATIC);
	base_step(b, q);
	rowid = sqlite3_last_insert_rowid(b->db);
	sqlite3_bind_text(b->fts, 1, r->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(b->fts, 2, r->desc, -1, SQLITE_STATIC);
	base_step(b, b->fts);
	base_grams(b, rowid, r->title, r->desc);
}

static int64_t count_items(sqlite3 *db)
{
	sqlite3_stmt *q = NULL;
	int64_t n = -1;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM items", -1, &q, NULL))
		die("count: %s", sqlite3_errmsg(db));
	if (sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

static void base_close(struct base *b)
{
	int i;

	sqlite3_finalize(b->ins);
	sqlite3_finalize(b->fts);
	for (i = 0; i < E_N; i++)
		sqlite3_finalize(b->upd[i]);
	sqlite3_finalize(b->grams);
	sqlite3_finalize(b->find);
	sqlite3_finalize(b->drop);
	sqlite3_finalize(b->begin);
	sqlite3_finalize(b->commit);
	if (sqlite3_close(b->db) != SQLITE_OK)
		die("baseline: close: %s", sqlite3_errmsg(b->db));
}

/* ---- the import workload ------------------------------------------------ */

/*
 * Author a (0-based) makes nchanges(a) changes, seq 1, 2, ...  Change 1 is
 * a create; a later one is, with probability edit_pct, a single-field edit
 * of one of the author's earlier items, else a create.  All of it is a pure
 * function of (a, seq), so the baseline worker regenerates it exactly.
 */
static struct crdt_identity *authors;
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

/* The seed of the values of change (a, seq). */
static uint64_t content_key(long a, uint64_t seq)
{
	return key2((uint64_t)a ^ 0xc0117e47u, seq);
}

struct edit {
	uint64_t target; /* seq of the create */
	int what;	 /* E_* */
	const char *text; /* into the caller's row, or NULL for num */
	int64_t num;
};

static void edit_of(long a, uint64_t seq, struct row *r, struct edit *e)
{
	uint64_t k = content_key(a, seq);

	e->target = key2((uint64_t)a ^ 0x7a11u, seq) % (seq - 1) + 1;
	while (is_edit(a, e->target))
		e->target--;
	e->what = (int)(key2((uint64_t)a ^ 0xf1e1du, seq) % E_N);
	e->text = NULL;
	e->num = (int64_t)(k % 9) + 1;
	if (e->what == E_TITLE) {
		gen_title(r->title, sizeof r->title, k);
		e->text = r->title;
	} else if (e->what == E_LOC) {
		gen_loc(r->loc, sizeof r->loc, k);
		e->text = r->loc;
	} else if (e->what == E_DESC) {
		gen_desc(r->desc, sizeof r->desc, k);
		e->text = r->desc;
	}
}

static int pk_cmp(const void *x, const void *y)
{
	const size_t *i = x, *j = y;

	return memcmp(authors[*i].pk, authors[*j].pk, CRDT_PK_LEN);
}

static void authors_make(void)
{
	long a;

	authors = calloc((size_t)opt.authors, sizeof *authors);
	by_pk = calloc((size_t)opt.authors, sizeof *by_pk);
	if (!authors || !by_pk)
		die("out of memory");
	for (a = 0; a < opt.authors; a++) {
		uint8_t seed[32] = "kith-bench-author";
		uint64_t k = mix((uint64_t)a + 1);

		memcpy(seed + 24, &k, 8);
		CHECK(crdt_identity_from_seed(&authors[a], seed));
		by_pk[a] = (size_t)a;
	}
	qsort(by_pk, (size_t)opt.authors, sizeof *by_pk, pk_cmp);
}

/* Change (a, seq) of the workload as one op; its strings live in *r. */
static void workload_op(struct crdt_op *op, struct row *r, long a,
			uint64_t seq)
{
	struct edit e;

	if (!is_edit(a, seq)) {
		gen_row(r, content_key(a, seq));
		op_create(op, r);
		return;
	}
	edit_of(a, seq, r, &e);
	crdt_op_init(op, CRDT_OP_OWN, CRDT_R_ITEM);
	op->tseq = e.target;
	op->tidx = 0;
	if (e.text)
		CHECK(crdt_op_set_text(op, edit_fields[e.what].field, e.text));
	else
		CHECK(crdt_op_set_int(op, edit_fields[e.what].field, e.num));
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
	double secs, cpu;
	int64_t items;
	struct crdt_apply_stats st;
	long rss_start_kb;
	int64_t db_bytes, wal_bytes; /* files after the import, before close */
};

struct worker {
	pid_t pid;
	int cmd, res; /* our ends of the pipes */
	struct result r;
	struct rusage ru;
};

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

/* Fork now; the child waits for a database path, runs fn on it and
 * reports.  A child whose parent goes away reads EOF and exits. */
static void worker_start(struct worker *w,
			 void (*fn)(const char *db, struct result *res))
{
	int cmd[2], res[2];

	if (pipe(cmd) || pipe(res))
		die("pipe: %s", strerror(errno));
	fflush(NULL);
	w->pid = fork();
	if (w->pid < 0)
		die("fork: %s", strerror(errno));
	if (w->pid == 0) {
		char db[PATH_LEN];
		uint32_t len;
		struct result r;

		close(cmd[1]);
		close(res[0]);
		if (xread(cmd[0], &len, sizeof len) || len >= sizeof db ||
		    xread(cmd[0], db, len))
			_exit(0);
		db[len] = 0;
		memset(&r, 0, sizeof r);
		r.rss_start_kb = rss_now_kb();
		fn(db, &r);
		rm_db(db);
		_exit(xwrite(res[1], &r, sizeof r) ? 1 : 0);
	}
	close(cmd[0]);
	close(res[1]);
	w->cmd = cmd[1];
	w->res = res[0];
}

static void worker_run(struct worker *w, const char *db)
{
	uint32_t len = (uint32_t)strlen(db);
	int status, ok;

	if (xwrite(w->cmd, &len, sizeof len) || xwrite(w->cmd, db, len))
		die("worker: write: %s", strerror(errno));
	close(w->cmd);
	ok = xread(w->res, &w->r, sizeof w->r) == 0;
	close(w->res);
	if (wait4(w->pid, &status, 0, &w->ru) < 0)
		die("wait4: %s", strerror(errno));
	if (!ok || !WIFEXITED(status) || WEXITSTATUS(status))
		die("worker %d failed", (int)w->pid);
}

/* Worker: import the bundle into a new, empty replica. */
static void work_import(const char *db, struct result *res)
{
	struct crdt_replica r;
	double t0;

	CHECK(crdt_replica_open(&r, db, &crdt_env_system));
	t0 = now_s();
	res->cpu = cpu_s();
	CHECK(crdt_bundle_import(&r, community, bundle_path, &res->st));
	res->secs = now_s() - t0;
	res->cpu = cpu_s() - res->cpu;
	res->items = count_items(crdt_store_db(r.store));
	res->db_bytes = file_size(db, "");
	res->wal_bytes = file_size(db, "-wal");
	crdt_replica_close(&r);
}

static void base_create(struct base *b, long a, uint64_t seq, int64_t t)
{
	struct row row;
	uint8_t id[CRDT_ID_LEN];

	gen_row(&row, content_key(a, seq));
	crdt_record_id(id, authors[a].pk, seq, 0);
	base_insert(b, id, authors[a].pk, t, &row);
}

/* The UPDATE kith's materializer runs for the same edit. */
static void base_edit(struct base *b, long a, uint64_t seq, int64_t t)
{
	struct row row;
	struct edit e;
	uint8_t id[CRDT_ID_LEN];
	sqlite3_stmt *q;

	edit_of(a, seq, &row, &e);
	crdt_record_id(id, authors[a].pk, e.target, 0);
	q = b->upd[e.what];
	if (e.text)
		sqlite3_bind_text(q, 1, e.text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(q, 1, e.num);
	sqlite3_bind_int64(q, 2, t);
	sqlite3_bind_blob(q, 3, id, CRDT_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(q, 4, authors[a].pk, CRDT_PK_LEN, SQLITE_STATIC);
	base_step(b, q);
	if ((e.what == E_TITLE || e.what == E_DESC) && sqlite3_changes(b->db) == 1)
		base_regrams(b, id);
}

/* Worker: the same rows and edits into plain SQLite, in bundle order. */
static void work_import_base(const char *db, struct result *res)
{
	struct base b;
	uint64_t done = 0, s;
	int64_t t = (int64_t)(wall_ms() << 16);
	double t0;
	long i;

	base_open(&b, db);
	t0 = now_s();
	res->cpu = cpu_s();
	base_step(&b, b.begin);
	for (i = 0; i < opt.authors; i++) {
		long a = (long)by_pk[i];

		for (s = 1; s <= nchanges(a); s++, t++) {
			if (is_edit(a, s))
				base_edit(&b, a, s, t);
			else
				base_create(&b, a, s, t);
			if (++done % IMPORT_BATCH == 0) {
				base_step(&b, b.commit);
				base_step(&b, b.begin);
			}
		}
	}
	base_step(&b, b.commit);
	res->secs = now_s() - t0;
	res->cpu = cpu_s() - res->cpu;
	res->st.applied = done;
	res->items = count_items(b.db);
	res->db_bytes = file_size(db, "");
	res->wal_bytes = file_size(db, "-wal");
	base_close(&b);
}

/* ---- row 1: local writes -------------------------------------------------- */

static double local_ours(const struct crdt_identity *id, struct crdt_op *ops,
			 struct row *rows, const char *db, double *cpu)
{
	struct crdt_replica r;
	long done, i, n;
	double t0, t;

	CHECK(crdt_replica_open(&r, db, &crdt_env_system));
	r.id = *id;
	t0 = now_s();
	*cpu = cpu_s();
	for (done = 0; done < opt.items; done += n) {
		n = opt.items - done < opt.batch ? opt.items - done : opt.batch;
		for (i = 0; i < n; i++) {
			gen_row(&rows[i], key2(1, (uint64_t)(done + i)));
			op_create(&ops[i], &rows[i]);
		}
		CHECK(crdt_replica_commit(&r, ops, (uint32_t)n, NULL));
	}
	t = now_s() - t0;
	*cpu = cpu_s() - *cpu;
	if (count_items(crdt_store_db(r.store)) != opt.items)
		die("local writes: item count mismatch");
	memset(&r.id, 0, sizeof r.id); /* not ours to release */
	crdt_replica_close(&r);
	return t;
}

/* The same rows, record ids and batches into plain SQLite. */
static double local_base(const struct crdt_identity *id, struct row *rows,
			 const char *db, double *cpu)
{
	struct base b;
	uint8_t rid[CRDT_ID_LEN];
	uint64_t batchno = 0;
	long done, i, n;
	double t0, t;

	base_open(&b, db);
	t0 = now_s();
	*cpu = cpu_s();
	for (done = 0; done < opt.items; done += n) {
		int64_t hlc = (int64_t)(wall_ms() << 16);

		n = opt.items - done < opt.batch ? opt.items - done : opt.batch;
		batchno++;
		base_step(&b, b.begin);
		for (i = 0; i < n; i++) {
			gen_row(&rows[i], key2(1, (uint64_t)(done + i)));
			crdt_record_id(rid, id->pk, batchno, (uint32_t)i);
			base_insert(&b, rid, id->pk, hlc, &rows[i]);
		}
		base_step(&b, b.commit);
	}
	t = now_s() - t0;
	*cpu = cpu_s() - *cpu;
	if (count_items(b.db) != opt.items)
		die("baseline: item count mismatch");
	base_close(&b);
	return t;
}

/* Best of opt.repeat: [0] seconds, [1] CPU seconds of that run. */
static void bench_local(double ours[2], double base[2])
{
	struct crdt_identity id;
	struct crdt_op *ops = calloc((size_t)opt.batch, sizeof *ops);
	struct row *rows = calloc((size_t)opt.batch, sizeof *rows);
	uint8_t seed[32];
	char db[PATH_LEN];
	long k;

	if (!ops || !rows)
		die("out of memory");
	crdt_env_system.random(NULL, seed, sizeof seed);
	CHECK(crdt_identity_from_seed(&id, seed));
	ours[0] = base[0] = 1e30;
	ours[1] = base[1] = 0;
	for (k = 0; k < opt.repeat; k++) {
		double t, c;

		path_in(db, "local-ours", k);
		t = local_ours(&id, ops, rows, db, &c);
		if (t < ours[0]) {
			ours[0] = t;
			ours[1] = c;
		}
		rm_db(db);
		path_in(db, "local-base", k);
		t = local_base(&id, rows, db, &c);
		if (t < base[0]) {
			base[0] = t;
			base[1] = c;
		}
		rm_db(db);
	}
	crdt_identity_release(&id);
	free(ops);
	free(rows);
}

/* ---- row 2: build and export the bundle ------------------------------------ */

static void bench_build(double *build, double *export,
			struct crdt_export_stats *est)
{
	struct crdt_replica r;
	struct crdt_op op;
	struct row row;
	char db[PATH_LEN];
	uint64_t s, done = 0;
	double t0;
	long a;

	path_in(db, "source", 0);
	CHECK(crdt_replica_open(&r, db, &crdt_env_system));
	t0 = now_s();
	CHECK(crdt_store_begin(r.store));
	/* round robin: every author's next change, 1000 per transaction */
	for (s = 1; s <= nchanges(0); s++) {
		for (a = 0; a < opt.authors; a++) {
			if (s > nchanges(a))
				continue;
			r.id = authors[a];
			workload_op(&op, &row, a, s);
			CHECK(crdt_replica_commit(&r, &op, 1, NULL));
			if (++done % 1000 == 0) {
				CHECK(crdt_store_commit(r.store));
				CHECK(crdt_store_begin(r.store));
			}
		}
	}
	CHECK(crdt_store_commit(r.store));
	*build = now_s() - t0;
	memset(&r.id, 0, sizeof r.id); /* owned by authors[] */

	t0 = now_s();
	CHECK(crdt_bundle_export(&r, community, NULL, bundle_path, est));
	*export = now_s() - t0;
	crdt_replica_close(&r);
	rm_db(db);
}

/* ---- row 3: bytes per single-field edit ------------------------------------ */

static uint64_t fake_now(void *ctx)
{
	return *(uint64_t *)ctx;
}

/* bench/peers/edits.mjs's scenario; bundle bytes of the edits alone. */
static uint64_t bench_edits(void)
{
	struct crdt_replica r;
	struct crdt_env env = crdt_env_system;
	struct crdt_export_stats est;
	struct crdt_vector vv;
	struct crdt_op op;
	uint64_t clock_ms = wall_ms(), seq;
	uint8_t seed[32];
	char db[PATH_LEN], bpath[PATH_LEN + 8], text[64];
	long i;

	if (opt.interval > 0) {
		env.now_ms = fake_now;
		env.ctx = &clock_ms;
	}
	path_in(db, "edits", 0);
	snprintf(bpath, sizeof bpath, "%s.bundle", db);
	CHECK(crdt_replica_open(&r, db, &env));
	crdt_env_system.random(NULL, seed, sizeof seed);
	CHECK(crdt_identity_from_seed(&r.id, seed));

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
		clock_ms += (uint64_t)opt.interval;
		crdt_op_init(&op, CRDT_OP_OWN, CRDT_R_ITEM);
		op.tseq = seq;
		op.tidx = 0;
		if (i % 3 == 0) {
			snprintf(text, sizeof text, "Ladder %ld aluminium", i);
			CHECK(crdt_op_set_text(&op, F_ITEM_TITLE, text));
		} else if (i % 3 == 1) {
			CHECK(crdt_op_set_int(&op, F_ITEM_QUANTITY, i));
		} else {
			snprintf(text, sizeof text, "Block %ld unit %ld", i % 7,
				 i % 40);
			CHECK(crdt_op_set_text(&op, F_ITEM_LOCATION, text));
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
	return est.bytes;
}

/* ---- the table ---------------------------------------------------------------- */

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
	p += strlen(pat);
	v = strtod(p, &end);
	return end == p ? -1 : v;
}

static int met, targets, unknown;

/* ratio < 0: none; target <= 0: an information row. */
static void row_out(const char *name, const char *ours, const char *base,
		    double ratio, double target)
{
	char r[16] = "-", t[16] = "-";
	const char *verdict = "info";

	if (ratio >= 0)
		snprintf(r, sizeof r, "%.2f", ratio);
	if (target > 0) {
		snprintf(t, sizeof t, "<= %.2f", target);
		verdict = ratio < 0 ? "n/a" : ratio <= target ? "pass" : "FAIL";
		targets += ratio >= 0;
		unknown += ratio < 0;
		met += ratio >= 0 && ratio <= target;
	}
	printf("%-34s %22s %22s %6s %8s  %s\n", name, ours, base, r, t, verdict);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bench [options]\n"
		"  --items N          row 1: items written locally (100000)\n"
		"  --batch N          row 1: items per change and per"
		" transaction (1000, max %d)\n"
		"  --changes N        row 2: changes in the bundle (100000)\n"
		"  --authors N        row 2: their authors (100)\n"
		"  --edit-pct P       row 2: share of single-field edits (10)\n"
		"  --zh-pct P         rows 1, 2: share of posts in Chinese (0)\n"
		"  --edits N          row 3: single-field edits (1000)\n"
		"  --edit-interval MS row 3: clock step between edits, 0 = the"
		" real clock (60000)\n"
		"  --repeat N         timings are the best of N runs (3)\n"
		"  --peers JSON       the line printed by bench/peers/edits.mjs\n"
		"  --dir DIR          where to make the temp dir ($TMPDIR, /tmp)\n"
		"  --quick            --items 10000 --changes 10000 --repeat 1\n"
		"  --strict           exit 1 when a target is missed (n/a is"
		" not missed)\n",
		CRDT_MAX_OPS);
}

static long num_arg(const char *name, const char *v, long lo, long hi)
{
	char *end;
	long n;

	errno = 0;
	n = v ? strtol(v, &end, 10) : 0;
	if (!v || errno || *end || n < lo || n > hi) {
		fprintf(stderr, "bench: %s needs a number in %ld..%ld\n", name,
			lo, hi);
		exit(2);
	}
	return n;
}

static void parse_args(int argc, char **argv)
{
	static const struct {
		const char *name;
		long *v, lo, hi;
	} nums[] = {
		{ "--items", &opt.items, 1, 100000000 },
		{ "--batch", &opt.batch, 1, CRDT_MAX_OPS },
		{ "--changes", &opt.changes, 1, 100000000 },
		{ "--authors", &opt.authors, 1, 1000000 },
		{ "--edit-pct", &opt.edit_pct, 0, 100 },
		{ "--zh-pct", &opt.zh_pct, 0, 100 },
		{ "--edits", &opt.edits, 1, 10000000 },
		{ "--edit-interval", &opt.interval, 0, 86400000 },
		{ "--repeat", &opt.repeat, 1, 100 },
	};
	int i;
	size_t j;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		for (j = 0; j < sizeof nums / sizeof nums[0]; j++)
			if (!strcmp(a, nums[j].name))
				break;
		if (j < sizeof nums / sizeof nums[0]) {
			*nums[j].v = num_arg(a, argv[i + 1], nums[j].lo,
					     nums[j].hi);
			i++;
		} else if (!strcmp(a, "--peers") && i + 1 < argc) {
			opt.peers = argv[++i];
		} else if (!strcmp(a, "--dir") && i + 1 < argc) {
			opt.dir = argv[++i];
		} else if (!strcmp(a, "--quick")) {
			opt.items = opt.changes = 10000;
			opt.repeat = 1;
		} else if (!strcmp(a, "--strict")) {
			opt.strict = 1;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			exit(0);
		} else {
			usage(stderr);
			exit(2);
		}
	}
	if (opt.authors > opt.changes)
		opt.authors = opt.changes;
}

static void print_header(void)
{
	char line[256], cpu[128] = "unknown cpu", load[64] = "?";
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof line, f)) {
		char *p = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && p) {
			p += 1 + (p[1] == ' ');
			p[strcspn(p, "\n")] = 0;
			snprintf(cpu, sizeof cpu, "%s", p);
			break;
		}
	}
	if (f)
		fclose(f);
	f = fopen("/proc/loadavg", "r");
	if (f && fgets(load, sizeof load, f))
		load[strcspn(load, " ")] = 0;
	if (f)
		fclose(f);
	printf("kith bench: nproc %ld (%s), load %s, SQLite %s, libsodium %s\n",
	       sysconf(_SC_NPROCESSORS_ONLN), cpu, load, sqlite3_libversion(),
	       sodium_version_string());
	printf("%ld items in changes of %ld; a %ld-change bundle by %ld authors"
	       " (%ld%% edits); %ld edits %ld ms apart; best of %ld\n",
	       opt.items, opt.batch, opt.changes, opt.authors, opt.edit_pct,
	       opt.edits, opt.interval, opt.repeat);
	if (opt.zh_pct)
		printf("%ld%% of the posts in Chinese\n", opt.zh_pct);
	fflush(stdout);
}

static void make_tmpdir(void)
{
	const char *parent = opt.dir ? opt.dir : getenv("TMPDIR");

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
	snprintf(bundle_path, sizeof bundle_path, "%s/import.bundle", tmpdir);
}

int main(int argc, char **argv)
{
	struct worker *wi, *wb;
	struct crdt_export_stats est;
	struct result ri = { .secs = 1e30 }, rb = { .secs = 1e30 };
	long rss_i = 0, rss_b = 0, k;
	char a[64], b[64], name[64], db[PATH_LEN];
	uint64_t creates, ebytes;
	double lo[2], lb[2], build, export, per_edit, am, yj, ams, yjs;

	main_pid = getpid();
	parse_args(argc, argv);
	CHECK(crdt_crypto_init());
	make_tmpdir();
	crdt_env_system.random(NULL, community, sizeof community);
	authors_make();

	/* fork the import workers while we are small (see the top) */
	wi = calloc((size_t)opt.repeat, sizeof *wi);
	wb = calloc((size_t)opt.repeat, sizeof *wb);
	if (!wi || !wb)
		die("out of memory");
	for (k = 0; k < opt.repeat; k++) {
		worker_start(&wi[k], work_import);
		worker_start(&wb[k], work_import_base);
	}
	print_header();

	fprintf(stderr, "bench: local writes...\n");
	bench_local(lo, lb);
	fprintf(stderr, "bench: building the source replica...\n");
	bench_build(&build, &export, &est);
	creates = workload_creates();
	fprintf(stderr, "bench: importing...\n");
	for (k = 0; k < opt.repeat; k++) {
		path_in(db, "import-ours", k);
		worker_run(&wi[k], db);
		path_in(db, "import-base", k);
		worker_run(&wb[k], db);
		if (wi[k].r.st.applied != (uint64_t)opt.changes ||
		    wi[k].r.st.rejected || wi[k].r.st.held ||
		    wi[k].r.items != (int64_t)creates)
			die("import: applied %" PRIu64 " rejected %" PRIu64
			    " held %" PRIu64 " items %" PRId64 ", expected %ld"
			    " changes and %" PRIu64 " items",
			    wi[k].r.st.applied, wi[k].r.st.rejected,
			    wi[k].r.st.held, wi[k].r.items, opt.changes,
			    creates);
		if (wb[k].r.items != (int64_t)creates)
			die("import baseline: %" PRId64 " items, expected %"
			    PRIu64, wb[k].r.items, creates);
		ri = wi[k].r.secs < ri.secs ? wi[k].r : ri;
		rb = wb[k].r.secs < rb.secs ? wb[k].r : rb;
		rss_i = wi[k].ru.ru_maxrss > rss_i ? wi[k].ru.ru_maxrss : rss_i;
		rss_b = wb[k].ru.ru_maxrss > rss_b ? wb[k].ru.ru_maxrss : rss_b;
	}
	fprintf(stderr, "bench: single-field edits...\n");
	ebytes = bench_edits();
	per_edit = (double)ebytes / (double)opt.edits;
	fflush(stderr);

	printf("\n%-34s %22s %22s %6s %8s\n", "", "kith", "baseline", "ratio",
	       "target");
	snprintf(name, sizeof name, "local writes, %ld items", opt.items);
	snprintf(a, sizeof a, "%.2f s", lo[0]);
	snprintf(b, sizeof b, "%.2f s", lb[0]);
	row_out(name, a, b, lo[0] / lb[0], 1.5);
	snprintf(a, sizeof a, "%.0f items/s", (double)opt.items / lo[0]);
	snprintf(b, sizeof b, "%.0f rows/s", (double)opt.items / lb[0]);
	row_out("  rate", a, b, -1, 0);
	snprintf(a, sizeof a, "%.2f s", lo[1]);
	snprintf(b, sizeof b, "%.2f s", lb[1]);
	row_out("  cpu time (user+sys)", a, b, lo[1] / lb[1], 0);

	snprintf(name, sizeof name, "import, %ld changes", opt.changes);
	snprintf(a, sizeof a, "%.2f s", ri.secs);
	snprintf(b, sizeof b, "%.2f s", rb.secs);
	row_out(name, a, b, ri.secs / rb.secs, 2.0);
	snprintf(a, sizeof a, "%.0f changes/s", (double)opt.changes / ri.secs);
	snprintf(b, sizeof b, "%.0f rows/s", (double)opt.changes / rb.secs);
	row_out("  rate", a, b, -1, 0);
	snprintf(a, sizeof a, "%.2f s", ri.cpu);
	snprintf(b, sizeof b, "%.2f s", rb.cpu);
	row_out("  cpu time (user+sys)", a, b, ri.cpu / rb.cpu, 0);
	snprintf(a, sizeof a, "%.2f MB", (double)est.bytes / 1e6);
	snprintf(b, sizeof b, "%.1f B/change",
		 (double)est.bytes / (double)est.changes);
	row_out("  bundle size", a, b, -1, 0);
	snprintf(a, sizeof a, "%.1f+%.1f MB", (double)ri.db_bytes / 1e6,
		 (double)ri.wal_bytes / 1e6);
	snprintf(b, sizeof b, "%.1f+%.1f MB", (double)rb.db_bytes / 1e6,
		 (double)rb.wal_bytes / 1e6);
	row_out("  db+wal after import", a, b, -1, 0);
	snprintf(a, sizeof a, "build %.2f s", build);
	snprintf(b, sizeof b, "export %.2f s", export);
	row_out("  source, 1 change per commit", a, b, -1, 0);

	am = peer_num("automerge_change_bytes");
	yj = peer_num("yjs_update_bytes");
	ams = peer_num("automerge_save_bytes_per_edit");
	yjs = peer_num("yjs_state_bytes_per_edit");
	if (opt.peers && peer_num("n") != (double)opt.edits)
		fprintf(stderr, "bench: the peers' figures are for n=%.0f,"
			" ours for %ld edits\n", peer_num("n"), opt.edits);
	snprintf(a, sizeof a, "%.1f B", per_edit);
	if (am > 0)
		snprintf(b, sizeof b, "%.1f B Automerge", am);
	else
		snprintf(b, sizeof b, "n/a (Automerge)");
	row_out("bytes per single-field edit", a, b,
		am > 0 ? per_edit / am : -1, 1.0);
	if (yj > 0)
		snprintf(b, sizeof b, "%.1f B Yjs", yj);
	else
		snprintf(b, sizeof b, "n/a (Yjs)");
	row_out("  vs a Yjs update", a, b, yj > 0 ? per_edit / yj : -1, 0);
	if (ams > 0 && yjs > 0) {
		snprintf(b, sizeof b, "AM %.1f, Yjs %.1f B", ams, yjs);
		row_out("  peers' saved-doc growth/edit", "-", b, -1, 0);
	}

	snprintf(a, sizeof a, "%.1f MB", (double)rss_i / 1024);
	snprintf(b, sizeof b, "%.1f MB", (double)rss_b / 1024);
	row_out("peak RSS of the import", a, b, (double)rss_i / (double)rss_b,
		0);
	snprintf(a, sizeof a, "%.1f MB", (double)ri.rss_start_kb / 1024);
	snprintf(b, sizeof b, "%.1f MB", (double)rb.rss_start_kb / 1024);
	row_out("  worker RSS before it began", a, b, -1, 0);

	printf("\n%d of %d targets met", met, targets);
	printf(unknown ? " (%d n/a)\n" : "\n", unknown);
	free(wi);
	free(wb);
	for (k = 0; k < opt.authors; k++)
		crdt_identity_release(&authors[k]);
	free(authors);
	free(by_pk);
	return opt.strict && met < targets ? 1 : 0;
}
