#include <string.h>
#include <time.h>

#include "codec.h"
#include "db.h"
#include "err.h"
#include "replica.h"

static uint64_t system_now_ms(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void system_random(void *ctx, void *buf, size_t n)
{
	(void)ctx;
	crdt_crypto_random(buf, n);
}

const struct crdt_env crdt_env_system = { system_now_ms, system_random, NULL };

int crdt_replica_open(struct crdt_replica *r, const char *path,
		      const struct crdt_env *env)
{
	int rc;

	memset(r, 0, sizeof *r);

	r->env = env ? *env : crdt_env_system;
	rc = crdt_store_open(&r->store, path);
	if (rc)
		return rc;
	/* logs kept by an older kith meet today's signature rules */
	rc = crdt_apply_recheck(r->store);
	if (rc) {
		crdt_store_close(r->store);
		r->store = NULL;
	}
	return rc;
}

int crdt_replica_wrote(const struct crdt_replica *r)
{
	return crdt_store_log_writes(r->store) > 0;
}

void crdt_replica_close(struct crdt_replica *r)
{
	crdt_store_close(r->store);
	r->store = NULL;
	crdt_identity_release(&r->id);
}

int crdt_replica_hlc(struct crdt_replica *r, uint64_t *hlc)
{
	int64_t last;
	uint64_t now = r->env.now_ms(r->env.ctx) << 16;
	int rc = crdt_store_meta_get_int(r->store, "hlc", &last);

	if (rc)
		return rc;
	*hlc = now > (uint64_t)last ? now : (uint64_t)last + 1;
	return crdt_store_meta_set_int(r->store, "hlc", (int64_t)*hlc);
}

int crdt_replica_observe_hlc(struct crdt_replica *r, uint64_t hlc)
{
	uint64_t limit = (r->env.now_ms(r->env.ctx) + CRDT_HLC_MAX_DRIFT_MS)
			 << 16;
	int64_t last;
	int rc;

	if (hlc > limit)
		hlc = limit;
	rc = crdt_store_meta_get_int(r->store, "hlc", &last);
	if (rc || hlc <= (uint64_t)last)
		return rc;
	return crdt_store_meta_set_int(r->store, "hlc", (int64_t)hlc);
}

int crdt_replica_newest_hlc(struct crdt_replica *r, uint64_t *hlc)
{
	int64_t last = 0;
	int rc = crdt_store_meta_get_int(r->store, "hlc", &last);

	*hlc = rc ? 0 : (uint64_t)last;
	return rc;
}

/* Hash (may be NULL) and stamp (may be NULL) of stored change (n, seq).
 * The stamp is read from the body's header (change.h), which precedes the
 * ops: no need to decode them. */
static int stored_change(struct crdt_replica *r, int64_t n, uint64_t seq,
			 uint8_t hash[CRDT_HASH_LEN], uint64_t *hlc)
{
	struct crdt_buf buf;
	struct crdt_rd rd;
	int rc;

	crdt_buf_init(&buf, CRDT_MAX_BODY + CRDT_SIG_LEN);
	rc = crdt_store_get_change(r->store, n, seq, &buf);
	if (!rc && buf.len <= CRDT_SIG_LEN)
		rc = KITH_EDECODE;
	if (rc)
		goto out;
	if (hash)
		crdt_hash(hash, CRDT_HASH_LEN, buf.data, buf.len - CRDT_SIG_LEN);
	if (hlc) {
		crdt_rd_init(&rd, buf.data, buf.len - CRDT_SIG_LEN);
		(void)crdt_rd_u8(&rd);
		(void)crdt_rd_bytes(&rd, CRDT_PK_LEN);
		if (crdt_rd_varint(&rd) > 1)
			(void)crdt_rd_bytes(&rd, CRDT_HASH_LEN);
		*hlc = crdt_rd_varint(&rd);
		rc = rd.err;
	}
out:
	crdt_buf_release(&buf);
	return rc;
}

/* 1 if the replica, where this identity is author a, holds record rec:
 * rec.seq is 0, or a's log here reaches rec.seq with the same change there
 * (or a is forked here: see replica.h).  0 if not; < 0 on error. */
static int holds(struct crdt_replica *r, const struct crdt_author *a,
		 const struct crdt_head *rec)
{
	uint8_t hash[CRDT_HASH_LEN];
	int rc;

	if (!rec->seq || a->forked)
		return 1;
	if (a->head < rec->seq)
		return 0;
	if (a->head == rec->seq)
		return crdt_equal(a->head_hash, rec->hash, CRDT_HASH_LEN);
	rc = stored_change(r, a->n, rec->seq, hash, NULL);
	if (rc == KITH_ENOTFOUND) /* a gap below the head: cannot be */
		return 0;
	return rc ? rc : crdt_equal(hash, rec->hash, CRDT_HASH_LEN);
}

/* The keeper's record into *rec; *kept = 0 (and rec->seq = 0) when it
 * keeps none. */
static int load_record(struct crdt_replica *r, struct crdt_head *rec,
		       int *kept)
{
	int rc;

	memset(rec, 0, sizeof *rec);
	*kept = 0;
	if (!r->keeper.load || !r->id.sk)
		return 0;
	rc = r->keeper.load(r->keeper.ctx, r->id.pk, rec);
	if (rc == KITH_ENOTFOUND) {
		memset(rec, 0, sizeof *rec);
		return 0;
	}
	*kept = !rc;
	return rc;
}

int crdt_replica_own_head(struct crdt_replica *r, struct crdt_head *h,
			  struct crdt_head *rec, int *held)
{
	struct crdt_author a;
	struct crdt_head tmp;
	int rc, kept;

	memset(h, 0, sizeof *h);
	if (!r->id.sk)
		return KITH_ENOIDENT;
	rc = crdt_store_author(r->store, r->id.pk, 0, &a);
	if (rc)
		return rc;
	h->seq = a.head;
	memcpy(h->hash, a.head_hash, CRDT_HASH_LEN);
	if (!rec && !held)
		return 0;
	if (!rec)
		rec = &tmp;
	rc = load_record(r, rec, &kept);
	if (!rc && held) {
		rc = holds(r, &a, rec);
		*held = rc > 0;
		rc = rc < 0 ? rc : 0;
	}
	return rc;
}

/* What keep_head would record: 1 and *h when the replica holds the record
 * (or none is kept) and its head differs from it, else 0. */
static int head_to_record(struct crdt_replica *r, struct crdt_head *h)
{
	struct crdt_author a;
	struct crdt_head rec;
	int rc, kept;

	rc = crdt_store_author(r->store, r->id.pk, 0, &a);
	if (!rc)
		rc = load_record(r, &rec, &kept);
	if (!rc)
		rc = holds(r, &a, &rec);
	if (rc <= 0)
		return rc;
	if (kept && rec.seq == a.head &&
	    crdt_equal(rec.hash, a.head_hash, CRDT_HASH_LEN))
		return 0;
	h->seq = a.head;
	memcpy(h->hash, a.head_hash, CRDT_HASH_LEN);
	return 1;
}

int crdt_replica_keep_head(struct crdt_replica *r)
{
	struct crdt_head h;
	int own_tx, rc;

	if (!r->id.sk || !r->keeper.load || !r->keeper.save)
		return 0;
	/* the common case, nothing to record, without taking the lock */
	rc = head_to_record(r, &h);
	if (rc <= 0)
		return rc;
	own_tx = !crdt_store_in_tx(r->store);
	if (own_tx) {
		rc = crdt_store_begin(r->store);
		if (rc)
			return rc;
	}
	rc = head_to_record(r, &h); /* again, under the write lock */
	if (rc > 0)
		rc = r->keeper.save(r->keeper.ctx, r->id.pk, &h);
	if (own_tx)
		crdt_store_rollback(r->store); /* nothing was written */
	return rc < 0 ? rc : 0;
}

int crdt_replica_commit(struct crdt_replica *r, struct crdt_op *ops,
			uint32_t nops, uint64_t *seq)
{
	struct crdt_head rec;
	uint64_t prev_hlc = 0;
	int kept;
	struct crdt_change c;
	struct crdt_author a;
	struct crdt_buf buf;
	int own_tx = !crdt_store_in_tx(r->store);
	int rc;

	if (!r->id.sk)
		return KITH_ENOIDENT;
	crdt_buf_init(&buf, CRDT_MAX_BODY + CRDT_SIG_LEN);
	if (own_tx) {
		rc = crdt_store_begin(r->store);
		if (rc)
			goto out;
	}
	rc = crdt_store_author(r->store, r->id.pk, 1, &a);
	if (!rc)
		rc = load_record(r, &rec, &kept);
	if (!rc) {
		rc = holds(r, &a, &rec);
		if (!rc)
			rc = KITH_EBEHIND;
		else if (rc > 0)
			rc = 0;
	}
	if (!rc && a.head)
		rc = stored_change(r, a.n, a.head, NULL, &prev_hlc);
	if (rc)
		goto out;
	memset(&c, 0, sizeof c);
	memcpy(c.author, r->id.pk, CRDT_PK_LEN);
	c.seq = a.head + 1;
	memcpy(c.prev, a.head_hash, CRDT_HASH_LEN);
	c.ops = ops;
	c.nops = nops;
	rc = crdt_replica_hlc(r, &c.hlc);
	if (!rc && c.hlc <= prev_hlc) { /* our own log came back capped */
		c.hlc = prev_hlc + 1;
		rc = crdt_store_meta_set_int(r->store, "hlc", (int64_t)c.hlc);
	}
	if (rc)
		goto out;
	rc = crdt_change_encode_body(&c, &buf);
	if (rc)
		goto out;
	c.body = buf.data;
	c.body_len = buf.len;
	crdt_hash(c.hash, CRDT_HASH_LEN, buf.data, buf.len);
	crdt_sign(c.sig, buf.data, buf.len, &r->id);
	rc = crdt_buf_put(&buf, c.sig, CRDT_SIG_LEN);
	if (rc)
		goto out;
	c.body = buf.data; /* may have moved */
	rc = crdt_store_put_change(r->store, a.n, c.seq, c.hlc, buf.data,
				   buf.len, 1 /* we signed it */);
	if (c.hlc > a.top)
		a.top = c.hlc;
	if (!rc)
		rc = crdt_store_materialize(r->store, &c, a.top);
	if (rc)
		goto out;
	a.head = c.seq;
	memcpy(a.head_hash, c.hash, CRDT_HASH_LEN);
	rc = crdt_store_set_head(r->store, &a);
	if (!rc && own_tx)
		rc = crdt_store_commit(r->store);
	if (!rc && seq)
		*seq = c.seq;
out:
	if (rc && own_tx)
		crdt_store_rollback(r->store);
	crdt_buf_release(&buf);
	/* committed (on disk): now the record, before we report success; its
	 * failure is the keeper's to report, the change stays (replica.h) */
	if (!rc && own_tx) {
		int kept_rc = crdt_replica_keep_head(r);

		(void)kept_rc;
	}
	return rc;
}

int crdt_replica_apply(struct crdt_replica *r, const struct crdt_raw *in,
		       size_t n, struct crdt_apply_stats *st)
{
	int rc = crdt_store_begin(r->store);

	if (rc)
		return rc;
	rc = crdt_apply(r->store, in, n, st);
	if (!rc && st->max_hlc)
		rc = crdt_replica_observe_hlc(r, st->max_hlc);
	if (!rc)
		rc = crdt_store_commit(r->store);
	else
		crdt_store_rollback(r->store);
	return rc;
}
