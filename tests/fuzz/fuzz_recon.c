/*
 * fuzz_recon.c - reconciliation messages (net/recon.c): HELLO and
 * RECON1..4 decoded and answered by a dialer or a listener state.
 *
 * Input:  flags:u8 n:u16be nedits:u8 { idx:u16be v:u8 } * nedits  rest
 *
 * Two version vectors A and B over n authors (n < 2048; keys from a fixed
 * generator, so the fuzzer need not spell them): by default both hold
 * author i at head 1 + i % 5; flags bit 3 empties A, bit 4 empties B.  An
 * edit sets author idx % n to head v >> 2 (0 = absent) on A (v & 3 == 0),
 * on B (1) or on both (2, 3).  Flags bit 2 gives authors 0 and 1 the same
 * first 8 key bytes (the prefix collision recon.h allows for).
 *
 *   flags bit 1 clear  "pair": A and B reconcile in memory, A dials when
 *                bit 0 is clear; rest is optional: msg:u8 off:u16be xor:u8
 *                flips one byte of the msg-th message delivered (HELLOs
 *                count as 0 and 1).
 *   flags bit 1 set    "peer": A alone (dialer when bit 0 is clear) is fed
 *                rest as messages from a hostile peer, type:u8 len:u16be
 *                payload each, after its own HELLO.
 *
 * Checked, always: errors are KITH_EDECODE or KITH_ETOOBIG and after one
 * every call fails; answers fit NET_RECON_MAX_MSG; a side sends at most
 * three messages, its HELLO included; sends name our own authors, each at
 * most once, with 1 <= from <= to == our head.  Pair without a flipped
 * byte: both sides finish, a side sends nothing more than its HELLO when
 * the vectors are equal, and each side's sends are exactly what the other
 * lacks (authors whose key prefix collides are left out of that
 * comparison).  The checks stay O(n log n): every input runs a whole
 * exchange.
 *
 * The corpus (tests/fuzz/corpus/fuzz_recon/) is written by this file built
 * with -DKITH_FUZZ_GEN:
 *   cc -std=c11 -D_GNU_SOURCE -I. -DKITH_FUZZ_GEN -o /tmp/gen_recon \
 *      tests/fuzz/fuzz_recon.c crdt/[a-z]*.c net/recon.c \
 *      $(pkg-config --libs sqlite3 libsodium)
 *   /tmp/gen_recon tests/fuzz/corpus/fuzz_recon
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "crdt/codec.h"
#include "crdt/crypto.h"
#include "crdt/err.h"
#include "net/proto.h"
#include "net/recon.h"

#define FAIL(...)                                                             \
	do {                                                                  \
		fprintf(stderr, "fuzz_recon: " __VA_ARGS__);                  \
		fputc('\n', stderr);                                          \
		abort();                                                      \
	} while (0)

#define MAX_AUTHORS 2048
#define MAX_MSGS 16

struct spec {
	unsigned flags;
	size_t n;
	uint8_t keys[MAX_AUTHORS][32];
	uint64_t head[2][MAX_AUTHORS]; /* A, B; 0 = absent */
	const uint8_t *rest;
	size_t rest_len;
};

static uint64_t mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int parse_spec(struct spec *s, const uint8_t *p, size_t len)
{
	size_t i, k, nedits;

	if (len < 4)
		return -1;
	s->flags = p[0];
	s->n = ((size_t)p[1] << 8 | p[2]) % MAX_AUTHORS;
	nedits = p[3];
	p += 4;
	len -= 4;
	if (len < 3 * nedits)
		return -1;
	for (i = 0; i < s->n; i++) {
		for (k = 0; k < 4; k++) {
			uint64_t v = mix(i * 4 + k);

			memcpy(s->keys[i] + 8 * k, &v, 8);
		}
		s->head[0][i] = s->flags & 8 ? 0 : 1 + i % 5;
		s->head[1][i] = s->flags & 16 ? 0 : 1 + i % 5;
	}
	if ((s->flags & 4) && s->n >= 2) {
		memcpy(s->keys[1], s->keys[0], 8);
	}
	for (k = 0; k < nedits; k++, p += 3) {
		size_t idx = (size_t)p[0] << 8 | p[1];
		unsigned v = p[2];

		if (!s->n)
			continue;
		idx %= s->n;
		if ((v & 3) != 1)
			s->head[0][idx] = v >> 2;
		if ((v & 3) != 0)
			s->head[1][idx] = v >> 2;
	}
	s->rest = p;
	s->rest_len = len - 3 * nedits;
	return 0;
}

static int vv_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

