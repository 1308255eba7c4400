/*
 * bundle.c - bundle files: export a replica's runs sealed into a file,
 * import one in a transaction (see bundle.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomic.h"
#include "bundle.h"
#include "community.h"
#include "db.h"
#include "err.h"

#define MAGIC "KITHBNDL"
#define MAGIC_LEN 8
#define BUNDLE_VERSION 1
#define HEAD_LEN (MAGIC_LEN + 1 + CRDT_TAG_LEN + CRDT_STREAM_HEADER_LEN)
#define CHUNK (64u * 1024)

enum { BUNDLE_AUTHORS, BUNDLE_NSQL };

static const char *const bundle_sql[BUNDLE_NSQL] = {
	[BUNDLE_AUTHORS] = "SELECT n, pk, head FROM authors WHERE head > 0"
			   " ORDER BY pk",
};
static const struct crdt_stmts bundle_stmts = CRDT_STMTS(bundle_sql);

/* File size of a bundle with plain bytes of plaintext. */
static uint64_t bundle_size(uint64_t plain)
{
	return HEAD_LEN + plain + (plain / CHUNK + 1) * (4 + CRDT_STREAM_ABYTES);
}

/* ---- export ------------------------------------------------------------ */

/* The plaintext sealed a chunk at a time into the file. */
struct writer {
	struct crdt_atomic out;
	struct crdt_stream ss;
	struct crdt_buf plain;
	uint8_t *ct;
	uint64_t bytes;
};

static int flush_chunk(struct writer *w, int final)
{
	uint8_t len[4];
	size_t n = w->plain.len + CRDT_STREAM_ABYTES;

	crdt_stream_push(&w->ss, w->ct, w->plain.data, w->plain.len, final);
	len[0] = (uint8_t)n;
	len[1] = (uint8_t)(n >> 8);
	len[2] = (uint8_t)(n >> 16);
	len[3] = (uint8_t)(n >> 24);
	if (fwrite(len, 1, 4, w->out.f) != 4 ||
	    fwrite(w->ct, 1, n, w->out.f) != n)
		return errno == ENOSPC ? KITH_EFULL : KITH_EIO;
	w->bytes += 4 + n;
	crdt_buf_reset(&w->plain);
	return 0;
}

