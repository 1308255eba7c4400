/*
 * testlib.c - see testlib.h.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "action/action.h"
#include "crdt/db.h" /* the oracles read the tables: crdt_store_db */
#include "crdt/query.h"
#include "tests/testlib.h"

/*
 * Line-buffer stdout before main: cmocka prints results on stdout while
 * fail_msg() writes to (unbuffered) stderr, and tests/run.sh reads both
 * from one log; with a block-buffered stdout an error message could land
 * in the middle of a "[  PASSED  ] N test(s)." line.
 */
__attribute__((constructor)) static void tl_line_buffered(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}

const char *tl_hex(const void *p, size_t n)
{
	static char bufs[8][129];
	static unsigned next;
	char *out = bufs[next++ % 8];

	if (n > 64)
		n = 64;
	crdt_hex(out, p, n);
	return out;
}

/* ---- environment ------------------------------------------------------- */

uint64_t tl_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void tl_env_init(struct tl_env *e, uint64_t seed)
{
	e->now_ms = TL_EPOCH_MS;
	e->step_ms = 1;
	e->rng = seed;
}

uint64_t tl_rand(struct tl_env *e)
{
	return tl_splitmix64(&e->rng);
}

uint64_t tl_rand_below(struct tl_env *e, uint64_t n)
{
	/* rejection sampling: no modulo bias */
	uint64_t lim = UINT64_MAX - UINT64_MAX % n, v;

	do
		v = tl_rand(e);
	while (v >= lim);
	return v % n;
}

void tl_rand_bytes(struct tl_env *e, void *buf, size_t n)
{
	uint8_t *p = buf;

	while (n) {
		uint64_t v = tl_rand(e);
		size_t k = n < 8 ? n : 8;

		memcpy(p, &v, k);
		p += k;
		n -= k;
	}
}

static uint64_t env_now(void *ctx)
{
	struct tl_env *e = ctx;
	uint64_t t = e->now_ms;

	e->now_ms += e->step_ms;
	return t;
}

static void env_random(void *ctx, void *buf, size_t n)
{
	tl_rand_bytes(ctx, buf, n);
}

struct crdt_env tl_env_crdt(struct tl_env *e)
{
	struct crdt_env env = { env_now, env_random, e };

	return env;
}

struct tl_env *tl_env_of(struct crdt_replica *r)
{
	return r->env.ctx;
}

/* ---- files ------------------------------------------------------------- */

int tl_mkdtemp(char *out, size_t n)
{
	const char *dir = getenv("TMPDIR");

	if (!dir || !*dir)
		dir = "/tmp";
	if ((size_t)snprintf(out, n, "%s/kith-test-XXXXXX", dir) >= n)
		return KITH_EINVAL;
	return mkdtemp(out) ? 0 : -errno;
}

static int rm_one(const char *path, const struct stat *sb, int flag,
		  struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path) ? -1 : 0;
}

int tl_rmtree(const char *path)
{
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS))
		return errno ? -errno : KITH_EIO;
	return 0;
}

int tl_read_file(const char *path, uint8_t **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p = NULL;
	size_t cap = 0, n = 0;
	int rc = 0;

	*data = NULL;
	*len = 0;
	if (!f)
		return -errno;
	for (;;) {
		size_t got;

		if (n == cap) {
			uint8_t *q;

			cap = cap ? 2 * cap : 4096;
			q = realloc(p, cap);
			if (!q) {
				rc = KITH_ENOMEM;
				break;
			}
			p = q;
		}
		got = fread(p + n, 1, cap - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f))
				rc = KITH_EIO;
			break;
		}
	}
	fclose(f);
	if (rc) {
		free(p);
		return rc;
	}
	*data = p;
	*len = n;
	return 0;
}

int tl_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int rc = 0;

	if (!f)
		return -errno;
	if (len && fwrite(data, 1, len, f) != len)
		rc = KITH_EIO;
	if (fclose(f) && !rc)
		rc = KITH_EIO;
	return rc;
}

/* ---- identities and replicas ------------------------------------------- */

void tl_seed32(uint8_t out[32], uint64_t seed)
{
	uint64_t s = seed ^ 0x6b6974682d696421ull; /* "kith-id!" */
	int i;

	for (i = 0; i < 4; i++) {
		uint64_t v = tl_splitmix64(&s);

		memcpy(out + 8 * i, &v, 8);
	}
}

