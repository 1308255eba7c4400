/*
 * hours.h - a member's account with their neighbours: the time bank
 * (hours earned helping, hours given for help received).  The loans
 * coming due where they lend or borrow are in loan.h.
 *
 * Hours are derived, never entered: a confirmed wish credits its hours to
 * the helper whose offer was accepted, and only the wish's author can
 * confirm, never for their own offer (crdt/ops.h defines the ledger;
 * crdt/ enforces who may confirm).  So nobody can mint hours, and these
 * functions only read.  Anyone holding the replica may read any member's
 * ledger, as `kith members` shows everybody's hours.
 *
 * Members are given as the person typed them (a name or an id prefix,
 * resolved by action_resolve) or NULL for the acting person.
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_ACTION_HOURS_H
#define KITH_ACTION_HOURS_H

#include "action.h"
#include "crdt/ops.h"
#include "names.h"

/* Whose time bank, and its totals (quarter hours). */
struct action_hours {
	uint8_t member[CRDT_PK_LEN];
	char hex[2 * CRDT_PK_LEN + 1];
	char name[ACTION_NAME_MAX]; /* their profile name; "" when none */
	char shown[ACTION_PERSON_MAX]; /* how to show them (action/names.h) */
	int64_t earned_q; /* helping others (equals `kith members` hours) */
	int64_t given_q;  /* help received and confirmed */
};

/*
 * The time bank of member (typed), or with member NULL of the acting
 * person (the identity of the data directory, loaded quietly).  Refused:
 * an unknown or ambiguous member (action_resolve); member NULL without an
 * identity (KITH_ENOIDENT).
 */
__attribute__((warn_unused_result)) int
action_hours_of(struct action *a, const char *member, struct action_hours *out);

/* The ledger of h->member, oldest first: one row per confirmed wish that
 * credited hours to or from them (crdt_hours_ledger columns; show the
 * other party with action_person_hex of "counterpart"). */
__attribute__((warn_unused_result)) int
action_hours_ledger(struct action *a, const struct action_hours *h,
		    crdt_row_fn fn, void *ctx);

#endif
