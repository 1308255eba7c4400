/*
 * community.h - the community's state as people see it: current
 * coordinators and verified members published to this connection (for
 * the list queries), local blocking, the roll call of check-ins, and what
 * must travel first on a short contact.
 *
 * Roles, emergencies and verifications are ordered facts (crdt/facts.h).
 *
 * Moderation: a post is hidden while a hide by a current coordinator
 * stands, i.e. no later moderation record of a current coordinator about
 * the same post names it (crdt/query_sql.h HIDDEN).  Blocking is local:
 * the `blocked` table of this replica, never synced.
 *
 * Check-ins: a report about a member stands until a report about the same
 * member names it (causally follows it).  A member's own report is
 * superseded only by their own later report or a coordinator's.  The roll
 * call shows "need-help" while any standing report since since_ms says
 * so, else "safe" if one does, else "unknown".  A stamp decides nothing
 * but which standing report is shown and the since_ms filter.
 *
 * Design: docs/DESIGN.md s5.
 */
#ifndef KITH_COMMUNITY_H
#define KITH_COMMUNITY_H

#include <stdint.h>

#include "facts.h"
#include "query.h"
#include "store.h"
#include "vector.h"

/*
 * Derive (crdt_roles_derive) and publish the current coordinators and
 * verified members to this connection's temp.coord and temp.verified
 * tables, which the list queries use (moderation; hours count only
 * between verified members); and hand the replacements of lost keys to
 * the view (crdt/replaced.h: the view is rebuilt when they changed).
 * Call once after opening (and after applying changes, to refresh).
 */
__attribute__((warn_unused_result)) int
crdt_community_refresh(struct crdt_store *s, const uint8_t *creator,
		       struct crdt_roles *out);

/*
 * The community's identity: its creator signs a genesis record
 * (CRDT_R_COMMUNITY) as a change of their log, and the hash of that change
 * is the community id, carried by invite codes.  Nobody else can sign a
 * change with that hash, so the creator derived here cannot be forged by
 * re-encoding an invite code.  author gets the genesis change's author;
 * KITH_ENOTFOUND while the replica does not hold it (yet).
 */
__attribute__((warn_unused_result)) int
crdt_genesis_author(struct crdt_store *s, const uint8_t id[32],
		    uint8_t author[32]);

/* Local blocking (not synced). */
__attribute__((warn_unused_result)) int
crdt_block(struct crdt_store *s, const uint8_t member[32], int block);

/*
 * Roll call: every member (of one building, or all), with their status
 * from the standing check-ins at or after since_ms (see above: "safe",
 * "need-help", or "unknown" when none), who reported the one shown and
 * when.  Sorted by building, unit, name.
 */
__attribute__((warn_unused_result)) int
crdt_checkins(struct crdt_store *s, const char *building, int64_t since_ms,
	      crdt_row_fn fn, void *ctx);

/*
 * Authors whose logs carry what must travel first on a short contact: open
 * critical or urgent wishes, and need-help check-ins.  A vector sorted by
 * key (seq 1 for each; crdt_vector_get(out, pk) != 0 means urgent).
 */
__attribute__((warn_unused_result)) int
crdt_urgent_authors(struct crdt_store *s, struct crdt_vector *out);

#endif
