/*
 * gen_corpus.c - writes the committed seed corpus of the fuzz targets.
 *
 *   make build/libkith.a
 *   cc -std=c11 -D_GNU_SOURCE -I. -o build/gen_corpus tests/fuzz/gen_corpus.c \
 *      build/libkith.a $(pkg-config --libs sqlite3 libsodium)
 *   build/gen_corpus            # from the top of the tree
 *
 * Writes into tests/fuzz/corpus/fuzz_{change,bundle,vector,invite,seal}/,
 * overwriting
 * its own files and leaving any others (saved crash inputs) alone:
 *   - signed changes covering every op kind and both value types, plus
 *     truncated and altered copies;
 *   - real bundles exported by replicas with fixed identities, under the
 *     fuzz_bundle community key: one author's log; two authors with fork
 *     evidence; an incremental one (a run that starts past seq 1); one
 *     under another community; a damaged and a truncated one;
 *   - the same bundles' plaintext, which fuzz_bundle seals itself, so
 *     mutations reach the entry parser and the apply path, and inputs of
 *     several segments imported one after another (forks against stored
 *     changes, gaps filled later);
 *   - version-vector files, good and bad;
 *   - invite codes: good ones (spelled with dashes, spaces, capitals; empty,
 *     longest and UTF-8 names; version 2) and mistyped, truncated,
 *     lengthened ones; payloads for fuzz_invite to give a checksum (other
 *     versions, a NUL in the name, name lengths that do not fit);
 *   - private-part envelopes of fuzz_seal's identities (to "me", to others
 *     only, damaged, truncated, a newer version) and seal-mode inputs.
 * libsodium's randomness is replaced by a fixed sequence (bundle stream
 * headers are random), so the output is the same on every run and
 * regenerating does not churn the committed files.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"
#include "crdt/bundle.h"
#include "crdt/crypto.h"
#include "crdt/err.h"
#include "crdt/schema.h"
#include "crdt/seal.h"
#include "peer/keystore.h"

#define DIR "tests/fuzz/corpus/"
#define HEAD_LEN (8 + 1 + CRDT_TAG_LEN + CRDT_STREAM_HEADER_LEN)

static void die(const char *what, int rc)
{
	fprintf(stderr, "gen_corpus: %s: %s\n", what, kith_strerror(rc));
	exit(1);
}

static void put(const char *dir, const char *name, const void *p, size_t n)
{
	char path[512];

	snprintf(path, sizeof path, DIR "%s/%s", dir, name);
	if (fuzz_write_file(path, p, n))
		die(path, -errno);
}

/* ---- deterministic randomness (test data only) -------------------------- */

static uint64_t rng_state = 0x6b6974682d66757aull;

static uint32_t rng_random(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)(z ^ (z >> 31));
}

static void rng_buf(void *const buf, const size_t size)
{
	uint8_t *p = buf;
	size_t i;

	for (i = 0; i < size; i++)
		p[i] = (uint8_t)rng_random();
}

static const char *rng_name(void)
{
	return "gen_corpus-fixed";
}

static randombytes_implementation rng = { rng_name, rng_random, NULL, NULL,
					  rng_buf, NULL };

/* ---- changes ----------------------------------------------------------- */

/* Sign ops as (id, seq, prev, hlc) into out ("body sig"); returns the hash. */
static void make_change(struct crdt_buf *out, const struct crdt_identity *id,
			uint64_t seq, const uint8_t prev[32], uint64_t hlc,
			struct crdt_op *ops, uint32_t nops, uint8_t hash[32])
{
	struct crdt_change c;
	uint8_t sig[CRDT_SIG_LEN];
	uint32_t i;
	int rc;

	for (i = 0; i < nops; i++) {
		rc = crdt_op_finish(&ops[i]);
		if (rc)
			die("crdt_op_finish", rc);
	}
	memset(&c, 0, sizeof c);
	memcpy(c.author, id->pk, CRDT_PK_LEN);
	c.seq = seq;
	if (prev)
		memcpy(c.prev, prev, CRDT_HASH_LEN);
	c.hlc = hlc;
	c.ops = ops;
	c.nops = nops;
	crdt_buf_reset(out);
	rc = crdt_change_encode_body(&c, out);
	if (rc)
		die("crdt_change_encode_body", rc);
	crdt_hash(hash, CRDT_HASH_LEN, out->data, out->len);
	crdt_sign(sig, out->data, out->len, id);
	rc = crdt_buf_put(out, sig, sizeof sig);
	if (rc)
		die("crdt_buf_put", rc);
}

