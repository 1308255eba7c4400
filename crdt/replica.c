#include <sodium.h>
#include <string.h>
#include <time.h>

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
	randombytes_buf(buf, n);
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

int crdt_replica_commit(struct crdt_replica *r, struct crdt_op *ops,
			uint32_t nops, uint64_t *seq)
{
	struct crdt_change c;
	struct crdt_author a;
	struct crdt_buf buf;
	int own_tx = sqlite3_get_autocommit(crdt_store_db(r->store));
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
	if (rc)
		goto out;
	memset(&c, 0, sizeof c);
	memcpy(c.author, r->id.pk, CRDT_PK_LEN);
	c.seq = a.head + 1;
	memcpy(c.prev, a.head_hash, CRDT_HASH_LEN);
	c.ops = ops;
	c.nops = nops;
	rc = crdt_replica_hlc(r, &c.hlc);
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
	if (!rc)
		rc = crdt_store_materialize(r->store, &c);
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
