/*
 * run.c - the run stream: writing an author's log as runs, and reading
 * and applying a stream in batches (see run.h).
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "run.h"

#define ENT_END 0
#define ENT_RUN 1
#define ENT_RAW 2

enum { RUN_LOG, RUN_FORKS, RUN_SIZES, RUN_NSQL };

static const char *const run_sql[RUN_NSQL] = {
	[RUN_LOG] = "SELECT data FROM changes WHERE k >= ?1 AND k <= ?2"
		    " ORDER BY k",
	[RUN_FORKS] = "SELECT data FROM forks ORDER BY n, seq, hash",
	[RUN_SIZES] = "SELECT length(data) FROM changes WHERE k >= ?1"
		      " AND k <= ?2 ORDER BY k",
};
static const struct crdt_stmts run_stmts = CRDT_STMTS(run_sql);

/* ---- writing ----------------------------------------------------------- */

static int wput(struct crdt_sink *k, const void *p, size_t n)
{
	return k->put(k->ctx, p, n);
}

static int wvarint(struct crdt_sink *k, uint64_t v, int zigzag)
{
	struct crdt_buf b;
	uint8_t tmp[16];
	int rc;

	b.data = tmp;
	b.len = 0;
	b.cap = sizeof tmp;
	b.limit = sizeof tmp;
	rc = zigzag ? crdt_buf_put_svarint(&b, (int64_t)v)
		    : crdt_buf_put_varint(&b, v);
	return rc ? rc : wput(k, tmp, b.len);
}

/* The RUN entry's head, before the first change. */
static int write_run_head(struct crdt_sink *k, const struct crdt_change *c,
			  uint64_t count)
{
	uint8_t op = ENT_RUN;
	int rc = wput(k, &op, 1);

	if (!rc)
		rc = wput(k, c->author, CRDT_PK_LEN);
	if (!rc)
		rc = wvarint(k, c->seq, 0);
	if (!rc && c->seq > 1)
		rc = wput(k, c->prev, CRDT_HASH_LEN);
	if (!rc)
		rc = wvarint(k, count, 0);
	return rc;
}

/* One change inside a RUN: what the head and the change before imply is
 * left out. */
static int write_run_change(struct crdt_sink *k, const struct crdt_change *c,
			    uint64_t prev_hlc)
{
	size_t ops_len = c->body_len - c->ops_off;
	int rc = wvarint(k, c->hlc - prev_hlc, 1);

	if (!rc)
		rc = wvarint(k, ops_len, 0);
	if (!rc)
		rc = wput(k, c->body + c->ops_off, ops_len);
	if (!rc)
		rc = wput(k, c->sig, CRDT_SIG_LEN);
	return rc;
}

int crdt_runs_write_log(struct crdt_store *s, int64_t n, uint64_t from,
			uint64_t to, struct crdt_sink *k)
{
	sqlite3_stmt *q = crdt_stmt(s, &run_stmts, RUN_LOG);
	uint64_t prev_hlc = 0, seq = from;
	int rc = 0;

	if (!q)
		return KITH_EDB;
	sqlite3_bind_int64(q, 1, CRDT_KEY(n, from));
	sqlite3_bind_int64(q, 2, CRDT_KEY(n, to));
	while (!rc && crdt_next(s, q, &rc)) {
		struct crdt_change c;
		const uint8_t *p = sqlite3_column_blob(q, 0);
		size_t len = (size_t)sqlite3_column_bytes(q, 0);

		rc = crdt_change_decode(&c, p, len);
		if (rc)
			break;
		if (c.seq != seq)
			rc = KITH_EDB; /* the log has a hole: never expected */
		else if (seq == from)
			rc = write_run_head(k, &c, to - from + 1);
		if (!rc)
			rc = write_run_change(k, &c, prev_hlc);
		prev_hlc = c.hlc;
		seq++;
		crdt_change_release(&c);
	}
	crdt_reset(q);
	if (!rc && seq != to + 1)
		rc = KITH_EDB;
	return rc;
}

int crdt_runs_write(struct crdt_store *s, const uint8_t pk[32], uint64_t from,
		    uint64_t to, struct crdt_sink *k)
{
	struct crdt_author a;
	int rc = crdt_store_author(s, pk, 0, &a);

	if (rc)
		return rc;
	if (!a.n || to > a.head || from < 1 || from > to)
		return KITH_ENOTFOUND;
	return crdt_runs_write_log(s, a.n, from, to, k);
}

