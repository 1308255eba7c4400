/*
 * replaced.h - the replacements of lost member keys, handed from the
 * replay of facts to the view (docs/DESIGN.md s5).
 *
 * Which replacements count depends on who was a coordinator when, so the
 * replay of facts decides it (crdt/facts.h rule 8), not the fold of one
 * change.  The view folds each change with what the last replay handed
 * it, in three tables:
 *   - replaced(new, member, ord): each counting replacement's new key,
 *     its member, and its place among the member's replacements (1, 2..);
 *   - cuts(key, member, ord, after): each key its cut list names, with
 *     the seq after which it stops;
 *   - meta 'replaced': all of it, as one value, to tell a change.
 * A rebuild keeps them (they are what the view is built with).  When the
 * replay's outcome differs from them, crdt_replaced_sync writes it and
 * rebuilds the view in one transaction, so the view is the same on every
 * replica that holds the same changes, whatever order they came in.  The
 * fold's side is in crdt/materialize.c (key_of).
 */
#ifndef KITH_REPLACED_H
#define KITH_REPLACED_H

#include "facts.h"
#include "store.h"

/*
 * Hand r's replacements to the view: nothing when the tables hold them
 * already; else write them and rebuild the view, in a transaction of its
 * own (nothing, and 0, when one is open on this connection: the next
 * refresh outside it does it).  0 or a KITH_E* code.
 */
__attribute__((warn_unused_result)) int
crdt_replaced_sync(struct crdt_store *s, const struct crdt_roles *r);

#endif
