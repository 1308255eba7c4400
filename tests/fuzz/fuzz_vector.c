/*
 * fuzz_vector.c - the version-vector file reader (crdt_vector_read).
 *
 * The input is written to a per-process temp file (the reader takes a
 * path).  When it parses, the vector must be sorted with every seq in
 * 1 .. 2^40-1, and writing it out and reading it back must give the same
 * vector.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "crdt/bundle.h"

static char in_path[512], out_path[512];

static void teardown(void)
{
	unlink(in_path);
	unlink(out_path);
}

static void setup(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	fuzz_tmp_path(in_path, sizeof in_path, "vector-in");
	fuzz_tmp_path(out_path, sizeof out_path, "vector-out");
	atexit(teardown);
}

/* Compare vectors as multisets: the reader sorts by key only, and qsort
 * need not be stable. */
static int entry_cmp(const void *a, const void *b)
{
	const struct crdt_vv_entry *x = a, *y = b;
	int d = memcmp(x->pk, y->pk, CRDT_PK_LEN);

	if (d)
		return d;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void check(const struct crdt_vector *vv)
{
	size_t i;

	for (i = 0; i < vv->n; i++) {
		if (!vv->v[i].seq || vv->v[i].seq >= (1ull << CRDT_SEQ_BITS) ||
		    (i && memcmp(vv->v[i - 1].pk, vv->v[i].pk, CRDT_PK_LEN) > 0)) {
			fprintf(stderr, "fuzz_vector: bad entry %zu\n", i);
			abort();
		}
		if (crdt_vector_get(vv, vv->v[i].pk) == 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct crdt_vector vv, back;

	setup();
	if (fuzz_write_file(in_path, data, size)) {
		fprintf(stderr, "fuzz_vector: cannot write '%s'\n", in_path);
		abort();
	}
	if (crdt_vector_read(&vv, in_path))
		return 0;
	check(&vv);
	if (crdt_vector_write(&vv, out_path) || crdt_vector_read(&back, out_path)) {
		fprintf(stderr, "fuzz_vector: cannot round-trip '%s'\n",
			out_path);
		abort();
	}
	if (vv.n)
		qsort(vv.v, vv.n, sizeof *vv.v, entry_cmp);
	if (back.n)
		qsort(back.v, back.n, sizeof *back.v, entry_cmp);
	if (back.n != vv.n ||
	    (vv.n && memcmp(back.v, vv.v, vv.n * sizeof *vv.v))) {
		fprintf(stderr, "fuzz_vector: round trip changed the vector\n");
		abort();
	}
	crdt_vector_release(&back);
	crdt_vector_release(&vv);
	return 0;
}
