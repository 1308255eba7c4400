/*
 * item.h - items: what a member offers (a ladder to lend, seedlings to give,
 * a spare room) and the requests neighbours make for them.  The loans that
 * answer those requests are in loan.h; both share struct
 * action_item_done.
 *
 * Who may do what:
 *   - anyone with an identity may post an item (action_item_add);
 *   - only an item's owner (the member who posted it) may edit, renew,
 *     withdraw or lend it, and record its return;
 *   - any other member may request it (a claim on the item); the owner
 *     cannot request their own item;
 *   - a withdrawn item is closed for good: no edit, renew, request, loan
 *     or second withdrawal;
 *   - lending and returns: loan.h.
 * crdt/ enforces the same on apply (an edit or loan by anyone but the
 * owner is ignored there); these checks are what a person hears before
 * anything is written.  A refused action writes nothing.
 *
 * Inputs: ids are what the person typed - an id prefix of at least 6 hex
 * characters for items and loans, a name or id prefix for members - and
 * are resolved with action_resolve, so refusals quote them as typed.
 * Results: full ids as bytes plus the short id (action_short_id) people
 * see, in a struct action_item_done the caller owns (cleared first: it
 * must not hold the inputs).  Status words are English ("available",
 * "requested", "on_loan", "expired", "withdrawn"; requests: "active",
 * "delivered", "cancelled"):
 * interfaces translate them for people with action_pgettext("status", ...)
 * and keep them as they are for machines.
 *
 * Every write needs the action opened with ACTION_IDENTITY; the read
 * models need only ACTION_READ.
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_ACTION_ITEM_H
#define KITH_ACTION_ITEM_H

#include <stdint.h>

#include "action.h"
#include "crdt/change.h"
#include "crdt/query.h"
#include "names.h"

#define ACTION_HEX_MAX (2 * CRDT_PK_LEN + 1) /* a member key in hex */

/*
 * The fields of an item as a person gives them.  NULL (text, kind) or 0
 * (quantity, until) means "not given": on add, kind defaults to "give" and
 * quantity to 1; on edit, the field stays as it is.
 */
struct action_item_fields {
	const char *title;
	const char *kind; /* give|lend|share|skill|service|space|resource */
	const char *category;
	const char *unit;
	const char *condition;
	const char *location;
	const char *description;
	int64_t quantity; /* 1 .. CRDT_MAX_QTY */
	int64_t until;	  /* unix seconds: listed until then */
};

/*
 * What a write did, for the sentence that tells the person: the record
 * made (the item, the request or the loan), the item's title and the
 * other member involved (the owner for a request, the borrower for a
 * loan and a return) by name, or by short id when they have no name.
 */
struct action_item_done {
	uint8_t id[CRDT_ID_LEN];     /* item (add), request, loan (lend,
					return) */
	char short_id[ACTION_HEX_MAX];
	uint8_t item[CRDT_ID_LEN];
	char item_short_id[ACTION_HEX_MAX];
	char title[CRDT_MAX_TEXT + 1];
	char who[ACTION_PERSON_MAX]; /* owner (request), borrower (lend,
					return), as action_person shows
					them; "" otherwise */
	int64_t due;		     /* lend: the due date, or 0 */
	int64_t quantity_left;	     /* give: how many are still listed */
};

/*
 * Check the values of f before anything is opened or written: a title
 * (required when adding, never empty), a known kind, a quantity in range,
 * valid UTF-8 text within CRDT_MAX_TEXT bytes, a date in range; when
 * editing, at least one field.  KITH_EINVAL with a message, else 0.
 * action_item_add and action_item_edit check again.
 */
__attribute__((warn_unused_result)) int
action_item_check(struct action *a, const struct action_item_fields *f,
		  int adding);

/*
 * How many, as a person types it ("3"): decimal digits only, 1 to
 * CRDT_MAX_QTY, into *qty.  KITH_EINVAL with the words for people in
 * a->msg, *qty unchanged.
 */
__attribute__((warn_unused_result)) int
action_item_quantity_read(struct action *a, const char *s, int64_t *qty);

/* Whether an item of kind (a word) is given away when a neighbour asks
 * (give, resource: action_loan_give) rather than lent (the rest). */
int action_item_kind_givable(const char *kind);

/* Post an item.  done: the item's id and title. */
__attribute__((warn_unused_result)) int
action_item_add(struct action *a, const struct action_item_fields *f,
		struct action_item_done *done);

/* Change the given fields of our item.  Refused: not ours, withdrawn. */
__attribute__((warn_unused_result)) int
action_item_edit(struct action *a, const char *item,
		 const struct action_item_fields *f,
		 struct action_item_done *done);

/* Take our item off the lists for good.  Refused: not ours, already
 * withdrawn. */
__attribute__((warn_unused_result)) int
action_item_withdraw(struct action *a, const char *item,
		     struct action_item_done *done);

/* Keep our item listed: items expire 90 days after their last change
 * (crdt/query.h); a renewal is an edit that changes nothing.  Refused: not
 * ours, withdrawn. */
__attribute__((warn_unused_result)) int
action_item_renew(struct action *a, const char *item,
		  struct action_item_done *done);

/*
 * Ask the owner for an item (a claim on it, quantity 1, with an optional
 * note for the owner, valid UTF-8 within CRDT_MAX_TEXT bytes).  Refused:
 * our own item, withdrawn, and a second request while our first one
 * still waits (action_item_request_view.waiting): "you already asked for
 * item 'X'", KITH_EINVAL.  Asking again is allowed once it no longer
 * waits (after a loan to us came back, say).  done: the request's id, the
 * item's title, the owner's name.
 */