int tl_identity(struct crdt_identity *id, uint64_t seed)
{
	uint8_t s[32];
	int rc;

	tl_seed32(s, seed);
	rc = crdt_identity_from_seed(id, s);
	crdt_wipe(s, sizeof s);
	return rc;
}

struct tl_fixture *tl_fixture_new(uint64_t seed)
{
	struct tl_fixture *f = calloc(1, sizeof *f);

	if (!f)
		return NULL;
	f->seed = seed;
	if (tl_mkdtemp(f->dir, sizeof f->dir)) {
		fprintf(stderr, "testlib: cannot make a temporary directory: %s\n",
			strerror(errno));
		free(f);
		return NULL;
	}
	return f;
}

void tl_fixture_free(struct tl_fixture *f)
{
	int i;

	if (!f)
		return;
	while (f->ndefer > 0) {
		f->ndefer--;
		f->defer[f->ndefer].fn(f->defer[f->ndefer].arg);
	}
	for (i = 0; i < TL_MAX_REPLICAS; i++)
		if (f->slot[i].used)
			tl_close(f, &f->slot[i].r);
	for (i = 0; i < f->nmembers; i++) {
		(void)action_close(f->member[i]);
		free(f->member[i]);
	}
	if (f->dir[0] && tl_rmtree(f->dir))
		fprintf(stderr, "testlib: cannot remove '%s'\n", f->dir);
	free(f);
}

void tl_defer(struct tl_fixture *f, void (*fn)(void *), void *arg)
{
	if (f->ndefer == TL_MAX_DEFER) {
		fn(arg);
		fail_msg("testlib: more than %d deferred cleanups", TL_MAX_DEFER);
	}
	f->defer[f->ndefer].fn = fn;
	f->defer[f->ndefer].arg = arg;
	f->ndefer++;
}

static void changes_destroy(void *arg)
{
	tl_changes_free(arg);
	free(arg);
}

struct tl_changes *tl_changes_new(struct tl_fixture *f)
{
	struct tl_changes *c = calloc(1, sizeof *c);

	if (!c)
		fail_msg("testlib: out of memory");
	tl_defer(f, changes_destroy, c);
	return c;
}

const char *tl_path(struct tl_fixture *f, const char *name, char *out,
		    size_t n)
{
	snprintf(out, n, "%s/%s", f->dir, name);
	return out;
}

struct crdt_replica *tl_open(struct tl_fixture *f, const char *name,
			     uint64_t id_seed)
{
	char path[TL_PATH_MAX + 64];
	struct tl_slot *s = NULL;
	struct crdt_env env;
	int i, rc;

	for (i = 0; i < TL_MAX_REPLICAS && !s; i++)
		if (!f->slot[i].used)
			s = &f->slot[i];
	if (!s) {
		fprintf(stderr, "testlib: more than %d replicas\n",
			TL_MAX_REPLICAS);
		return NULL;
	}
	tl_env_init(&s->env, f->seed * 1000003u + (uint64_t)(s - f->slot));
	env = tl_env_crdt(&s->env);
	snprintf(path, sizeof path, "%s/%s.db", f->dir, name);
	rc = crdt_replica_open(&s->r, path, &env);
	if (rc) {
		fprintf(stderr, "testlib: cannot open replica '%s': %s\n", path,
			kith_strerror(rc));
		return NULL;
	}
	/* unit tests never pull the plug: skip the fsyncs (store.c asks for
	 * synchronous=FULL) so the suite stays fast on slow disks */
	if (sqlite3_exec(crdt_store_db(s->r.store), "PRAGMA synchronous=OFF",
			 NULL, NULL, NULL) != SQLITE_OK)
		fprintf(stderr, "testlib: cannot turn off fsync for '%s'\n",
			path);
	if (id_seed) {
		rc = tl_identity(&s->r.id, id_seed);
		if (rc) {
			crdt_replica_close(&s->r);
			return NULL;
		}
	}
	s->used = 1;
	return &s->r;
}

void tl_close(struct tl_fixture *f, struct crdt_replica *r)
{
	int i;

	for (i = 0; i < TL_MAX_REPLICAS; i++) {
		if (f->slot[i].used && &f->slot[i].r == r) {
			crdt_replica_close(r);
			f->slot[i].used = 0;
			return;
		}
	}
}