int crdt_runs_fit(struct crdt_store *s, const uint8_t pk[32], uint64_t from,
		  uint64_t max, size_t budget, uint64_t *count)
{
	sqlite3_stmt *q = crdt_stmt(s, &run_stmts, RUN_SIZES);
	struct crdt_author a;
	size_t used = CRDT_RUN_HEAD_MAX;
	int rc;

	*count = 0;
	if (!q)
		return KITH_EDB;
	rc = crdt_store_author(s, pk, 0, &a);
	if (rc)
		return rc;
	if (!a.n || from < 1 || from > a.head)
		return KITH_ENOTFOUND;
	if (!max || budget < used)
		return 0;
	if (max > a.head - from + 1)
		max = a.head - from + 1;
	sqlite3_bind_int64(q, 1, CRDT_KEY(a.n, from));
	sqlite3_bind_int64(q, 2, CRDT_KEY(a.n, from + max - 1));
	while (!rc && crdt_next(s, q, &rc)) {
		/* "body sig" as stored; in the run the body loses its head and
		 * gains two varints (crdt_runs_write_log) */
		size_t len = (size_t)sqlite3_column_int64(q, 0) +
			     CRDT_RUN_CHANGE_EXTRA;

		if (len > budget - used)
			break;
		used += len;
		(*count)++;
	}
	crdt_reset(q);
	return rc;
}

int crdt_runs_write_forks(struct crdt_store *s, struct crdt_sink *k,
			  uint64_t *count)
{
	sqlite3_stmt *q = crdt_stmt(s, &run_stmts, RUN_FORKS);
	uint8_t op = ENT_RAW;
	int rc = 0;

	if (!q)
		return KITH_EDB;
	while (!rc && crdt_next(s, q, &rc)) {
		size_t len = (size_t)sqlite3_column_bytes(q, 0);

		rc = wput(k, &op, 1);
		if (!rc)
			rc = wvarint(k, len, 0);
		if (!rc)
			rc = wput(k, sqlite3_column_blob(q, 0), len);
		(*count)++;
	}
	crdt_reset(q);
	return rc;
}

int crdt_runs_end(struct crdt_sink *k, uint64_t total)
{
	uint8_t end = ENT_END;
	int rc = wput(k, &end, 1);

	return rc ? rc : wvarint(k, total, 0);
}

int crdt_runs_sig_ok(struct crdt_store *s, const uint8_t pk[32], uint64_t seq)
{
	struct crdt_author a;

	if (crdt_store_author(s, pk, 0, &a) || !a.n)
		return 0;
	/* checked on apply, and marked (crdt/apply.h): no body is read */
	return crdt_store_sig_ok(s, a.n, seq);
}

/* ---- reading ----------------------------------------------------------- */

/* Changes decoded from the stream, applied in batches of about BATCH
 * changes or BATCH_BYTES; a batch ends between entries, or inside a RUN
 * only after a change whose own signature is good (see parse_run). */
#define BATCH 8192
#define BATCH_BYTES (16u << 20)
#define CUT_RETRY 256
struct batch {
	struct crdt_buf arena;
	size_t *off, *len, n, cap;
	struct crdt_raw *raw;
};

static int batch_full(const struct batch *b)
{
	return b->n >= BATCH || b->arena.len >= BATCH_BYTES;
}

static int batch_flush(struct crdt_replica *r, struct batch *b,
		       struct crdt_apply_stats *st)
{
	size_t i;
	int rc;

	for (i = 0; i < b->n; i++) {
		/* a batch of empty changes has no arena at all */
		b->raw[i].p = b->arena.data ? b->arena.data + b->off[i]
					    : (const uint8_t *)"";
		b->raw[i].len = b->len[i];
	}
	rc = crdt_apply(r->store, b->raw, b->n, st);
	b->n = 0;
	crdt_buf_reset(&b->arena);
	return rc;
}

/* Room for one more change. */
static int batch_add(struct batch *b)
{
	size_t cap = b->cap ? 2 * b->cap : BATCH;
	void *o, *l, *w;

	if (b->n < b->cap)
		return 0;
	o = realloc(b->off, cap * sizeof *b->off);
	if (o)
		b->off = o;
	l = realloc(b->len, cap * sizeof *b->len);
	if (l)
		b->len = l;
	w = realloc(b->raw, cap * sizeof *b->raw);
	if (w)
		b->raw = w;
	if (!o || !l || !w)
		return KITH_ENOMEM;
	b->cap = cap;
	return 0;
}

/* 1 if the batch's last change carries a good signature of its own. */
static int batch_last_signed(const struct batch *b)
{
	struct crdt_change c;
	int ok;

	if (!b->n || crdt_change_decode(&c, b->arena.data + b->off[b->n - 1],
					 b->len[b->n - 1]))
		return 0;
	ok = crdt_change_verify(&c) == 0;
	crdt_change_release(&c);
	return ok;
}

static void batch_release(struct batch *b)
{
	crdt_buf_release(&b->arena);
	free(b->off);
	free(b->len);
	free(b->raw);
}

