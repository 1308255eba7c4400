/*
 * community.h - state derived from coordinators' facts: who holds which
 * role, whether emergency mode is on.
 *
 * Role and emergency records are immutable facts (crdt/store.c).  They are
 * replayed in one total order, (created HLC, author, id), which every
 * replica computes the same from the same set of changes.  The community's
 * creator (from the invite code) starts as the only coordinator; a fact
 * counts only if its author is a coordinator at that point of the replay.
 * So when two coordinators act concurrently while partitioned, the earlier
 * fact in that order wins everywhere (e.g. two coordinators revoking each
 * other: the first revocation stands, the second author was no longer a
 * coordinator).  A coordinator can revoke any role, the creator's too.
 *
 * Moderation: a post is hidden while the latest moderation record about it
 * by a current coordinator says hidden.  Blocking is local: the `blocked`
 * table of this replica, never synced.
 */
#ifndef KITH_COMMUNITY_H
#define KITH_COMMUNITY_H

#include <stdint.h>

#include "bundle.h"
#include "query.h"
#include "store.h"

struct crdt_role {
	uint8_t member[32];
	uint8_t role; /* CRDT_ROLE_* */
};

struct crdt_roles {
	struct crdt_role *v;
	size_t n;
	int emergency;		/* on? */
	char reason[512];	/* why, when on */
	int64_t since_ms;	/* when it started (HLC physical ms) */
	uint8_t started_by[32];
};

/* Replay the facts (creator may be NULL when unknown: no coordinator). */
__attribute__((warn_unused_result)) int
crdt_roles_derive(struct crdt_store *s, const uint8_t *creator,
		  struct crdt_roles *out);
int crdt_roles_has(const struct crdt_roles *r, const uint8_t member[32],
		   int role);
void crdt_roles_release(struct crdt_roles *r);

/*
 * Derive and publish the current coordinators to this connection's
 * temp.coord table, which the list queries use to hide moderated posts.
 * Call once after opening (and after applying changes, to refresh).
 */
__attribute__((warn_unused_result)) int
crdt_community_refresh(struct crdt_store *s, const uint8_t *creator,
		       struct crdt_roles *out);

/* Local blocking (not synced). */
__attribute__((warn_unused_result)) int
crdt_block(struct crdt_store *s, const uint8_t member[32], int block);

/*
 * Roll call: every member (of one building, or all), with their latest
 * check-in at or after since_ms (status "safe", "need-help", or "unknown"
 * when none), who reported it and when.  Sorted by building, unit, name.
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
