/*
 * test_bundle.c - encrypted bundle files and version vector files
 * (crdt/bundle.c): round trips, "since" exports, and hostile files (wrong
 * community, truncated, tampered, garbage), each of which must leave the
 * replica exactly as it was.  Import streams in batches: one author's
 * run longer than a batch is cut only after a change whose own signature
 * is good, and damage found after batches were applied still keeps nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crdt/bundle.h"
#include "crdt/schema.h"
#include "tests/testlib.h"

#define F(state) ((struct tl_fixture *)*(state))

/* bundle.h's file layout */
#define HEAD_LEN (8 + 1 + CRDT_TAG_LEN + CRDT_STREAM_HEADER_LEN)
#define CHUNK (64u * 1024)

static uint8_t key1[32], key2[32];

static int group_setup(void **state)
{
	tl_seed32(key1, 500);
	tl_seed32(key2, 501);
	return tl_group_setup(state);
}

static const char *path_of(struct tl_fixture *f, const char *name)
{
	static char bufs[4][TL_PATH_MAX + 64];
	static unsigned next;
	char *out = bufs[next++ % 4];

	return tl_path(f, name, out, sizeof bufs[0]);
}

static void snapshot(struct crdt_replica *r, uint8_t out[32])
{
	TL_OK(tl_state(r, TL_S_ALL, out));
}

static void expect_unchanged(struct crdt_replica *r, const uint8_t before[32],
			     const char *what)
{
	uint8_t now[32];

	TL_OK(tl_state(r, TL_S_ALL, now));
	TL_CHECK(!memcmp(before, now, 32), "%s: expected the replica exactly "
		 "as it was", what);
}

static void expect_same(struct crdt_replica *a, struct crdt_replica *b,
			const char *what)
{
	uint8_t ha[32], hb[32];
	char da[65], db[65];

	TL_OK(tl_state(a, TL_S_LOG | TL_S_VIEW, ha));
	TL_OK(tl_state(b, TL_S_LOG | TL_S_VIEW, hb));
	TL_CHECK(!memcmp(ha, hb, 32), "%s: expected the same log and view",
		 what);
	TL_OK(tl_digest(a, da));
	TL_OK(tl_digest(b, db));
	TL_CHECK(!strcmp(da, db), "%s: expected equal digests, got %.16s vs "
		 "%.16s", what, da, db);
}

static int64_t nchanges(struct crdt_replica *r)
{
	return tl_int(r, "SELECT count(*) FROM changes");
}

/* r1 (author 1) with a few records and author 2's changes merged in. */
static struct crdt_replica *populated(struct tl_fixture *f, const char *name,
				      int n)
{
	struct crdt_replica *r = tl_open(f, name, 1);
	char other[32];
	struct crdt_replica *o;
	struct crdt_apply_stats st;
	struct tl_rec wish;
	int i;

	snprintf(other, sizeof other, "%s-other", name);
	o = tl_open(f, other, 2);
	TL_CHECK(r && o, "open");
	TL_OK(tl_profile(r, "Ana"));
	TL_OK(tl_wish(r, "soup for a sick neighbour", &wish));
	for (i = 0; i < n; i++) {
		char t[32];

		snprintf(t, sizeof t, "thing %d", i);
		TL_OK(tl_item(r, t, NULL));
	}
	TL_OK(tl_sync(o, r, &st));
	TL_OK(tl_claim(o, wish.id, NULL));
	TL_OK(tl_profile(o, "Ben"));
	TL_OK(tl_sync(r, o, &st));
	tl_close(f, o);
	return r;
}

static void export_file(struct crdt_replica *r, const uint8_t key[32],
			const struct crdt_vector *since, const char *path,
			struct crdt_export_stats *es)
{
	struct crdt_export_stats tmp;

	TL_OK(crdt_bundle_export(r, key, since, path, es ? es : &tmp));
}

static int import_file(struct crdt_replica *r, const uint8_t key[32],
		       const char *path, struct crdt_apply_stats *st)
{
	memset(st, 0, sizeof *st);
	return crdt_bundle_import(r, key, path, st);
}

/* ---- round trips ------------------------------------------------------------ */

static void export_all_import_all(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r1 = populated(f, "r1", 5), *r2 = tl_open(f, "r2", 0);
	struct crdt_export_stats es;
	struct crdt_apply_stats st;
	struct stat sb;
	const char *b = path_of(f, "all.kith");

	export_file(r1, key1, NULL, b, &es);
	TL_EQ(es.changes, nchanges(r1), "exported changes");
	TL_CHECK(stat(b, &sb) == 0 && (uint64_t)sb.st_size == es.bytes,
		 "export stats: expected %llu bytes on disk",
		 (unsigned long long)es.bytes);
	TL_CHECK(access(path_of(f, "all.kith.tmp"), F_OK) != 0,
		 "export left its temp file behind");
	TL_OK(import_file(r2, key1, b, &st));
	TL_EQ(st.applied, es.changes, "applied from the bundle");
	TL_EQ(st.rejected + st.held + st.duplicate, 0,
	      "rejected+held+duplicate");
	expect_same(r1, r2, "exporter vs importer");
	/* a small bundle: a signed single-field edit costs ~90 bytes */
	TL_CHECK(es.bytes < 200 * es.changes, "bundle size: expected < 200 "
		 "bytes per change, got %llu for %llu",
		 (unsigned long long)es.bytes, (unsigned long long)es.changes);
}