struct parse {
	struct crdt_replica *r;
	struct crdt_rd *rd;
	const struct crdt_run_src *src; /* NULL: rd covers the stream */
	int cut;			/* runs may be cut (see run.h) */
	struct crdt_apply_stats *st;
	crdt_run_fn on_run;
	void *ctx;
	struct batch b;
	uint64_t total; /* changes read */
};

/* Make n bytes readable through the rd, if the stream holds that many. */
static void need(struct parse *ps, size_t n)
{
	if (ps->src && !ps->rd->err && crdt_rd_left(ps->rd) < n)
		ps->src->need(ps->src->ctx, ps->rd, n);
}

/* An upper bound of the bytes left in the stream. */
static uint64_t left(const struct parse *ps)
{
	return crdt_rd_left(ps->rd) + (ps->src ? ps->src->unread(ps->src->ctx)
					       : 0);
}

static int parse_end(struct parse *ps)
{
	struct crdt_rd *rd = ps->rd;
	int rc;

	need(ps, 10);
	rc = crdt_rd_varint(rd) != ps->total ? KITH_EDECODE : 0;
	need(ps, 1); /* nothing may follow */
	if (!rc && crdt_rd_left(rd))
		rc = KITH_EDECODE;
	return rc;
}

static int parse_raw(struct parse *ps)
{
	struct crdt_rd *rd = ps->rd;
	const uint8_t *p;
	uint64_t len;
	int rc;

	need(ps, 10);
	len = crdt_rd_varint(rd);
	if (!rd->err && len > CRDT_MAX_BODY + CRDT_SIG_LEN)
		rd->err = KITH_EDECODE;
	need(ps, len);
	p = crdt_rd_bytes(rd, len);
	if (!p)
		return 0; /* rd->err says why */
	rc = batch_add(&ps->b);
	if (rc)
		return rc;
	ps->b.off[ps->b.n] = ps->b.arena.len;
	ps->b.len[ps->b.n++] = len;
	rc = crdt_buf_put(&ps->b.arena, p, len);
	ps->total++;
	return rc;
}

/* Rebuild one change of a run as "body sig" at the end of the batch's
 * arena; hash gets the body's hash (the next change's prev). */
static int parse_run_change(struct parse *ps, const uint8_t author[32],
			    uint64_t seq, const uint8_t *prev, uint64_t *hlc,
			    uint8_t hash[CRDT_HASH_LEN])
{
	struct crdt_rd *rd = ps->rd;
	struct batch *b = &ps->b;
	const uint8_t *p;
	uint64_t len;
	size_t start;
	int rc;

	need(ps, 20);
	*hlc += (uint64_t)crdt_rd_svarint(rd);
	len = crdt_rd_varint(rd);
	if (!rd->err && len > CRDT_MAX_BODY)
		rd->err = KITH_EDECODE;
	need(ps, len + CRDT_SIG_LEN);
	p = crdt_rd_bytes(rd, len);
	if (!p)
		return 0; /* rd->err says why */
	rc = batch_add(b);
	start = b->arena.len;
	if (!rc)
		rc = crdt_buf_put_u8(&b->arena, CRDT_VERSION);
	if (!rc)
		rc = crdt_buf_put(&b->arena, author, CRDT_PK_LEN);
	if (!rc)
		rc = crdt_buf_put_varint(&b->arena, seq);
	if (!rc && seq > 1)
		rc = crdt_buf_put(&b->arena, prev, CRDT_HASH_LEN);
	if (!rc)
		rc = crdt_buf_put_varint(&b->arena, *hlc);
	if (!rc)
		rc = crdt_buf_put(&b->arena, p, len);
	if (rc)
		return rc;
	crdt_hash(hash, CRDT_HASH_LEN, b->arena.data + start,
		  b->arena.len - start);
	p = crdt_rd_bytes(rd, CRDT_SIG_LEN);
	if (!p)
		return 0;
	rc = crdt_buf_put(&b->arena, p, CRDT_SIG_LEN);
	b->off[b->n] = start;
	b->len[b->n++] = b->arena.len - start;
	ps->total++;
	return rc;
}

/*
 * With cut set, a RUN longer than a batch is cut where a batch fills, but
 * only after a change whose own signature verifies (else the next tries
 * come every CUT_RETRY changes): each piece then reaches the apply path
 * ending in a good signature that vouches for it through the hash chain,
 * as when a sender cuts a run (crdt/apply.h), and memory stays bounded by
 * the batch even for one author's whole log.
 */
