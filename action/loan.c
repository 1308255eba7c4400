/*
 * loan.c - lending an item and recording its return (see loan.h).
 */
#include <stdio.h>
#include <string.h>

#include "crdt/codec.h"
#include "crdt/err.h"
#include "crdt/ops.h"
#include "crdt/rules.h"
#include "crdt/schema.h"
#include "i18n.h"
#include "loan.h"
#include "names.h"

/*
 * A member's request on an item: their newest active claim on it (the
 * claims query does not say which requests a loan answered, so the newest
 * is taken as the one standing).
 */
struct req_ctx {
	char who[2 * CRDT_PK_LEN + 1];
	uint8_t claim[CRDT_ID_LEN];
	int found;
};

static int req_row(void *ctx, const struct crdt_row *r)
{
	struct req_ctx *q = ctx;

	if (strcmp(action_col_text(r, "claimant"), q->who) ||
	    strcmp(action_col_text(r, "status"), "active") ||
	    crdt_unhex(q->claim, CRDT_ID_LEN, action_col_text(r, "id")))
		return 0;
	q->found = 1;
	return 0;
}

/* 0 and claim when who has an active request on item, KITH_ENOTFOUND when
 * not, or an error reading. */
static int request_of(struct action *a, const uint8_t item[CRDT_ID_LEN],
		      const uint8_t who[CRDT_PK_LEN],
		      uint8_t claim[CRDT_ID_LEN])
{
	struct req_ctx q;
	int rc;

	memset(&q, 0, sizeof q);
	crdt_hex(q.who, who, CRDT_PK_LEN);
	rc = crdt_query_claims(a->r.store, item, req_row, &q);
	if (rc)
		return rc;
	if (!q.found)
		return KITH_ENOTFOUND;
	memcpy(claim, q.claim, CRDT_ID_LEN);
	return 0;
}

/* The borrower of a loan: the item row of its item names them. */
struct borrower_ctx {
	struct action *a;
	struct action_person *who;
};

static int borrower_row(void *ctx, const struct crdt_row *r)
{
	struct borrower_ctx *b = ctx;

	if (*action_col_text(r, "borrower"))
		action_person_hex(b->a, action_col_text(r, "borrower"), b->who);
	return 0;
}

/* The borrower of loan (who->label "" when it cannot be read). */
static int loan_borrower(struct action *a, const uint8_t loan[CRDT_ID_LEN],
			 struct action_person *who)
{
	struct crdt_record_info l;
	struct crdt_item_filter f = { .kind = -1 };
	struct borrower_ctx b = { a, who };
	int rc = crdt_record_info(a->r.store, CRDT_R_LOAN, loan, &l);

	memset(who, 0, sizeof *who);
	if (rc)
		return rc;
	f.id = l.target;
	return crdt_query_items(a->r.store, &f, a->now, borrower_row, &b);
}

/* The refusals of a hand-over (lend, give): translated formats. */
struct hand_words {
	const char *not_ours; /* the item as typed */
	const char *closed;   /* the item as typed */
	const char *on_loan;  /* the item, the borrower, the loan's id */
	const char *to_self;
};

/*
 * What lend and give check, what the person typed first, then the
 * item's state: our item (info), member to (who), not withdrawn, not on
 * loan, not ourselves.
 */
static int hand_check(struct action *a, const char *item, const char *to,
		      const struct hand_words *w,
		      struct crdt_record_info *info, uint8_t who[CRDT_PK_LEN])
{
	char sid[ACTION_HEX_MAX];
	struct action_person borrower;
	int rc = action_item__find(a, item, w->not_ours, info);

	if (!rc)
		rc = action_resolve(a, CRDT_R_MEMBER, to, who);
	if (rc)
		return rc;
	if (info->closed)
		return action_fail(a, KITH_EDENIED, w->closed, item);
	if (info->has_loan) {
		action_item__short(a, CRDT_R_LOAN, info->active_loan, sid,
				   sizeof sid);
		(void)loan_borrower(a, info->active_loan, &borrower);
		return action_fail(a, KITH_EDENIED, w->on_loan, item,
				   borrower.label, sid);
	}
	if (action_is_me(a, who))
		return action_fail(a, KITH_EDENIED, "%s", w->to_self);
	return 0;
}

/* The loan of info's item to who until due (0: none) into op, naming
 * their standing request when there is one.  op points into info, who
 * and claim (the caller's: the request's id goes there). */
