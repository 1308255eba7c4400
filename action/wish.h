/*
 * wish.h - wishes: asking neighbours for something, and the offers of help
 * (claims) that answer them.
 *
 * A wish is written only by its author (docs/DESIGN.md s2): add, edit,
 * withdraw, renew, accept an offer, confirm.  An offer (a claim on a wish) is
 * written only by its helper: claim, unclaim (take it back), deliver.  Status
 * is derived in crdt/query.h, never stored: open, claimed, contested,
 * delivered, confirmed, withdrawn, expired.  Withdrawn and confirmed are
 * terminal: nothing reopens such a wish.
 *
 * Ids: every function takes the id as the person typed it (a hex prefix of
 * at least 6 characters), resolved with action_resolve, so refusals quote
 * it as typed ("wish '3fa2c1' was withdrawn").  New records come back as
 * 16 bytes; results meant for people carry short ids (action_short_id) and
 * names (action_person's label, action/names.h).
 *
 * Every write needs the acting identity (action_open with ACTION_IDENTITY);
 * a refused write writes nothing.  Refusals, with the rc each returns:
 *   - an id that names nothing, too short, ambiguous: action_resolve's
 *     messages (KITH_ENOTFOUND, KITH_EINVAL, KITH_EAMBIGUOUS);
 *   - a wish of another member (edit, withdraw, renew, accept, confirm):
 *     KITH_EDENIED, "you cannot edit wish 'X': it was posted by another
 *     member";
 *   - an offer of another member (unclaim, deliver): KITH_EDENIED;
 *   - a withdrawn or confirmed wish (any write but confirm's late hours, see
 *     below): KITH_EINVAL, "wish 'X' was withdrawn" / "... is already
 *     confirmed as fulfilled";
 *   - offering help with your own wish: KITH_EDENIED; with a withdrawn or
 *     fulfilled one, or a second time while your first offer stands (not
 *     taken back): KITH_EINVAL;
 *   - an offer already taken back (unclaim, deliver, accept), one already
 *     delivered (deliver): KITH_EINVAL;
 *   - values out of range (empty title, text over CRDT_MAX_TEXT bytes, a
 *     quantity outside 1..CRDT_MAX_QTY, hours outside 0..CRDT_MAX_HOURS,
 *     an unknown kind, urgency or status): KITH_EINVAL or KITH_ETOOBIG.
 * The same rules hold on apply (crdt/rules.h, crdt/query.h): these checks
 * are what a person should hear before anything is written.
 *
 * Accepting: action_wish_accept takes an offer id or a wish id.  A wish id
 * with exactly one offer standing accepts that offer; with none it is
 * refused (KITH_ENOTFOUND, "nobody has offered help with wish 'X' yet");
 * with several (KITH_EAMBIGUOUS) the refusal lists them by helper name and short offer id ("Ben (offer
 * 3fa2c1), Chen (offer 9bd004)") and says how to accept one.
 *
 * Confirming and hours (decision): the wish's author confirms, and may
 * credit the helper (the author of the accepted offer, or of the only
 * offer standing, which confirming then accepts) with 0 to CRDT_MAX_HOURS
 * hours in quarters.  Confirmed is a terminal fact (sticky in crdt), but
 * the hours field is not: a later edit of the wish by its author sets it
 * (crdt/schema.c F_WISH_HOURS, last write wins along the author's log;
 * crdt/query.h credits hours_q of confirmed wishes).  So confirming without
 * hours is not a dead end, and we do not refuse it: hours not given are
 * left unset (nothing credited), the result says so, and the same
 * action_wish_confirm on the confirmed wish with hours adds them later -
 * once: when hours were already credited, or nobody can be credited, it is
 * refused as "already confirmed".  Interfaces that can ask (a terminal)
 * ask for the hours first; action_wish_confirm_check tells them whom to
 * ask about without writing.
 */
#ifndef KITH_ACTION_WISH_H
#define KITH_ACTION_WISH_H

#include <stdint.h>

#include "action.h"
#include "names.h"
#include "private.h"

/* Status words, as crdt/query.h derives them (English; shown translated
 * with action_pgettext("status", word)). */
#define ACTION_WISH_STATUSES 7
extern const char *const action_wish_statuses[ACTION_WISH_STATUSES];

/*
 * What a person says about a wish.  action_wish_fields_init leaves every
 * field unset: add fills defaults (material, normal urgency, quantity 1),
 * edit leaves it as it is.  Text "" clears a field on edit (the title
 * cannot be empty).  kind: CRDT_WISH_KIND index, urgency: CRDT_URGENCY_*.
 */
