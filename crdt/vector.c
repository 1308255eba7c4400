/*
 * vector.c - version vectors: from the authors table, and as a file (see
 * vector.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "codec.h"
#include "db.h"
#include "err.h"
#include "vector.h"

#define VECTOR_HEADER "kith-vector 1\n"
#define VECTOR_MAX_AUTHORS (1u << 24)

enum { VEC_HEADS, VEC_NSQL };

static const char *const vector_sql[VEC_NSQL] = {
	[VEC_HEADS] = "SELECT pk, head FROM authors WHERE head > 0 ORDER BY pk",
};
static const struct crdt_stmts vector_stmts = CRDT_STMTS(vector_sql);

int crdt_vector_append(struct crdt_vector *vv, size_t *cap,
		       const uint8_t pk[32], uint64_t seq)
{
	if (vv->n == *cap) {
		size_t grown = *cap ? 2 * *cap : 64;
		struct crdt_vv_entry *p = realloc(vv->v, grown * sizeof *p);

		if (!p)
			return KITH_ENOMEM;
		vv->v = p;
		*cap = grown;
	}
	memcpy(vv->v[vv->n].pk, pk, CRDT_PK_LEN);
	vv->v[vv->n++].seq = seq;
	return 0;
}

int crdt_vector_select(struct crdt_store *s, const struct crdt_stmts *t,
		       int i, struct crdt_vector *vv)
{
	sqlite3_stmt *q = crdt_stmt(s, t, i);
	size_t cap = 0;
	int rc = 0, step;

	vv->v = NULL;
	vv->n = 0;
	if (!q)
		return KITH_EDB;
	step = sqlite3_step(q);
	while (!rc && step == SQLITE_ROW) {
		if (sqlite3_column_bytes(q, 0) == CRDT_PK_LEN)
			rc = crdt_vector_append(
				vv, &cap, sqlite3_column_blob(q, 0),
				sqlite3_column_count(q) > 1
					? (uint64_t)sqlite3_column_int64(q, 1)
					: 1);
		if (!rc)
			step = sqlite3_step(q);
	}
	if (!rc && step != SQLITE_DONE)
		rc = crdt_store_err(s, step);
	crdt_reset(q);
	if (rc)
		crdt_vector_release(vv);
	return rc;
}

int crdt_vector_load(struct crdt_store *s, struct crdt_vector *vv)
{
	return crdt_vector_select(s, &vector_stmts, VEC_HEADS, vv);
}

static int vv_cmp(const void *a, const void *b)
{
	/* public keys, ordered: not a secret comparison */
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

int crdt_vector_write(const struct crdt_vector *vv, const char *path)
{
	char hex[2 * CRDT_PK_LEN + 1];
	struct crdt_atomic a;
	size_t i;
	int rc = crdt_atomic_open(&a, path);

	if (rc)
		return rc;
	if (fprintf(a.f, VECTOR_HEADER) < 0)
		rc = KITH_EIO;
	for (i = 0; !rc && i < vv->n; i++) {
		crdt_hex(hex, vv->v[i].pk, CRDT_PK_LEN);
		if (fprintf(a.f, "%s %llu\n", hex,
			    (unsigned long long)vv->v[i].seq) < 0)
			rc = KITH_EIO;
	}
	return crdt_atomic_commit(&a, rc);
}

/* One "<pk hex> <seq>" line appended to vv. */
static int read_line(struct crdt_vector *vv, size_t *cap, const char *line)
{
	char hex[2 * CRDT_PK_LEN + 2];
	uint8_t pk[CRDT_PK_LEN];
	unsigned long long seq;
	char extra;

	if (sscanf(line, "%65s %llu %c", hex, &seq, &extra) != 2 || !seq ||
	    seq >= (1ull << CRDT_SEQ_BITS))
		return KITH_EDECODE;
	if (vv->n >= VECTOR_MAX_AUTHORS)
		return KITH_ETOOBIG;
	if (crdt_unhex(pk, CRDT_PK_LEN, hex))
		return KITH_EDECODE;
	return crdt_vector_append(vv, cap, pk, seq);
}

int crdt_vector_read(struct crdt_vector *vv, const char *path)
{
	char line[256];
	FILE *f;
	size_t cap = 0, i;
	int rc = 0;

	vv->v = NULL;
	vv->n = 0;
	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (!fgets(line, sizeof line, f) || strcmp(line, VECTOR_HEADER)) {
		rc = KITH_EDECODE;
		goto out;
	}
	while (!rc && fgets(line, sizeof line, f))
		rc = read_line(vv, &cap, line);
	if (rc || !vv->n)
		goto out;
	qsort(vv->v, vv->n, sizeof *vv->v, vv_cmp);
	for (i = 1; !rc && i < vv->n; i++)
		if (!memcmp(vv->v[i - 1].pk, vv->v[i].pk, CRDT_PK_LEN))
			rc = KITH_EDECODE; /* an author named twice */
out:
	fclose(f);
	if (rc)
		crdt_vector_release(vv);
	return rc;
}