static void import_twice_only_duplicates(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r1 = populated(f, "r1", 3), *r2 = tl_open(f, "r2", 0);
	struct crdt_apply_stats st;
	uint8_t before[32];
	const char *b = path_of(f, "b.kith");

	export_file(r1, key1, NULL, b, NULL);
	TL_OK(import_file(r2, key1, b, &st));
	snapshot(r2, before);
	TL_OK(import_file(r2, key1, b, &st));
	TL_EQ(st.applied + st.rejected + st.held, 0,
	      "applied+rejected+held on the second import");
	TL_EQ(st.duplicate, nchanges(r1), "duplicates on the second import");
	expect_unchanged(r2, before, "second import");
	/* and into the exporter itself */
	snapshot(r1, before);
	TL_OK(import_file(r1, key1, b, &st));
	TL_EQ(st.applied, 0, "applied into the exporter");
	expect_unchanged(r1, before, "importing one's own bundle");
}

static void export_since_vector(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r1 = populated(f, "r1", 3), *r2 = tl_open(f, "r2", 0),
			    *r3 = tl_open(f, "r3", 0), *r4 = tl_open(f, "r4", 4);
	struct crdt_vector vv, back;
	struct crdt_export_stats es;
	struct crdt_apply_stats st;
	int64_t old, fresh_author = 0;
	const char *b1 = path_of(f, "b1.kith"), *b2 = path_of(f, "b2.kith"),
		   *vf = path_of(f, "r2.vector");
	size_t i;

	export_file(r1, key1, NULL, b1, NULL);
	TL_OK(import_file(r2, key1, b1, &st));
	old = nchanges(r1);

	/* r1 moves on; a new member appears */
	TL_OK(tl_item(r1, "later 1", NULL));
	TL_OK(tl_item(r1, "later 2", NULL));
	TL_OK(tl_item(r4, "newcomer's drill", NULL));
	TL_OK(tl_profile(r4, "Dee"));
	TL_OK(tl_sync(r1, r4, &st));
	fresh_author = 2;

	/* r2 says what it has; r1 sends only what is missing */
	TL_OK(crdt_vector_load(r2->store, &vv));
	TL_EQ(vv.n, 2, "authors in r2's vector");
	TL_OK(crdt_vector_write(&vv, vf));
	TL_OK(crdt_vector_read(&back, vf));
	TL_EQ(back.n, vv.n, "authors read back");
	for (i = 0; i < vv.n; i++)
		TL_CHECK(!memcmp(back.v[i].pk, vv.v[i].pk, 32) &&
				 back.v[i].seq == vv.v[i].seq,
			 "vector entry %zu: expected %s %llu", i,
			 tl_hex(vv.v[i].pk, 32),
			 (unsigned long long)vv.v[i].seq);
	TL_EQ(crdt_vector_get(&back, r1->id.pk), 5, "r2's seq of author 1");
	TL_EQ(crdt_vector_get(&back, r4->id.pk), 0, "r2's seq of author 4");

	export_file(r1, key1, &back, b2, &es);
	TL_EQ(es.changes, nchanges(r1) - old, "changes in the since-bundle");
	TL_EQ(es.changes, 4, "changes in the since-bundle");

	/* an empty replica can use only the new member's changes */
	TL_OK(import_file(r3, key1, b2, &st));
	TL_EQ(st.applied, fresh_author, "applied into an empty replica");
	TL_EQ(st.held, 2, "held (continuing a log it does not have)");
	TL_EQ(st.duplicate + st.rejected, 0, "duplicate+rejected");

	TL_OK(import_file(r2, key1, b2, &st));
	TL_EQ(st.applied, 4, "applied by the replica that asked");
	TL_EQ(st.duplicate + st.rejected + st.held, 0,
	      "duplicate+rejected+held");
	expect_same(r1, r2, "after the since-bundle");

	/* nothing missing: an empty bundle that imports cleanly */
	crdt_vector_release(&back);
	TL_OK(crdt_vector_load(r2->store, &back));
	export_file(r1, key1, &back, b2, &es);
	TL_EQ(es.changes, 0, "changes when nothing is missing");
	TL_OK(import_file(r2, key1, b2, &st));
	TL_EQ(st.applied + st.duplicate + st.rejected + st.held, 0,
	      "counts for an empty bundle");
	crdt_vector_release(&vv);
	crdt_vector_release(&back);
}

