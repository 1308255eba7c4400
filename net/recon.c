/*
 * recon.c - see recon.h.
 *
 * Own entries are never copied: the vector is sorted by pk, the leaf of a
 * key is a monotone function of its first 8 bytes, so every bucket and
 * every leaf is one contiguous run of r->mine, found by binary search.
 * Peer entries are never stored either: each list is merged against our
 * run as it is read, and sends are recorded on the way.
 *
 * r->sub holds one byte per bucket on both sides: 0 = the bucket was equal
 * (or not yet known), KIND_ENTRIES + 1 or KIND_SUB + 1 as RECON2 said.
 * r->leaves holds, on the dialer, the global indices of the leaves it
 * listed in RECON3, in wire order: RECON4 answers them in that order.
 */
#include <stdlib.h>
#include <string.h>

#include "crdt/crypto.h"
#include "crdt/err.h"
#include "net/proto.h"
#include "net/recon.h"

enum {
	ST_HELLO,   /* waiting for the peer's HELLO */
	ST_WAIT_R1, /* listener */
	ST_WAIT_R2, /* dialer */
	ST_WAIT_R3, /* listener */
	ST_WAIT_R4, /* dialer */
	ST_DONE,
	ST_ERROR,
};

enum { KIND_ENTRIES = 0, KIND_SUB = 1 };

#define F_MAX 64
#define ENTRY_MIN 9 /* key_prefix:8 + a one-byte head */

/* ---- keys, leaves, fingerprints ----------------------------------------- */

