/*
 * fuzz_change.c - the signed change decoder (crdt/change.c).
 *
 * Properties checked on every input that decodes:
 *   - the encoding is canonical: re-encoding the decoded body gives back
 *     exactly the input body (so a change has one hash, one signature);
 *   - the ops part decodes on its own to the same number of ops;
 *   - verifying the signature and materializing the ops into a view (in a
 *     transaction that is rolled back) do not crash.  Any member can sign
 *     any ops, so the materializer sees attacker-chosen ops too, but the
 *     bundle target cannot reach it past the signature check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "crdt/change.h"
#include "crdt/store.h"

static struct crdt_store *store;

static void teardown(void)
{
	crdt_store_close(store);
	store = NULL;
}

static void setup(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	if (crdt_crypto_init() || crdt_store_open(&store, ":memory:")) {
		fprintf(stderr, "fuzz_change: setup failed\n");
		abort();
	}
	atexit(teardown);
}

static void materialize(const struct crdt_change *c)
{
	int rc;

	if (crdt_store_begin(store))
		abort();
	rc = crdt_store_materialize(store, c, c->hlc); /* may fail: bad ops */
	(void)rc;
	crdt_store_rollback(store);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct crdt_change c, o;
	struct crdt_buf buf;
	int bad_sig;

	setup();
	if (crdt_change_decode(&c, data, size))
		return 0;
	crdt_buf_init(&buf, CRDT_MAX_BODY);
	if (crdt_change_encode_body(&c, &buf) || buf.len != c.body_len ||
	    memcmp(buf.data, c.body, c.body_len)) {
		fprintf(stderr, "fuzz_change: re-encoded body differs\n");
		abort();
	}
	memset(&o, 0, sizeof o);
	if (crdt_ops_decode(&o, c.body + c.ops_off, c.body_len - c.ops_off) ||
	    o.nops != c.nops) {
		fprintf(stderr, "fuzz_change: ops part does not decode alone\n");
		abort();
	}
	crdt_change_release(&o);
	bad_sig = crdt_change_verify(&c); /* a mutated change has a bad one */
	(void)bad_sig;
	materialize(&c);
	crdt_buf_release(&buf);
	crdt_change_release(&c);
	return 0;
}