static void fork_evidence_travels(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r1 = tl_open(f, "r1", 7), *r2 = tl_open(f, "r2", 7),
			    *r3 = tl_open(f, "r3", 0);
	struct crdt_apply_stats st;
	struct crdt_author a1, a3;
	const char *b = path_of(f, "b.kith");

	TL_OK(tl_item(r1, "start", NULL));
	TL_OK(tl_sync(r2, r1, &st));
	TL_OK(tl_item(r1, "laptop", NULL));
	TL_OK(tl_item(r2, "backup", NULL));
	export_file(r2, key1, NULL, b, NULL);
	TL_OK(import_file(r1, key1, b, &st));
	TL_EQ(st.forked, 1, "forks found importing the other branch");
	export_file(r1, key1, NULL, b, NULL);
	TL_OK(import_file(r3, key1, b, &st));
	TL_OK(tl_author(r1, r1->id.pk, &a1));
	TL_OK(tl_author(r3, r1->id.pk, &a3));
	TL_CHECK(a3.forked == 1, "a replica that never saw the fork: expected "
		 "forked = 1 from the evidence in the bundle");
	TL_CHECK(a1.head == a3.head && !memcmp(a1.head_hash, a3.head_hash, 32),
		 "heads: expected the same winner");
	TL_EQ(tl_int(r3, "SELECT count(*) FROM forks"), 1, "evidence kept");
	expect_same(r1, r3, "r1 vs r3");
}

/* ---- hostile files ---------------------------------------------------------- */

static void wrong_community(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r1 = populated(f, "r1", 2),
			    *r2 = populated(f, "r2", 1);
	struct crdt_apply_stats st;
	uint8_t before[32];
	const char *b = path_of(f, "b.kith");

	export_file(r1, key1, NULL, b, NULL);
	snapshot(r2, before);
	TL_RC(import_file(r2, key2, b, &st), KITH_ECOMMUNITY);
	expect_unchanged(r2, before, "a bundle of another community");
	TL_EQ(st.applied, 0, "applied");
}

/* Positions where the first chunk ends (for cuts at a chunk boundary). */
static size_t first_chunk_end(const uint8_t *p, size_t n)
{
	size_t len;

	TL_CHECK(n >= HEAD_LEN + 4, "bundle shorter than its header");
	len = (size_t)p[HEAD_LEN] | (size_t)p[HEAD_LEN + 1] << 8 |
	      (size_t)p[HEAD_LEN + 2] << 16 | (size_t)p[HEAD_LEN + 3] << 24;
	return HEAD_LEN + 4 + len;
}

static void truncated_files(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r1 = tl_open(f, "r1", 9), *r2 = populated(f, "r2", 1);
	struct crdt_apply_stats st;
	uint8_t before[32], *data;
	size_t n, cuts[20], ncuts = 0, i, boundary;
	const char *b = path_of(f, "big.kith"), *t = path_of(f, "cut.kith");
	static char big[CRDT_MAX_TEXT + 1];
	int k;

	/* two changes of ~48 KiB each: the plaintext needs two chunks */
	memset(big, 'z', CRDT_MAX_TEXT);
	for (k = 0; k < 2; k++) {
		struct crdt_op ops[2];

		for (int o = 0; o < 2; o++) {
			crdt_op_init(&ops[o], CRDT_OP_CREATE, CRDT_R_ITEM);
			for (unsigned fld = F_ITEM_TITLE; fld <= F_ITEM_LOCATION;
			     fld++)
				if (fld != F_ITEM_QUANTITY)
					TL_OK(crdt_op_set_text(&ops[o], fld, big));
		}
		TL_OK(tl_commit(r1, ops, 2, NULL));
	}
	export_file(r1, key1, NULL, b, NULL);
	TL_OK(tl_read_file(b, &data, &n));
	boundary = first_chunk_end(data, n);
	TL_CHECK(boundary < n, "expected a bundle of at least two chunks");

	cuts[ncuts++] = 0;
	cuts[ncuts++] = 1;
	cuts[ncuts++] = 8;
	cuts[ncuts++] = 9;
	cuts[ncuts++] = HEAD_LEN - 1;
	cuts[ncuts++] = HEAD_LEN;
	cuts[ncuts++] = HEAD_LEN + 2;
	cuts[ncuts++] = HEAD_LEN + 4;
	cuts[ncuts++] = HEAD_LEN + 4 + CRDT_STREAM_ABYTES;
	cuts[ncuts++] = boundary - 1;
	cuts[ncuts++] = boundary; /* whole first chunk, no FINAL */
	cuts[ncuts++] = boundary + 3;
	cuts[ncuts++] = boundary + 4;
	cuts[ncuts++] = n / 2;
	cuts[ncuts++] = n - CRDT_STREAM_ABYTES;
	cuts[ncuts++] = n - 1;

	snapshot(r2, before);
	for (i = 0; i < ncuts; i++) {
		int rc;

		TL_OK(tl_write_file(t, data, cuts[i]));
		rc = import_file(r2, key1, t, &st);
		if (cuts[i] < 8)
			TL_CHECK(rc == KITH_EDECODE, "bundle cut at %zu of %zu "
				 "(inside the magic): expected EDECODE, got "
				 "%d (%s)", cuts[i], n, rc, kith_strerror(rc));
		else if (cuts[i] < HEAD_LEN)
			TL_CHECK(rc == KITH_ETRUNCATED, "bundle cut at %zu of %zu "
				 "(inside the header): expected ETRUNCATED, got "
				 "%d (%s)", cuts[i], n, rc, kith_strerror(rc));
		else
			TL_CHECK(rc == KITH_ETRUNCATED || rc == KITH_ECRYPT,
				 "bundle cut at %zu of %zu: expected ETRUNCATED "
				 "or ECRYPT, got %d (%s)", cuts[i], n, rc,
				 kith_strerror(rc));
		if (cuts[i] == boundary)
			TL_CHECK(rc == KITH_ETRUNCATED, "bundle cut at the "
				 "chunk boundary: expected ETRUNCATED (no "
				 "FINAL), got %d", rc);
		expect_unchanged(r2, before, "after a truncated bundle");
	}
	/* data after the final chunk */
	{
		uint8_t *more = malloc(n + 1);

		memcpy(more, data, n);
		more[n] = 0;
		TL_OK(tl_write_file(t, more, n + 1));
		TL_RC(import_file(r2, key1, t, &st), KITH_ECRYPT);
		expect_unchanged(r2, before, "after a bundle with a tail");
		free(more);
	}
	/* the whole file still works */
	TL_OK(import_file(r2, key1, b, &st));
	TL_EQ(st.applied, 2, "applied from the intact bundle");
	free(data);
}