static void make_vector(const struct spec *s, int side, struct crdt_vector *v)
{
	size_t i;

	v->n = 0;
	v->v = malloc((s->n ? s->n : 1) * sizeof *v->v);
	if (!v->v)
		abort();
	for (i = 0; i < s->n; i++) {
		if (!s->head[side][i])
			continue;
		memcpy(v->v[v->n].pk, s->keys[i], 32);
		v->v[v->n++].seq = s->head[side][i];
	}
	if (v->n)
		qsort(v->v, v->n, sizeof *v->v, vv_cmp);
}

/* The invariants of every recv. */
static void check_recv(struct net_recon *r, int rc, int out_type,
		       const struct crdt_buf *out)
{
	if (rc && rc != KITH_EDECODE && rc != KITH_ETOOBIG)
		FAIL("unexpected error %d (%s)", rc, kith_strerror(rc));
	if (rc && (out_type || out->len))
		FAIL("an error with an answer");
	if (out->len > NET_RECON_MAX_MSG)
		FAIL("answer of %zu bytes", out->len);
	if (!out_type && out->len)
		FAIL("%zu bytes of answer without a type", out->len);
	if (out_type && (out_type < NET_MSG_RECON1 || out_type > NET_MSG_RECON4))
		FAIL("answer of type %d", out_type);
	if (r->rounds > 3)
		FAIL("%d messages from one side", r->rounds);
	if (rc) {
		struct crdt_buf b;
		int t, rc2;

		crdt_buf_init(&b, NET_RECON_MAX_MSG);
		rc2 = net_recon_recv(r, NET_MSG_HELLO, NULL, 0, &t, &b);
		if (!rc2 || t || b.len)
			FAIL("a call after an error did not fail");
		crdt_buf_release(&b);
	}
}

/* Take every send; check them against our vector.  If peer is not NULL,
 * it is the peer's vector and the sends must be exactly what it lacks
 * (authors that share a key prefix excepted). */
static void check_sends(struct net_recon *r, const struct crdt_vector *mine,
			const struct spec *s, const struct crdt_vector *peer)
{
	struct net_recon_send *sends;
	size_t *sent; /* per own entry: its send's index + 1, or 0 */
	size_t n, i, k;

	sends = malloc((mine->n + 1) * sizeof *sends);
	sent = calloc(mine->n + 1, sizeof *sent);
	if (!sends || !sent)
		abort();
	n = net_recon_take_sends(r, sends, mine->n + 1);
	if (n > mine->n)
		FAIL("%zu sends for %zu authors", n, mine->n);
	if (net_recon_take_sends(r, sends + n, 1))
		FAIL("sends left after taking all");
	for (i = 0; i < n; i++) {
		const struct crdt_vv_entry *e =
			bsearch(sends[i].pk, mine->v, mine->n, sizeof *mine->v,
				vv_cmp);

		if (!e)
			FAIL("a send for an author we lack");
		k = (size_t)(e - mine->v);
		if (sent[k])
			FAIL("two sends for one author");
		sent[k] = i + 1;
		if (sends[i].from < 1 || sends[i].from > sends[i].to ||
		    sends[i].to != e->seq)
			FAIL("send %llu..%llu, our head %llu",
			     (unsigned long long)sends[i].from,
			     (unsigned long long)sends[i].to,
			     (unsigned long long)e->seq);
	}
	for (k = 0; peer && k < mine->n; k++) {
		uint64_t theirs = crdt_vector_get(peer, mine->v[k].pk);

		/* only authors 0 and 1 can share a prefix (flags bit 2) */
		if ((s->flags & 4) && s->n >= 2 &&
		    !memcmp(mine->v[k].pk, s->keys[0], 8))
			continue;
		if (theirs >= mine->v[k].seq) {
			if (sent[k])
				FAIL("sent an author the peer has");
			continue;
		}
		if (!sent[k] || sends[sent[k] - 1].from != theirs + 1)
			FAIL("author %zu: peer at %llu, we at %llu, sent from "
			     "%llu",
			     k, (unsigned long long)theirs,
			     (unsigned long long)mine->v[k].seq,
			     sent[k] ? (unsigned long long)sends[sent[k] - 1].from
				     : 0ull);
	}
	free(sent);
	free(sends);
}

struct msg {
	int to; /* 0 = A, 1 = B */
	int type;
	uint8_t *p;
	size_t n;
};

#ifdef KITH_FUZZ_GEN
/* The generator records what B sends, to make "peer" inputs. */
static struct crdt_buf *gen_record;
#endif

