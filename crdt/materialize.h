/*
 * materialize.h - the view: the tables that show the changes held.
 *
 * The materialized tables (members items wishes claims loans, the facts
 * role_facts moderation emergencies checkins verifications communities,
 * fact_seen, and the search indexes items_fts wishes_fts items_grams
 * wishes_grams: store.h lists them) are a pure function of the set of
 * changes held.  crdt_store_materialize() folds one applied change into
 * them, op by op, in the order the changes are applied; the result does
 * not depend on that order (docs/DESIGN.md s2: creates are inserted once by
 * record id, a field keeps the value of its writer's latest op, sticky
 * fields only ever rise), so every replica that holds the same changes
 * shows the same view.  crdt_store_rebuild() clears the view and folds
 * the whole log again, in key order.
 *
 * What is not shown: ops of a record type this kith does not know (kept
 * in the log for newer replicas), ops that break a rule of crdt/rules.h,
 * edits of facts (created once, never edited), and ops on records by
 * anyone but their writer (the UPDATEs say WHERE author = the writer),
 * changes of a device its member removed, and changes of a key that a
 * replacement cut (crdt/replaced.h), but for its facts of authority.
 *
 * The caller holds the transaction (crdt_store_begin): the view changes
 * with the log that holds the change, or not at all.
 *
 * store.h includes this header: these are functions of the store.
 */
#ifndef KITH_CRDT_MATERIALIZE_H
#define KITH_CRDT_MATERIALIZE_H

#include "change.h"

struct crdt_store;

/* Materialize one applied change (its ops) into the view tables; stamp
 * is the highest HLC of its author's log up to it (crdt_author.top once
 * it is counted): its edits order by (stamp, key, seq). */
__attribute__((warn_unused_result)) int
crdt_store_materialize(struct crdt_store *s, const struct crdt_change *c,
		       uint64_t stamp);
/* How the view counts a key's changes: whose they are, and where they
 * stop (docs/DESIGN.md s5). */
struct crdt_key_use {
	uint8_t who[32];  /* the member it writes as (itself when nobody's) */
	uint64_t after;	  /* its changes past this seq are not shown
			   * (UINT64_MAX: none is cut) */
	int own;	  /* the member's own key (theirs, or a new key a
			   * replacement gave them), not a device's */
	int removed;	  /* its member removed it (F_MEMBER_UNLINK) */
	int replaced;	  /* a replacement of its member's key cut it */
};
__attribute__((warn_unused_result)) int
crdt_store_key_use(struct crdt_store *s, const uint8_t key[32],
		   struct crdt_key_use *u);

/* Clear the view tables and re-materialize every applied change. */
__attribute__((warn_unused_result)) int crdt_store_rebuild(struct crdt_store *s);

#endif