static void flipped_bytes(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r1 = tl_open(f, "r1", 9), *r2 = populated(f, "r2", 1);
	struct crdt_apply_stats st;
	uint8_t before[32], *data;
	size_t n, pos;
	const char *b = path_of(f, "b.kith"), *t = path_of(f, "flip.kith");

	TL_OK(tl_item(r1, "one", NULL));
	TL_OK(tl_item(r1, "two", NULL));
	export_file(r1, key1, NULL, b, NULL);
	TL_OK(tl_read_file(b, &data, &n));
	snapshot(r2, before);
	for (pos = 0; pos < n; pos++) {
		int rc;

		data[pos] ^= 0x04;
		TL_OK(tl_write_file(t, data, n));
		data[pos] ^= 0x04;
		rc = import_file(r2, key1, t, &st);
		if (pos < 8)
			TL_CHECK(rc == KITH_EDECODE, "byte %zu (magic) "
				 "flipped: expected EDECODE, got %d (%s)", pos,
				 rc, kith_strerror(rc));
		else if (pos == 8)
			TL_CHECK(rc == KITH_EVERSION, "version byte flipped: "
				 "expected EVERSION, got %d (%s)", rc,
				 kith_strerror(rc));
		else if (pos < 9 + CRDT_TAG_LEN)
			TL_CHECK(rc == KITH_ECOMMUNITY, "byte %zu (community "
				 "tag) flipped: expected ECOMMUNITY, got %d (%s)",
				 pos, rc, kith_strerror(rc));
		else if (pos < HEAD_LEN || pos >= HEAD_LEN + 4)
			TL_CHECK(rc == KITH_ECRYPT, "byte %zu of %zu flipped: "
				 "expected ECRYPT, got %d (%s)", pos, n, rc,
				 kith_strerror(rc));
		else /* the chunk length */
			TL_CHECK(rc == KITH_ECRYPT || rc == KITH_ETRUNCATED,
				 "chunk length byte %zu flipped: expected ECRYPT "
				 "or ETRUNCATED, got %d (%s)", pos, rc,
				 kith_strerror(rc));
		if (pos % 16 == 0 || pos + 1 == n)
			expect_unchanged(r2, before, "after a flipped byte");
	}
	expect_unchanged(r2, before, "after every flipped byte");
	free(data);
}

static void garbage_files(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r = populated(f, "r", 1);
	struct crdt_apply_stats st;
	struct tl_env e;
	uint8_t before[32], junk[1000];
	const char *t = path_of(f, "junk.kith");

	snapshot(r, before);
	tl_env_init(&e, 3);
	tl_rand_bytes(&e, junk, sizeof junk);
	TL_OK(tl_write_file(t, junk, sizeof junk));
	TL_RC(import_file(r, key1, t, &st), KITH_EDECODE);
	TL_OK(tl_write_file(t, "", 0));
	TL_RC(import_file(r, key1, t, &st), KITH_EDECODE);
	TL_OK(tl_write_file(t, "KITHBNDL", 8));
	TL_RC(import_file(r, key1, t, &st), KITH_ETRUNCATED);
	/* a future version */
	memcpy(junk, "KITHBNDL\x02", 9);
	TL_OK(tl_write_file(t, junk, sizeof junk));
	TL_RC(import_file(r, key1, t, &st), KITH_EVERSION);
	/* right magic, the rest random: another community as far as we know */
	memcpy(junk, "KITHBNDL\x01", 9);
	TL_OK(tl_write_file(t, junk, sizeof junk));
	TL_RC(import_file(r, key1, t, &st), KITH_ECOMMUNITY);
	/* right magic and tag, random ciphertext */
	crdt_community_tag(junk + 9, key1);
	TL_OK(tl_write_file(t, junk, sizeof junk));
	TL_CHECK(import_file(r, key1, t, &st) < 0, "random ciphertext: expected "
		 "an error");
	TL_RC(import_file(r, key1, path_of(f, "does-not-exist"), &st), -ENOENT);
	expect_unchanged(r, before, "after garbage files");
}