/* A and B reconcile in memory, optionally with one byte flipped. */
static void run_pair(const struct spec *s)
{
	struct crdt_vector v[2];
	struct net_recon r[2];
	struct msg q[MAX_MSGS];
	struct crdt_buf out;
	size_t head = 0, tail = 0, delivered = 0, tamper_msg = 0, tamper_off = 0;
	uint8_t tamper_x = 0;
	int dial = s->flags & 1 ? 1 : 0, side, failed = 0, rc;

	if (s->rest_len >= 4) {
		tamper_msg = s->rest[0];
		tamper_off = (size_t)s->rest[1] << 8 | s->rest[2];
		tamper_x = s->rest[3];
	}
	crdt_buf_init(&out, NET_RECON_MAX_MSG);
	for (side = 0; side < 2; side++) {
		make_vector(s, side, &v[side]);
		net_recon_init(&r[side], side == dial, &v[side]);
	}
	/* both HELLOs travel at once; the dialer's goes first */
	for (side = 0; side < 2; side++) {
		int from = side == 0 ? dial : 1 - dial;

		rc = net_recon_hello(&r[from], &out);
		if (rc || out.len > 27)
			FAIL("HELLO: %d, %zu bytes", rc, out.len);
		q[tail].to = 1 - from;
		q[tail].type = NET_MSG_HELLO;
		q[tail].n = out.len;
		q[tail].p = malloc(out.len);
		if (!q[tail].p)
			abort();
		memcpy(q[tail++].p, out.data, out.len);
	}
	while (head < tail) {
		struct msg *m = &q[head++];
		int type = 0;

		if (tamper_x && delivered == tamper_msg && m->n)
			m->p[tamper_off % m->n] ^= tamper_x;
#ifdef KITH_FUZZ_GEN
		if (gen_record && m->to == 0) {
			uint8_t h[3] = { (uint8_t)m->type, (uint8_t)(m->n >> 8),
					 (uint8_t)m->n };

			if (m->n > 0xffff ||
			    crdt_buf_put(gen_record, h, 3) ||
			    crdt_buf_put(gen_record, m->p, m->n))
				FAIL("cannot record");
		}
#endif
		delivered++;
		rc = net_recon_recv(&r[m->to], m->type, m->p, m->n, &type,
				    &out);
		check_recv(&r[m->to], rc, type, &out);
		if (rc) {
			if (!tamper_x)
				FAIL("side %d failed on an honest message %d: "
				     "%s",
				     m->to, m->type, kith_strerror(rc));
			failed = 1;
			break;
		}
		if (!type)
			continue;
		if (tail == MAX_MSGS)
			FAIL("more than %d messages", MAX_MSGS);
		q[tail].to = 1 - m->to;
		q[tail].type = type;
		q[tail].n = out.len;
		q[tail].p = malloc(out.len ? out.len : 1);
		if (!q[tail].p)
			abort();
		memcpy(q[tail++].p, out.data, out.len);
	}
	if (!failed && !tamper_x) {
		int equal = v[0].n == v[1].n &&
			    (!v[0].n ||
			     !memcmp(v[0].v, v[1].v, v[0].n * sizeof *v[0].v));

		for (side = 0; side < 2; side++) {
			if (!net_recon_done(&r[side]))
				FAIL("side %d not done", side);
			if (equal && (r[side].rounds != 1 || !r[side].in_sync))
				FAIL("equal vectors, but side %d sent %d "
				     "messages",
				     side, r[side].rounds);
		}
	}
	for (side = 0; side < 2; side++)
		check_sends(&r[side], &v[side], s,
			    failed || tamper_x ? NULL : &v[1 - side]);
	while (tail)
		free(q[--tail].p);
	for (side = 0; side < 2; side++) {
		net_recon_release(&r[side]);
		crdt_vector_release(&v[side]);
	}
	crdt_buf_release(&out);
}

/* A alone against messages from the input. */
static void run_peer(const struct spec *s)
{
	struct crdt_vector v;
	struct net_recon r;
	struct crdt_buf out;
	const uint8_t *p = s->rest;
	size_t left = s->rest_len;
	int rc = 0;

	crdt_buf_init(&out, NET_RECON_MAX_MSG);
	make_vector(s, 0, &v);
	net_recon_init(&r, !(s->flags & 1), &v);
	if (net_recon_hello(&r, &out))
		FAIL("HELLO");
	while (left >= 3) {
		int type = p[0], t = 0;
		size_t n = (size_t)p[1] << 8 | p[2];

		p += 3;
		left -= 3;
		if (n > left)
			n = left;
		rc = net_recon_recv(&r, type, n ? p : NULL, n, &t, &out);
		check_recv(&r, rc, t, &out);
		p += n;
		left -= n;
		if (rc)
			break;
	}
	check_sends(&r, &v, s, NULL);
	net_recon_release(&r);
	crdt_vector_release(&v);
	crdt_buf_release(&out);
}