int tl_group_setup(void **state)
{
	(void)state;
	return crdt_crypto_init();
}

int tl_setup(void **state)
{
	if (crdt_crypto_init())
		return -1;
	*state = tl_fixture_new(1);
	return *state ? 0 : -1;
}

int tl_teardown(void **state)
{
	tl_fixture_free(*state);
	*state = NULL;
	return 0;
}

/* ---- building changes --------------------------------------------------- */

int tl_commit(struct crdt_replica *r, struct crdt_op *ops, uint32_t nops,
	      uint64_t *seq)
{
	uint32_t i;
	int rc;

	for (i = 0; i < nops; i++) {
		rc = crdt_op_finish(&ops[i]);
		if (rc)
			return rc;
	}
	return crdt_replica_commit(r, ops, nops, seq);
}

static int create(struct crdt_replica *r, struct crdt_op *op,
		  struct tl_rec *out)
{
	uint64_t seq;
	int rc = tl_commit(r, op, 1, &seq);

	if (rc || !out)
		return rc;
	memcpy(out->author, r->id.pk, CRDT_PK_LEN);
	out->seq = seq;
	out->idx = 0;
	out->rtype = op->rtype;
	crdt_record_id(out->id, r->id.pk, seq, 0);
	return 0;
}

int tl_item(struct crdt_replica *r, const char *title, struct tl_rec *out)
{
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_ITEM);
	if (crdt_op_set_int(&op, F_ITEM_KIND, 1) ||
	    crdt_op_set_text(&op, F_ITEM_TITLE, title))
		return KITH_EINVAL;
	return create(r, &op, out);
}

int tl_wish(struct crdt_replica *r, const char *title, struct tl_rec *out)
{
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_WISH);
	if (crdt_op_set_int(&op, F_WISH_KIND, 0) ||
	    crdt_op_set_text(&op, F_WISH_TITLE, title) ||
	    crdt_op_set_int(&op, F_WISH_URGENCY, CRDT_URGENCY_NORMAL))
		return KITH_EINVAL;
	return create(r, &op, out);
}

int tl_claim(struct crdt_replica *r, const uint8_t target[CRDT_ID_LEN],
	     struct tl_rec *out)
{
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_CLAIM);
	if (crdt_op_set_bytes(&op, F_CLAIM_TARGET, target, CRDT_ID_LEN) ||
	    crdt_op_set_int(&op, F_CLAIM_QUANTITY, 1))
		return KITH_EINVAL;
	return create(r, &op, out);
}

int tl_profile(struct crdt_replica *r, const char *name)
{
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_SELF, CRDT_R_MEMBER);
	if (crdt_op_set_text(&op, F_MEMBER_NAME, name))
		return KITH_EINVAL;
	return tl_commit(r, &op, 1, NULL);
}

static void own_op(struct crdt_op *op, const struct tl_rec *rec)
{
	crdt_op_init(op, CRDT_OP_OWN, rec->rtype);
	op->tseq = rec->seq;
	op->tidx = rec->idx;
}

int tl_own_text(struct crdt_replica *r, const struct tl_rec *rec,
		unsigned field, const char *s)
{
	struct crdt_op op;

	own_op(&op, rec);
	if (crdt_op_set_text(&op, field, s))
		return KITH_EINVAL;
	return tl_commit(r, &op, 1, NULL);
}

int tl_own_int(struct crdt_replica *r, const struct tl_rec *rec,
	       unsigned field, int64_t v)
{
	struct crdt_op op;

	own_op(&op, rec);
	if (crdt_op_set_int(&op, field, v))
		return KITH_EINVAL;
	return tl_commit(r, &op, 1, NULL);
}

static void ref_op(struct crdt_op *op, unsigned rtype,
		   const uint8_t id[CRDT_ID_LEN])
{
	crdt_op_init(op, CRDT_OP_REF, rtype);
	memcpy(op->target, id, CRDT_ID_LEN);
	op->target_len = CRDT_ID_LEN;
}

int tl_ref_text(struct crdt_replica *r, unsigned rtype,
		const uint8_t id[CRDT_ID_LEN], unsigned field, const char *s)
{
	struct crdt_op op;

	ref_op(&op, rtype, id);
	if (crdt_op_set_text(&op, field, s))
		return KITH_EINVAL;
	return tl_commit(r, &op, 1, NULL);
}

