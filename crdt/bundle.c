#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "community.h"
#include "db.h"
#include "err.h"

#define MAGIC "KITHBNDL"
#define MAGIC_LEN 8
#define BUNDLE_VERSION 1
#define HEAD_LEN (MAGIC_LEN + 1 + CRDT_TAG_LEN + CRDT_STREAM_HEADER_LEN)
#define CHUNK (64u * 1024)
#define ENT_END 0
#define ENT_RUN 1
#define ENT_RAW 2
#define BATCH 8192

/* ---- version vectors -------------------------------------------------- */

int crdt_vector_load(struct crdt_store *s, struct crdt_vector *vv)
{
	sqlite3 *db = crdt_store_db(s);
	sqlite3_stmt *q = NULL;
	size_t cap = 0;
	int rc;

	vv->v = NULL;
	vv->n = 0;
	if (sqlite3_prepare_v2(db,
			       "SELECT pk, head FROM authors WHERE head > 0"
			       " ORDER BY pk",
			       -1, &q, NULL))
		return crdt_store_err(s, sqlite3_errcode(db));
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (vv->n == cap) {
			struct crdt_vv_entry *p;

			cap = cap ? 2 * cap : 64;
			p = realloc(vv->v, cap * sizeof *p);
			if (!p) {
				sqlite3_finalize(q);
				crdt_vector_release(vv);
				return KITH_ENOMEM;
			}
			vv->v = p;
		}
		memcpy(vv->v[vv->n].pk, sqlite3_column_blob(q, 0), CRDT_PK_LEN);
		vv->v[vv->n].seq = (uint64_t)sqlite3_column_int64(q, 1);
		vv->n++;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		crdt_vector_release(vv);
		return crdt_store_err(s, rc);
	}
	return 0;
}

static int vv_cmp(const void *a, const void *b)
{
	return memcmp(a, b, CRDT_PK_LEN);
}

uint64_t crdt_vector_get(const struct crdt_vector *vv, const uint8_t pk[32])
{
	const struct crdt_vv_entry *e;

	if (!vv || !vv->n)
		return 0;
	e = bsearch(pk, vv->v, vv->n, sizeof *vv->v, vv_cmp);
	return e ? e->seq : 0;
}

void crdt_vector_release(struct crdt_vector *vv)
{
	free(vv->v);
	vv->v = NULL;
	vv->n = 0;
}

/* Write a file atomically: path.tmp, fsync, rename. */
static int write_atomic_begin(const char *path, char *tmp, size_t tmplen,
			      FILE **f)
{
	int fd;

	if ((size_t)snprintf(tmp, tmplen, "%s.tmp", path) >= tmplen)
		return KITH_EINVAL;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	*f = fdopen(fd, "wb");
	if (!*f) {
		int e = -errno;

		close(fd);
		unlink(tmp);
		return e;
	}
	return 0;
}