static int loan_op(struct action *a, const struct crdt_record_info *info,
		   const uint8_t who[CRDT_PK_LEN], int64_t due,
		   uint8_t claim[CRDT_ID_LEN], struct crdt_op *op)
{
	int rc;

	crdt_op_init(op, CRDT_OP_CREATE, CRDT_R_LOAN);
	(void)crdt_op_set_bytes(op, F_LOAN_ITEM, info->id, CRDT_ID_LEN);
	(void)crdt_op_set_bytes(op, F_LOAN_BORROWER, who, CRDT_PK_LEN);
	if (due)
		(void)crdt_op_set_int(op, F_LOAN_DUE, due);
	rc = request_of(a, info->id, who, claim);
	if (rc == 0)
		(void)crdt_op_set_bytes(op, F_LOAN_CLAIM, claim, CRDT_ID_LEN);
	else if (rc != KITH_ENOTFOUND)
		return action_fail_rc(a, rc, _("cannot read the requests"));
	return 0;
}

int action_loan_lend(struct action *a, const char *item, const char *to,
		     int64_t due, struct action_item_done *done)
{
	const struct hand_words w = {
		_("you cannot lend item '%s': it was posted by another "
		  "member"),
		_("item '%s' was withdrawn; it cannot be lent"),
		_("item '%s' is already on loan to %s; when it comes back, "
		  "record it with 'kith item return %s'"),
		_("you cannot lend your own item to yourself"),
	};
	struct crdt_record_info info;
	struct crdt_op op;
	uint8_t who[CRDT_PK_LEN], claim[CRDT_ID_LEN];
	uint64_t seq;
	int rc;

	action_item__done_init(done);
	rc = hand_check(a, item, to, &w, &info, who);
	if (rc)
		return rc;
	if (due < 0 || due > CRDT_MAX_DATE)
		return action_fail(a, KITH_EINVAL,
				   _("the due date is out of range"));
	rc = loan_op(a, &info, who, due, claim, &op);
	if (!rc)
		rc = action_item__commit_new(a, &op,
					     _("cannot record the loan"), &seq);
	if (rc)
		return rc;
	action_item__done_new(a, CRDT_R_LOAN, seq, info.id, done);
	action_item__who(a, who, done);
	done->due = due;
	return 0;
}

/* What giving needs of the item's row: how many, and its kind. */
struct gift_ctx {
	int64_t qty;
	int givable;
};

static int gift_row(void *ctx, const struct crdt_row *r)
{
	struct gift_ctx *g = ctx;

	g->qty = action_col_int(r, "quantity");
	g->givable = action_item_kind_givable(action_col_text(r, "kind"));
	return 0;
}

int action_loan_days_read(struct action *a, const char *days, int64_t *due)
{
	int64_t d = 0;
	const char *p = days;

	for (; *p; p++) {
		if (*p < '0' || *p > '9' || d * 10 + (*p - '0') >
						    ACTION_LOAN_DAYS_MAX)
			return action_fail(a, KITH_EINVAL,
					   _("a loan lasts a whole number of "
					     "days from 0 to %d"),
					   ACTION_LOAN_DAYS_MAX);
		d = d * 10 + (*p - '0');
	}
	*due = d ? a->now + d * 86400 : 0;
	return 0;
}

int action_loan_give(struct action *a, const char *item, const char *to,
		     struct action_item_done *done)
{
	const struct hand_words w = {
		_("you cannot give away item '%s': it was posted by another "
		  "member"),
		_("item '%s' was withdrawn; it cannot be given away"),
		_("item '%s' is on loan to %s; record its return (loan %s) "
		  "before you give it away"),
		_("you cannot give your own item to yourself"),
	};
	struct crdt_item_filter f = { .kind = -1, .all = 1 };
	struct crdt_record_info info;
	struct gift_ctx g;
	struct crdt_op ops[2];
	uint8_t who[CRDT_PK_LEN], claim[CRDT_ID_LEN];
	int64_t qty = 1;
	uint64_t seq;
	int rc;

