/*
 * recon_bench.c - bytes and round trips of kith's reconciliation
 * (net/recon.h), side by side with negentropy on the same sets.
 *
 *   cc -std=c11 -D_GNU_SOURCE -O2 -I. -o build/bench/recon_bench \
 *      bench/recon/recon_bench.c build/libkith.a \
 *      $(pkg-config --libs sqlite3 libsodium)
 *   sh bench/recon/setup.sh          # optional: installs nostr-tools
 *   build/bench/recon_bench [--authors N] [--seed S] [--no-negentropy]
 *
 * For N authors (10,000) it builds two version vectors that are equal, or
 * differ in 1, 10, 100, 1000 authors: in nine of ten one side has a higher
 * head (by 1..5, on a random side), the tenth is an author only one side
 * has.  It runs a dialer and a listener against each other in memory,
 * delivering all messages in flight at once per step, so a step is a
 * one-way trip and round trips = ceil(steps / 2) (the two HELLOs share the
 * first step).  It checks that the sends found are the true difference.
 *
 * Bytes are what crosses the wire: payload plus 22 per message (the
 * frame's 4-byte length and 17-byte secretstream tag, NET_FRAME_OVERHEAD,
 * and the type byte of the plaintext).  Negentropy's messages get the same
 * 22 bytes each, as if carried in kith frames.
 *
 * Negentropy: the sets are written to a temporary directory as lines
 * "<id hex> <head>", id = BLAKE2b-256(author || head as u64 le), and
 * `node bench/recon/negentropy.mjs A B` reconciles them with nostr-tools'
 * NIP-77 implementation (A initiates).  Without node or nostr-tools its
 * columns say n/a.
 *
 * Exit status 1 when a reconciliation is wrong or a target is missed
 * (in sync: one round trip and <= 100 bytes; <= 3 round trips; bytes per
 * differing author below negentropy's when its figures are there).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crdt/codec.h"
#include "crdt/crypto.h"
#include "crdt/err.h"
#include "net/frame.h"
#include "net/proto.h"
#include "net/recon.h"

#define WIRE_PER_MSG (NET_FRAME_OVERHEAD + 1)

static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void rng_pk(uint8_t pk[32])
{
	int i;

	for (i = 0; i < 4; i++) {
		uint64_t v = rng();

		memcpy(pk + 8 * i, &v, 8);
	}
}

static int cmp_entry(const void *a, const void *b)
{
	return memcmp(((const struct crdt_vv_entry *)a)->pk,
		      ((const struct crdt_vv_entry *)b)->pk, 32);
}

static void die(const char *what)
{
	fprintf(stderr, "recon_bench: %s\n", what);
	exit(2);
}

/* Two vectors over `authors` shared authors differing in `k` authors. */
static void make_sets(size_t authors, size_t k, struct crdt_vector *a,
		      struct crdt_vector *b)
{
	size_t i, extra = k / 10;

	a->v = calloc(authors + extra + 1, sizeof *a->v);
	b->v = calloc(authors + extra + 1, sizeof *b->v);
	if (!a->v || !b->v)
		die("out of memory");
	for (i = 0; i < authors; i++) {
		rng_pk(a->v[i].pk);
		a->v[i].seq = 1 + rng() % 1000;
		b->v[i] = a->v[i];
	}
	a->n = b->n = authors;
	/* the first k - extra authors (random keys, so a random sample)
	 * get a higher head on one side */
	for (i = 0; i < k - extra && i < authors; i++) {
		struct crdt_vv_entry *e = (rng() & 1) ? &a->v[i] : &b->v[i];

		e->seq += 1 + rng() % 5;
	}
	for (i = 0; i < extra; i++) {
		struct crdt_vector *v = (i & 1) ? b : a;

		rng_pk(v->v[v->n].pk);
		v->v[v->n].seq = 1 + rng() % 1000;
		v->n++;
	}
	qsort(a->v, a->n, sizeof *a->v, cmp_entry);
	qsort(b->v, b->n, sizeof *b->v, cmp_entry);
}