int tl_ref_int(struct crdt_replica *r, unsigned rtype,
	       const uint8_t id[CRDT_ID_LEN], unsigned field, int64_t v)
{
	struct crdt_op op;

	ref_op(&op, rtype, id);
	if (crdt_op_set_int(&op, field, v))
		return KITH_EINVAL;
	return tl_commit(r, &op, 1, NULL);
}

/* ---- raw changes --------------------------------------------------------- */

int tl_changes_add(struct tl_changes *c, const void *p, size_t len)
{
	uint8_t *copy;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		struct crdt_raw *v = realloc(c->v, cap * sizeof *v);

		if (!v)
			return KITH_ENOMEM;
		c->v = v;
		c->cap = cap;
	}
	copy = malloc(len ? len : 1);
	if (!copy)
		return KITH_ENOMEM;
	if (len)
		memcpy(copy, p, len);
	c->v[c->n].p = copy;
	c->v[c->n].len = len;
	c->n++;
	return 0;
}

static int read_blobs(struct crdt_replica *r, const char *sql,
		      struct tl_changes *out)
{
	sqlite3 *db = crdt_store_db(r->store);
	sqlite3_stmt *q = NULL;
	int rc = 0, step;

	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
		fprintf(stderr, "testlib: %s: %s\n", sql, sqlite3_errmsg(db));
		return KITH_EDB;
	}
	while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW)
		rc = tl_changes_add(out, sqlite3_column_blob(q, 0),
				    (size_t)sqlite3_column_bytes(q, 0));
	if (!rc && step != SQLITE_DONE)
		rc = KITH_EDB;
	sqlite3_finalize(q);
	return rc;
}

int tl_changes_read(struct crdt_replica *r, struct tl_changes *out)
{
	return read_blobs(r, "SELECT data FROM changes ORDER BY k", out);
}

int tl_forks_read(struct crdt_replica *r, struct tl_changes *out)
{
	return read_blobs(r, "SELECT data FROM forks ORDER BY n, seq, hash",
			  out);
}

void tl_changes_free(struct tl_changes *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free((void *)c->v[i].p);
	free(c->v);
	c->v = NULL;
	c->n = c->cap = 0;
}

void tl_shuffle(struct tl_env *e, struct crdt_raw *v, size_t n)
{
	size_t i;

	for (i = n; i > 1; i--) {
		size_t j = (size_t)tl_rand_below(e, i);
		struct crdt_raw t = v[i - 1];

		v[i - 1] = v[j];
		v[j] = t;
	}
}

int tl_make_change(const struct crdt_identity *id, uint64_t seq,
		   const uint8_t *prev, uint64_t hlc, const struct crdt_op *ops,
		   uint32_t nops, struct tl_changes *out, uint8_t *hash)
{
	struct crdt_change c;
	struct crdt_buf b;
	uint8_t sig[CRDT_SIG_LEN];
	int rc;

	memset(&c, 0, sizeof c);
	memcpy(c.author, id->pk, CRDT_PK_LEN);
	c.seq = seq;
	if (prev)
		memcpy(c.prev, prev, CRDT_HASH_LEN);
	c.hlc = hlc;
	c.ops = (struct crdt_op *)ops;
	c.nops = nops;
	crdt_buf_init(&b, CRDT_MAX_BODY + CRDT_SIG_LEN);
	rc = crdt_change_encode_body(&c, &b);
	if (!rc) {
		if (hash)
			crdt_hash(hash, CRDT_HASH_LEN, b.data, b.len);
		crdt_sign(sig, b.data, b.len, id);
		rc = crdt_buf_put(&b, sig, sizeof sig);
	}
	if (!rc)
		rc = tl_changes_add(out, b.data, b.len);
	crdt_buf_release(&b);
	return rc;
}

int tl_apply(struct crdt_replica *r, const struct crdt_raw *v, size_t n,
	     struct crdt_apply_stats *st)
{
	memset(st, 0, sizeof *st);
	return crdt_replica_apply(r, v, n, st);
}

int tl_sync(struct crdt_replica *to, struct crdt_replica *from,
	    struct crdt_apply_stats *st)
{
	struct tl_changes c = { 0 };
	int rc = tl_changes_read(from, &c);

