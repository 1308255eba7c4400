/*
 * coord.h - running the community: who holds which role, who was met in
 * person, hiding posts, blocking a member on this machine, emergency mode.
 *
 * Who may do what (crdt/facts.h derives it from ordered facts; the same
 * rules decide on apply, on every replica, whether a fact counts):
 *   - role grant / revoke: coordinators.  A revocation that would leave
 *     no coordinator is refused here (and has no effect on apply).
 *   - member verify / unverify: coordinators, and a building head for
 *     members of the building they head.
 *   - hide / unhide a post: coordinators.
 *   - emergency start / end: coordinators.
 *   - block / unblock: anyone, for themselves; local, never synced.
 *
 * Conventions of this header:
 *   - Members and posts are given as the person typed them (a name or a
 *     hex id prefix, see action_resolve); messages name members as
 *     action_person (action/names.h) shows them.
 *   - The action must be open (action_open); writing actions need the
 *     identity (ACTION_IDENTITY).
 *   - KITH_EINVAL means an argument is missing or malformed (a building
 *     head without a building, an empty reason, a text too long, an id
 *     too short): interfaces show it as a usage error.  Those checks come
 *     before anything is looked up.  KITH_EDENIED: not allowed;
 *     KITH_EEXISTS / KITH_ENOTFOUND: already so / not so.  A refused
 *     action writes nothing.
 *   - Results are copied into caller-owned structs; nothing to free.
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_ACTION_COORD_H
#define KITH_ACTION_COORD_H

#include <stddef.h>
#include <stdint.h>

#include "action.h"
#include "crdt/facts.h"
#include "member.h"
#include "names.h"

/*
 * Commit op (a fact: crdt/facts.h) as one change of the acting identity,
 * naming in seen_field the facts of its kind this replica holds, in one
 * transaction.  key: the member (check-ins) or post (moderation), NULL
 * for roles, emergencies and verifications.  For action/ modules.
 */
__attribute__((warn_unused_result)) int
action_coord_commit_fact(struct action *a, struct crdt_op *op,
			 unsigned seen_field, enum crdt_seen_kind kind,
			 const uint8_t *key, const char *what);

/*
 * 0 when the acting identity is a coordinator now; else KITH_EDENIED with
 * "only coordinators can see this page ..." (a whole translated sentence
 * that says whom to ask).  For interfaces that show a coordinator's
 * overview (the web app's coordinator pages) before any action: the
 * actions themselves check again.
 */
__attribute__((warn_unused_result)) int
action_coord_require(struct action *a);

/* ---- roles ----------------------------------------------------------- */

struct action_coord_role {
	struct action_person who;
	int role;	      /* CRDT_ROLE_* */
	const char *word;     /* "coordinator" / "building-head" (English) */
	const char *building; /* building heads: the building; else "" */
};
typedef int (*action_coord_role_fn)(void *ctx,
				    const struct action_coord_role *r);

/*
 * Every role held now, in the order derived (coordinators and building
 * heads as crdt_roles_derive lists them), to fn (non-zero stops and is
 * returned).  None at all: the caller tells from a->joined (no community
 * yet) and a->have_community (its founding record not here yet).
 */
__attribute__((warn_unused_result)) int
action_coord_roles(struct action *a, action_coord_role_fn fn, void *ctx);

/*
 * Make member a coordinator (building NULL) or the building head of
 * building (role CRDT_ROLE_BUILDING_HEAD; required).  Coordinators only.
 * Refusals: EINVAL (no building for a head, a building for a coordinator,
 * building too long), unknown member, EDENIED (not a coordinator),
 * EEXISTS ("'Ben' is already a coordinator").  who gets the member.
 */
__attribute__((warn_unused_result)) int
action_coord_role_grant(struct action *a, const char *member, int role,
			const char *building, struct action_person *who);

/*
 * Take a role away.  A building head's role: of building, or of every
 * building they head when building is NULL.  Coordinators only.
 * Refusals as for grant, ENOTFOUND when they do not hold it, and EDENIED
 * when they are the last coordinator.
 */
