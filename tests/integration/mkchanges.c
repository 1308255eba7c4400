/*
 * mkchanges - write many changes into a kith data directory quickly, for
 * tests that need a large sync: mkchanges HOME N [PER_CHANGE]
 * Each change creates PER_CHANGE items (default 1) signed by HOME's
 * identity, through the crdt API, in transactions of 1000 changes.
 */
#include <stdio.h>
#include <stdlib.h>

#include "crdt/err.h"
#include "crdt/schema.h"
#include "peer/keystore.h"

int main(int argc, char **argv)
{
	struct crdt_replica r;
	static char titles[1000][64];
	char path[PEER_PATH_MAX];
	long n, per, i, j;
	int rc;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: mkchanges HOME N [PER_CHANGE]\n");
		return 2;
	}
	n = atol(argv[2]);
	per = argc == 4 ? atol(argv[3]) : 1;
	if (n < 1 || per < 1 || per > 1000 || crdt_crypto_init() ||
	    peer_path(path, sizeof path, argv[1], "replica.db"))
		return 2;
	if (crdt_replica_open(&r, path, NULL))
		return 1;
	rc = peer_identity_load(argv[1], &r.id);
	for (i = 0; !rc && i < n; i++) {
		struct crdt_op ops[1000];

		if (i % 1000 == 0) {
			if (i)
				rc = crdt_store_commit(r.store);
			if (!rc)
				rc = crdt_store_begin(r.store);
			if (rc)
				break;
		}
		for (j = 0; j < per; j++) {
			snprintf(titles[j], sizeof titles[j], "bulk item %ld.%ld",
				 i, j);
			crdt_op_init(&ops[j], CRDT_OP_CREATE, CRDT_R_ITEM);
			if (crdt_op_set_text(&ops[j], F_ITEM_TITLE, titles[j]) ||
			    crdt_op_set_int(&ops[j], F_ITEM_QUANTITY, i % 9 + 1) ||
			    crdt_op_finish(&ops[j]))
				return 1;
		}
		rc = crdt_replica_commit(&r, ops, (uint32_t)per, NULL);
	}
	if (!rc)
		rc = crdt_store_commit(r.store);
	if (rc)
		fprintf(stderr, "mkchanges: %s\n", kith_strerror(rc));
	crdt_replica_close(&r);
	return rc ? 1 : 0;
}