static void gen_changes(const struct crdt_identity *id,
			const struct crdt_identity *other)
{
	static struct crdt_op ops[64];
	struct crdt_buf b;
	uint8_t h1[32], h2[32], h3[32], rid[CRDT_ID_LEN];
	uint64_t hlc = FUZZ_NOW_MS << 16;
	uint8_t *copy;
	int i;

	crdt_buf_init(&b, CRDT_MAX_BODY + CRDT_SIG_LEN);

	/* seq 1: profile (SELF) and an item (CREATE), text and int values */
	crdt_op_init(&ops[0], CRDT_OP_SELF, CRDT_R_MEMBER);
	(void)crdt_op_set_text(&ops[0], F_MEMBER_NAME, "Ada");
	(void)crdt_op_set_text(&ops[0], F_MEMBER_BUILDING, "B");
	(void)crdt_op_set_text(&ops[0], F_MEMBER_UNIT, "4c");
	crdt_op_init(&ops[1], CRDT_OP_CREATE, CRDT_R_ITEM);
	(void)crdt_op_set_int(&ops[1], F_ITEM_KIND, 1);
	(void)crdt_op_set_text(&ops[1], F_ITEM_TITLE, "ladder");
	(void)crdt_op_set_text(&ops[1], F_ITEM_DESCRIPTION, "3 m, aluminium");
	(void)crdt_op_set_int(&ops[1], F_ITEM_QUANTITY, 1);
	make_change(&b, id, 1, NULL, hlc, ops, 2, h1);
	put("fuzz_change", "seq1-self-create", b.data, b.len);
	put("fuzz_change", "trunc-half", b.data, b.len / 2);
	put("fuzz_change", "trunc-sig", b.data, b.len - 1);
	copy = malloc(b.len + 1);
	memcpy(copy, b.data, b.len);
	copy[b.len] = 0;
	put("fuzz_change", "trailing-byte", copy, b.len + 1);
	copy[1 + 32 + 1 + 3] ^= 0x40; /* inside the ops: bad signature */
	put("fuzz_change", "flipped-bit", copy, b.len);
	free(copy);

	/* seq 2: OWN update (sticky withdrawn), a wish with negative and
	 * large ints, a claim on it by reference (16-byte id) */
	crdt_record_id(rid, id->pk, 1, 1);
	crdt_op_init(&ops[0], CRDT_OP_OWN, CRDT_R_ITEM);
	ops[0].tseq = 1;
	ops[0].tidx = 1;
	(void)crdt_op_set_text(&ops[0], F_ITEM_TITLE, "long ladder");
	(void)crdt_op_set_int(&ops[0], F_ITEM_WITHDRAWN, 1);
	crdt_op_init(&ops[1], CRDT_OP_CREATE, CRDT_R_WISH);
	(void)crdt_op_set_int(&ops[1], F_WISH_KIND, 0);
	(void)crdt_op_set_text(&ops[1], F_WISH_TITLE, "soup pot");
	(void)crdt_op_set_int(&ops[1], F_WISH_URGENCY, 2);
	(void)crdt_op_set_int(&ops[1], F_WISH_NEEDED_BY, INT64_MAX);
	(void)crdt_op_set_int(&ops[1], F_WISH_HOURS, -8);
	crdt_op_init(&ops[2], CRDT_OP_REF, CRDT_R_CLAIM);
	memcpy(ops[2].target, rid, CRDT_ID_LEN);
	ops[2].target_len = CRDT_ID_LEN;
	(void)crdt_op_set_int(&ops[2], F_CLAIM_CANCELLED, 1);
	make_change(&b, id, 2, h1, hlc + 1, ops, 3, h2);
	put("fuzz_change", "seq2-own-ref16", b.data, b.len);

	/* seq 3: REF by member key (32 bytes), loan with byte refs, unknown
	 * record type and field, a value of the wrong type */
	crdt_op_init(&ops[0], CRDT_OP_REF, CRDT_R_MEMBER);
	memcpy(ops[0].target, id->pk, CRDT_PK_LEN);
	ops[0].target_len = CRDT_PK_LEN;
	(void)crdt_op_set_text(&ops[0], F_MEMBER_SKILLS, "plumbing");
	crdt_op_init(&ops[1], CRDT_OP_CREATE, CRDT_R_LOAN);
	(void)crdt_op_set_bytes(&ops[1], F_LOAN_ITEM, rid, CRDT_ID_LEN);
	(void)crdt_op_set_bytes(&ops[1], F_LOAN_BORROWER, other->pk,
				CRDT_PK_LEN);
	(void)crdt_op_set_int(&ops[1], F_LOAN_DUE, INT64_MIN);
	crdt_op_init(&ops[2], CRDT_OP_CREATE, 9);
	(void)crdt_op_set_int(&ops[2], 200, 7);
	crdt_op_init(&ops[3], CRDT_OP_SELF, CRDT_R_MEMBER);
	(void)crdt_op_set_int(&ops[3], F_MEMBER_HOUSEHOLD, 3);
	make_change(&b, id, 3, h2, hlc + 2, ops, 4, h3);
	put("fuzz_change", "seq3-ref32-loan-unknown", b.data, b.len);

	/* many ops, one with the most values */
	for (i = 0; i < 64; i++) {
		crdt_op_init(&ops[i], CRDT_OP_CREATE, CRDT_R_ITEM);
		(void)crdt_op_set_int(&ops[i], F_ITEM_QUANTITY, i);
	}
	for (i = 1; i <= CRDT_MAX_VALS; i++)
		(void)crdt_op_set_int(&ops[0], (unsigned)i * 15, -i);
	make_change(&b, id, 4, h3, hlc + 3, ops, 64, h1);
	put("fuzz_change", "seq4-many-ops", b.data, b.len);

	crdt_buf_release(&b);
}