	action_item__done_init(done);
	rc = hand_check(a, item, to, &w, &info, who);
	if (rc)
		return rc;
	f.id = info.id;
	memset(&g, 0, sizeof g);
	g.qty = 1;
	rc = crdt_query_items(a->r.store, &f, a->now, gift_row, &g);
	if (rc)
		return action_fail_rc(a, rc, _("cannot read the item"));
	if (!g.givable)
		return action_fail(a, KITH_EDENIED,
				   _("item '%s' is offered to lend or share, "
				     "not to give away; lend it instead"),
				   item);
	qty = g.qty;
	rc = loan_op(a, &info, who, 0, claim, &ops[0]);
	if (rc)
		return rc;
	/* the hand-over of one of several is over at once, in the same
	 * change (all or nothing): the loan is made returned, so the item
	 * stays free for the next neighbour */
	if (qty > 1)
		(void)crdt_op_set_int(&ops[0], F_LOAN_RETURNED, 1);
	/* with one, it is gone; with more, one fewer is listed */
	crdt_op_init(&ops[1], CRDT_OP_REF, CRDT_R_ITEM);
	memcpy(ops[1].target, info.id, CRDT_ID_LEN);
	ops[1].target_len = CRDT_ID_LEN;
	if (qty > 1)
		(void)crdt_op_set_int(&ops[1], F_ITEM_QUANTITY, qty - 1);
	else
		(void)crdt_op_set_int(&ops[1], F_ITEM_WITHDRAWN, 1);
	if (crdt_op_finish(&ops[0]) || crdt_op_finish(&ops[1]))
		return action_fail_rc(a, KITH_EINVAL, _("cannot record the gift"));
	rc = action_commit(a, ops, 2, &seq, _("cannot record the gift"));
	if (rc)
		return rc;
	action_item__done_new(a, CRDT_R_LOAN, seq, info.id, done);
	action_item__who(a, who, done);
	done->quantity_left = qty > 1 ? qty - 1 : 0;
	return 0;
}

int action_loan_return(struct action *a, const char *arg,
		       struct action_item_done *done)
{
	static const char *not_ours = N_("you cannot record the return of "
					 "item '%s': it was posted by another "
					 "member");
	struct crdt_record_info info, loan;
	struct action_person borrower;
	uint8_t id[CRDT_ID_LEN];
	struct crdt_op op;
	int rc;

	action_item__done_init(done);
	rc = action_need_identity(a);
	if (rc)
		return rc;
	/* an item id, else a loan id (what 'item lend' printed) */
	if (crdt_resolve(a->r.store, CRDT_R_ITEM, arg, id) == KITH_ENOTFOUND &&
	    crdt_resolve(a->r.store, CRDT_R_LOAN, arg, id) == 0) {
		rc = crdt_record_info(a->r.store, CRDT_R_LOAN, id, &loan);
		if (!rc)
			rc = crdt_record_info(a->r.store, CRDT_R_ITEM,
					      loan.target, &info);
		if (rc)
			return action_fail_rc(a, rc, _("cannot read the loan"));
		if (!action_is_me(a, info.author))
			return action_fail(a, KITH_EDENIED,
					   _("you cannot record the return of "
					     "loan '%s': the item was posted "
					     "by another member"),
					   arg);
		if (loan.closed || !info.has_loan ||
		    !crdt_equal(info.active_loan, id, CRDT_ID_LEN))
			return action_fail(a, KITH_EDENIED,
					   _("loan '%s' was already returned"),
					   arg);
	} else {
		rc = action_item__find(a, arg, _(not_ours), &info);
		if (rc)
			return rc;
		if (!info.has_loan)
			return action_fail(a, KITH_EDENIED,
					   _("item '%s' is not on loan"), arg);
	}
	memcpy(done->id, info.active_loan, CRDT_ID_LEN);
	action_item__short(a, CRDT_R_LOAN, done->id, done->short_id,
			   sizeof done->short_id);
	(void)loan_borrower(a, done->id, &borrower);
	snprintf(done->who, sizeof done->who, "%s", borrower.label);
	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_LOAN);
	(void)crdt_op_set_int(&op, F_LOAN_RETURNED, 1);
	rc = action_commit_ref(a, &op, info.active_loan,
			       _("cannot record the return"));
	if (rc)
		return rc;
	action_item__done_item(a, info.id, done);
	return 0;
}

int action_loan_due(struct action *a, crdt_row_fn fn, void *ctx)
{
	int rc;

	if (!a->r.id.sk)
		return 0;
	rc = crdt_loans_due(a->r.store, action_me(a), a->now,
			    CRDT_LOANS_DUE_WITHIN, fn, ctx);
	if (rc)
		return action_fail_rc(a, rc, _("cannot list loans"));
	return 0;
}