/* Encrypt plaintext as a bundle file by hand (bundle.h layout). */
static void write_bundle(const char *path, const uint8_t key[32],
			 const uint8_t *pt, size_t n)
{
	struct crdt_stream ss;
	uint8_t sub[32], *out;
	size_t cap = HEAD_LEN + (n / CHUNK + 1) * (4 + CHUNK + CRDT_STREAM_ABYTES);
	size_t len = 0, off = 0;

	out = malloc(cap);
	memcpy(out, "KITHBNDL\x01", 9);
	crdt_community_tag(out + 9, key);
	crdt_community_subkey(sub, key, CRDT_SUBKEY_BUNDLE);
	TL_OK(crdt_stream_push_init(&ss, out + 9 + CRDT_TAG_LEN, sub));
	len = HEAD_LEN;
	do {
		size_t k = n - off < CHUNK ? n - off : CHUNK;
		size_t c = k + CRDT_STREAM_ABYTES;

		out[len] = (uint8_t)c;
		out[len + 1] = (uint8_t)(c >> 8);
		out[len + 2] = (uint8_t)(c >> 16);
		out[len + 3] = (uint8_t)(c >> 24);
		crdt_stream_push(&ss, out + len + 4, pt + off, k, off + k == n);
		len += 4 + c;
		off += k;
	} while (off < n);
	crdt_stream_release(&ss);
	TL_OK(tl_write_file(path, out, len));
	free(out);
}

static void put_raw(struct crdt_buf *b, const struct crdt_raw *raw)
{
	TL_OK(crdt_buf_put_u8(b, 2));
	TL_OK(crdt_buf_put_lbytes(b, raw->p, raw->len));
}

static void malformed_plaintext(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *w = tl_open(f, "w", 1), *r = tl_open(f, "r", 0);
	struct tl_changes c = { 0 };
	struct crdt_apply_stats st;
	struct crdt_buf b;
	uint8_t before[32];
	const char *t = path_of(f, "p.kith");
	static const struct {
		const char *what;
		size_t n;
		uint8_t b[40];
	} bad[] = {
		{ "END with a wrong total", 2, { 0, 1 } },
		{ "an unknown entry type", 3, { 7, 0, 0 } },
		{ "bytes after END", 3, { 0, 2, 0 } },
		{ "no END", 0, { 0 } },
		{ "a RUN with seq 0", 35, { 1, [33] = 0, [34] = 0 } },
		{ "a RUN cut inside its author", 10, { 1, 1, 2, 3 } },
		{ "a RUN promising more changes than it has", 36,
		  { 1, [33] = 1, [34] = 1, [35] = 0 } },
		{ "a truncated RAW", 3, { 2, 5, 1 } },
		{ "a RAW longer than a change may be", 6,
		  { 2, 0xc1, 0x80, 0x80, 0x04, 0 } },
	};
	size_t i;

	TL_OK(tl_item(w, "cup", NULL));
	TL_OK(tl_item(w, "saucer", NULL));
	TL_OK(tl_changes_read(w, &c));
	crdt_buf_init(&b, 1 << 20);

	/* two RAW entries and a correct END apply */
	put_raw(&b, &c.v[0]);
	put_raw(&b, &c.v[1]);
	TL_OK(crdt_buf_put_u8(&b, 0));
	TL_OK(crdt_buf_put_varint(&b, 2));
	write_bundle(t, key1, b.data, b.len);
	TL_OK(import_file(r, key1, t, &st));
	TL_EQ(st.applied, 2, "applied from hand-made RAW entries");

	/* the same entries with something wrong after them apply nothing */
	tl_close(f, r);
	r = tl_open(f, "r2", 0);
	snapshot(r, before);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		crdt_buf_reset(&b);
		put_raw(&b, &c.v[0]);
		put_raw(&b, &c.v[1]);
		TL_OK(crdt_buf_put(&b, bad[i].b, bad[i].n));
		write_bundle(t, key1, b.data, b.len);
		TL_CHECK(import_file(r, key1, t, &st) == KITH_ECRYPT,
			 "plaintext with %s: expected ECRYPT (damaged)",
			 bad[i].what);
		expect_unchanged(r, before, bad[i].what);
	}
	/* a RUN whose first seq lies beyond the 40-bit seq space */
	crdt_buf_reset(&b);
	TL_OK(crdt_buf_put_u8(&b, 1));
	TL_OK(crdt_buf_put(&b, w->id.pk, 32));
	TL_OK(crdt_buf_put_varint(&b, 1ull << CRDT_SEQ_BITS));
	TL_OK(crdt_buf_put(&b, before, 32));
	TL_OK(crdt_buf_put_varint(&b, 0));
	TL_OK(crdt_buf_put_u8(&b, 0));
	TL_OK(crdt_buf_put_varint(&b, 0));
	write_bundle(t, key1, b.data, b.len);
	TL_RC(import_file(r, key1, t, &st), KITH_ECRYPT);
	expect_unchanged(r, before, "a RUN with seq 2^40");
	/* an empty plaintext */
	write_bundle(t, key1, (const uint8_t *)"", 0);
	TL_RC(import_file(r, key1, t, &st), KITH_ECRYPT);
	expect_unchanged(r, before, "an empty plaintext");
	crdt_buf_release(&b);
	tl_changes_free(&c);
}