struct action_wish_fields {
	const char *title, *description, *category, *location, *for_name;
	int kind;	   /* -1: unset */
	int urgency;	   /* -1: unset */
	int64_t quantity;  /* 0: unset */
	int64_t needed_by; /* unix seconds; -1: unset */
	struct action_private priv; /* priv.text NULL: unchanged */
};
void action_wish_fields_init(struct action_wish_fields *w);

/*
 * What a write did, for the message after it (every write takes one; out
 * may be NULL).  other is the person on the other side: the wish's author
 * (claim, unclaim, deliver) or the helper (accept, confirm; other_found 0
 * when confirm credits nobody).
 */
struct action_wish_result {
	uint8_t wish[CRDT_ID_LEN];	/* add: the new wish */
	uint8_t claim[CRDT_ID_LEN];	/* claim: the new offer; the offer */
	int has_claim;
	int other_found;
	uint8_t other[CRDT_PK_LEN];
	char name[ACTION_PERSON_MAX];	/* other as action_person shows them */
	char wish_short[ACTION_SHORT_MAX];
	char claim_short[ACTION_SHORT_MAX];
	int64_t quarters;		/* confirm: quarters credited, -1 none */
	int late_hours;			/* confirm: hours added afterwards */
	int unverified;	/* confirm: hours do not count yet: the helper or
			 * we are not verified in person (crdt/query.h) */
};

/* Post a new wish. */
__attribute__((warn_unused_result)) int
action_wish_add(struct action *a, const struct action_wish_fields *w,
		struct action_wish_result *out);
/* Change our wish; at least one field set (else KITH_EINVAL).  A new
 * private part is sealed to its readers and the accepted helper. */
__attribute__((warn_unused_result)) int
action_wish_edit(struct action *a, const char *wish,
		 const struct action_wish_fields *w,
		 struct action_wish_result *out);
/* Take our wish back for good. */
__attribute__((warn_unused_result)) int
action_wish_withdraw(struct action *a, const char *wish,
		     struct action_wish_result *out);
/* Keep our wish listed: wishes expire 30 days after their last change. */
__attribute__((warn_unused_result)) int
action_wish_renew(struct action *a, const char *wish,
		  struct action_wish_result *out);

/* Offer help with someone else's wish (qty 1..CRDT_MAX_QTY, note may be
 * NULL). */
__attribute__((warn_unused_result)) int
action_wish_claim(struct action *a, const char *wish, int64_t qty,
		  const char *note, struct action_wish_result *out);
/* Take our offer back (claim: an offer id as typed). */
__attribute__((warn_unused_result)) int
action_wish_unclaim(struct action *a, const char *claim,
		    struct action_wish_result *out);
/* Say we did what we offered. */
__attribute__((warn_unused_result)) int
action_wish_deliver(struct action *a, const char *claim,
		    struct action_wish_result *out);

/*
 * Accept an offer on our wish: id is an offer id, or a wish id (see the
 * top of this file).  The helper may then read the wish's private part
 * (action/private.h re-seals it).
 */
__attribute__((warn_unused_result)) int
action_wish_accept(struct action *a, const char *id,
		   struct action_wish_result *out);

/*
 * Every refusal of action_wish_confirm(a, wish, quarters, out), without
 * writing; out: who would be credited (other_found 0: nobody).  Lets an
 * interface ask for the hours before confirming.
 */
__attribute__((warn_unused_result)) int
action_wish_confirm_check(struct action *a, const char *wish,
			  int64_t quarters, struct action_wish_result *out);
/*
 * Whether to ask the author of wish (as typed) "was it fulfilled?" now:
 * 1 when it is ours, not confirmed yet, confirming would be allowed
 * (action_wish_confirm_check), and the help is under way - an offer is
 * accepted and stands, or the only offer standing is said done by its
 * helper.  An offer merely made (not accepted, not done) is not enough,
 * though confirming would accept it.  0 otherwise (and on any refusal or
 * error: this is a read, a->msg may be set and means nothing).
 */
int action_wish_confirm_due(struct action *a, const char *wish);
/*
 * Confirm our wish as fulfilled, crediting quarters (quarter hours,
 * 0..CRDT_MAX_HOURS_Q; -1: none given, nothing credited, can be added
 * later) to the helper.  Hours with nobody to credit are refused; several
 * offers and none accepted are refused (accept one first).  On a wish
 * already confirmed without hours, quarters > 0 adds them (late_hours).
 */
__attribute__((warn_unused_result)) int
action_wish_confirm(struct action *a, const char *wish, int64_t quarters,
		    struct action_wish_result *out);

/* ---- what people are shown -------------------------------------------- */

/* A list: crdt/query.h's filter; mine: only our own wishes (needs the
 * identity).  status must be one of action_wish_statuses or NULL. */