/* ---- bundles ----------------------------------------------------------- */

static void open_replica(struct crdt_replica *r, uint8_t seed_byte)
{
	uint8_t seed[CRDT_SEED_LEN];
	int rc;

	rc = crdt_replica_open(r, ":memory:", &fuzz_env);
	if (rc)
		die("crdt_replica_open", rc);
	memset(seed, seed_byte, sizeof seed);
	rc = crdt_identity_from_seed(&r->id, seed);
	if (rc)
		die("crdt_identity_from_seed", rc);
}

static void commit(struct crdt_replica *r, struct crdt_op *ops, uint32_t n)
{
	uint32_t i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = crdt_op_finish(&ops[i]);
		if (rc)
			die("crdt_op_finish", rc);
	}
	rc = crdt_replica_commit(r, ops, n, NULL);
	if (rc)
		die("crdt_replica_commit", rc);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	long n;

	if (!f || fseek(f, 0, SEEK_END))
		die(path, -errno);
	n = ftell(f);
	if (n < 0 || fseek(f, 0, SEEK_SET))
		die(path, -errno);
	p = malloc((size_t)n + 1);
	if (!p || fread(p, 1, (size_t)n, f) != (size_t)n)
		die(path, KITH_EIO);
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* Decrypt an exported bundle file and write its plaintext as name. */
static void put_plain(const char *bundle, const char *name)
{
	struct crdt_buf pt;
	struct crdt_stream ss;
	uint8_t key[CRDT_KEY_LEN];
	size_t len, off = HEAD_LEN;
	uint8_t *p = slurp(bundle, &len);
	int final = 0, rc;

	crdt_buf_init(&pt, CRDT_BUNDLE_MAX_FILE);
	crdt_community_subkey(key, fuzz_community, CRDT_SUBKEY_BUNDLE);
	rc = crdt_stream_pull_init(&ss, p + 9 + CRDT_TAG_LEN, key);
	while (!rc && !final && off + 4 <= len) {
		size_t n = (size_t)p[off] | (size_t)p[off + 1] << 8 |
			   (size_t)p[off + 2] << 16 | (size_t)p[off + 3] << 24;
		uint8_t *out = malloc(n);

		off += 4;
		if (!out || n < CRDT_STREAM_ABYTES || n > len - off)
			die(bundle, KITH_EDECODE);
		rc = crdt_stream_pull(&ss, out, p + off, n, &final);
		if (!rc)
			rc = crdt_buf_put(&pt, out, n - CRDT_STREAM_ABYTES);
		off += n;
		free(out);
	}
	if (rc || !final)
		die(bundle, rc ? rc : KITH_ETRUNCATED);
	put("fuzz_bundle", name, pt.data, pt.len);
	crdt_stream_release(&ss);
	crdt_buf_release(&pt);
	free(p);
}