/* ---- long runs: import streams in batches ------------------------------- */

/* More than two of crdt/run.c's batches (8192 changes). */
#define LONG_RUN 17000

/* w commits n changes of one new item each, 1000 to a transaction. */
static void bulk(struct crdt_replica *w, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		struct crdt_op op;
		char t[32];

		if (i % 1000 == 0) {
			if (i)
				TL_OK(crdt_store_commit(w->store));
			TL_OK(crdt_store_begin(w->store));
		}
		snprintf(t, sizeof t, "bulk %d", i);
		crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_ITEM);
		TL_OK(crdt_op_set_text(&op, F_ITEM_TITLE, t));
		TL_OK(crdt_op_finish(&op));
		TL_OK(crdt_replica_commit(w, &op, 1, NULL));
	}
	TL_OK(crdt_store_commit(w->store));
}

/* Append c (one author's log from seq 1) as one RUN, with the signatures
 * of changes [bad_lo, bad_hi) damaged. */
static void put_run(struct crdt_buf *b, const struct tl_changes *c,
		    size_t bad_lo, size_t bad_hi)
{
	uint64_t prev_hlc = 0;
	size_t i;

	for (i = 0; i < c->n; i++) {
		struct crdt_change ch;
		uint8_t sig[CRDT_SIG_LEN];

		TL_OK(crdt_change_decode(&ch, c->v[i].p, c->v[i].len));
		TL_EQ(ch.seq, i + 1, "the log in seq order");
		if (i == 0) {
			TL_OK(crdt_buf_put_u8(b, 1));
			TL_OK(crdt_buf_put(b, ch.author, CRDT_PK_LEN));
			TL_OK(crdt_buf_put_varint(b, 1));
			TL_OK(crdt_buf_put_varint(b, c->n));
		}
		TL_OK(crdt_buf_put_svarint(b, (int64_t)(ch.hlc - prev_hlc)));
		TL_OK(crdt_buf_put_lbytes(b, ch.body + ch.ops_off,
					  ch.body_len - ch.ops_off));
		memcpy(sig, ch.sig, sizeof sig);
		if (i >= bad_lo && i < bad_hi)
			sig[0] ^= 1;
		TL_OK(crdt_buf_put(b, sig, sizeof sig));
		prev_hlc = ch.hlc;
		crdt_change_release(&ch);
	}
}

/*
 * Plaintext: a RUN of 10 changes by another author, then the long run
 * with the signatures of changes [bad_lo, bad_hi) damaged, then END.  The
 * short run first makes the first batch fill at the long run's 8182nd
 * change (seq 8182), which is no checkpoint (crdt/apply.h).
 */
static void long_plaintext(struct crdt_buf *b, const struct tl_changes *o,
			   const struct tl_changes *c, size_t bad_lo,
			   size_t bad_hi)
{
	crdt_buf_reset(b);
	put_run(b, o, 0, 0);
	put_run(b, c, bad_lo, bad_hi);
	TL_OK(crdt_buf_put_u8(b, 0));
	TL_OK(crdt_buf_put_varint(b, o->n + c->n));
}

static void long_run_in_pieces(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *w = tl_open(f, "w", 1), *o = tl_open(f, "o", 2);
	struct crdt_replica *r;
	struct tl_changes c = { 0 }, oc = { 0 };
	struct crdt_apply_stats st;
	struct crdt_buf b;
	const char *t = path_of(f, "long.kith");
	uint8_t before[32], view[32], now[32], *file;
	size_t len;

	bulk(w, LONG_RUN);
	bulk(o, 10);
	TL_OK(tl_changes_read(w, &c));
	TL_OK(tl_changes_read(o, &oc));
	TL_EQ(c.n, LONG_RUN, "changes written");
	crdt_buf_init(&b, 64u << 20);

	/* whole and well signed: applied in pieces, all of it */
	long_plaintext(&b, &oc, &c, 0, 0);
	write_bundle(t, key1, b.data, b.len);
	r = tl_open(f, "r1", 0);
	TL_OK(import_file(r, key1, t, &st));
	TL_EQ(st.applied, LONG_RUN + 10, "applied from one long run");
	TL_EQ(st.rejected + st.refused, 0, "rejected from one long run");
	TL_EQ(nchanges(r), LONG_RUN + 10, "changes stored");
	TL_OK(tl_state(r, TL_S_VIEW, view));
	tl_close(f, r);

	/*
	 * The signatures of seqs 8182..8191 are bad (none is a checkpoint),
	 * among them the one where the first batch fills; the run's last is
	 * good and vouches for all of it, so all of it applies.  A batch may
	 * not end at a change without a good signature of its own: that
	 * piece would be checked change by change and lose its end.
	 */
	long_plaintext(&b, &oc, &c, 8181, 8191);
	write_bundle(t, key1, b.data, b.len);
	r = tl_open(f, "r2", 0);
	TL_OK(import_file(r, key1, t, &st));
	TL_EQ(st.applied, LONG_RUN + 10,
	      "applied from a long run with bad signatures inside");
	TL_EQ(st.rejected + st.refused, 0,
	      "rejected from a long run with bad signatures inside");
	/* the log keeps the damaged signatures as they came */
	TL_OK(tl_state(r, TL_S_VIEW, now));
	TL_CHECK(!memcmp(view, now, 32), "a long run with bad signatures "
		 "inside: expected the same view");
	tl_close(f, r);

	/* damage in the last chunk, found after batches were applied inside
	 * the transaction: nothing is kept */
	long_plaintext(&b, &oc, &c, 0, 0);
	write_bundle(t, key1, b.data, b.len);
	TL_OK(tl_read_file(t, &file, &len));
	r = tl_open(f, "r3", 0);
	snapshot(r, before);
	file[len - 20] ^= 1;
	TL_OK(tl_write_file(t, file, len));
	TL_RC(import_file(r, key1, t, &st), KITH_ECRYPT);
	expect_unchanged(r, before, "a long bundle damaged at its end");
	file[len - 20] ^= 1;
	TL_OK(tl_write_file(t, file, len - 30));
	TL_RC(import_file(r, key1, t, &st), KITH_ETRUNCATED);
	expect_unchanged(r, before, "a long bundle cut short");
	TL_OK(tl_write_file(t, file, len));
	TL_OK(import_file(r, key1, t, &st));
	TL_EQ(st.applied, LONG_RUN + 10, "applied once whole again");
	free(file);
	crdt_buf_release(&b);
	tl_changes_free(&c);
	tl_changes_free(&oc);
}