static struct spec spec;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;

	if (!init) {
		if (crdt_crypto_init())
			FAIL("crdt_crypto_init");
		init = 1;
	}
	if (parse_spec(&spec, data, size))
		return 0;
	if (spec.flags & 2)
		run_peer(&spec);
	else
		run_pair(&spec);
	return 0;
}

#ifdef KITH_FUZZ_GEN
/* Write the seed corpus into argv[1]. */
struct shape {
	const char *name;
	unsigned flags, n;
	/* edits: idx, v */
	unsigned nedits;
	unsigned edits[8][2];
};

static const struct shape shapes[] = {
	{ "in-sync-40", 0, 40, 0, { { 0, 0 } } },
	{ "one-ahead-40", 0, 40, 1, { { 7, 9 << 2 | 0 } } },
	{ "one-behind-40", 1, 40, 1, { { 7, 9 << 2 | 0 } } },
	{ "lacks-one-40", 0, 40, 2, { { 3, 0 << 2 | 1 }, { 30, 0 << 2 | 0 } } },
	{ "both-differ-300", 0, 300, 6,
	  { { 1, 9 << 2 }, { 50, 9 << 2 | 1 }, { 120, 0 },
	    { 121, 1 }, { 200, 40 << 2 }, { 299, 40 << 2 | 1 } } },
	{ "listener-300", 1, 300, 4,
	  { { 2, 9 << 2 }, { 60, 9 << 2 | 1 }, { 130, 0 }, { 250, 1 } } },
	{ "empty-vs-200", 8, 200, 0, { { 0, 0 } } },
	{ "200-vs-empty", 16, 200, 0, { { 0, 0 } } },
	{ "both-empty", 24, 0, 0, { { 0, 0 } } },
	{ "collide-20", 4, 20, 2, { { 0, 7 << 2 }, { 1, 0 | 1 } } },
	{ "many-2000", 0, 2000, 8,
	  { { 10, 30 << 2 }, { 400, 30 << 2 | 1 }, { 401, 0 }, { 900, 1 },
	    { 1200, 63 << 2 }, { 1201, 63 << 2 | 1 }, { 1700, 2 << 2 },
	    { 1999, 5 << 2 | 1 } } },
};

static void put_file(const char *dir, const char *name, const void *p,
		     size_t n)
{
	char path[512];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (fuzz_write_file(path, p, n)) {
		fprintf(stderr, "gen_recon: cannot write '%s'\n", path);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	struct crdt_buf in, rec;
	size_t i, k;

	if (argc != 2 || crdt_crypto_init()) {
		fprintf(stderr, "usage: gen_recon DIR\n");
		return 2;
	}
	crdt_buf_init(&in, 1u << 24);
	crdt_buf_init(&rec, 1u << 24);
	for (i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		const struct shape *sh = &shapes[i];
		char name[128];
		int mode;

		/* pair, then pair with a flipped byte in the third message,
		 * then A alone fed B's recorded messages */
		for (mode = 0; mode < 3; mode++) {
			unsigned flags = sh->flags | (mode == 2 ? 2 : 0);
			uint8_t h[4] = { (uint8_t)flags, (uint8_t)(sh->n >> 8),
					 (uint8_t)sh->n, (uint8_t)sh->nedits };
			int rc;

			crdt_buf_reset(&in);
			crdt_buf_reset(&rec);
			rc = crdt_buf_put(&in, h, 4);
			for (k = 0; !rc && k < sh->nedits; k++) {
				uint8_t e[3] = { (uint8_t)(sh->edits[k][0] >> 8),
						 (uint8_t)sh->edits[k][0],
						 (uint8_t)sh->edits[k][1] };

				rc = crdt_buf_put(&in, e, 3);
			}
			if (mode == 1) {
				uint8_t t[4] = { 2, 0, 5, 0x40 };

				rc = rc ? rc : crdt_buf_put(&in, t, 4);
			}
			if (mode == 2) {
				/* record B's messages of the honest pair */
				if (rc || parse_spec(&spec, in.data, in.len))
					FAIL("gen: bad spec");
				spec.flags &= ~2u;
				gen_record = &rec;
				run_pair(&spec);
				gen_record = NULL;
				rc = crdt_buf_put(&in, rec.data, rec.len);
			}
			if (rc)
				FAIL("gen: %d", rc);
			snprintf(name, sizeof name, "%s-%s",
				 mode == 0   ? "pair"
				 : mode == 1 ? "flip"
					     : "peer",
				 sh->name);
			put_file(argv[1], name, in.data, in.len);
			LLVMFuzzerTestOneInput(in.data, in.len);
		}
	}
	crdt_buf_release(&in);
	crdt_buf_release(&rec);
	printf("fuzz_recon: wrote the corpus into %s\n", argv[1]);
	return 0;
}
#endif