/* Append bytes to the plaintext, sealing full chunks as they fill. */
static int writer_put(void *ctx, const void *p, size_t n)
{
	struct writer *w = ctx;
	const uint8_t *q = p;
	int rc;

	while (n) {
		size_t room = CHUNK - w->plain.len, k = n < room ? n : room;

		rc = crdt_buf_put(&w->plain, q, k);
		if (rc)
			return rc;
		q += k;
		n -= k;
		if (w->plain.len == CHUNK) {
			rc = flush_chunk(w, 0);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* Start the stream and write the file's head. */
static int writer_head(struct writer *w, const uint8_t community[32])
{
	uint8_t head[HEAD_LEN], key[CRDT_KEY_LEN];
	int rc;

	memcpy(head, MAGIC, MAGIC_LEN);
	head[MAGIC_LEN] = BUNDLE_VERSION;
	crdt_community_tag(head + MAGIC_LEN + 1, community);
	crdt_community_subkey(key, community, CRDT_SUBKEY_BUNDLE);
	rc = crdt_stream_push_init(&w->ss, head + MAGIC_LEN + 1 + CRDT_TAG_LEN,
				   key);
	crdt_wipe(key, sizeof key);
	if (!rc && fwrite(head, 1, HEAD_LEN, w->out.f) != HEAD_LEN)
		rc = KITH_EIO;
	w->bytes = HEAD_LEN;
	return rc;
}

static int buf_put(void *ctx, const void *p, size_t n)
{
	return crdt_buf_put(ctx, p, n);
}

struct export {
	struct crdt_store *s;
	const struct crdt_vector *since;
	uint64_t max_bytes; /* 0: no limit */
	struct writer w;
	struct crdt_sink k;   /* into w */
	struct crdt_buf run;  /* one run, to see whether it fits */
	struct crdt_sink rk;  /* into run */
	uint64_t total, left; /* changes written, left out */
	uint64_t plain;	      /* plaintext bytes written under max_bytes */
};

/* The run of author (n, pk) that since lacks, if any: whole, and under
 * max_bytes only if it fits. */
static int export_author(struct export *e, int64_t n, const uint8_t *pk,
			 uint64_t headseq)
{
	uint64_t have = crdt_vector_get(e->since, pk);
	int rc;

	if (have >= headseq)
		return 0;
	if (!e->max_bytes) {
		rc = crdt_runs_write_log(e->s, n, have + 1, headseq, &e->k);
		e->total += headseq - have;
		return rc;
	}
	crdt_buf_reset(&e->run);
	rc = crdt_runs_write_log(e->s, n, have + 1, headseq, &e->rk);
	if (rc)
		return rc;
	if (bundle_size(e->plain + e->run.len + 16) > e->max_bytes) {
		e->left += headseq - have;
		return 0;
	}
	rc = writer_put(&e->w, e->run.data, e->run.len);
	e->plain += e->run.len;
	e->total += headseq - have;
	return rc;
}

/* Every author's missing run, in one read transaction (a consistent
 * snapshot of the log), and without a limit the fork evidence. */
static int export_logs(struct export *e)
{
	sqlite3_stmt *q = NULL;
	struct crdt_vector urgent = { NULL, 0 };
	int rc, pass;

	rc = crdt_store_begin_read(e->s);
	if (rc)
		return rc;
	rc = crdt_urgent_authors(e->s, &urgent);
	if (!rc) {
		q = crdt_stmt(e->s, &bundle_stmts, BUNDLE_AUTHORS);
		if (!q)
			rc = KITH_EDB;
	}
	/* two passes: authors carrying urgent needs first, then the rest */
	for (pass = 0; !rc && pass < 2; pass++) {
		while (!rc && crdt_next(e->s, q, &rc)) {
			const uint8_t *pk = sqlite3_column_blob(q, 1);

			if ((crdt_vector_get(&urgent, pk) != 0) == (pass == 0))
				rc = export_author(
					e, sqlite3_column_int64(q, 0), pk,
					(uint64_t)sqlite3_column_int64(q, 2));
		}
		crdt_reset(q);
	}
	if (!rc && !e->max_bytes)
		rc = crdt_runs_write_forks(e->s, &e->k, &e->total);
	if (rc)
		crdt_store_rollback(e->s);
	else
		rc = crdt_store_commit(e->s);
	crdt_vector_release(&urgent);
	return rc;
}

int crdt_bundle_export(struct crdt_replica *r, const uint8_t community[32],
		       const struct crdt_vector *since, const char *path,
		       struct crdt_export_stats *st)
{
	return crdt_bundle_export_max(r, community, since, 0, path, st);
}

int crdt_bundle_export_max(struct crdt_replica *r,
			   const uint8_t community[32],
			   const struct crdt_vector *since, uint64_t max_bytes,
			   const char *path, struct crdt_export_stats *st)
{
	struct export e;
	int rc;

	if (max_bytes && bundle_size(16) > max_bytes)
		return KITH_ETOOBIG;
	memset(&e, 0, sizeof e);
	e.s = r->store;
	e.since = since;
	e.max_bytes = max_bytes;
	e.k.put = writer_put;
	e.k.ctx = &e.w;
	crdt_buf_init(&e.run, CRDT_BUNDLE_MAX_FILE);
	e.rk.put = buf_put;
	e.rk.ctx = &e.run;
	crdt_buf_init(&e.w.plain, CHUNK);
	e.w.ct = malloc(CHUNK + CRDT_STREAM_ABYTES);
	if (!e.w.ct) {
		rc = KITH_ENOMEM;
		goto out;
	}
	rc = crdt_atomic_open(&e.w.out, path);
	if (rc)
		goto out;
	rc = writer_head(&e.w, community);
	if (!rc)
		rc = export_logs(&e);
	if (!rc)
		rc = crdt_runs_end(&e.k, e.total);
	if (!rc)
		rc = flush_chunk(&e.w, 1);
	crdt_stream_release(&e.w.ss);
	rc = crdt_atomic_commit(&e.w.out, rc);
	if (!rc && st) {
		st->changes = e.total;
		st->bytes = e.w.bytes;
		st->left = e.left;
	}
out:
	free(e.w.ct);
	crdt_buf_release(&e.w.plain);
	crdt_buf_release(&e.run);
	return rc;
}

/* ---- import ------------------------------------------------------------ */

/*
 * The plaintext of a bundle file, decrypted one chunk at a time into a
 * window, so a bundle is never held whole: the run stream's reader
 * (crdt/run.h) reads through a crdt_rd over the window, and src_need moves
 * the unread rest of the window to its front and decrypts chunks after it
 * until n bytes are at hand or the stream ends (a chunk's plaintext is
 * used only after its tag checked).  The window holds at most one item (a
 * change is at most CRDT_MAX_BODY) and a chunk.
 */
struct src {
	FILE *f;
	struct crdt_stream ss;
	uint8_t *ct;	    /* one ciphertext chunk */
	uint8_t *win;	    /* plaintext at hand: [0, len) */
	size_t len, cap;
	uint64_t file_left; /* file bytes not read yet */
	int final;	    /* the chunk with TAG_FINAL was read */
	int err;	    /* reading failed: the import fails with this */
};

#define WIN_MAX (CRDT_MAX_BODY + CRDT_SIG_LEN + 2 * CHUNK)

/* Read, check and decrypt the next chunk onto the end of the window (which
 * has room for a whole chunk). */
static int src_chunk(struct src *s)
{
	uint8_t l[4];
	size_t n;

	if (fread(l, 1, 4, s->f) != 4)
		return KITH_ETRUNCATED;
	n = (size_t)l[0] | (size_t)l[1] << 8 | (size_t)l[2] << 16 |
	    (size_t)l[3] << 24;
	if (n < CRDT_STREAM_ABYTES || n > CHUNK + CRDT_STREAM_ABYTES)
		return KITH_ECRYPT;
	if (fread(s->ct, 1, n, s->f) != n)
		return KITH_ETRUNCATED;
	s->file_left -= s->file_left < 4 + n ? s->file_left : 4 + n;
	if (crdt_stream_pull(&s->ss, s->win + s->len, s->ct, n, &s->final))
		return KITH_ECRYPT;
	s->len += n - CRDT_STREAM_ABYTES;
	return 0;
}

/* crdt_run_src.need: make n bytes readable through rd, if the stream
 * holds that many (the reader calls it only when rd has fewer). */
static void src_need(void *ctx, struct crdt_rd *rd, size_t n)
{
	struct src *s = ctx;
	size_t rest = crdt_rd_left(rd);

	memmove(s->win, s->win + rd->off, rest);
	s->len = rest;
	if (n > WIN_MAX - CHUNK)
		n = WIN_MAX - CHUNK; /* the item is malformed anyway */
	if (n + CHUNK > s->cap) {
		uint8_t *w = realloc(s->win, n + CHUNK);

		if (w) {
			s->win = w;
			s->cap = n + CHUNK;
		} else {
			s->err = KITH_ENOMEM;
		}
	}
	while (!s->err && !s->final && s->len < n)
		s->err = src_chunk(s);
	crdt_rd_init(rd, s->win, s->len);
}

/* crdt_run_src.unread: an upper bound of the plaintext not in the window. */
static uint64_t src_unread(void *ctx)
{
	const struct src *s = ctx;

	return s->file_left;
}

static void src_close(struct src *s)
{
	if (s->f) {
		crdt_stream_release(&s->ss);
		fclose(s->f);
	}
	free(s->ct);
	free(s->win);
	memset(s, 0, sizeof *s);
}

/* Open a bundle file: check magic, version and community, and set up
 * decryption; no chunk is read yet. */
static int src_open(struct src *s, const uint8_t community[32],
		    const char *path)
{
	uint8_t head[HEAD_LEN], tag[CRDT_TAG_LEN], key[CRDT_KEY_LEN];
	struct stat sb;
	size_t got;
	int rc;

	memset(s, 0, sizeof *s);
	s->f = fopen(path, "rb");
	if (!s->f)
		return -errno;
	if (fstat(fileno(s->f), &sb)) {
		rc = -errno;
		goto out;
	}
	if ((uint64_t)sb.st_size > CRDT_BUNDLE_MAX_FILE) {
		rc = KITH_ETOOBIG;
		goto out;
	}
	got = fread(head, 1, HEAD_LEN, s->f);
	/* a pipe has no size: bound the count check by the largest file */
	s->file_left = !S_ISREG(sb.st_mode) ? CRDT_BUNDLE_MAX_FILE
		       : (uint64_t)sb.st_size > got ? (uint64_t)sb.st_size - got
						    : 0;
	rc = KITH_EDECODE;
	if (got < MAGIC_LEN || memcmp(head, MAGIC, MAGIC_LEN))
		goto out;
	rc = KITH_ETRUNCATED;
	if (got < HEAD_LEN)
		goto out;
	rc = KITH_EVERSION;
	if (head[MAGIC_LEN] != BUNDLE_VERSION)
		goto out;
	crdt_community_tag(tag, community);
	rc = KITH_ECOMMUNITY;
	if (!crdt_equal(tag, head + MAGIC_LEN + 1, CRDT_TAG_LEN))
		goto out;
	crdt_community_subkey(key, community, CRDT_SUBKEY_BUNDLE);
	rc = crdt_stream_pull_init(&s->ss, head + MAGIC_LEN + 1 + CRDT_TAG_LEN,
				   key);
	crdt_wipe(key, sizeof key);
	if (rc)
		goto out;
	s->ct = malloc(CHUNK + CRDT_STREAM_ABYTES);
	s->cap = 2 * CHUNK;
	s->win = malloc(s->cap);
	if (!s->ct || !s->win)
		rc = KITH_ENOMEM;
out:
	if (rc)
		src_close(s);
	return rc;
}

/*
 * Read the stream to its end, discarding plaintext: a damaged or truncated
 * file is reported as such even when its plaintext failed to parse first,
 * as when the whole file was read before parsing.  Then nothing may follow
 * the final chunk.
 */
static void src_drain(struct src *s)
{
	while (!s->err && !s->final) {
		s->len = 0;
		s->err = src_chunk(s);
	}
	if (!s->err && fgetc(s->f) != EOF)
		s->err = KITH_ECRYPT; /* data after the final chunk */
}

/*
 * One transaction around the whole stream: changes are applied batch by
 * batch as chunks are decrypted, and anything wrong later in the file (a
 * bad tag, a truncation, a malformed entry, data after the end) rolls all
 * of it back.
 */
int crdt_bundle_import(struct crdt_replica *r, const uint8_t community[32],
		       const char *path, struct crdt_apply_stats *st)
{
	struct crdt_apply_stats tmp = *st;
	struct src s;
	struct crdt_run_src in = { src_need, src_unread, &s };
	struct crdt_rd rd;
	int rc;

	rc = src_open(&s, community, path);
	if (rc)
		return rc;
	rc = crdt_store_begin(r->store);
	if (rc)
		goto out;
	crdt_rd_init(&rd, s.win, 0);
	rc = crdt_runs_read(r, &rd, &in, &tmp);
	if (rc == 0 || rc == KITH_EDECODE) {
		src_drain(&s);
		if (s.err)
			rc = s.err;
		else if (rc)
			rc = KITH_ECRYPT;
	}
	rc = crdt_runs_finish(r, rc, &tmp, st);
out:
	src_close(&s);
	return rc;
}
