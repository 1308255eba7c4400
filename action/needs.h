/*
 * needs.h - what a coordinator looks at to send help where it is needed:
 * the emergency supplies of each building (inventory), the members who
 * offer skills or time (volunteers), and proposals of items and
 * volunteers for the most urgent open wishes (match).
 *
 * Anyone who holds the replica may read these; nothing here writes.  The
 * answers come from crdt/ops.h (its header defines what counts: which
 * items are in the inventory, how matches are ranked); rows reach the
 * caller's crdt_row_fn with the columns listed there, and the caller
 * shows them (people's names come with the rows; ids are full hex: show
 * them with action_short_id).
 *
 * Inputs are strings as the person typed them (a building, a skill, a
 * wish id prefix); NULL means "not given".  Every refusal leaves a->msg
 * (action.h); a failure to read the replica is "cannot ...: <why>".
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_ACTION_NEEDS_H
#define KITH_ACTION_NEEDS_H

#include "action.h"
#include "crdt/ops.h"

#define ACTION_MATCH_DEFAULT_WISHES 20
#define ACTION_MATCH_MAX_WISHES 1000
#define ACTION_MATCH_PER_WISH 3

/*
 * Emergency supplies (items of kind resource) totalled per building,
 * category and unit (crdt_inventory), of one building or (building NULL)
 * every building.  Refused: an empty or too long building name
 * (KITH_EINVAL).
 */
__attribute__((warn_unused_result)) int
action_needs_inventory(struct action *a, const char *building, crdt_row_fn fn,
		       void *ctx);
/* The same totalled over every building (building "(all)"), for a list
 * that showed several. */
__attribute__((warn_unused_result)) int
action_needs_inventory_totals(struct action *a, crdt_row_fn fn, void *ctx);

/*
 * Members who offer skills or time (crdt_volunteers), those of the
 * acting person's own building first (when an identity is in the data
 * directory and its profile names a building).  skill: every word must
 * occur in the member's skills.  Refused: an empty or too long skill or
 * building (KITH_EINVAL).
 */
__attribute__((warn_unused_result)) int
action_needs_volunteers(struct action *a, const char *skill,
			const char *building, crdt_row_fn fn, void *ctx);

/*
 * Items and volunteers for wishes (crdt_match, up to
 * ACTION_MATCH_PER_WISH of each): for the one wish typed (an id prefix),
 * or (wish NULL) for the nwishes most urgent open wishes.  Refused: an
 * unknown or ambiguous wish (action_resolve); a wish that is withdrawn,
 * confirmed, delivered or expired, with nothing left to match
 * (KITH_EINVAL); nwishes outside 1..ACTION_MATCH_MAX_WISHES (KITH_EINVAL).
 */
__attribute__((warn_unused_result)) int
action_needs_match(struct action *a, const char *wish, int nwishes,
		   const struct crdt_match_out *out);

#endif