static int write_atomic_end(FILE *f, const char *tmp, const char *path, int rc)
{
	if (!rc && fflush(f))
		rc = errno == ENOSPC ? KITH_EFULL : -errno;
	if (!rc && fsync(fileno(f)))
		rc = errno == ENOSPC ? KITH_EFULL : -errno;
	if (fclose(f) && !rc)
		rc = errno == ENOSPC ? KITH_EFULL : -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

int crdt_vector_write(const struct crdt_vector *vv, const char *path)
{
	char tmp[4096], hex[2 * CRDT_PK_LEN + 1];
	FILE *f;
	size_t i;
	int rc = write_atomic_begin(path, tmp, sizeof tmp, &f);

	if (rc)
		return rc;
	if (fprintf(f, "kith-vector 1\n") < 0)
		rc = KITH_EIO;
	for (i = 0; !rc && i < vv->n; i++) {
		crdt_hex(hex, vv->v[i].pk, CRDT_PK_LEN);
		if (fprintf(f, "%s %llu\n", hex,
			    (unsigned long long)vv->v[i].seq) < 0)
			rc = KITH_EIO;
	}
	return write_atomic_end(f, tmp, path, rc);
}

int crdt_vector_read(struct crdt_vector *vv, const char *path)
{
	char line[256];
	FILE *f = fopen(path, "r");
	size_t cap = 0;
	int rc = 0;

	vv->v = NULL;
	vv->n = 0;
	if (!f)
		return -errno;
	if (!fgets(line, sizeof line, f) || strcmp(line, "kith-vector 1\n")) {
		fclose(f);
		return KITH_EDECODE;
	}
	while (fgets(line, sizeof line, f)) {
		char hex[2 * CRDT_PK_LEN + 2];
		unsigned long long seq;
		char extra;

		if (sscanf(line, "%65s %llu %c", hex, &seq, &extra) != 2 ||
		    !seq || seq >= (1ull << CRDT_SEQ_BITS)) {
			rc = KITH_EDECODE;
			break;
		}
		if (vv->n == cap) {
			struct crdt_vv_entry *p;

			if (cap >= (1u << 24)) {
				rc = KITH_ETOOBIG;
				break;
			}
			cap = cap ? 2 * cap : 64;
			p = realloc(vv->v, cap * sizeof *p);
			if (!p) {
				rc = KITH_ENOMEM;
				break;
			}
			vv->v = p;
		}
		if (crdt_unhex(vv->v[vv->n].pk, CRDT_PK_LEN, hex)) {
			rc = KITH_EDECODE;
			break;
		}
		vv->v[vv->n++].seq = seq;
	}
	fclose(f);
	if (!rc && vv->n) {
		size_t i;

		qsort(vv->v, vv->n, sizeof *vv->v, vv_cmp);
		for (i = 1; !rc && i < vv->n; i++)
			if (!memcmp(vv->v[i - 1].pk, vv->v[i].pk, CRDT_PK_LEN))
				rc = KITH_EDECODE; /* an author named twice */
	}
	if (rc)
		crdt_vector_release(vv);
	return rc;
}

/* ---- export ------------------------------------------------------------ */

struct writer {
	FILE *f;
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
	if (fwrite(len, 1, 4, w->f) != 4 || fwrite(w->ct, 1, n, w->f) != n)
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

/* One author's changes from seq `from` to `to` as a RUN entry. */
static int export_run(struct crdt_sink *w, struct crdt_store *s, int64_t n,
		      uint64_t from, uint64_t to)
{
	sqlite3 *db = crdt_store_db(s);
	sqlite3_stmt *q = NULL;
	uint64_t prev_hlc = 0, seq = from;
	uint8_t op = ENT_RUN;
	int rc = 0, step;

	if (sqlite3_prepare_v2(db,
			       "SELECT data FROM changes WHERE k >= ?1 AND k <= ?2"
			       " ORDER BY k",
			       -1, &q, NULL))
		return crdt_store_err(s, sqlite3_errcode(db));
	sqlite3_bind_int64(q, 1, CRDT_KEY(n, from));
	sqlite3_bind_int64(q, 2, CRDT_KEY(n, to));
	while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW) {
		struct crdt_change c;
		const uint8_t *p = sqlite3_column_blob(q, 0);
		size_t len = (size_t)sqlite3_column_bytes(q, 0);

		rc = crdt_change_decode(&c, p, len);
		if (rc)
			break;
		if (c.seq != seq) {
			rc = KITH_EDB; /* the log has a hole: never expected */
		} else if (seq == from) {
			rc = wput(w, &op, 1);
			if (!rc)
				rc = wput(w, c.author, CRDT_PK_LEN);
			if (!rc)
				rc = wvarint(w, c.seq, 0);
			if (!rc && c.seq > 1)
				rc = wput(w, c.prev, CRDT_HASH_LEN);
			if (!rc)
				rc = wvarint(w, to - from + 1, 0);
		}
		if (!rc)
			rc = wvarint(w, c.hlc - prev_hlc, 1);
		if (!rc)
			rc = wvarint(w, c.body_len - c.ops_off, 0);
		if (!rc)
			rc = wput(w, c.body + c.ops_off, c.body_len - c.ops_off);
		if (!rc)
			rc = wput(w, c.sig, CRDT_SIG_LEN);
		prev_hlc = c.hlc;
		seq++;
		crdt_change_release(&c);
	}
	sqlite3_finalize(q);
	if (!rc && seq != to + 1)
		rc = KITH_EDB;
	return rc;
}

static int export_forks(struct crdt_sink *w, struct crdt_store *s,
			uint64_t *count)
{
	sqlite3 *db = crdt_store_db(s);
	sqlite3_stmt *q = NULL;
	uint8_t op = ENT_RAW;
	int rc = 0;

	if (sqlite3_prepare_v2(db, "SELECT data FROM forks ORDER BY n, seq, hash",
			       -1, &q, NULL))
		return crdt_store_err(s, sqlite3_errcode(db));
	while (!rc && sqlite3_step(q) == SQLITE_ROW) {
		size_t len = (size_t)sqlite3_column_bytes(q, 0);

		rc = wput(w, &op, 1);
		if (!rc)
			rc = wvarint(w, len, 0);
		if (!rc)
			rc = wput(w, sqlite3_column_blob(q, 0), len);
		(*count)++;
	}
	sqlite3_finalize(q);
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
	return export_run(k, s, a.n, from, to);
}

int crdt_runs_sig_ok(struct crdt_store *s, const uint8_t pk[32], uint64_t seq)
{
	struct crdt_author a;

	if (crdt_store_author(s, pk, 0, &a) || !a.n)
		return 0;
	/* checked on apply, and marked (crdt/apply.h): no body is read */
	return crdt_store_sig_ok(s, a.n, seq);
}

int crdt_runs_end(struct crdt_sink *k, uint64_t total)
{
	uint8_t end = ENT_END;
	int rc = wput(k, &end, 1);

	return rc ? rc : wvarint(k, total, 0);
}

/* File size of a bundle with plain bytes of plaintext. */
static uint64_t bundle_size(uint64_t plain)
{
	return HEAD_LEN + plain + (plain / CHUNK + 1) * (4 + CRDT_STREAM_ABYTES);
}

static int buf_put(void *ctx, const void *p, size_t n)
{
	return crdt_buf_put(ctx, p, n);
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
	struct crdt_store *s = r->store;
	sqlite3 *db = crdt_store_db(s);
	sqlite3_stmt *q = NULL;
	struct writer w;
	struct crdt_sink k = { writer_put, &w };
	struct crdt_buf run;
	struct crdt_sink rk = { buf_put, &run };
	struct crdt_vector urgent = { NULL, 0 };
	uint8_t head[HEAD_LEN], key[CRDT_KEY_LEN];
	char tmp[4096];
	uint64_t total = 0, left = 0, plain_total = 0;
	int rc, step, pass;

	if (max_bytes && bundle_size(16) > max_bytes)
		return KITH_ETOOBIG;
	crdt_buf_init(&run, CRDT_BUNDLE_MAX_FILE);
	memset(&w, 0, sizeof w);
	crdt_buf_init(&w.plain, CHUNK);
	w.ct = malloc(CHUNK + CRDT_STREAM_ABYTES);
	if (!w.ct) {
		crdt_buf_release(&w.plain);
		return KITH_ENOMEM;
	}
	rc = write_atomic_begin(path, tmp, sizeof tmp, &w.f);
	if (rc) {
		free(w.ct);
		crdt_buf_release(&w.plain);
		return rc;
	}
	memcpy(head, MAGIC, MAGIC_LEN);
	head[MAGIC_LEN] = BUNDLE_VERSION;
	crdt_community_tag(head + MAGIC_LEN + 1, community);
	crdt_community_subkey(key, community, CRDT_SUBKEY_BUNDLE);
	rc = crdt_stream_push_init(&w.ss, head + MAGIC_LEN + 1 + CRDT_TAG_LEN,
				   key);
	crdt_wipe(key, sizeof key);
	if (!rc && fwrite(head, 1, HEAD_LEN, w.f) != HEAD_LEN)
		rc = KITH_EIO;
	w.bytes = HEAD_LEN;
	/* one read transaction: a consistent snapshot of the log */
	if (!rc && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL))
		rc = crdt_store_err(s, sqlite3_errcode(db));
	if (!rc)
		rc = crdt_urgent_authors(s, &urgent);
	if (!rc && sqlite3_prepare_v2(db,
				      "SELECT n, pk, head FROM authors"
				      " WHERE head > 0 ORDER BY pk",
				      -1, &q, NULL))
		rc = crdt_store_err(s, sqlite3_errcode(db));
	/* two passes: authors carrying urgent needs first, then the rest */
	for (pass = 0; !rc && pass < 2; pass++) {
		while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW) {
			const uint8_t *pk = sqlite3_column_blob(q, 1);
			uint64_t headseq = (uint64_t)sqlite3_column_int64(q, 2);
			uint64_t have = crdt_vector_get(since, pk);

			if (have >= headseq ||
			    (crdt_vector_get(&urgent, pk) != 0) != (pass == 0))
				continue;
			if (!max_bytes) {
				rc = export_run(&k, s, sqlite3_column_int64(q, 0),
						have + 1, headseq);
				total += headseq - have;
				continue;
			}
			/* whole runs only, while they fit */
			crdt_buf_reset(&run);
			rc = export_run(&rk, s, sqlite3_column_int64(q, 0),
					have + 1, headseq);
			if (rc)
				break;
			if (bundle_size(plain_total + run.len + 16) > max_bytes) {
				left += headseq - have;
				continue;
			}
			rc = writer_put(&w, run.data, run.len);
			plain_total += run.len;
			total += headseq - have;
		}
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	if (!rc && !max_bytes)
		rc = export_forks(&k, s, &total);
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (!rc)
		rc = crdt_runs_end(&k, total);
	if (!rc)
		rc = flush_chunk(&w, 1);
	crdt_stream_release(&w.ss);
	rc = write_atomic_end(w.f, tmp, path, rc);
	if (!rc && st) {
		st->changes = total;
		st->bytes = w.bytes;
		st->left = left;
	}
	free(w.ct);
	crdt_buf_release(&w.plain);
	crdt_buf_release(&run);
	crdt_vector_release(&urgent);
	return rc;
}