static int parse_run(struct parse *ps)
{
	struct crdt_rd *rd = ps->rd;
	uint8_t author[CRDT_PK_LEN], prevbuf[CRDT_HASH_LEN];
	const uint8_t *prev = NULL, *p;
	uint64_t seq, count, hlc = 0, i;
	size_t next_try = 0;
	int rc = 0;

	need(ps, CRDT_PK_LEN + 10 + CRDT_HASH_LEN + 10);
	p = crdt_rd_bytes(rd, CRDT_PK_LEN);
	if (p)
		memcpy(author, p, CRDT_PK_LEN);
	seq = crdt_rd_varint(rd);
	if (!rd->err && (seq < 1 || seq >= (1ull << CRDT_SEQ_BITS)))
		rd->err = KITH_EDECODE;
	if (seq > 1) {
		p = crdt_rd_bytes(rd, CRDT_HASH_LEN);
		if (p)
			memcpy(prevbuf, p, CRDT_HASH_LEN);
		prev = prevbuf;
	}
	count = crdt_rd_varint(rd);
	if (!rd->err && count > left(ps) / (CRDT_SIG_LEN + 3))
		rd->err = KITH_EDECODE;
	if (!rd->err && ps->on_run && count)
		ps->on_run(ps->ctx, author, seq, count);
	for (i = 0; !rc && !rd->err && i < count; i++, seq++) {
		/* the next change's prev is this one's hash */
		rc = parse_run_change(ps, author, seq, prev, &hlc, prevbuf);
		prev = prevbuf;
		if (rc || rd->err || !ps->cut || i + 1 == count ||
		    !batch_full(&ps->b) || ps->b.n < next_try)
			continue;
		if (batch_last_signed(&ps->b)) {
			rc = batch_flush(ps->r, &ps->b, ps->st);
			next_try = 0;
		} else {
			next_try = ps->b.n + CUT_RETRY;
		}
	}
	return rc;
}

/* Parse the stream to its END and apply it (inside the caller's
 * transaction). */
static int parse(struct parse *ps)
{
	struct crdt_rd *rd = ps->rd;
	int rc = 0, done = 0;

	crdt_buf_init(&ps->b.arena, SIZE_MAX);
	while (!rc && !done) {
		uint8_t t;

		if (batch_full(&ps->b)) {
			rc = batch_flush(ps->r, &ps->b, ps->st);
			if (rc)
				break;
		}
		need(ps, 1);
		t = crdt_rd_u8(rd);
		if (rd->err)
			break;
		switch (t) {
		case ENT_END:
			rc = parse_end(ps);
			done = 1;
			break;
		case ENT_RAW:
			rc = parse_raw(ps);
			break;
		case ENT_RUN:
			rc = parse_run(ps);
			break;
		default:
			rc = KITH_EDECODE;
		}
	}
	if (!rc && rd->err)
		rc = KITH_EDECODE;
	if (!rc && !done)
		rc = KITH_EDECODE;
	if (!rc)
		rc = batch_flush(ps->r, &ps->b, ps->st);
	batch_release(&ps->b);
	return rc;
}

static int read_stream(struct crdt_replica *r, struct crdt_rd *rd,
		       const struct crdt_run_src *src, int cut,
		       struct crdt_apply_stats *st, crdt_run_fn on_run,
		       void *ctx)
{
	struct parse ps;

	memset(&ps, 0, sizeof ps);
	ps.r = r;
	ps.rd = rd;
	ps.src = src;
	ps.cut = cut;
	ps.st = st;
	ps.on_run = on_run;
	ps.ctx = ctx;
	return parse(&ps);
}

int crdt_runs_read(struct crdt_replica *r, struct crdt_rd *rd,
		   const struct crdt_run_src *src, struct crdt_apply_stats *tmp)
{
	return read_stream(r, rd, src, 1, tmp, NULL, NULL);
}

int crdt_runs_finish(struct crdt_replica *r, int rc,
		     const struct crdt_apply_stats *tmp,
		     struct crdt_apply_stats *st)
{
	if (!rc && tmp->max_hlc)
		rc = crdt_replica_observe_hlc(r, tmp->max_hlc);
	if (!rc)
		rc = crdt_store_commit(r->store);
	else
		crdt_store_rollback(r->store);
	if (!rc)
		*st = *tmp;
	return rc;
}

int crdt_runs_apply(struct crdt_replica *r, const uint8_t *p, size_t n,
		    int strict, struct crdt_apply_stats *st, crdt_run_fn on_run,
		    void *ctx)
{
	struct crdt_apply_stats tmp = *st;
	struct crdt_rd rd;
	int rc = crdt_store_begin(r->store);

	if (rc)
		return rc;
	crdt_rd_init(&rd, p, n);
	rc = read_stream(r, &rd, NULL, 0, &tmp, on_run, ctx);
	if (!rc && strict && tmp.rejected > st->rejected) {
		*st = tmp; /* say what was wrong; keep nothing */
		rc = KITH_ESIG;
	}
	return crdt_runs_finish(r, rc, &tmp, st);
}