/* Corpus files a and b joined by fuzz_bundle's segment separator. */
static void join(const char *name, const char *a, const char *b)
{
	char pa[512], pb[512];
	size_t la, lb;
	uint8_t *x, *y, *out;

	snprintf(pa, sizeof pa, DIR "fuzz_bundle/%s", a);
	snprintf(pb, sizeof pb, DIR "fuzz_bundle/%s", b);
	x = slurp(pa, &la);
	y = slurp(pb, &lb);
	out = malloc(la + 8 + lb);
	if (!out)
		die(name, KITH_ENOMEM);
	memcpy(out, x, la);
	memcpy(out + la, "KITHNEXT", 8);
	memcpy(out + la + 8, y, lb);
	put("fuzz_bundle", name, out, la + 8 + lb);
	free(out);
	free(x);
	free(y);
}

static int sink_put(void *ctx, const void *p, size_t n)
{
	return crdt_buf_put(ctx, p, n);
}

/* Plaintext of one RUN, author's from..to, as a session would send it. */
static void put_run(struct crdt_replica *r, uint64_t from, uint64_t to,
		    const char *name)
{
	struct crdt_buf b;
	struct crdt_sink k = { sink_put, &b };
	int rc;

	crdt_buf_init(&b, 1u << 20);
	rc = crdt_runs_write(r->store, r->id.pk, from, to, &k);
	if (!rc)
		rc = crdt_runs_end(&k, to - from + 1);
	if (rc)
		die(name, rc);
	put("fuzz_bundle", name, b.data, b.len);
	crdt_buf_release(&b);
}

static void export(struct crdt_replica *r, const uint8_t community[32],
		   const struct crdt_vector *since, const char *name)
{
	char path[512];
	int rc;

	snprintf(path, sizeof path, DIR "fuzz_bundle/%s", name);
	rc = crdt_bundle_export(r, community, since, path, NULL);
	if (rc)
		die(path, rc);
}

static void import(struct crdt_replica *r, const char *name)
{
	struct crdt_apply_stats st;
	char path[512];
	int rc;

	memset(&st, 0, sizeof st);
	snprintf(path, sizeof path, DIR "fuzz_bundle/%s", name);
	rc = crdt_bundle_import(r, fuzz_community, path, &st);
	if (rc)
		die(path, rc);
}