/* A change larger than a chunk (the import's window grows for it), between
 * small ones. */
static void change_larger_than_a_chunk(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *w = tl_open(f, "w", 1), *r = tl_open(f, "r", 0);
	static struct crdt_op ops[60];
	static char text[3000];
	struct crdt_apply_stats st;
	const char *t = path_of(f, "big.kith");
	struct crdt_export_stats es;
	int i;

	memset(text, 'x', sizeof text - 1);
	TL_OK(tl_item(w, "before", NULL));
	TL_OK(crdt_store_begin(w->store));
	for (i = 0; i < 60; i++) {
		text[i] = (char)('a' + i % 26);
		crdt_op_init(&ops[i], CRDT_OP_CREATE, CRDT_R_ITEM);
		TL_OK(crdt_op_set_text(&ops[i], F_ITEM_TITLE, "big"));
		TL_OK(crdt_op_set_text(&ops[i], F_ITEM_DESCRIPTION, text));
		TL_OK(crdt_op_finish(&ops[i]));
	}
	TL_OK(crdt_replica_commit(w, ops, 60, NULL));
	TL_OK(crdt_store_commit(w->store));
	TL_OK(tl_item(w, "after", NULL));
	export_file(w, key1, NULL, t, &es);
	TL_CHECK(es.bytes > 2 * CHUNK, "a bundle of more than two chunks, "
		 "got %llu bytes", (unsigned long long)es.bytes);
	TL_OK(import_file(r, key1, t, &st));
	TL_EQ(st.applied, 3, "applied: small, large, small");
	TL_EQ(st.rejected, 0, "rejected");
	expect_same(w, r, "a change larger than a chunk");
}

static void export_failure_leaves_nothing(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r = populated(f, "r", 1);
	struct crdt_export_stats es;
	const char *d = path_of(f, "adir");

	TL_CHECK(mkdir(d, 0700) == 0, "mkdir");
	TL_CHECK(crdt_bundle_export(r, key1, NULL, d, &es) < 0,
		 "export onto a directory: expected an error");
	TL_CHECK(access(path_of(f, "adir.tmp"), F_OK) != 0,
		 "a failed export left its temp file behind");
	TL_CHECK(crdt_bundle_export(r, key1, NULL,
				    path_of(f, "no/such/dir/b.kith"), &es) ==
			 -ENOENT,
		 "export into a missing directory: expected -ENOENT");
}

/* ---- vector files ----------------------------------------------------------- */

static void vector_file_round_trip(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_vector vv = { 0 }, back;
	struct crdt_vv_entry e[3];
	const char *p = path_of(f, "v");
	int i;

	/* unsorted on input, sorted after reading, largest seq kept */
	for (i = 0; i < 3; i++)
		tl_seed32(e[i].pk, 30 - (uint64_t)i);
	e[0].seq = 1;
	e[1].seq = (1ull << CRDT_SEQ_BITS) - 1;
	e[2].seq = 77;
	vv.v = e;
	vv.n = 3;
	TL_OK(crdt_vector_write(&vv, p));
	TL_OK(crdt_vector_read(&back, p));
	TL_EQ(back.n, 3, "entries read back");
	for (i = 0; i < 3; i++)
		TL_EQ(crdt_vector_get(&back, e[i].pk), e[i].seq,
		      "seq read back");
	for (i = 1; i < 3; i++)
		TL_CHECK(memcmp(back.v[i - 1].pk, back.v[i].pk, 32) < 0,
			 "read vector: expected entries sorted by key");
	{
		uint8_t unknown[32];

		tl_seed32(unknown, 999);
		TL_EQ(crdt_vector_get(&back, unknown), 0, "unknown author");
		TL_EQ(crdt_vector_get(NULL, unknown), 0, "NULL vector");
	}
	crdt_vector_release(&back);
}

