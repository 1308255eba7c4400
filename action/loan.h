/*
 * loan.h - loans: an item's owner lends it to one member, and records when
 * it comes back; and the loans a person should be reminded of.
 *
 * Who may do what:
 *   - only an item's owner may lend it and record its return;
 *   - an item is lent to one member at a time, never to its owner, and
 *     never once withdrawn;
 *   - a loan to a member who asked for the item (action_item_request)
 *     answers their request: the loan names it, so the request stops
 *     counting (crdt/query.h).
 * crdt/ enforces the same on apply (a loan by anyone but the item's owner
 * is ignored there); these checks are what a person hears before anything
 * is written.  A refused action writes nothing.
 *
 * Inputs are what the person typed, as for items (item.h): an id prefix of
 * at least 6 hex characters for items and loans, a name or id prefix for
 * members.  Results go into the struct action_item_done of item.h (the
 * loan's id and short id, the item and its title, the borrower by
 * action_person's label, the due date).  The items a list shows carry
 * their current loan (struct action_item_view of item.h).
 *
 * Writes need the action opened with ACTION_IDENTITY.
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_ACTION_LOAN_H
#define KITH_ACTION_LOAN_H

#include <stdint.h>

#include "action.h"
#include "crdt/query.h"
#include "item.h"

/*
 * Lend our item to member to (a name or id prefix) until due (unix
 * seconds; 0: no due date), answering their standing request when they
 * made one.  Refused: not ours, withdrawn, already on loan (the refusal
 * names the borrower and how to record the return), lending to ourselves,
 * an unknown or ambiguous member, a due date out of range.  done: the
 * loan's id, the item's title, the borrower, the due date.
 */
__attribute__((warn_unused_result)) int
action_loan_lend(struct action *a, const char *item, const char *to,
		 int64_t due, struct action_item_done *done);

/* The longest loan people are offered, in days. */
#define ACTION_LOAN_DAYS_MAX 365

/*
 * How long a loan lasts as a person gives it: days ("" or "0": no return
 * date; decimal digits only, at most ACTION_LOAN_DAYS_MAX) into *due, the
 * due date from a->now (0: none).  KITH_EINVAL with the words for people
 * in a->msg, *due unchanged.
 */
__attribute__((warn_unused_result)) int
action_loan_days_read(struct action *a, const char *days, int64_t *due);

/*
 * Give our item to member to (a name or id prefix), answering their
 * standing request when they made one.  The hand-over is recorded as a
 * loan to them that is never returned: with a quantity of 1 the item is
 * withdrawn in the same change (it is gone; lists show it no more, and
 * action_item_show says it was given, struct action_item_view.given); with
 * more, one is given: the quantity goes down by one and the hand-over is
 * made returned in the same change (all or nothing), so the item stays
 * listed for the next neighbour.  Only items of a kind given away can be
 * given (action_item_kind_givable: give, resource; else KITH_EDENIED,
 * "lend it instead").  Refused as action_loan_lend is (not ours,
 * withdrawn, on loan, to ourselves, an unknown member), in words about
 * giving.
 * done: the loan's id, the item's title, the member, and quantity_left
 * (0 when the item is gone).
 */
__attribute__((warn_unused_result)) int
action_loan_give(struct action *a, const char *item, const char *to,
		 struct action_item_done *done);

/*
 * Record that our lent item came back.  id is the item's id or the loan's
 * (the item is tried first).  Refused: not ours, not on loan, a loan that
 * was returned already or is not the item's current one.  done: the
 * loan's id, the item's title, the borrower.
 */
__attribute__((warn_unused_result)) int
action_loan_return(struct action *a, const char *id,
		   struct action_item_done *done);

/*
 * Loans not returned where the acting person borrows or lends, due within
 * CRDT_LOANS_DUE_WITHIN or overdue, soonest first (crdt_loans_due
 * columns; show the other party with action_person_hex of
 * "counterpart").  Without an identity there are none: no rows, no error.
 */
__attribute__((warn_unused_result)) int
action_loan_due(struct action *a, crdt_row_fn fn, void *ctx);

#endif
