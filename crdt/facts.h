/*
 * facts.h - ordered facts: who holds which role, whether emergency mode is
 * on, which members were verified in person; and the "seen" lists that
 * order facts by what their signer had seen, never by the clock stamp the
 * signer claims.
 *
 * Facts are records of the types from CRDT_R_ROLE on (crdt/schema.h):
 * created once, never edited.  Each names, in its seen field, the hashes
 * of the changes holding the facts of its kind its signer held and that
 * no other held fact had already named (the frontier; crdt_facts_seen
 * fills it in).  So a fact's causal past is: the facts it names, the
 * facts its author signed before it (lower seq), and, transitively, their
 * pasts.  Two facts are concurrent when neither is in the other's past.
 * A hash cannot name a change that did not exist when the fact was
 * signed, so the past of a fact is fixed for good when it is signed:
 * back-dating or far-future stamps change nothing.
 *
 * Authority (roles, emergency, verifications, replacements).  Every
 * replica computes
 * the same from the same set of facts:
 *   1. A fact counts only when every hash it names is held as a fact
 *      (until then it waits).  Only what it names: a fact that names a
 *      waiting fact does not wait for what that one names.
 *   2. Facts are replayed in one order that respects their pasts: by
 *      depth (longest chain of named facts below it), then change hash,
 *      then record id.  The community's creator starts as its only
 *      coordinator.
 *   3. A role grant or revocation, and an emergency start or end, counts
 *      when its author is a coordinator at that point of the replay.  A
 *      verification counts when its author is a coordinator, or a
 *      building head of the building the verification names.
 *   4. A revocation beats every concurrent act of the revoked member:
 *      when a revocation of X's role counts, every fact of X that needed
 *      that role and is concurrent with the revocation is void, and the
 *      replay starts again without them (void facts stay void).  Acts of X
 *      that the revoker had seen stand; acts X signs after seeing the
 *      revocation fail rule 3.
 *      A revocation of a role the member does not hold has no effect
 *      and voids nothing.
 *   5. A revocation that would leave no coordinator has no effect.
 *   6. A building head's role carries the building they head; revoking a
 *      building-head role without a building revokes every building.
 *   7. Emergency mode is the state of the last counting emergency fact of
 *      the replay.  A member's verification is the last counting
 *      verification (or removal) about them; it names their building and
 *      unit, and one without a building does not count.
 *   8. A replacement (CRDT_R_REPLACE: a member who lost their key, its
 *      new key, and a cut list of the keys the member had, each with the
 *      seq after which it stops) counts when its author is a coordinator,
 *      the two keys differ, the new key is no replaced member and no
 *      other replacement's new key, and the member is no replacement's
 *      new key.  From then on the new key, and every device it links,
 *      writes as the member: facts signed under it act with the member's
 *      roles.  Every fact signed by another key of the member (the
 *      member's own, a device's, an earlier new key's) past the seq the
 *      cut list gives that key (0 when it is not on it) is void, wherever
 *      it stands in the replay (the replay starts again when one came
 *      before).  crdt_community_refresh hands the counting replacements
 *      to the view (crdt/materialize.h), which cuts the same keys' other
 *      changes the same way.
 *
 * Check-ins and moderation are ordered the same way, by naming (their
 * rules are in crdt/community.h and crdt/query_sql.h): a report
 * supersedes only the reports it names.
 *
 * Design: docs/DESIGN.md s5.
 */
#ifndef KITH_FACTS_H
#define KITH_FACTS_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "store.h"

struct crdt_role {
	uint8_t member[32];
	uint8_t role;	/* CRDT_ROLE_* */
	char *building; /* building heads: the building (never NULL) */
};

struct crdt_verified {
	uint8_t member[32];
	uint8_t by[32];
	char *building;
	char *unit;
};

/* A replacement that counts (rule 8). */
struct crdt_replacement {
	uint8_t member[32];
	uint8_t key[32];  /* the new key */
	uint8_t by[32];	  /* the coordinator (their member) */
	int64_t created;  /* its stamp (HLC) */
	uint8_t *cuts;	  /* CRDT_CUT_LEN each: key, then seq (u64 BE) */
	size_t ncuts;
};

struct crdt_roles {
	struct crdt_role *v;
	size_t n;
	struct crdt_verified *ver;
	size_t nver;
	int emergency;		/* on? */
	char reason[512];	/* why, when on */
	int64_t since_ms;	/* when it started (HLC physical ms) */
	uint8_t started_by[32];
	struct crdt_replacement *repl; /* in replay order */
	size_t nrepl;
	size_t voided;		/* facts void under rules 4 and 8 */
	size_t waiting;		/* facts waiting for what they name (rule 1) */
};

/* Replay the facts (creator may be NULL when unknown: no coordinator). */
__attribute__((warn_unused_result)) int
crdt_roles_derive(struct crdt_store *s, const uint8_t *creator,
		  struct crdt_roles *out);
/* Does member hold role (any building for building heads)? */
int crdt_roles_has(const struct crdt_roles *r, const uint8_t member[32],
		   int role);
/* Is member a building head of building (case-insensitive)? */
int crdt_roles_heads(const struct crdt_roles *r, const uint8_t member[32],
		     const char *building);
/* The member's verification, or NULL. */
const struct crdt_verified *crdt_roles_verified(const struct crdt_roles *r,
						const uint8_t member[32]);
void crdt_roles_release(struct crdt_roles *r);

/* The seq after which key stops counting under a cut list of n entries
 * (0 when it is not on it). */
uint64_t crdt_cuts_after(const uint8_t *cuts, size_t n, const uint8_t key[32]);

/* Which facts a new fact names (its seen field). */
enum crdt_seen_kind {
	CRDT_SEEN_AUTHORITY,  /* roles, emergencies, verifications */
	CRDT_SEEN_CHECKIN,    /* check-ins about one member (key: 32 bytes) */
	CRDT_SEEN_MODERATION, /* moderation of one post (key: 16-byte id) */
};
/*
 * Fill out (reset first) with the hashes of the frontier of held facts
 * of that kind: the facts no other held fact of the kind names, and no
 * later fact of the same author supersedes; at most CRDT_SEEN_MAX, newest
 * changes first.  key is NULL for CRDT_SEEN_AUTHORITY.
 */
__attribute__((warn_unused_result)) int
crdt_facts_seen(struct crdt_store *s, enum crdt_seen_kind kind,
		const uint8_t *key, struct crdt_buf *out);

#endif