static void vector_file_malformed(void **state)
{
	struct tl_fixture *f = F(state);
	const char *p = path_of(f, "v");
	static const char pk[] =
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	char text[1024];
	struct crdt_vector back;
	static const char *const lines[] = {
		"%s 0\n",			 /* seq 0 */
		"%s 1099511627776\n",		 /* 2^40 */
		"%s -1\n",			 /* negative */
		"%s\n",				 /* no seq */
		"%s 5 extra\n",			 /* trailing token */
		"%s 5x\n",			 /* junk after the number */
		"%.63s 5\n",			 /* 63 hex digits */
		"%sa 5\n",			 /* 65 hex digits */
		"\n",				 /* empty line */
		"%.62szz 5\n",			 /* not hex */
	};
	size_t i;

	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		int k = snprintf(text, sizeof text, "kith-vector 1\n");

		snprintf(text + k, sizeof text - (size_t)k, lines[i], pk);
		TL_OK(tl_write_file(p, text, strlen(text)));
		TL_CHECK(crdt_vector_read(&back, p) == KITH_EDECODE,
			 "vector line \"%s\": expected EDECODE", text + k);
		TL_CHECK(back.v == NULL && back.n == 0,
			 "a rejected vector must come back empty");
	}
	/* headers */
	TL_OK(tl_write_file(p, "kith-vector 2\n", 14));
	TL_RC(crdt_vector_read(&back, p), KITH_EDECODE);
	TL_OK(tl_write_file(p, "", 0));
	TL_RC(crdt_vector_read(&back, p), KITH_EDECODE);
	TL_OK(tl_write_file(p, "KITHBNDL\x01", 9));
	TL_RC(crdt_vector_read(&back, p), KITH_EDECODE);
	/* a line longer than the reader's buffer */
	{
		char *big = malloc(4000);

		strcpy(big, "kith-vector 1\n");
		memset(big + 14, 'a', 3000);
		big[3014] = '\n';
		TL_OK(tl_write_file(p, big, 3015));
		TL_RC(crdt_vector_read(&back, p), KITH_EDECODE);
		free(big);
	}
	TL_RC(crdt_vector_read(&back, path_of(f, "missing")), -ENOENT);
	/* and a good one for contrast */
	snprintf(text, sizeof text, "kith-vector 1\n%s 5\n", pk);
	TL_OK(tl_write_file(p, text, strlen(text)));
	TL_OK(crdt_vector_read(&back, p));
	TL_EQ(back.n, 1, "entries");
	TL_EQ(back.v[0].seq, 5, "seq");
	crdt_vector_release(&back);
}

/*
 * A replica that holds nothing writes a vector of just the header line, and
 * reading it back must work.  (Listed last: crdt_vector_read used to call
 * qsort(NULL, 0, ...), undefined behaviour that UBSan turns into an exit of
 * the whole test program.)
 */
static void vector_file_empty(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r = tl_open(f, "empty", 0);
	struct crdt_vector vv, back;
	const char *p = path_of(f, "v");
	uint8_t *data;
	size_t n;

	TL_OK(crdt_vector_load(r->store, &vv));
	TL_EQ(vv.n, 0, "authors in an empty replica's vector");
	TL_OK(crdt_vector_write(&vv, p));
	TL_OK(tl_read_file(p, &data, &n));
	TL_CHECK(n == 14 && !memcmp(data, "kith-vector 1\n", 14),
		 "empty vector file: expected just the header line");
	free(data);
	TL_OK(crdt_vector_read(&back, p));
	TL_EQ(back.n, 0, "entries of an empty vector");
	crdt_vector_release(&back);
	crdt_vector_release(&vv);
}

/*
 * A vector names each author once.  With two lines for one author,
 * crdt_vector_get (bsearch) may return either seq, so "export --since"
 * could leave out changes the asker lacks: the file is malformed.
 */
static void vector_file_duplicate_author(void **state)
{
	struct tl_fixture *f = F(state);
	const char *p = path_of(f, "v");
	static const char text[] =
		"kith-vector 1\n"
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff 2\n"
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff 9\n";
	struct crdt_vector back;
	int rc;

	TL_OK(tl_write_file(p, text, strlen(text)));
	rc = crdt_vector_read(&back, p);
	if (rc == 0)
		crdt_vector_release(&back);
	TL_CHECK(rc == KITH_EDECODE, "a vector naming one author twice (seq 2 "
		 "and 9): expected EDECODE, got %d (%s)", rc,
		 kith_strerror(rc));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
	const struct CMUnitTest tests[] = {
		T(export_all_import_all),
		T(import_twice_only_duplicates),
		T(export_since_vector),
		T(fork_evidence_travels),
		T(wrong_community),
		T(truncated_files),
		T(flipped_bytes),
		T(garbage_files),
		T(malformed_plaintext),
		T(long_run_in_pieces),
		T(change_larger_than_a_chunk),
		T(export_failure_leaves_nothing),
		T(vector_file_round_trip),
		T(vector_file_malformed),
		T(vector_file_duplicate_author),
		T(vector_file_empty), /* keep last, see its comment */
	};
#undef T

	return cmocka_run_group_tests_name("bundle", tests, group_setup, NULL);
}