static void gen_bundles(struct crdt_vector *vv_out)
{
	struct crdt_replica a, a2, b;
	struct crdt_op ops[3];
	struct crdt_vector since;
	struct crdt_vv_entry ent;
	uint8_t item[CRDT_ID_LEN], other[32];
	uint8_t *p;
	size_t len;
	int rc;

	/* A: three changes; seq 1 creates an item, seq 2 a wish */
	open_replica(&a, 1);
	crdt_op_init(&ops[0], CRDT_OP_SELF, CRDT_R_MEMBER);
	(void)crdt_op_set_text(&ops[0], F_MEMBER_NAME, "Ada");
	crdt_op_init(&ops[1], CRDT_OP_CREATE, CRDT_R_ITEM);
	(void)crdt_op_set_int(&ops[1], F_ITEM_KIND, 1);
	(void)crdt_op_set_text(&ops[1], F_ITEM_TITLE, "drill");
	(void)crdt_op_set_text(&ops[1], F_ITEM_DESCRIPTION, "cordless");
	commit(&a, ops, 2);
	crdt_record_id(item, a.id.pk, 1, 1);
	crdt_op_init(&ops[0], CRDT_OP_CREATE, CRDT_R_WISH);
	(void)crdt_op_set_text(&ops[0], F_WISH_TITLE, "bike pump");
	(void)crdt_op_set_int(&ops[0], F_WISH_URGENCY, 1);
	commit(&a, ops, 1);
	crdt_op_init(&ops[0], CRDT_OP_OWN, CRDT_R_ITEM);
	ops[0].tseq = 1;
	ops[0].tidx = 1;
	(void)crdt_op_set_text(&ops[0], F_ITEM_TITLE, "drill and bits");
	crdt_op_init(&ops[1], CRDT_OP_OWN, CRDT_R_WISH);
	ops[1].tseq = 2;
	ops[1].tidx = 0;
	(void)crdt_op_set_int(&ops[1], F_WISH_WITHDRAWN, 1);
	commit(&a, ops, 2);
	export(&a, fuzz_community, NULL, "bundle-one-author");
	put_plain(DIR "fuzz_bundle/bundle-one-author", "plain-one-author");

	/* the same log under another community key */
	memcpy(other, fuzz_community, 32);
	other[0] ^= 1;
	export(&a, other, NULL, "bundle-other-community");

	/* B: imports A, claims A's item, lends to A */
	open_replica(&b, 2);
	import(&b, "bundle-one-author");
	crdt_op_init(&ops[0], CRDT_OP_SELF, CRDT_R_MEMBER);
	(void)crdt_op_set_text(&ops[0], F_MEMBER_NAME, "Bo");
	crdt_op_init(&ops[1], CRDT_OP_CREATE, CRDT_R_CLAIM);
	(void)crdt_op_set_bytes(&ops[1], F_CLAIM_TARGET, item, CRDT_ID_LEN);
	(void)crdt_op_set_int(&ops[1], F_CLAIM_QUANTITY, 1);
	crdt_op_init(&ops[2], CRDT_OP_CREATE, CRDT_R_LOAN);
	(void)crdt_op_set_bytes(&ops[2], F_LOAN_ITEM, item, CRDT_ID_LEN);
	(void)crdt_op_set_bytes(&ops[2], F_LOAN_BORROWER, a.id.pk, 32);
	commit(&b, ops, 3);
	crdt_op_init(&ops[0], CRDT_OP_REF, CRDT_R_MEMBER);
	memcpy(ops[0].target, b.id.pk, 32);
	ops[0].target_len = 32;
	(void)crdt_op_set_text(&ops[0], F_MEMBER_SKILLS, "bikes");
	commit(&b, ops, 1);

	/* A2: A's key on a second device, forking A at seq 1 */
	open_replica(&a2, 1);
	crdt_op_init(&ops[0], CRDT_OP_CREATE, CRDT_R_ITEM);
	(void)crdt_op_set_text(&ops[0], F_ITEM_TITLE, "saw");
	commit(&a2, ops, 1);
	export(&a2, fuzz_community, NULL, "bundle-fork-side");
	put_plain(DIR "fuzz_bundle/bundle-fork-side", "plain-fork-side");
	import(&b, "bundle-fork-side");
	export(&b, fuzz_community, NULL, "bundle-two-authors-fork");
	put_plain(DIR "fuzz_bundle/bundle-two-authors-fork",
		  "plain-two-authors-fork");

	/* incremental: what a peer holding A's seq 1 lacks (runs past 1) */
	memcpy(ent.pk, a.id.pk, 32);
	ent.seq = 1;
	since.v = &ent;
	since.n = 1;
	export(&a, fuzz_community, &since, "bundle-since");
	put_plain(DIR "fuzz_bundle/bundle-since", "plain-since");
	put_run(&a, 1, 1, "plain-run-first");

	/* several imports into one replica: a fork judged against a stored
	 * change (one order or the other makes the newcomer win), and a gap
	 * filled after the changes beyond it were held */
	join("multi-fork-stored-first", "plain-one-author", "plain-fork-side");
	join("multi-fork-newcomer-first", "plain-fork-side", "plain-one-author");
	join("multi-gap-then-fill", "plain-since", "plain-run-first");
	join("multi-bundles", "bundle-fork-side", "bundle-two-authors-fork");

	/* damaged and truncated copies, and the smallest plaintexts */
	p = slurp(DIR "fuzz_bundle/bundle-one-author", &len);
	put("fuzz_bundle", "bundle-truncated", p, len - 20);
	p[len / 2] ^= 0x01;
	put("fuzz_bundle", "bundle-flipped", p, len);
	free(p);
	put("fuzz_bundle", "plain-empty", "\x00\x00", 2);
	put("fuzz_bundle", "plain-bad-total", "\x00\x05", 2);

	rc = crdt_vector_load(b.store, vv_out);
	if (rc)
		die("crdt_vector_load", rc);
	crdt_replica_close(&a);
	crdt_replica_close(&a2);
	crdt_replica_close(&b);
}