/*
 * A new member: one side holds only its own author, the other `authors`
 * others (fresh = 1: the new member dials; 2: it listens).
 */
static void make_fresh(size_t authors, int fresh, struct crdt_vector *a,
		       struct crdt_vector *b)
{
	struct crdt_vector *big = fresh == 1 ? b : a;
	struct crdt_vector *small = fresh == 1 ? a : b;
	size_t i;

	big->v = calloc(authors + 1, sizeof *big->v);
	small->v = calloc(1, sizeof *small->v);
	if (!big->v || !small->v)
		die("out of memory");
	for (i = 0; i < authors; i++) {
		rng_pk(big->v[i].pk);
		big->v[i].seq = 1 + rng() % 1000;
	}
	big->n = authors;
	rng_pk(small->v[0].pk);
	small->v[0].seq = 1;
	small->n = 1;
	qsort(big->v, big->n, sizeof *big->v, cmp_entry);
}

/* Authors where one side is ahead of the other (or only one has it). */
static size_t true_sends(const struct crdt_vector *mine,
			 const struct crdt_vector *peer)
{
	size_t i, n = 0;

	for (i = 0; i < mine->n; i++)
		n += mine->v[i].seq > crdt_vector_get(peer, mine->v[i].pk);
	return n;
}

struct result {
	uint64_t payload, wire;
	int messages, steps, round_trips;
	int correct;
};

struct msg {
	int to_dialer, type;
	uint8_t *p;
	size_t n;
};

static void run_kith(const struct crdt_vector *a, const struct crdt_vector *b,
		     struct result *res)
{
	struct net_recon d, l;
	struct msg q[16];
	struct crdt_buf out;
	size_t nq = 0, from = 0, to, i;
	struct net_recon_send tmp[256];
	size_t sends_d = 0, sends_l = 0, k;

	memset(res, 0, sizeof *res);
	net_recon_init(&d, 1, a);
	net_recon_init(&l, 0, b);
	crdt_buf_init(&out, NET_RECON_MAX_MSG);
	for (i = 0; i < 2; i++) {
		if (net_recon_hello(i ? &l : &d, &out))
			die("hello failed");
		q[nq].to_dialer = (int)i;
		q[nq].type = NET_MSG_HELLO;
		q[nq].n = out.len;
		q[nq].p = malloc(out.len);
		if (!q[nq].p)
			die("out of memory");
		memcpy(q[nq++].p, out.data, out.len);
	}
	while (from < nq) {
		to = nq;
		res->steps++;
		for (i = from; i < to; i++) {
			int type = 0, rc;

			rc = net_recon_recv(q[i].to_dialer ? &d : &l, q[i].type,
					    q[i].p, q[i].n, &type, &out);
			if (rc) {
				fprintf(stderr, "recon_bench: %s\n",
					kith_strerror(rc));
				die("reconciliation failed");
			}
			if (!type)
				continue;
			if (nq == sizeof q / sizeof q[0])
				die("too many messages");
			q[nq].to_dialer = !q[i].to_dialer;
			q[nq].type = type;
			q[nq].n = out.len;
			q[nq].p = malloc(out.len ? out.len : 1);
			if (!q[nq].p)
				die("out of memory");
			memcpy(q[nq++].p, out.data, out.len);
		}
		from = to;
	}
	for (i = 0; i < nq; i++) {
		res->payload += q[i].n;
		free(q[i].p);
	}
	res->messages = (int)nq;
	res->wire = res->payload + nq * WIRE_PER_MSG;
	res->round_trips = (res->steps + 1) / 2;
	while ((k = net_recon_take_sends(&d, tmp, 256)) > 0)
		sends_d += k;
	while ((k = net_recon_take_sends(&l, tmp, 256)) > 0)
		sends_l += k;
	res->correct = net_recon_done(&d) && net_recon_done(&l) &&
		       sends_d == true_sends(a, b) && sends_l == true_sends(b, a);
	crdt_buf_release(&out);
	net_recon_release(&d);
	net_recon_release(&l);
}

