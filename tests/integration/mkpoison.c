/*
 * mkpoison - what a member holding the community key can make with a few
 * lines of C (issue 7, finding 1): a bundle of N changes signed by a fresh
 * identity of their own, chained properly, whose own signatures are
 * garbage except where MODE keeps them:
 *
 *   mkpoison HOME N MODE OUT
 *     MODE last      only the newest change's signature is good (an older
 *                    kith accepted the run on it and stored the garbage)
 *     MODE between   every checkpoint (seq multiple of 64) and the newest
 *                    are good, the rest garbage
 *
 * The changes are written, as they are, into a scratch replica (through
 * the store, not the apply path, as a hacked or older kith would hold
 * them) and exported from there with HOME's community key, so the bundle
 * looks like any member's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crdt/apply.h"
#include "crdt/bundle.h"
#include "crdt/err.h"
#include "crdt/schema.h"
#include "peer/keystore.h"

static int fail(const char *what, int rc)
{
	fprintf(stderr, "mkpoison: %s: %s\n", what, kith_strerror(rc));
	return 1;
}

int main(int argc, char **argv)
{
	struct peer_community com;
	struct crdt_replica r;
	struct crdt_identity id;
	struct crdt_author a;
	struct crdt_export_stats est;
	uint8_t seed[32], key[CRDT_KEY_LEN], prev[CRDT_HASH_LEN];
	char scratch[PEER_PATH_MAX];
	long n, seq;
	int between, rc;

	if (argc != 5 || (strcmp(argv[3], "last") && strcmp(argv[3], "between")))
		return fprintf(stderr, "usage: mkpoison HOME N last|between OUT\n"), 2;
	n = atol(argv[2]);
	between = !strcmp(argv[3], "between");
	if (n < 2 || crdt_crypto_init())
		return 2;
	rc = peer_community_load(argv[1], &com);
	if (rc)
		return fail("community", rc);
	peer_community_wire_key(&com, key);
	snprintf(scratch, sizeof scratch, "%s.scratch.db", argv[4]);
	unlink(scratch);
	rc = crdt_replica_open(&r, scratch, NULL);
	if (rc)
		return fail("scratch replica", rc);
	{
		FILE *u = fopen("/dev/urandom", "rb");

		if (!u || fread(seed, 1, sizeof seed, u) != sizeof seed)
			return 2;
		fclose(u);
	}
	rc = crdt_identity_from_seed(&id, seed);
	if (!rc)
		rc = crdt_store_begin(r.store);
	if (!rc)
		rc = crdt_store_author(r.store, id.pk, 1, &a);
	for (seq = 1; !rc && seq <= n; seq++) {
		struct crdt_change c;
		struct crdt_op op;
		struct crdt_buf buf;
		char title[64];
		int good = seq == n || (between && seq % CRDT_SIG_EVERY == 0);

		memset(&c, 0, sizeof c);
		snprintf(title, sizeof title, "poison %ld", seq);
		crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_ITEM);
		if (crdt_op_set_text(&op, F_ITEM_TITLE, title) ||
		    crdt_op_finish(&op))
			return 1;
		memcpy(c.author, id.pk, CRDT_PK_LEN);
		c.seq = (uint64_t)seq;
		if (seq > 1)
			memcpy(c.prev, prev, CRDT_HASH_LEN);
		c.hlc = (1893456000000ull + (uint64_t)seq) << 16;
		c.nops = 1;
		c.ops = &op;
		crdt_buf_init(&buf, CRDT_MAX_BODY + CRDT_SIG_LEN);
		rc = crdt_change_encode_body(&c, &buf);
		if (!rc) {
			crdt_hash(prev, CRDT_HASH_LEN, buf.data, buf.len);
			crdt_sign(c.sig, buf.data, buf.len, &id);
			if (!good)
				c.sig[7] ^= 0x5a; /* garbage of the right size */
			rc = crdt_buf_put(&buf, c.sig, CRDT_SIG_LEN);
		}
		if (!rc)
			rc = crdt_store_put_change(r.store, a.n, c.seq, c.hlc,
						   buf.data, buf.len, 0);
		crdt_buf_release(&buf);
	}
	if (!rc) {
		a.head = (uint64_t)n;
		memcpy(a.head_hash, prev, CRDT_HASH_LEN);
		rc = crdt_store_set_head(r.store, &a);
	}
	if (!rc)
		rc = crdt_store_commit(r.store);
	if (!rc)
		rc = crdt_bundle_export(&r, key, NULL, argv[4], &est);
	crdt_replica_close(&r);
	crdt_identity_release(&id);
	crdt_wipe(key, sizeof key);
	peer_community_wipe(&com);
	unlink(scratch);
	if (rc)
		return fail("poison", rc);
	return 0;
}