/* ---- vectors ----------------------------------------------------------- */

static void gen_vectors(struct crdt_vector *vv)
{
	static const char *const bad[][2] = {
		{ "header-only", "kith-vector 1\n" },
		{ "no-newline", "kith-vector 1" },
		{ "wrong-header", "kith-vector 2\n" },
		{ "short-hex", "kith-vector 1\nabcd 1\n" },
		{ "seq-zero",
		  "kith-vector 1\n"
		  "0101010101010101010101010101010101010101010101010101010101010101"
		  " 0\n" },
		{ "seq-too-big",
		  "kith-vector 1\n"
		  "0101010101010101010101010101010101010101010101010101010101010101"
		  " 1099511627776\n" },
		{ "upper-dup",
		  "kith-vector 1\n"
		  "ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB"
		  " 7\n"
		  "abababababababababababababababababababababababababababababababab"
		  " 1099511627775\n" },
		{ "trailing-junk",
		  "kith-vector 1\n"
		  "0101010101010101010101010101010101010101010101010101010101010101"
		  " 3 x\n" },
	};
	char path[512];
	size_t i;
	int rc;

	snprintf(path, sizeof path, DIR "fuzz_vector/vector-two-authors");
	rc = crdt_vector_write(vv, path);
	if (rc)
		die(path, rc);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		put("fuzz_vector", bad[i][0], bad[i][1], strlen(bad[i][1]));
}

/* ---- invite codes -------------------------------------------------------- */