	if (!rc)
		rc = tl_forks_read(from, &c);
	if (!rc)
		rc = tl_apply(to, c.v, c.n, st);
	tl_changes_free(&c);
	return rc;
}

/* ---- state ----------------------------------------------------------------- */

static int hash_query(struct crdt_replica *r, struct crdt_hasher *h,
		      const char *sql)
{
	sqlite3 *db = crdt_store_db(r->store);
	sqlite3_stmt *q = NULL;
	int step, i, n;

	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
		fprintf(stderr, "testlib: %s: %s\n", sql, sqlite3_errmsg(db));
		return KITH_EDB;
	}
	crdt_hasher_update(h, sql, strlen(sql) + 1);
	n = sqlite3_column_count(q);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		for (i = 0; i < n; i++) {
			uint8_t ty = (uint8_t)sqlite3_column_type(q, i);
			uint64_t len;

			crdt_hasher_update(h, &ty, 1);
			if (ty == SQLITE_INTEGER) {
				int64_t v = sqlite3_column_int64(q, i);

				crdt_hasher_update(h, &v, sizeof v);
			} else if (ty == SQLITE_FLOAT) {
				double d = sqlite3_column_double(q, i);

				crdt_hasher_update(h, &d, sizeof d);
			} else if (ty != SQLITE_NULL) {
				const void *p = sqlite3_column_blob(q, i);

				len = (uint64_t)sqlite3_column_bytes(q, i);
				crdt_hasher_update(h, &len, sizeof len);
				crdt_hasher_update(h, p, (size_t)len);
			}
		}
	}
	sqlite3_finalize(q);
	return step == SQLITE_DONE ? 0 : KITH_EDB;
}

int tl_state(struct crdt_replica *r, unsigned parts, uint8_t out[CRDT_HASH_LEN])
{
	static const char *const log_sql[] = {
		"SELECT pk, head, head_hash, forked FROM authors WHERE head > 0"
		" ORDER BY pk",
		"SELECT a.pk, c.k & 1099511627775, c.hlc, c.data FROM changes c"
		" JOIN authors a ON a.n = c.k >> 40 ORDER BY a.pk, c.k",
		"SELECT a.pk, f.seq, f.hash, f.data FROM forks f"
		" JOIN authors a ON a.n = f.n ORDER BY a.pk, f.seq, f.hash",
	};
	static const char *const view_sql[] = {
		"SELECT * FROM members ORDER BY id",
		"SELECT * FROM items ORDER BY id",
		"SELECT * FROM wishes ORDER BY id",
		"SELECT * FROM claims ORDER BY id",
		"SELECT * FROM loans ORDER BY id",
	};
	static const char *const extra_sql[] = {
		"SELECT pk, head, head_hash, forked FROM authors ORDER BY pk",
		"SELECT a.pk, p.seq, p.data FROM pending p"
		" JOIN authors a ON a.n = p.n ORDER BY a.pk, p.seq",
		"SELECT count(*) FROM pending",
		"SELECT k, v FROM meta ORDER BY k",
		"SELECT count(*) FROM changes",
		"SELECT count(*) FROM forks",
	};
	struct crdt_hasher h;
	size_t i;
	int rc = 0;

	crdt_hasher_init(&h);
	for (i = 0; !rc && (parts & TL_S_LOG) && i < 3; i++)
		rc = hash_query(r, &h, log_sql[i]);
	for (i = 0; !rc && (parts & TL_S_VIEW) && i < 5; i++)
		rc = hash_query(r, &h, view_sql[i]);
	for (i = 0; !rc && (parts & TL_S_EXTRA) && i < 6; i++)
		rc = hash_query(r, &h, extra_sql[i]);
	crdt_hasher_final(&h, out);
	return rc;
}

int tl_digest(struct crdt_replica *r, char out[65])
{
	return crdt_digest(r->store, out);
}