struct action_wish_query {
	const char *status;
	int urgency; /* -1 any */
	const char *search;
	int mine;
	int all;
};
/* Hand each wish row (crdt/query.h columns) to fn. */
__attribute__((warn_unused_result)) int
action_wish_list(struct action *a, const struct action_wish_query *q,
		 crdt_row_fn fn, void *ctx);

/*
 * One wish: resolve wish, open its private part for us into priv (wipe it
 * with action_private_view_wipe afterwards, also on failure), hand the
 * wish row to wish_fn and then each offer (claims row: id, claimant,
 * quantity, status, note, claimant_name) to claim_fn (may be NULL).
 * *id (may be NULL) gets the wish's id.
 */
__attribute__((warn_unused_result)) int
action_wish_show(struct action *a, const char *wish,
		 struct action_private_view *priv, crdt_row_fn wish_fn,
		 crdt_row_fn claim_fn, void *ctx, uint8_t *id);

/*
 * What waits for us as a helper: each offer of ours that the wish's author
 * accepted and we have neither marked delivered nor taken back, on a wish
 * still listed (not confirmed, withdrawn, expired or hidden), most urgent
 * first.  fn gets the wish's row (action_wish_list's columns) and the
 * offer; non-zero from fn stops and is returned.  Needs the identity.
 */
struct action_wish_waiting {
	const struct crdt_row *wish;
	uint8_t claim[CRDT_ID_LEN];
	char claim_short[ACTION_SHORT_MAX];
	char wish_short[ACTION_SHORT_MAX];
	char author[ACTION_PERSON_MAX]; /* the wish's author, as
					 * action_person shows them */
};
typedef int (*action_wish_waiting_fn)(void *ctx,
				   const struct action_wish_waiting *t);
__attribute__((warn_unused_result)) int
action_wish_to_deliver(struct action *a, action_wish_waiting_fn fn, void *ctx);

/*
 * What waits for us as an author: each wish of ours still listed that
 * needs our answer - several offers to choose from (CHOOSE), one offer to
 * accept (ACCEPT_ONE: not when an accepted offer still stands; then the
 * wish waits for its helper, not for us), help said done to confirm
 * (CONFIRM) - most urgent first.  fn gets the wish's row (action_wish_
 * list's columns); non-zero from fn stops and is returned.  Needs the
 * identity.
 */
enum action_wish_need {
	ACTION_WISH_CHOOSE,
	ACTION_WISH_ACCEPT_ONE,
	ACTION_WISH_CONFIRM,
};
struct action_wish_answer {
	const struct crdt_row *wish;
	enum action_wish_need need;
	char wish_short[ACTION_SHORT_MAX];
};
typedef int (*action_wish_answer_fn)(void *ctx,
				     const struct action_wish_answer *t);
__attribute__((warn_unused_result)) int
action_wish_to_answer(struct action *a, action_wish_answer_fn fn, void *ctx);

/* ---- internal: shared by action/wish.c and action/claim.c only --------- */

enum action_wish__verb {
	ACTION_WISH__EDIT,
	ACTION_WISH__WITHDRAW,
	ACTION_WISH__RENEW,
	ACTION_WISH__ACCEPT,
	ACTION_WISH__CONFIRM,
};
/* out (or spare when NULL) zeroed, quarters -1. */
struct action_wish_result *
action_wish__result(struct action_wish_result *out,
		    struct action_wish_result *spare);
/* Load the identity (writes). */
int action_wish__identity(struct action *a);
/* Short id of record id (n bytes) into out. */
void action_wish__short(struct action *a, int rtype, const uint8_t *id,
			size_t n, char *out, size_t cap);
int action_wish__info(struct action *a, int rtype, const uint8_t *id,
		      struct crdt_record_info *info);
int action_wish__load(struct action *a, int rtype, const char *arg,
		      struct crdt_record_info *info);
/* Our wish (by id, named shown in refusals / as typed), open to writes;
 * ACTION_WISH__CONFIRM lets a confirmed one through. */
int action_wish__own_id(struct action *a, const uint8_t *id, const char *shown,
			enum action_wish__verb v,
			struct crdt_record_info *info);
int action_wish__own(struct action *a, const char *arg,
		     enum action_wish__verb v, struct crdt_record_info *info);
/* out->wish and its short id. */
void action_wish__fill(struct action *a, const uint8_t *id,
		       struct action_wish_result *out);
/* The author of the wish's accepted offer if it still stands (claim gets
 * the offer), else NULL. */
const uint8_t *action_wish__accepted(struct action *a,
				     const struct crdt_record_info *wish,
				     struct crdt_record_info *claim);

#endif