static int write_set(const struct crdt_vector *v, const char *path)
{
	FILE *f = fopen(path, "w");
	uint8_t in[40], id[32];
	char hex[65];
	size_t i;
	int k;

	if (!f)
		return -1;
	for (i = 0; i < v->n; i++) {
		memcpy(in, v->v[i].pk, 32);
		for (k = 0; k < 8; k++)
			in[32 + k] = (uint8_t)(v->v[i].seq >> (8 * k));
		crdt_hash(id, sizeof id, in, sizeof in);
		crdt_hex(hex, id, 32);
		fprintf(f, "%s %llu\n", hex, (unsigned long long)v->v[i].seq);
	}
	return fclose(f) ? -1 : 0;
}

struct neg {
	int ok;
	uint64_t payload, wire;
	long messages, round_trips, found;
};

static long json_num(const char *s, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof pat, "\"%s\":", key);
	p = strstr(s, pat);
	return p ? strtol(p + strlen(pat), NULL, 10) : -1;
}

static void run_negentropy(const char *script, const char *dir,
			   const struct crdt_vector *a,
			   const struct crdt_vector *b, struct neg *res)
{
	char fa[4096], fb[4096], cmd[9000], line[512];
	FILE *p;
	long bytes;

	memset(res, 0, sizeof *res);
	snprintf(fa, sizeof fa, "%s/a.txt", dir);
	snprintf(fb, sizeof fb, "%s/b.txt", dir);
	if (write_set(a, fa) || write_set(b, fb))
		return;
	snprintf(cmd, sizeof cmd, "node '%s' '%s' '%s' 2>/dev/null", script,
		 fa, fb);
	p = popen(cmd, "r");
	if (!p)
		return;
	line[0] = 0;
	while (fgets(line, sizeof line, p))
		;
	if (pclose(p) != 0 || line[0] != '{')
		return;
	bytes = json_num(line, "bytes");
	res->messages = json_num(line, "messages");
	res->round_trips = json_num(line, "round_trips");
	res->found = json_num(line, "found");
	if (bytes < 0 || res->messages < 0 || res->round_trips < 0)
		return;
	res->payload = (uint64_t)bytes;
	res->wire = res->payload + (uint64_t)res->messages * WIRE_PER_MSG;
	res->ok = 1;
}

/* Differing elements (author, head) between a and b. */
static size_t diff_elements(const struct crdt_vector *a,
			    const struct crdt_vector *b)
{
	size_t i, n = 0;

	for (i = 0; i < a->n; i++)
		n += crdt_vector_get(b, a->v[i].pk) != a->v[i].seq;
	for (i = 0; i < b->n; i++)
		n += crdt_vector_get(a, b->v[i].pk) != b->v[i].seq;
	return n;
}