int64_t tl_int(struct crdt_replica *r, const char *sql)
{
	sqlite3 *db = crdt_store_db(r->store);
	sqlite3_stmt *q = NULL;
	int64_t v = 0;
	int step;

	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
		fail_msg("testlib: cannot prepare '%s': %s", sql,
			 sqlite3_errmsg(db));
	step = sqlite3_step(q);
	if (step == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		fail_msg("testlib: '%s' failed: %s", sql, sqlite3_errstr(step));
	return v;
}

int tl_text(struct crdt_replica *r, const char *sql, const void *blob,
	    size_t blob_len, char *out, size_t n)
{
	sqlite3 *db = crdt_store_db(r->store);
	sqlite3_stmt *q = NULL;
	int step, rc = 0;

	if (n)
		out[0] = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
		return KITH_EDB;
	if (blob)
		sqlite3_bind_blob(q, 1, blob, (int)blob_len, SQLITE_STATIC);
	step = sqlite3_step(q);
	if (step == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(q, 0);

		if (t && n)
			snprintf(out, n, "%s", (const char *)t);
	} else {
		rc = step == SQLITE_DONE ? KITH_ENOTFOUND : KITH_EDB;
	}
	sqlite3_finalize(q);
	return rc;
}

const char *tl_title(struct crdt_replica *r, unsigned rtype,
		     const uint8_t id[CRDT_ID_LEN], char *out, size_t n)
{
	const char *sql = rtype == CRDT_R_WISH
				  ? "SELECT title FROM wishes WHERE id = ?1"
				  : "SELECT title FROM items WHERE id = ?1";

	if (tl_text(r, sql, id, CRDT_ID_LEN, out, n) && n)
		out[0] = 0;
	return out;
}

int tl_author(struct crdt_replica *r, const uint8_t pk[CRDT_PK_LEN],
	      struct crdt_author *a)
{
	return crdt_store_author(r->store, pk, 0, a);
}

/* ---- people acting ------------------------------------------------------ */

/* The founder's genesis record and community file. */
static void tl_found(struct action *a, struct tl_env *e)
{
	struct peer_community com;
	struct crdt_author au;
	struct crdt_op op;

	memset(&com, 0, sizeof com);
	snprintf(com.name, sizeof com.name, "Test Street");
	tl_rand_bytes(e, com.key, sizeof com.key);
	com.version = 2;
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_COMMUNITY);
	TL_OK(crdt_op_set_text(&op, F_COMMUNITY_NAME, com.name));
	TL_OK(tl_commit(&a->r, &op, 1, NULL));
	TL_OK(crdt_store_author(a->r.store, a->r.id.pk, 0, &au));
	memcpy(com.genesis, au.head_hash, CRDT_HASH_LEN);
	TL_OK(peer_community_save(a->home, &com));
	peer_community_wipe(&com);
}

struct action *tl_member(struct tl_fixture *f, const char *name)
{
	struct action *a;
	struct peer_community com;
	struct tl_env e;
	struct crdt_env env;
	char dir[TL_PATH_MAX + 256];

	TL_CHECK(f->nmembers < TL_MAX_MEMBERS, "testlib: more than %d members",
		 TL_MAX_MEMBERS);
	a = calloc(1, sizeof *a);
	TL_CHECK(a != NULL, "testlib: out of memory");
	f->member[f->nmembers++] = a;
	action_init(a, TL_EPOCH_MS);
	tl_path(f, name, dir, sizeof dir);
	if (action_open(a, dir, ACTION_CREATE))
		fail_msg("testlib: cannot open member '%s': %s", name, a->msg);
	tl_env_init(&e, f->seed * 1000003u + (uint64_t)f->nmembers);
	env = tl_env_crdt(&e);
	TL_OK(peer_identity_create(a->home, &env, &a->r.id));
	TL_OK(tl_profile(&a->r, name));
	if (f->nmembers == 1) {
		tl_found(a, &e);
	} else {
		TL_OK(peer_community_load(f->member[0]->home, &com));
		TL_OK(peer_community_save(a->home, &com));
		peer_community_wipe(&com);
		tl_member_sync(a, f->member[0]);
	}
	TL_OK(action_refresh(a));
	return a;
}

int64_t tl_changes(struct action *a)
{
	return tl_int(&a->r, "SELECT count(*) FROM changes");
}

void tl_member_sync(struct action *a, struct action *b)
{
	struct crdt_apply_stats st;

	TL_OK(tl_sync(&a->r, &b->r, &st));
	TL_OK(tl_sync(&b->r, &a->r, &st));
	TL_OK(action_refresh(a));
	TL_OK(action_refresh(b));
}