__attribute__((warn_unused_result)) int
action_item_request(struct action *a, const char *item, const char *note,
		    struct action_item_done *done);

/* ---- read models ------------------------------------------------------- */

/* Which items a list shows (crdt/query.h crdt_item_filter). */
struct action_item_filter {
	int mine;	      /* only ours (needs an identity) */
	const char *kind;     /* a kind word, or NULL for any */
	const char *category; /* NULL for any */
	const char *search;   /* words, or NULL */
	int all;	      /* include withdrawn, expired and hidden ones */
	int overdue;	      /* only items on loan past their due date */
};

/*
 * One item as interfaces show it.  Text points into SQLite memory valid
 * only during the callback.  row is the raw row (its columns and values
 * are what --json prints, crdt/query.h); the rest is taken from it, with
 * names and short ids added.
 */
struct action_item_view {
	const struct crdt_row *row;
	const char *id; /* full hex */
	char short_id[ACTION_HEX_MAX];
	const char *title, *kind, *status, *category, *unit, *condition,
		*location, *description;
	int64_t quantity;
	int64_t until; /* 0: none */
	const char *owner; /* hex key */
	char owner_name[ACTION_PERSON_MAX]; /* action_person's label */
	/* the owner has no device: their host, who entered it ("" when
	 * the owner posted it themselves; action/hosted.h) */
	const char *entered_by;
	int mine;			    /* the acting identity owns it */
	int givable; /* its kind is given away, not lent
		      * (action_item_kind_givable) */
	/* the current loan, when status is on_loan */
	int on_loan;
	char loan_id[ACTION_HEX_MAX];
	char loan_short_id[ACTION_HEX_MAX];
	const char *borrower; /* hex key, or "" */
	char borrower_name[ACTION_PERSON_MAX];
	int64_t due; /* 0: none */
	int overdue; /* on loan past due */
	/* given away (action_loan_give): withdrawn with its hand-over to
	 * borrower still standing; then on_loan is 0 and borrower, borrower_name
	 * say who got it */
	int given;
};

/* A request (claim) on an item, oldest first. */
struct action_item_request_view {
	const struct crdt_row *row;
	const char *id;
	char short_id[ACTION_HEX_MAX];
	const char *status; /* active, delivered, cancelled */
	const char *note;
	int64_t quantity;
	const char *requester; /* hex key */
	char requester_name[ACTION_PERSON_MAX];
	/* still waiting for the owner: active, and the item is "requested"
	 * (not lent, given, withdrawn or expired, and no loan answered every
	 * request).  The replica does not say which request a loan answered
	 * per request, so with several requests and an item still requested,
	 * every active one counts as standing. */
	int standing;
	/* waits for the owner's answer: standing, or active while the item
	 * is lent to someone else (that loan did not answer it).  What the
	 * owner's page lists, and what refuses a second request. */
	int waiting;
	int mine; /* made by the acting identity */
};

typedef int (*action_item_fn)(void *ctx, const struct action_item_view *v);
typedef int (*action_item_request_fn)(void *ctx,
				      const struct action_item_request_view *v);

/* The items f selects, newest first, to fn (non-zero from fn stops and is
 * returned).  Refused: an unknown kind; --mine without an identity. */
__attribute__((warn_unused_result)) int
action_item_list(struct action *a, const struct action_item_filter *f,
		 action_item_fn fn, void *ctx);

/* One item (as typed) to item_fn, then its requests to request_fn (may be
 * NULL).  Loads the identity quietly when there is one and the action was
 * opened without, so v->mine says whether the person looking owns it.
 * Withdrawn, given and expired items are shown too (their status says
 * so); an item hidden by a coordinator or posted by a member blocked
 * here is not: KITH_ENOTFOUND, as for an unknown id. */
__attribute__((warn_unused_result)) int
action_item_show(struct action *a, const char *item, action_item_fn item_fn,
		 action_item_request_fn request_fn, void *ctx);

/* ---- internal: shared by action/item.c and action/loan.c only ---------- */

/* Clear done (it must not hold the inputs). */
void action_item__done_init(struct action_item_done *done);
/* done->item, its short id and title. */
void action_item__done_item(struct action *a, const uint8_t item[CRDT_ID_LEN],
			    struct action_item_done *done);
/* done->id: op 0 of our change seq (a record of rtype), its short id, and
 * the item it is about. */
void action_item__done_new(struct action *a, int rtype, uint64_t seq,
			   const uint8_t item[CRDT_ID_LEN],
			   struct action_item_done *done);
/* done->who: member pk as action_person shows them. */
void action_item__who(struct action *a, const uint8_t pk[CRDT_PK_LEN],
		      struct action_item_done *done);
/* The short id of record id of rtype into out. */
void action_item__short(struct action *a, int rtype,
			const uint8_t id[CRDT_ID_LEN], char *out, size_t cap);
/*
 * Resolve the item the person typed (the identity must be loaded) and
 * read its facts; with not_ours (a translated format taking the id as
 * typed), refuse an item posted by someone else.
 */
int action_item__find(struct action *a, const char *arg, const char *not_ours,
		      struct crdt_record_info *info);
/* Finish op (a new record) and commit it; what: the failure's subject. */
int action_item__commit_new(struct action *a, struct crdt_op *op,
			    const char *what, uint64_t *seq);

#endif