__attribute__((warn_unused_result)) int
action_coord_role_revoke(struct action *a, const char *member, int role,
			 const char *building, struct action_person *who);

/* ---- verification in person ------------------------------------------ */

/*
 * Vouch that member lives in building, unit (both required, EINVAL).
 * Coordinators, and the building head of that building (EDENIED
 * otherwise).  Hours and points count only between verified members.
 * Verifying again with another address replaces the first.
 */
__attribute__((warn_unused_result)) int
action_coord_verify(struct action *a, const char *member,
		    const char *building, const char *unit,
		    struct action_person *who);

/*
 * Withdraw member's verification.  ENOTFOUND when they are not verified;
 * coordinators, and the building head of the building they were verified
 * in (EDENIED otherwise).  building (may be NULL; ACTION_PERSON_MAX bytes)
 * gets that building.
 */
__attribute__((warn_unused_result)) int
action_coord_unverify(struct action *a, const char *member,
		      struct action_person *who, char *building);

/*
 * The members waiting for verification, as a coordinator's list shows
 * them: action_member_list's members (by building, then name) who are
 * not verified, leaving out the acting member - nobody vouches for
 * themself in person; another coordinator or their building head does.
 * fn as action_member_list's (non-zero stops and is returned).
 */
__attribute__((warn_unused_result)) int
action_coord_waiting(struct action *a, action_member_fn fn, void *ctx);

/* ---- moderation -------------------------------------------------------- */

/* The post a moderation act was about. */
struct action_coord_post {
	uint8_t id[16];
	int rtype;		      /* CRDT_R_ITEM or CRDT_R_WISH */
	char short_id[33];	      /* action_short_id */
	char title[ACTION_PERSON_MAX]; /* cut to fit */
};

/*
 * Hide an item or wish (post: id prefix as typed) from everyone's lists,
 * for reason (required, EINVAL).  Coordinators.  Refusals: EINVAL,
 * ENOTFOUND ("no item or wish with id"), EAMBIGUOUS, EDENIED, EEXISTS
 * (already hidden).
 */
__attribute__((warn_unused_result)) int
action_coord_hide(struct action *a, const char *post, const char *reason,
		  struct action_coord_post *out);
/* Show a hidden post again (reason optional: NULL or "").  Coordinators.
 * Refusals as hide, ENOTFOUND when it is not hidden. */
__attribute__((warn_unused_result)) int
action_coord_unhide(struct action *a, const char *post, const char *reason,
		    struct action_coord_post *out);

/* ---- blocking (this machine only) -------------------------------------- */

/* Hide every post of member from our own lists, on this replica only
 * (nobody is told).  Refusals: unknown member, EINVAL (yourself). */
__attribute__((warn_unused_result)) int
action_coord_block(struct action *a, const char *member,
		   struct action_person *who);
/* Show their posts again.  Refusals: unknown member. */
__attribute__((warn_unused_result)) int
action_coord_unblock(struct action *a, const char *member,
		     struct action_person *who);

/* ---- emergency --------------------------------------------------------- */

struct action_coord_emergency {
	int on;
	char reason[512];
	int64_t since_ms; /* when it started (the starter's clock) */
	struct action_person by;
};

/* Emergency mode as this replica derives it now. */
void action_coord_emergency(struct action *a,
			    struct action_coord_emergency *out);

/*
 * Start emergency mode for everyone (as machines sync), for reason
 * (required, EINVAL).  Coordinators.  Starting it again while it is on
 * gives a new reason.  Roles are derived again; out gets the new state.
 */
__attribute__((warn_unused_result)) int
action_coord_emergency_start(struct action *a, const char *reason,
			     struct action_coord_emergency *out);
/* End it.  Coordinators; ENOTFOUND when it is not on. */
__attribute__((warn_unused_result)) int
action_coord_emergency_end(struct action *a,
			   struct action_coord_emergency *out);

#endif
