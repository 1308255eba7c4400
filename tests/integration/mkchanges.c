/*
 * mkchanges - write many changes into a kith data directory quickly, for
 * tests that need a large sync: mkchanges HOME N [PER_CHANGE [WISH]]
 * Each change creates PER_CHANGE items (default 1) signed by HOME's
 * identity, through the crdt API, in transactions of 1000 changes.  With
 * WISH (a wish's full hex id) they are offers of help on that wish
 * instead, each with a note of NOTE_LEN bytes: what a hostile member can
 * sign past the action layer's one offer per helper.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crdt/codec.h"
#include "crdt/err.h"
#include "crdt/schema.h"
#include "peer/keystore.h"

/* The most the action layer allows: 256 such changes (a run as sessions
 * cut them by count) pass NET_FRAME_MAX, so sessions must cut by bytes too
 * (net/session.c; tests/integration/daemons.sh).  4000 bytes falls just
 * short of showing that. */
#define NOTE_LEN CRDT_MAX_TEXT

int main(int argc, char **argv)
{
	struct crdt_replica r;
	static char titles[1000][64];
	static char note[NOTE_LEN + 1];
	uint8_t wish[CRDT_ID_LEN];
	int claims = argc == 5;
	char path[PEER_PATH_MAX];
	long n, per, i, j;
	int rc;

	if (argc < 3 || argc > 5) {
		fprintf(stderr,
			"usage: mkchanges HOME N [PER_CHANGE [WISH]]\n");
		return 2;
	}
	n = atol(argv[2]);
	per = argc >= 4 ? atol(argv[3]) : 1;
	if (claims && (strlen(argv[4]) != 2 * CRDT_ID_LEN ||
		       crdt_unhex(wish, CRDT_ID_LEN, argv[4])))
		return 2;
	memset(note, '<', NOTE_LEN);
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
		for (j = 0; claims && j < per; j++) {
			crdt_op_init(&ops[j], CRDT_OP_CREATE, CRDT_R_CLAIM);
			if (crdt_op_set_bytes(&ops[j], F_CLAIM_TARGET, wish,
					      CRDT_ID_LEN) ||
			    crdt_op_set_int(&ops[j], F_CLAIM_QUANTITY, 1) ||
			    crdt_op_set_text(&ops[j], F_CLAIM_NOTE, note) ||
			    crdt_op_finish(&ops[j]))
				return 1;
		}
		for (j = 0; !claims && j < per; j++) {
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