/* ---- import ------------------------------------------------------------ */

/*
 * Import streams: plaintext comes from a source, either a buffer in memory
 * (sessions: the rd covers all of it) or a bundle file decrypted one chunk
 * at a time into a window, so a bundle is never held whole.  The parser
 * reads through a crdt_rd over the bytes at hand and calls src_need()
 * before each item; for a file, that moves the unread rest of the window to
 * its front and decrypts chunks after it until n bytes are at hand or the
 * stream ends (a chunk's plaintext is used only after its tag checked).
 * Pointers from the rd stay valid until the next src_need().  The window
 * holds at most one item (a change is at most CRDT_MAX_BODY) and a chunk.
 */
struct src {
	FILE *f; /* NULL: memory */
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

/* Make n bytes readable through rd, if the stream holds that many. */
static void src_need(struct src *s, struct crdt_rd *rd, size_t n)
{
	size_t rest;

	if (!s->f || rd->err || crdt_rd_left(rd) >= n)
		return;
	rest = crdt_rd_left(rd);
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

/* An upper bound of the plaintext bytes left. */
static uint64_t src_left(const struct src *s, const struct crdt_rd *rd)
{
	return crdt_rd_left(rd) + (s->f ? s->file_left : 0);
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

/* Changes decoded from the plaintext, applied in batches of about BATCH
 * changes or BATCH_BYTES; a batch ends between entries, or inside a RUN
 * only after a change whose own signature is good (see import_src). */
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
		b->raw[i].p = b->arena.data + b->off[i];
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

/*
 * Parse the plaintext and apply it (inside the caller's transaction).
 *
 * With cut set (bundles), a RUN longer than a batch is cut where a batch
 * fills, but only after a change whose own signature verifies (else the
 * next tries come every CUT_RETRY changes): each piece then reaches the
 * apply path ending in a good signature that vouches for it through the
 * hash chain, as when a sender cuts a run (crdt/apply.h), and memory stays
 * bounded by the batch even for one author's whole log.  Without cut
 * (sessions: a frame is small), a batch ends only between entries.
 */
static int import_src(struct crdt_replica *r, struct src *s,
		      struct crdt_rd *rd, int cut, struct crdt_apply_stats *st,
		      crdt_run_fn on_run, void *ctx)
{
	struct batch b;
	uint64_t total = 0;
	int rc = 0, done = 0;

	memset(&b, 0, sizeof b);
	crdt_buf_init(&b.arena, SIZE_MAX);
	while (!rc && !done) {
		uint8_t author[CRDT_PK_LEN], hash[CRDT_HASH_LEN];
		uint8_t prevbuf[CRDT_HASH_LEN];
		const uint8_t *prev = NULL, *p;
		uint64_t seq, count, hlc = 0, i, len;
		size_t next_try = 0;
		uint8_t t;

		if (batch_full(&b)) {
			rc = batch_flush(r, &b, st);
			if (rc)
				break;
		}
		src_need(s, rd, 1);
		t = crdt_rd_u8(rd);
		if (rd->err)
			break;
		switch (t) {
		case ENT_END:
			src_need(s, rd, 10);
			if (crdt_rd_varint(rd) != total)
				rc = KITH_EDECODE;
			src_need(s, rd, 1);
			if (!rc && crdt_rd_left(rd))
				rc = KITH_EDECODE;
			done = 1;
			break;
		case ENT_RAW:
			src_need(s, rd, 10);
			len = crdt_rd_varint(rd);
			if (!rd->err && len > CRDT_MAX_BODY + CRDT_SIG_LEN)
				rd->err = KITH_EDECODE;
			src_need(s, rd, len);
			p = crdt_rd_bytes(rd, len);
			if (!p)
				break;
			rc = batch_add(&b);
			if (rc)
				break;
			b.off[b.n] = b.arena.len;
			b.len[b.n++] = len;
			rc = crdt_buf_put(&b.arena, p, len);
			total++;
			break;
		case ENT_RUN:
			src_need(s, rd, CRDT_PK_LEN + 10 + CRDT_HASH_LEN + 10);
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
			if (!rd->err &&
			    count > src_left(s, rd) / (CRDT_SIG_LEN + 3))
				rd->err = KITH_EDECODE;
			if (!rd->err && on_run && count)
				on_run(ctx, author, seq, count);
			for (i = 0; !rc && !rd->err && i < count; i++, seq++) {
				size_t start;

				src_need(s, rd, 20);
				hlc += (uint64_t)crdt_rd_svarint(rd);
				len = crdt_rd_varint(rd);
				if (!rd->err && len > CRDT_MAX_BODY)
					rd->err = KITH_EDECODE;
				src_need(s, rd, len + CRDT_SIG_LEN);
				p = crdt_rd_bytes(rd, len);
				if (!p)
					break;
				rc = batch_add(&b);
				start = b.arena.len;
				if (!rc)
					rc = crdt_buf_put_u8(&b.arena, CRDT_VERSION);
				if (!rc)
					rc = crdt_buf_put(&b.arena, author,
							  CRDT_PK_LEN);
				if (!rc)
					rc = crdt_buf_put_varint(&b.arena, seq);
				if (!rc && seq > 1)
					rc = crdt_buf_put(&b.arena, prev,
							  CRDT_HASH_LEN);
				if (!rc)
					rc = crdt_buf_put_varint(&b.arena, hlc);
				if (!rc)
					rc = crdt_buf_put(&b.arena, p, len);
				if (rc)
					break;
				crdt_hash(hash, CRDT_HASH_LEN,
					  b.arena.data + start,
					  b.arena.len - start);
				p = crdt_rd_bytes(rd, CRDT_SIG_LEN);
				if (!p)
					break;
				rc = crdt_buf_put(&b.arena, p, CRDT_SIG_LEN);
				b.off[b.n] = start;
				b.len[b.n++] = b.arena.len - start;
				/* the next change's prev is this hash */
				memcpy(prevbuf, hash, CRDT_HASH_LEN);
				prev = prevbuf;
				total++;
				if (rc || !cut || i + 1 == count ||
				    !batch_full(&b) || b.n < next_try)
					continue;
				if (batch_last_signed(&b)) {
					rc = batch_flush(r, &b, st);
					next_try = 0;
				} else {
					next_try = b.n + CUT_RETRY;
				}
			}
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
		rc = batch_flush(r, &b, st);
	crdt_buf_release(&b.arena);
	free(b.off);
	free(b.len);
	free(b.raw);
	return rc;
}

int crdt_runs_apply(struct crdt_replica *r, const uint8_t *p, size_t n,
		    int strict, struct crdt_apply_stats *st, crdt_run_fn on_run,
		    void *ctx)
{
	struct crdt_apply_stats tmp = *st;
	struct src mem;
	struct crdt_rd rd;
	int rc = crdt_store_begin(r->store);

	if (rc)
		return rc;
	memset(&mem, 0, sizeof mem);
	crdt_rd_init(&rd, p, n);
	rc = import_src(r, &mem, &rd, 0, &tmp, on_run, ctx);
	if (!rc && strict && tmp.rejected > st->rejected) {
		*st = tmp; /* say what was wrong; keep nothing */
		crdt_store_rollback(r->store);
		return KITH_ESIG;
	}
	if (!rc && tmp.max_hlc)
		rc = crdt_replica_observe_hlc(r, tmp.max_hlc);
	if (!rc)
		rc = crdt_store_commit(r->store);
	else
		crdt_store_rollback(r->store);
	if (!rc)
		*st = tmp;
	return rc;
}

/*
 * One transaction around the whole stream: changes are applied batch by
 * batch as chunks are decrypted, and anything wrong later in the file (a
 * bad tag, a truncation, a malformed entry, data after the end) rolls all
 * of it back.  Errors are reported as when the whole file was decrypted
 * before parsing: damage to the file first, then a malformed plaintext
 * (KITH_ECRYPT: sealed by a member, but malformed), then the store's.
 */
int crdt_bundle_import(struct crdt_replica *r, const uint8_t community[32],
		       const char *path, struct crdt_apply_stats *st)
{
	struct crdt_apply_stats tmp = *st;
	struct crdt_rd rd;
	struct src s;
	int rc;

	rc = src_open(&s, community, path);
	if (rc)
		return rc;
	rc = crdt_store_begin(r->store);
	if (rc) {
		src_close(&s);
		return rc;
	}
	crdt_rd_init(&rd, s.win, 0);
	rc = import_src(r, &s, &rd, 1, &tmp, NULL, NULL);
	if (rc == 0 || rc == KITH_EDECODE) {
		src_drain(&s);
		if (s.err)
			rc = s.err;
		else if (rc)
			rc = KITH_ECRYPT;
	}
	if (!rc && tmp.max_hlc)
		rc = crdt_replica_observe_hlc(r, tmp.max_hlc);
	if (!rc)
		rc = crdt_store_commit(r->store);
	else
		crdt_store_rollback(r->store);
	if (!rc)
		*st = tmp;
	src_close(&s);
	return rc;
}