static void gen_invites(const struct crdt_identity *id)
{
	static const char *names[][2] = {
		{ "invite-elm-street", "Elm Street" },
		{ "invite-empty-name", "" },
		{ "invite-utf8-name", "\xe6\xa6\x86\xe6\xa0\x91\xe8\xa1\x97 Elm" },
		{ "invite-longest-name",
		  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" },
	};
	struct peer_community c;
	char code[PEER_INVITE_MAX], alt[2 * PEER_INVITE_MAX];
	size_t i, k, n, o;
	int rc;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		memset(&c, 0, sizeof c);
		rng_buf(c.key, sizeof c.key);
		memcpy(c.creator, id->pk, CRDT_PK_LEN);
		snprintf(c.name, sizeof c.name, "%s", names[i][1]);
		rc = peer_invite_encode(&c, code, sizeof code);
		if (rc)
			die("peer_invite_encode", rc);
		put("fuzz_invite", names[i][0], code, strlen(code));
		if (i)
			continue;
		n = strlen(code);
		/* as a person might copy it: groups of 5, capitals, a newline */
		for (k = o = 0; k < n; k++) {
			if (k && k % 5 == 0)
				alt[o++] = k % 40 == 0 ? '\n' : '-';
			alt[o++] = (char)(k % 3 == 0 && code[k] >= 'a' &&
						  code[k] <= 'z'
					      ? code[k] - 32
					      : code[k]);
		}
		put("fuzz_invite", "invite-grouped", alt, o);
		memcpy(alt, code, n);
		alt[20] = alt[20] == 'a' ? 'b' : 'a';
		put("fuzz_invite", "invite-typo", alt, n);
		alt[20] = '1';
		put("fuzz_invite", "invite-not-base32", alt, n);
		put("fuzz_invite", "invite-truncated", code, n - 3);
		memcpy(alt, code, n);
		alt[n] = 'a';
		put("fuzz_invite", "invite-extra-char", alt, n + 1);
		alt[n + 1] = 'a';
		put("fuzz_invite", "invite-extra-chars", alt, n + 2);
		memcpy(alt, "kith2", 5);
		put("fuzz_invite", "invite-other-prefix", alt, n);
	}
	put("fuzz_invite", "invite-prefix-only", "kith1", 5);

	/* version 2: the id is a genesis hash */
	memset(&c, 0, sizeof c);
	c.version = 2;
	rng_buf(c.key, sizeof c.key);
	rng_buf(c.genesis, sizeof c.genesis);
	snprintf(c.name, sizeof c.name, "Birch Court");
	rc = peer_invite_encode(&c, code, sizeof code);
	if (rc)
		die("peer_invite_encode", rc);
	put("fuzz_invite", "invite-v2", code, strlen(code));

	/* payloads ('!'): the target adds the checksum */
	{
		static const struct {
			const char *name;
			uint8_t version, nl, len; /* len: of the name bytes */
			const char *text;
		} pl[] = {
			{ "payload-v1", 1, 4, 4, "Elms" },
			{ "payload-v2", 2, 5, 5, "Birch" },
			{ "payload-v3", 3, 4, 4, "Oaks" },
			{ "payload-v0", 0, 4, 4, "Oaks" },
			{ "payload-nul-in-name", 1, 4, 4, "Ok\0s" },
			{ "payload-name-short", 1, 9, 4, "Oaks" },
			{ "payload-name-long", 2, 65, 65,
			  "0123456789abcdef0123456789abcdef0123456789abcdef"
			  "0123456789abcdef!" },
		};
		uint8_t raw[1 + 1 + 32 + 32 + 1 + 80];

		for (i = 0; i < sizeof pl / sizeof pl[0]; i++) {
			raw[0] = '!';
			raw[1] = pl[i].version;
			rng_buf(raw + 2, 64);
			raw[66] = pl[i].nl;
			memcpy(raw + 67, pl[i].text, pl[i].len);
			put("fuzz_invite", pl[i].name, raw, 67 + pl[i].len);
		}
	}
}

/* ---- sealed private parts ------------------------------------------------ */

static void seal_env_random(void *ctx, void *buf, size_t n)
{
	(void)ctx;
	rng_buf(buf, n);
}