static void usage(void)
{
	fprintf(stderr, "usage: recon_bench [--authors N] [--seed S] "
			"[--script PATH] [--no-negentropy]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	/* fresh 0: `k` differing authors; 1/2: a new member dialing /
	 * listening (informational: not held to the targets on bytes) */
	static const struct {
		size_t k;
		int fresh;
	} cases[] = {{0, 0}, {1, 0}, {10, 0}, {100, 0}, {1000, 0},
		     {0, 1}, {0, 2}};
	const char *script = "bench/recon/negentropy.mjs";
	size_t authors = 10000, i;
	uint64_t seed = 1;
	int use_neg = 1, failed = 0, ai;
	char dir[] = "/tmp/kith-recon-bench-XXXXXX";

	for (ai = 1; ai < argc; ai++) {
		if (!strcmp(argv[ai], "--authors") && ai + 1 < argc)
			authors = strtoull(argv[++ai], NULL, 10);
		else if (!strcmp(argv[ai], "--seed") && ai + 1 < argc)
			seed = strtoull(argv[++ai], NULL, 10);
		else if (!strcmp(argv[ai], "--script") && ai + 1 < argc)
			script = argv[++ai];
		else if (!strcmp(argv[ai], "--no-negentropy"))
			use_neg = 0;
		else
			usage();
	}
	if (crdt_crypto_init())
		die("cannot initialise libsodium");
	if (use_neg && access(script, R_OK) != 0) {
		fprintf(stderr, "recon_bench: '%s' not found; no negentropy "
				"figures\n", script);
		use_neg = 0;
	}
	if (use_neg && !mkdtemp(dir))
		die("cannot create a temporary directory");

	printf("reconciliation of %zu authors: kith (net/recon) vs negentropy "
	       "(nostr-tools NIP-77)\n", authors);
	printf("bytes on the wire, both directions: payload + %d per message "
	       "(4 length + 17 tag + 1 type)\n\n", WIRE_PER_MSG);
	printf("%9s | %4s %3s %8s %9s | %4s %3s %8s %9s | %s\n", "differing",
	       "msgs", "RT", "bytes", "B/differ", "msgs", "RT", "bytes",
	       "B/differ", "check");
	printf("%9s | %-27s | %-27s |\n", "authors", "kith", "negentropy");
	printf("----------+-----------------------------+--------------------"
	       "---------+------\n");
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t k = cases[i].fresh ? authors + 1 : cases[i].k;
		char label[32];
		struct crdt_vector a, b;
		struct result r;
		struct neg n = {0};
		char ours_per[32], neg_per[32], neg_cols[64];
		const char *check;

		rng_state = seed * 1000003 + i;
		if (cases[i].fresh) {
			if (cases[i].fresh == 1)
				printf("new member (1 author) dialing, then "
				       "listening (informational):\n");
			make_fresh(authors, cases[i].fresh, &a, &b);
			snprintf(label, sizeof label, "%s",
				 cases[i].fresh == 1 ? "new dials" : "new lists");
		} else {
			make_sets(authors, k, &a, &b);
			snprintf(label, sizeof label, "%zu", k);
		}
		run_kith(&a, &b, &r);
		if (use_neg)
			run_negentropy(script, dir, &a, &b, &n);
		if (k) {
			snprintf(ours_per, sizeof ours_per, "%.1f",
				 (double)r.wire / (double)k);
			snprintf(neg_per, sizeof neg_per, "%.1f",
				 (double)n.wire / (double)k);
		} else {
			snprintf(ours_per, sizeof ours_per, "-");
			snprintf(neg_per, sizeof neg_per, "-");
		}
		if (n.ok)
			snprintf(neg_cols, sizeof neg_cols, "%4ld %3ld %8llu %9s",
				 n.messages, n.round_trips,
				 (unsigned long long)n.wire, neg_per);
		else
			snprintf(neg_cols, sizeof neg_cols, "%4s %3s %8s %9s",
				 "n/a", "n/a", "n/a", "n/a");

		check = "ok";
		if (!r.correct)
			check = "WRONG SENDS";
		else if (n.ok && (size_t)n.found != diff_elements(&a, &b))
			check = "negentropy miscounted";
		else if (k == 0 && (r.round_trips != 1 || r.wire > 100))
			check = "MISSED: in sync > 1 RT or > 100 B";
		else if (r.round_trips > 3)
			check = "MISSED: > 3 RT";
		else if (k && !cases[i].fresh && n.ok && r.wire >= n.wire)
			check = "MISSED: not below negentropy";
		if (strcmp(check, "ok"))
			failed = 1;
		printf("%9s | %4d %3d %8llu %9s | %s | %s\n", label,
		       r.messages, r.round_trips, (unsigned long long)r.wire,
		       ours_per, neg_cols, check);
		free(a.v);
		free(b.v);
	}
	if (use_neg) {
		char path[4096];

		snprintf(path, sizeof path, "%s/a.txt", dir);
		unlink(path);
		snprintf(path, sizeof path, "%s/b.txt", dir);
		unlink(path);
		rmdir(dir);
	}
	printf("\nRT: round trips, HELLO included for kith (one-way trips / 2, "
	       "rounded up); B/differ: bytes / differing authors\n");
	return failed;
}