static uint64_t key_prefix(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static uint32_t leaf_of(uint64_t prefix, unsigned F)
{
	return (uint32_t)(((unsigned __int128)prefix * (F * F)) >> 64);
}

static uint64_t elem_hash(const uint8_t pk[32], uint64_t head)
{
	uint8_t in[40], h[CRDT_HASH_LEN];
	uint64_t v = 0;
	int i;

	memcpy(in, pk, 32);
	for (i = 0; i < 8; i++)
		in[32 + i] = (uint8_t)(head >> (8 * i));
	crdt_hash(h, sizeof h, in, sizeof in);
	for (i = 7; i >= 0; i--)
		v = v << 8 | h[i];
	return v;
}

/*
 * F = clamp(round(sqrt(m / 6)), 1, 64) in integers only, so both sides
 * agree without trusting floating point: round(sqrt(x)) >= f exactly when
 * (f - 1/2)^2 <= x, i.e. 3 (2f - 1)^2 <= 2m.
 */
static unsigned choose_F(uint64_t m)
{
	unsigned f = 1;

	if (m > (1u << 20))
		m = 1u << 20; /* far past F_MAX; keeps 2m from overflowing */
	while (f < F_MAX &&
	       3ull * (2 * (f + 1) - 1) * (2 * (f + 1) - 1) <= 2 * m)
		f++;
	return f;
}

/* First index of mine whose leaf is >= leaf (n if none). */
static size_t lower_leaf(const struct net_recon *r, uint32_t leaf)
{
	size_t lo = 0, hi = r->mine->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (leaf_of(key_prefix(r->mine->v[mid].pk), r->F) < leaf)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void net_recon_fingerprint(const struct crdt_vector *vv,
			   uint8_t out[NET_RECON_FP_LEN])
{
	struct crdt_hasher h;
	uint8_t e[40], full[CRDT_HASH_LEN];
	size_t i;
	int k;

	crdt_hasher_init(&h);
	for (i = 0; i < vv->n; i++) {
		memcpy(e, vv->v[i].pk, 32);
		for (k = 0; k < 8; k++)
			e[32 + k] = (uint8_t)(vv->v[i].seq >> (8 * k));
		crdt_hasher_update(&h, e, sizeof e);
	}
	crdt_hasher_final(&h, full);
	memcpy(out, full, NET_RECON_FP_LEN);
}

/* ---- life cycle ------------------------------------------------------- */

void net_recon_init(struct net_recon *r, int dialer,
		    const struct crdt_vector *mine)
{
	memset(r, 0, sizeof *r);
	r->dialer = dialer ? 1 : 0;
	r->mine = mine;
	r->state = ST_HELLO;
}

void net_recon_release(struct net_recon *r)
{
	free(r->sends);
	free(r->sub);
	free(r->leaves);
	r->sends = NULL;
	r->sub = NULL;
	r->leaves = NULL;
	r->nsends = r->capsends = 0;
	r->nleaves = r->capleaves = 0;
}

int net_recon_done(const struct net_recon *r)
{
	return r->state == ST_DONE;
}

size_t net_recon_take_sends(struct net_recon *r, struct net_recon_send *out,
			    size_t max)
{
	size_t k = r->nsends < max ? r->nsends : max;

	if (k == 0)
		return 0;
	memcpy(out, r->sends, k * sizeof *out);
	memmove(r->sends, r->sends + k, (r->nsends - k) * sizeof *out);
	r->nsends -= k;
	return k;
}

/* ---- building blocks -------------------------------------------------- */

/*
 * Our entry i against the peer's head for its key: record a send when we
 * are ahead.  Each own entry is looked at once per reconciliation (ranges
 * are disjoint and each is answered once), so nsends <= mine->n.
 */
static int send_if_ahead(struct net_recon *r, size_t i, uint64_t peer_head)
{
	const struct crdt_vv_entry *e = &r->mine->v[i];
	struct net_recon_send *s;

	if (e->seq <= peer_head)
		return 0;
	if (r->nsends == r->capsends) {
		size_t cap = r->capsends ? 2 * r->capsends : 64;

		if (cap > r->mine->n)
			cap = r->mine->n;
		if (cap <= r->nsends)
			return KITH_EDECODE; /* cannot happen: see above */
		s = realloc(r->sends, cap * sizeof *s);
		if (!s)
			return KITH_ENOMEM;
		r->sends = s;
		r->capsends = cap;
	}
	s = &r->sends[r->nsends++];
	memcpy(s->pk, e->pk, 32);
	s->from = peer_head + 1;
	s->to = e->seq;
	return 0;
}

static int add_leaf(struct net_recon *r, uint32_t leaf)
{
	if (r->nleaves == r->capleaves) {
		size_t cap = r->capleaves ? 2 * r->capleaves : 16;
		uint32_t *l;

		if (cap > (size_t)r->F * r->F)
			cap = (size_t)r->F * r->F;
		if (cap <= r->nleaves)
			return KITH_EDECODE; /* indices are strictly increasing */
		l = realloc(r->leaves, cap * sizeof *l);
		if (!l)
			return KITH_ENOMEM;
		r->leaves = l;
		r->capleaves = cap;
	}
	r->leaves[r->nleaves++] = leaf;
	return 0;
}

/* entries = count:varint { key_prefix:8 head:varint } of mine[lo, hi) */
static int put_entries(struct crdt_buf *out, const struct crdt_vector *v,
		       size_t lo, size_t hi)
{
	size_t i;
	int rc;

	rc = crdt_buf_put_varint(out, hi - lo);
	for (i = lo; rc == 0 && i < hi; i++) {
		rc = crdt_buf_put(out, v->v[i].pk, 8);
		if (rc == 0)
			rc = crdt_buf_put_varint(out, v->v[i].seq);
	}
	return rc;
}

/* Sends for our entries [*j, hi) whose prefix is below key (peer head 0),
 * then for those equal to key (peer head head). */
static int flush_key(struct net_recon *r, size_t *j, size_t hi, uint64_t key,
		     uint64_t head)
{
	int rc = 0;

	while (rc == 0 && *j < hi && key_prefix(r->mine->v[*j].pk) < key)
		rc = send_if_ahead(r, (*j)++, 0);
	while (rc == 0 && *j < hi && key_prefix(r->mine->v[*j].pk) == key)
		rc = send_if_ahead(r, (*j)++, head);
	return rc;
}

/* Our head for key: the lowest of our entries with that prefix in
 * [*j, hi) (0 if none); *j moves past the smaller keys only, as the next
 * peer key may be the same. */
static uint64_t head_for(const struct net_recon *r, size_t *j, size_t hi,
			 uint64_t key)
{
	uint64_t head = 0;
	size_t t;
	int have = 0;

	while (*j < hi && key_prefix(r->mine->v[*j].pk) < key)
		(*j)++;
	for (t = *j; t < hi && key_prefix(r->mine->v[t].pk) == key; t++) {
		if (!have || r->mine->v[t].seq < head)
			head = r->mine->v[t].seq;
		have = 1;
	}
	return head;
}

/*
 * Read the peer's entries of leaves [leaf_lo, leaf_hi) and merge them with
 * ours (mine[lo, hi), the same leaves), recording our sends; when answer
 * is not NULL, append our head for each of the peer's keys to it (the
 * heads of RECON4).  Keys must be non-decreasing and inside the range.
 * Two entries with one key prefix (two authors whose keys share 8 bytes:
 * not expected, but not malformed) count as the lower head, so a side
 * rather sends too much.
 */
static int merge_entries(struct net_recon *r, struct crdt_rd *rd,
			 uint32_t leaf_lo, uint32_t leaf_hi, size_t lo,
			 size_t hi, struct crdt_buf *answer)
{
	uint64_t count, k, key, head, pkey = 0, phead = 0;
	const uint8_t *p;
	size_t j = lo, ja = lo;
	int have = 0, rc = 0;

	count = crdt_rd_varint(rd);
	if (rd->err || count > crdt_rd_left(rd) / ENTRY_MIN)
		return KITH_EDECODE;
	for (k = 0; k < count; k++) {
		uint32_t leaf;

		p = crdt_rd_bytes(rd, 8);
		head = crdt_rd_varint(rd);
		if (rd->err)
			return KITH_EDECODE;
		key = key_prefix(p);
		leaf = leaf_of(key, r->F);
		if (leaf < leaf_lo || leaf >= leaf_hi || (have && key < pkey))
			return KITH_EDECODE;
		if (answer) {
			rc = crdt_buf_put_varint(answer,
						 head_for(r, &ja, hi, key));
			if (rc)
				return rc;
		}
		if (have && key == pkey) {
			if (head < phead)
				phead = head;
			continue;
		}
		if (have) {
			rc = flush_key(r, &j, hi, pkey, phead);
			if (rc)
				return rc;
		}
		pkey = key;
		phead = head;
		have = 1;
	}
	if (have) {
		rc = flush_key(r, &j, hi, pkey, phead);
		if (rc)
			return rc;
	}
	while (rc == 0 && j < hi)
		rc = send_if_ahead(r, j++, 0);
	return rc;
}

/* The peer's heads for our entries mine[lo, hi), one each, in order. */
static int merge_heads(struct net_recon *r, struct crdt_rd *rd, size_t lo,
		       size_t hi)
{
	int rc = 0;

	for (; rc == 0 && lo < hi; lo++) {
		uint64_t head = crdt_rd_varint(rd);

		if (rd->err)
			return KITH_EDECODE;
		rc = send_if_ahead(r, lo, head);
	}
	return rc;
}

/* Our fingerprints of the F leaves of bucket b. */
static void leaf_fps(const struct net_recon *r, unsigned b,
		     uint64_t fps[F_MAX])
{
	size_t i = lower_leaf(r, b * r->F), hi = lower_leaf(r, (b + 1) * r->F);

	memset(fps, 0, r->F * sizeof fps[0]);
	for (; i < hi; i++) {
		const struct crdt_vv_entry *e = &r->mine->v[i];

		fps[leaf_of(key_prefix(e->pk), r->F) - b * r->F] +=
			elem_hash(e->pk, e->seq);
	}
}

/* Our fingerprints of all F buckets. */
static void bucket_fps(const struct net_recon *r, uint64_t fps[F_MAX])
{
	size_t i;

	memset(fps, 0, r->F * sizeof fps[0]);
	for (i = 0; i < r->mine->n; i++) {
		const struct crdt_vv_entry *e = &r->mine->v[i];

		fps[leaf_of(key_prefix(e->pk), r->F) / r->F] +=
			elem_hash(e->pk, e->seq);
	}
}

static int put_u64le(struct crdt_buf *out, uint64_t v)
{
	uint8_t b[8];
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	return crdt_buf_put(out, b, 8);
}

static uint64_t rd_u64le(struct crdt_rd *rd)
{
	const uint8_t *p = crdt_rd_bytes(rd, 8);
	uint64_t v = 0;
	int i;

	if (!p)
		return 0;
	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* n fingerprints, u64le each. */
static int put_fps(struct crdt_buf *out, const uint64_t *v, unsigned n)
{
	unsigned i;
	int rc = 0;

	for (i = 0; rc == 0 && i < n; i++)
		rc = put_u64le(out, v[i]);
	return rc;
}

static void rd_fps(struct crdt_rd *rd, uint64_t *v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		v[i] = rd_u64le(rd);
}

/* How many of n fingerprints differ, as a varint. */
static int put_ndiff(struct crdt_buf *out, const uint64_t *mine,
		     const uint64_t *theirs, unsigned n)
{
	unsigned i, ndiff = 0;

	for (i = 0; i < n; i++)
		ndiff += mine[i] != theirs[i];
	return crdt_buf_put_varint(out, ndiff);
}

/* A round's end: unless rc, answer with type (0: no answer) and wait in
 * state. */
static int round_end(struct net_recon *r, int rc, int *out_type, int type,
		     int state)
{
	if (rc)
		return rc;
	if (type)
		*out_type = type;
	r->state = state;
	return 0;
}

/* ---- messages --------------------------------------------------------- */

int net_recon_hello(struct net_recon *r, struct crdt_buf *out)
{
	uint8_t fp[NET_RECON_FP_LEN];
	int rc;

	net_recon_fingerprint(r->mine, fp);
	crdt_buf_reset(out);
	rc = crdt_buf_put_u8(out, NET_PROTO_VERSION);
	if (rc == 0)
		rc = crdt_buf_put_varint(out, r->mine->n);
	if (rc == 0)
		rc = crdt_buf_put(out, fp, sizeof fp);
	if (rc == 0) {
		r->bytes_out += out->len;
		r->rounds++;
	}
	return rc;
}

/* Peer's HELLO.  The dialer answers with RECON1 when the vectors differ. */
static int on_hello(struct net_recon *r, struct crdt_rd *rd, int *out_type,
		    struct crdt_buf *out)
{
	uint8_t fp[NET_RECON_FP_LEN];
	uint64_t fps[F_MAX];
	const uint8_t *theirs;
	uint8_t version;

	version = crdt_rd_u8(rd);
	r->peer_n = crdt_rd_varint(rd);
	theirs = crdt_rd_bytes(rd, NET_RECON_FP_LEN);
	if (rd->err || crdt_rd_left(rd) || version != NET_PROTO_VERSION)
		return KITH_EDECODE;
	net_recon_fingerprint(r->mine, fp);
	/* fingerprints are public: memcmp is fine */
	if (memcmp(fp, theirs, sizeof fp) == 0) {
		r->in_sync = 1;
		r->state = ST_DONE;
		return 0;
	}
	r->F = choose_F(r->mine->n > r->peer_n ? r->mine->n : r->peer_n);
	r->sub = calloc(r->F, 1);
	if (!r->sub)
		return KITH_ENOMEM;
	if (!r->dialer) {
		r->state = ST_WAIT_R1;
		return 0;
	}
	bucket_fps(r, fps);
	return round_end(r, put_fps(out, fps, r->F), out_type, NET_MSG_RECON1,
			 ST_WAIT_R2);
}

/* Listener: RECON1 -> RECON2. */
static int on_recon1(struct net_recon *r, struct crdt_rd *rd, int *out_type,
		     struct crdt_buf *out)
{
	uint64_t mine[F_MAX], theirs[F_MAX], sub[F_MAX];
	unsigned b, entries_max = r->F > 8 ? r->F : 8;
	int rc = 0;

	if (crdt_rd_left(rd) != 8 * (size_t)r->F)
		return KITH_EDECODE;
	rd_fps(rd, theirs, r->F);
	bucket_fps(r, mine);
	rc = put_ndiff(out, mine, theirs, r->F);
	for (b = 0; rc == 0 && b < r->F; b++) {
		size_t lo, hi;

		if (mine[b] == theirs[b])
			continue;
		lo = lower_leaf(r, b * r->F);
		hi = lower_leaf(r, (b + 1) * r->F);
		rc = crdt_buf_put_varint(out, b);
		if (rc)
			break;
		if (hi - lo <= entries_max) {
			r->sub[b] = KIND_ENTRIES + 1;
			rc = crdt_buf_put_u8(out, KIND_ENTRIES);
			if (rc == 0)
				rc = put_entries(out, r->mine, lo, hi);
		} else {
			r->sub[b] = KIND_SUB + 1;
			rc = crdt_buf_put_u8(out, KIND_SUB);
			leaf_fps(r, b, sub);
			if (rc == 0)
				rc = put_fps(out, sub, r->F);
		}
	}
	return round_end(r, rc, out_type, NET_MSG_RECON2, ST_WAIT_R3);
}

/* Dialer: RECON2 -> RECON3. */
static int on_recon2(struct net_recon *r, struct crdt_rd *rd, int *out_type,
		     struct crdt_buf *out)
{
	uint64_t mine[F_MAX], theirs[F_MAX], nb, i;
	int any_sub = 0, have = 0, rc = 0;
	unsigned prev = 0, k;

	nb = crdt_rd_varint(rd);
	if (rd->err || nb > r->F)
		return KITH_EDECODE;
	for (i = 0; rc == 0 && i < nb; i++) {
		uint64_t b = crdt_rd_varint(rd);
		uint8_t kind = crdt_rd_u8(rd);
		uint32_t b0;

		if (rd->err || b >= r->F || (have && b <= prev) ||
		    kind > KIND_SUB)
			return KITH_EDECODE;
		prev = (unsigned)b;
		have = 1;
		b0 = (uint32_t)b * r->F;
		r->sub[b] = kind + 1;
		if (kind == KIND_ENTRIES) {
			size_t lo = lower_leaf(r, b0);
			size_t hi = lower_leaf(r, b0 + r->F);

			rc = merge_entries(r, rd, b0, b0 + r->F, lo, hi, out);
			continue;
		}
		any_sub = 1;
		if (crdt_rd_left(rd) < 8 * (size_t)r->F)
			return KITH_EDECODE;
		rd_fps(rd, theirs, r->F);
		leaf_fps(r, (unsigned)b, mine);
		rc = put_ndiff(out, mine, theirs, r->F);
		for (k = 0; rc == 0 && k < r->F; k++) {
			if (mine[k] == theirs[k])
				continue;
			rc = crdt_buf_put_varint(out, k);
			if (rc == 0)
				rc = put_entries(out, r->mine,
						 lower_leaf(r, b0 + k),
						 lower_leaf(r, b0 + k + 1));
			if (rc == 0)
				rc = add_leaf(r, b0 + k);
		}
	}
	if (!rc && crdt_rd_left(rd))
		rc = KITH_EDECODE;
	return round_end(r, rc, out_type, NET_MSG_RECON3,
			 any_sub ? ST_WAIT_R4 : ST_DONE);
}

/*
 * Listener: RECON3 -> RECON4 (only when RECON2 had a SUB bucket).  RECON4
 * is written while RECON3 is read: our head for each key the dialer lists.
 */
static int on_recon3(struct net_recon *r, struct crdt_rd *rd, int *out_type,
		     struct crdt_buf *out)
{
	int any_sub = 0, rc = 0;
	unsigned b;

	for (b = 0; rc == 0 && b < r->F; b++) {
		uint32_t b0 = b * r->F;
		uint64_t count, k, off;
		int have = 0;
		unsigned prev = 0;

		if (r->sub[b] == KIND_ENTRIES + 1) {
			rc = merge_heads(r, rd, lower_leaf(r, b0),
					 lower_leaf(r, b0 + r->F));
			continue;
		}
		if (r->sub[b] != KIND_SUB + 1)
			continue;
		any_sub = 1;
		count = crdt_rd_varint(rd);
		if (rd->err || count > r->F)
			return KITH_EDECODE;
		for (k = 0; rc == 0 && k < count; k++) {
			uint32_t leaf;

			off = crdt_rd_varint(rd);
			if (rd->err || off >= r->F || (have && off <= prev))
				return KITH_EDECODE;
			prev = (unsigned)off;
			have = 1;
			leaf = b0 + (uint32_t)off;
			rc = merge_entries(r, rd, leaf, leaf + 1,
					   lower_leaf(r, leaf),
					   lower_leaf(r, leaf + 1), out);
		}
	}
	if (!rc && crdt_rd_left(rd))
		rc = KITH_EDECODE;
	if (!rc && !any_sub)
		crdt_buf_reset(out); /* nothing was written; stays empty */
	return round_end(r, rc, out_type, any_sub ? NET_MSG_RECON4 : 0,
			 ST_DONE);
}

/* Dialer: RECON4, the listener's heads for our entries of the leaves we
 * listed in RECON3. */
static int on_recon4(struct net_recon *r, struct crdt_rd *rd, int *out_type,
		     struct crdt_buf *out)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < r->nleaves; i++)
		rc = merge_heads(r, rd, lower_leaf(r, r->leaves[i]),
				 lower_leaf(r, r->leaves[i] + 1));
	if (!rc && crdt_rd_left(rd))
		rc = KITH_EDECODE;
	return round_end(r, rc, out_type, 0, ST_DONE); /* no answer */
}

/* What each waiting state expects, and what reads it. */
static const struct {
	int type;
	int (*read)(struct net_recon *r, struct crdt_rd *rd, int *out_type,
		    struct crdt_buf *out);
} rounds[] = {
	[ST_HELLO] = { NET_MSG_HELLO, on_hello },
	[ST_WAIT_R1] = { NET_MSG_RECON1, on_recon1 },
	[ST_WAIT_R2] = { NET_MSG_RECON2, on_recon2 },
	[ST_WAIT_R3] = { NET_MSG_RECON3, on_recon3 },
	[ST_WAIT_R4] = { NET_MSG_RECON4, on_recon4 },
};
_Static_assert(sizeof rounds / sizeof rounds[0] == ST_DONE,
	       "every state before ST_DONE waits for one message");

int net_recon_recv(struct net_recon *r, int type, const uint8_t *p, size_t n,
		   int *out_type, struct crdt_buf *out)
{
	struct crdt_rd rd;
	int rc = KITH_EDECODE;

	*out_type = 0;
	crdt_buf_reset(out);
	if (n > NET_RECON_MAX_MSG || (n && !p))
		goto out;
	crdt_rd_init(&rd, p, n);
	/* done or failed: nothing more is expected */
	if (r->state < ST_DONE && type == rounds[r->state].type)
		rc = rounds[r->state].read(r, &rd, out_type, out);
	if (rc == 0 && out->len > NET_RECON_MAX_MSG)
		rc = KITH_ETOOBIG;
out:
	if (rc) {
		r->state = ST_ERROR;
		*out_type = 0;
		crdt_buf_reset(out);
		return rc;
	}
	r->bytes_in += n;
	if (*out_type) {
		r->bytes_out += out->len;
		r->rounds++;
	}
	return 0;
}