static void gen_seals(void)
{
	static const char text[] = "Flat 3b, ring twice; insulin in the door";
	const struct crdt_env env = { fuzz_now_ms, seal_env_random, NULL };
	struct crdt_identity ids[3];
	uint8_t seed[CRDT_SEED_LEN], pks[4][CRDT_PK_LEN];
	uint8_t out[1 + CRDT_SEAL_MAX];
	static const struct {
		const char *name;
		uint8_t mode; /* first byte: 0 by me, 2 by other */
		size_t to[3], n;
		int damage; /* 0, 1 flip in the box, 2 truncate, 3 version 2 */
	} open_cases[] = {
		{ "open-to-me", 0, { 0 }, 1, 0 },
		{ "open-to-me-and-other", 0, { 1, 0 }, 2, 0 },
		{ "open-by-other", 2, { 0, 1 }, 2, 0 },
		{ "open-to-others-only", 0, { 1, 3 }, 2, 0 },
		{ "open-three-me-last", 2, { 3, 1, 0 }, 3, 0 },
		{ "open-flipped-box", 0, { 0, 1 }, 2, 1 },
		{ "open-truncated", 0, { 0 }, 1, 2 },
		{ "open-version-2", 0, { 0 }, 1, 3 },
	};
	size_t i, k, len;
	int rc;

	for (i = 0; i < 3; i++) {
		static const uint8_t b[3] = { FUZZ_SEAL_ME, FUZZ_SEAL_OTHER,
					      FUZZ_SEAL_OUTSIDER };

		memset(seed, b[i], sizeof seed);
		rc = crdt_identity_from_seed(&ids[i], seed);
		if (rc)
			die("crdt_identity_from_seed", rc);
		memcpy(pks[i], ids[i].pk, CRDT_PK_LEN);
	}
	memset(seed, 0x44, sizeof seed);
	{
		struct crdt_identity fourth;

		rc = crdt_identity_from_seed(&fourth, seed);
		if (rc)
			die("crdt_identity_from_seed", rc);
		memcpy(pks[3], fourth.pk, CRDT_PK_LEN);
		crdt_identity_release(&fourth);
	}
	for (i = 0; i < sizeof open_cases / sizeof open_cases[0]; i++) {
		uint8_t to[3][CRDT_PK_LEN];

		for (k = 0; k < open_cases[i].n; k++)
			memcpy(to[k], pks[open_cases[i].to[k]], CRDT_PK_LEN);
		out[0] = open_cases[i].mode;
		rc = crdt_seal(out + 1, sizeof out - 1, &len, text,
			       sizeof text - 1,
			       open_cases[i].mode ? pks[1] : pks[0],
			       (const uint8_t(*)[CRDT_PK_LEN])to,
			       open_cases[i].n, &env);
		if (rc)
			die("crdt_seal", rc);
		switch (open_cases[i].damage) {
		case 1:
			out[len - 20] ^= 0x10;
			break;
		case 2:
			len -= 30;
			break;
		case 3:
			out[1] = 2;
			break;
		}
		put("fuzz_seal", open_cases[i].name, out, 1 + len);
	}
	/* seal mode: 1 sel flip:u16be xor text */
	{
		static const struct {
			const char *name;
			uint8_t sel, xor;
			size_t len;
		} seal_cases[] = {
			{ "seal-to-me", 0, 0, sizeof text - 1 },
			{ "seal-to-two-flip", 1, 0x01, sizeof text - 1 },
			{ "seal-by-other-flip-late", 0x41, 0x80, sizeof text - 1 },
			{ "seal-raw-key", 0x22, 0, sizeof text - 1 },
			{ "seal-32-empty", 31, 0, 0 },
			{ "seal-32-too-long", 31, 0, 1300 },
		};

		for (i = 0; i < sizeof seal_cases / sizeof seal_cases[0]; i++) {
			size_t n = seal_cases[i].len;

			out[0] = 1;
			out[1] = seal_cases[i].sel;
			out[2] = 0;
			out[3] = (uint8_t)(i * 37);
			out[4] = seal_cases[i].xor;
			for (k = 0; k < n; k++)
				out[5 + k] = (uint8_t)text[k % (sizeof text - 1)];
			put("fuzz_seal", seal_cases[i].name, out, 5 + n);
		}
	}
	for (i = 0; i < 3; i++)
		crdt_identity_release(&ids[i]);
}

int main(void)
{
	struct crdt_identity id, other;
	struct crdt_vector vv;
	uint8_t seed[CRDT_SEED_LEN];
	int rc;

	/* before sodium_init, as libsodium requires */
	randombytes_set_implementation(&rng);
	rc = crdt_crypto_init();
	if (rc)
		die("crdt_crypto_init", rc);
	mkdir(DIR "fuzz_change", 0755);
	mkdir(DIR "fuzz_bundle", 0755);
	mkdir(DIR "fuzz_vector", 0755);
	mkdir(DIR "fuzz_invite", 0755);
	mkdir(DIR "fuzz_seal", 0755);
	memset(seed, 7, sizeof seed);
	rc = crdt_identity_from_seed(&id, seed);
	if (rc)
		die("crdt_identity_from_seed", rc);
	memset(seed, 8, sizeof seed);
	rc = crdt_identity_from_seed(&other, seed);
	if (rc)
		die("crdt_identity_from_seed", rc);
	gen_changes(&id, &other);
	gen_bundles(&vv);
	gen_vectors(&vv);
	gen_invites(&id);
	gen_seals();
	crdt_vector_release(&vv);
	crdt_identity_release(&id);
	crdt_identity_release(&other);
	printf("gen_corpus: wrote " DIR
	       "fuzz_{change,bundle,vector,invite,seal}/\n");
	return 0;
}
