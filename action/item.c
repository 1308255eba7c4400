/*
 * item.c - items and the requests for them (see item.h; loans: loan.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crdt/codec.h"
#include "crdt/crypto.h"
#include "crdt/err.h"
#include "crdt/rules.h"
#include "crdt/schema.h"
#include "i18n.h"
#include "item.h"
#include "names.h"

/* ---- helpers shared with loan.c (item.h, internal) --------------------- */

void action_item__short(struct action *a, int rtype,
			const uint8_t id[CRDT_ID_LEN], char *out, size_t cap)
{
	char hex[2 * CRDT_ID_LEN + 1];

	crdt_hex(hex, id, CRDT_ID_LEN);
	action_short_id(a, rtype, hex, out, cap);
}

void action_item__who(struct action *a, const uint8_t pk[CRDT_PK_LEN],
		      struct action_item_done *done)
{
	struct action_person p;

	action_person(a, pk, &p);
	snprintf(done->who, sizeof done->who, "%s", p.label);
}

struct title_ctx {
	char *out;
	size_t cap;
};

static int title_row(void *ctx, const struct crdt_row *r)
{
	struct title_ctx *t = ctx;

	snprintf(t->out, t->cap, "%s", action_col_text(r, "title"));
	return 0;
}

void action_item__done_item(struct action *a, const uint8_t item[CRDT_ID_LEN],
			    struct action_item_done *done)
{
	struct crdt_item_filter f = { .kind = -1, .id = item };
	struct title_ctx t = { done->title, sizeof done->title };

	memcpy(done->item, item, CRDT_ID_LEN);
	action_item__short(a, CRDT_R_ITEM, item, done->item_short_id,
			   sizeof done->item_short_id);
	done->title[0] = 0;
	if (crdt_query_items(a->r.store, &f, a->now, title_row, &t))
		done->title[0] = 0;
}

void action_item__done_new(struct action *a, int rtype, uint64_t seq,
			   const uint8_t item[CRDT_ID_LEN],
			   struct action_item_done *done)
{
	action_new_id(a, seq, 0, done->id);
	action_item__short(a, rtype, done->id, done->short_id,
			   sizeof done->short_id);
	action_item__done_item(a, item, done);
}

void action_item__done_init(struct action_item_done *done)
{
	memset(done->id, 0, sizeof done->id);
	done->short_id[0] = done->item_short_id[0] = 0;
	done->title[0] = done->who[0] = 0;
	done->due = 0;
	done->quantity_left = 0;
}

/* done for a write on the item itself: the record is the item. */
static void done_self(struct action *a, const uint8_t item[CRDT_ID_LEN],
		      struct action_item_done *done)
{
	action_item__done_item(a, item, done);
	memcpy(done->id, done->item, CRDT_ID_LEN);
	memcpy(done->short_id, done->item_short_id, sizeof done->short_id);
}

/* What decides which requests on an item wait (request_waits). */
struct item_state {
	int requested;			/* the item's status is "requested" */
	int on_loan;			/* lent, not given */
	char borrower[ACTION_HEX_MAX];	/* hex key, "" when nobody */
};

/* ---- values ------------------------------------------------------------ */

struct text_field {
	unsigned field;
	size_t off;
	const char *too_long; /* N_() */
	const char *not_utf8; /* N_() */
};

#define OFF(m) offsetof(struct action_item_fields, m)

static const struct text_field text_fields[] = {
	{ F_ITEM_TITLE, OFF(title),
	  N_("the title is too long (at most %d bytes)"),
	  N_("the title is not valid UTF-8 text") },
	{ F_ITEM_CATEGORY, OFF(category),
	  N_("the category is too long (at most %d bytes)"),
	  N_("the category is not valid UTF-8 text") },
	{ F_ITEM_UNIT, OFF(unit),
	  N_("the unit is too long (at most %d bytes)"),
	  N_("the unit is not valid UTF-8 text") },
	{ F_ITEM_CONDITION, OFF(condition),
	  N_("the condition is too long (at most %d bytes)"),
	  N_("the condition is not valid UTF-8 text") },
	{ F_ITEM_LOCATION, OFF(location),
	  N_("the location is too long (at most %d bytes)"),
	  N_("the location is not valid UTF-8 text") },
	{ F_ITEM_DESCRIPTION, OFF(description),
	  N_("the description is too long (at most %d bytes)"),
	  N_("the description is not valid UTF-8 text") },
};
#undef OFF

static const char *text_of(const struct action_item_fields *f,
			   const struct text_field *t)
{
	return *(const char *const *)((const char *)f + t->off);
}

static int kind_of(struct action *a, const char *word, int *kind)
{
	*kind = crdt_enum_lookup(crdt_item_kinds, CRDT_ITEM_KINDS, word);
	if (*kind < 0)
		return action_fail(a, KITH_EINVAL,
				   _("unknown kind '%s' (give, lend, share, "
				     "skill, service, space or resource)"),
				   word);
	return 0;
}

int action_item_quantity_read(struct action *a, const char *s, int64_t *qty)
{
	int64_t v = 0;
	const char *p = s;

	for (; *p && v <= CRDT_MAX_QTY; p++) {
		if (*p < '0' || *p > '9')
			break;
		v = v * 10 + (*p - '0');
	}
	if (!*s || *p || v < 1 || v > CRDT_MAX_QTY)
		return action_fail(a, KITH_EINVAL,
				   _("How many must be a whole number from 1 "
				     "to %d."),
				   CRDT_MAX_QTY);
	*qty = v;
	return 0;
}

int action_item_kind_givable(const char *kind)
{
	return !strcmp(kind, "give") || !strcmp(kind, "resource");
}

int action_item_check(struct action *a, const struct action_item_fields *f,
		      int adding)
{
	size_t i;
	int kind, given = 0;

	if (adding && !f->title)
		return action_fail(a, KITH_EINVAL, _("an item needs a title"));
	if (f->title && !*f->title)
		return action_fail(a, KITH_EINVAL,
				   _("the title cannot be empty"));
	for (i = 0; i < sizeof text_fields / sizeof text_fields[0]; i++) {
		const char *s = text_of(f, &text_fields[i]);

		if (!s)
			continue;
		given = 1;
		if (action_check_text(a, s, CRDT_MAX_TEXT,
				      _(text_fields[i].too_long),
				      _(text_fields[i].not_utf8)))
			return KITH_EINVAL;
	}
	if (f->kind) {
		given = 1;
		if (kind_of(a, f->kind, &kind))
			return KITH_EINVAL;
	}
	if (f->quantity) {
		given = 1;
		if (f->quantity < 1 || f->quantity > CRDT_MAX_QTY)
			return action_fail(a, KITH_EINVAL,
					   _("the quantity must be a whole "
					     "number from 1 to %d"),
					   CRDT_MAX_QTY);
	}
	if (f->until) {
		given = 1;
		if (f->until < 0 || f->until > CRDT_MAX_DATE)
			return action_fail(a, KITH_EINVAL,
					   _("the 'available until' date is "
					     "out of range"));
	}
	if (!adding && !given)
		return action_fail(a, KITH_EINVAL, _("nothing to change"));
	return 0;
}

/* f into op (checked). */
static void fields_op(const struct action_item_fields *f, struct crdt_op *op)
{
	size_t i;
	int kind;

	for (i = 0; i < sizeof text_fields / sizeof text_fields[0]; i++) {
		const char *s = text_of(f, &text_fields[i]);

		if (s)
			(void)crdt_op_set_text(op, text_fields[i].field, s);
	}
	if (f->kind) {
		kind = crdt_enum_lookup(crdt_item_kinds, CRDT_ITEM_KINDS,
					f->kind);
		(void)crdt_op_set_int(op, F_ITEM_KIND, kind);
	}
	if (f->quantity)
		(void)crdt_op_set_int(op, F_ITEM_QUANTITY, f->quantity);
	if (f->until)
		(void)crdt_op_set_int(op, F_ITEM_UNTIL, f->until);
}

/* ---- writes ------------------------------------------------------------ */

int action_item__commit_new(struct action *a, struct crdt_op *op,
			    const char *what, uint64_t *seq)
{
	if (crdt_op_finish(op))
		return action_fail_rc(a, KITH_EINVAL, what);
	return action_commit(a, op, 1, seq, what);
}

int action_item_add(struct action *a, const struct action_item_fields *f,
		    struct action_item_done *done)
{
	struct crdt_op op;
	uint64_t seq;
	int rc;

	action_item__done_init(done);
	rc = action_need_identity(a);
	if (!rc)
		rc = action_item_check(a, f, 1);
	if (rc)
		return rc;
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_ITEM);
	fields_op(f, &op);
	if (!f->kind)
		(void)crdt_op_set_int(&op, F_ITEM_KIND, 0);
	if (!f->quantity)
		(void)crdt_op_set_int(&op, F_ITEM_QUANTITY, 1);
	rc = action_item__commit_new(a, &op, _("cannot save the item"), &seq);
	if (rc)
		return rc;
	action_new_id(a, seq, 0, done->id);
	done_self(a, done->id, done);
	return 0;
}

int action_item__find(struct action *a, const char *arg, const char *not_ours,
		      struct crdt_record_info *info)
{
	uint8_t id[CRDT_ID_LEN];
	int rc = action_need_identity(a);

	if (!rc)
		rc = action_resolve(a, CRDT_R_ITEM, arg, id);
	if (rc)
		return rc;
	rc = crdt_record_info(a->r.store, CRDT_R_ITEM, id, info);
	if (rc)
		return action_fail_rc(a, rc, _("cannot read the item"));
	if (not_ours && !action_is_me(a, info->author))
		return action_fail(a, KITH_EDENIED, not_ours, arg);
	return 0;
}

/*
 * The write of edit, withdraw and renew: our item (not_ours: the refusal
 * when it is someone else's), still open (closed: the refusal when it was
 * withdrawn; both translated formats taking the item as typed), gets op
 * (its fields set by the caller) as an edit.
 */
static int own_item_write(struct action *a, const char *item,
			  const char *not_ours, const char *closed,
			  struct crdt_op *op, const char *what,
			  struct action_item_done *done)
{
	struct crdt_record_info info;
	int rc = action_item__find(a, item, not_ours, &info);

	if (rc)
		return rc;
	if (info.closed)
		return action_fail(a, KITH_EDENIED, closed, item);
	rc = action_commit_ref(a, op, info.id, what);
	if (rc)
		return rc;
	done_self(a, info.id, done);
	return 0;
}

int action_item_edit(struct action *a, const char *item,
		     const struct action_item_fields *f,
		     struct action_item_done *done)
{
	struct crdt_op op;
	int rc;

	action_item__done_init(done);
	rc = action_item_check(a, f, 0);
	if (rc)
		return rc;
	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_ITEM);
	fields_op(f, &op);
	return own_item_write(a, item,
			      _("you cannot edit item '%s': it was posted by "
				"another member"),
			      _("item '%s' was withdrawn; it cannot be edited"),
			      &op, _("cannot save the edit"), done);
}

int action_item_withdraw(struct action *a, const char *item,
			 struct action_item_done *done)
{
	struct crdt_op op;

	action_item__done_init(done);
	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_ITEM);
	(void)crdt_op_set_int(&op, F_ITEM_WITHDRAWN, 1);
	return own_item_write(a, item,
			      _("you cannot withdraw item '%s': it was posted "
				"by another member"),
			      _("item '%s' is already withdrawn"), &op,
			      _("cannot withdraw the item"), done);
}

int action_item_renew(struct action *a, const char *item,
		      struct action_item_done *done)
{
	struct crdt_op op;

	action_item__done_init(done);
	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_ITEM); /* no fields: renew */
	return own_item_write(a, item,
			      _("you cannot renew item '%s': it was posted by "
				"another member"),
			      _("item '%s' was withdrawn; it cannot be "
				"renewed"),
			      &op, _("cannot renew the item"), done);
}

/* ---- which requests wait ------------------------------------------------ */

/*
 * A request waits for the owner (action_item_request_view.waiting) when
 * it is active and either the item is "requested" (standing), or the item
 * is lent to someone else: the request was not answered by that loan.
 * One rule for the page and for refusing a second request.
 */
static int request_waits(const struct item_state *st, const char *status,
			 const char *requester)
{
	if (strcmp(status, "active"))
		return 0;
	if (st->requested)
		return 1;
	return st->on_loan && strcmp(requester, st->borrower);
}

static int state_row(void *ctx, const struct crdt_row *r)
{
	struct item_state *st = ctx;
	const char *status = action_col_text(r, "status");
	const char *borrower = action_col_text(r, "borrower");

	st->requested = !strcmp(status, "requested");
	st->on_loan = *borrower && strcmp(status, "withdrawn");
	snprintf(st->borrower, sizeof st->borrower, "%s", borrower);
	return 0;
}

struct asked_ctx {
	const struct item_state *st;
	char me[ACTION_HEX_MAX];
	int found;
};

static int asked_row(void *ctx, const struct crdt_row *r)
{
	struct asked_ctx *q = ctx;
	const char *who = action_col_text(r, "claimant");

	if (strcmp(who, q->me) ||
	    !request_waits(q->st, action_col_text(r, "status"), who))
		return 0;
	q->found = 1;
	return 1; /* enough */
}

/* *asked: we have a request on item that waits; 0 or a store error. */
static int asked_already(struct action *a, const uint8_t item[CRDT_ID_LEN],
			 int *asked)
{
	struct crdt_item_filter f = { .kind = -1, .all = 1 };
	struct item_state st;
	struct asked_ctx q;
	int rc;

	*asked = 0;
	memset(&st, 0, sizeof st);
	f.id = item;
	rc = crdt_query_items(a->r.store, &f, a->now, state_row, &st);
	if (rc < 0)
		return rc;
	memset(&q, 0, sizeof q);
	q.st = &st;
	crdt_hex(q.me, action_me(a), CRDT_PK_LEN);
	rc = crdt_query_claims(a->r.store, item, asked_row, &q);
	if (rc < 0)
		return rc;
	*asked = q.found;
	return 0;
}

int action_item_request(struct action *a, const char *item, const char *note,
			struct action_item_done *done)
{
	struct crdt_record_info info;
	struct crdt_op op;
	uint64_t seq;
	int rc, asked;

	action_item__done_init(done);
	rc = action_item__find(a, item, NULL, &info);
	if (rc)
		return rc;
	if (action_is_me(a, info.author))
		return action_fail(a, KITH_EDENIED,
				   _("item '%s' is your own; you cannot "
				     "request it"),
				   item);
	if (info.closed)
		return action_fail(a, KITH_EDENIED,
				   _("item '%s' was withdrawn by its owner"),
				   item);
	if (action_check_text(a, note, CRDT_MAX_TEXT,
			      _("the note is too long (at most %d bytes)"),
			      _("the note is not valid UTF-8 text")))
		return KITH_EINVAL;
	rc = asked_already(a, info.id, &asked);
	if (rc)
		return action_fail_rc(a, rc, _("cannot read the requests"));
	if (asked)
		return action_fail(a, KITH_EINVAL,
				   _("you already asked for item '%s'; your "
				     "request waits for its owner"),
				   item);
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_CLAIM);
	(void)crdt_op_set_bytes(&op, F_CLAIM_TARGET, info.id, CRDT_ID_LEN);
	(void)crdt_op_set_int(&op, F_CLAIM_QUANTITY, 1);
	if (note && *note)
		(void)crdt_op_set_text(&op, F_CLAIM_NOTE, note);
	rc = action_item__commit_new(a, &op, _("cannot save the request"),
				     &seq);
	if (rc)
		return rc;
	action_item__done_new(a, CRDT_R_CLAIM, seq, info.id, done);
	action_item__who(a, info.author, done);
	return 0;
}

/* ---- read models ------------------------------------------------------- */

/* How member hex is shown (action_person's label) into out; p: scratch. */
static void person_label(struct action *a, const char *hex,
			 struct action_person *p, char *out, size_t cap)
{
	action_person_hex(a, hex, p);
	snprintf(out, cap, "%s", p->label);
}

struct view_ctx {
	struct action *a;
	action_item_fn fn;
	void *ctx;
	struct action_item_view v;
	struct action_person p; /* scratch: too big for the stack of a row */
	int one;		/* show: leave out hidden and blocked */
	int shown;		/* rows handed to fn */
	char status[16];	/* the last row's status */
	int on_loan;		/* the last row's: lent (not given) */
	char borrower[ACTION_HEX_MAX]; /* the last row's, "" when nobody */
};

static int view_row(void *ctx, const struct crdt_row *r)
{
	struct view_ctx *x = ctx;
	struct action_item_view *v = &x->v;
	struct crdt_record_info info;
	uint8_t id[CRDT_ID_LEN];
	char me[2 * CRDT_PK_LEN + 1];

	if (x->one &&
	    (action_col_int(r, "hidden") || action_col_int(r, "blocked")))
		return 0;
	memset(v, 0, sizeof *v);
	v->row = r;
	v->id = action_col_text(r, "id");
	action_short_id(x->a, CRDT_R_ITEM, v->id, v->short_id,
			sizeof v->short_id);
	v->title = action_col_text(r, "title");
	v->kind = action_col_text(r, "kind");
	v->givable = action_item_kind_givable(v->kind);
	v->status = action_col_text(r, "status");
	v->category = action_col_text(r, "category");
	v->unit = action_col_text(r, "unit");
	v->condition = action_col_text(r, "condition");
	v->location = action_col_text(r, "location");
	v->description = action_col_text(r, "description");
	v->quantity = action_col_int(r, "quantity");
	v->until = action_col_int(r, "until");
	v->owner = action_col_text(r, "author");
	v->entered_by = action_col_text(r, "entered_by");
	person_label(x->a, v->owner, &x->p, v->owner_name,
		     sizeof v->owner_name);
	if (x->a->r.id.sk) {
		crdt_hex(me, action_me(x->a), CRDT_PK_LEN);
		v->mine = !strcmp(me, v->owner);
	}
	v->borrower = action_col_text(r, "borrower");
	/* a hand-over not taken back on a withdrawn item: given away */
	v->given = *v->borrower && !strcmp(v->status, "withdrawn");
	if (v->given)
		person_label(x->a, v->borrower, &x->p, v->borrower_name,
			     sizeof v->borrower_name);
	else if (*v->borrower) {
		v->on_loan = 1;
		person_label(x->a, v->borrower, &x->p, v->borrower_name,
			     sizeof v->borrower_name);
		v->due = action_col_int(r, "due");
		v->overdue = v->due && v->due < x->a->now;
		if (crdt_unhex(id, CRDT_ID_LEN, v->id) == 0 &&
		    crdt_record_info(x->a->r.store, CRDT_R_ITEM, id, &info) ==
			    0 &&
		    info.has_loan) {
			crdt_hex(v->loan_id, info.active_loan, CRDT_ID_LEN);
			action_short_id(x->a, CRDT_R_LOAN, v->loan_id,
					v->loan_short_id,
					sizeof v->loan_short_id);
		}
	}
	snprintf(x->status, sizeof x->status, "%s", v->status);
	x->on_loan = v->on_loan;
	snprintf(x->borrower, sizeof x->borrower, "%s", v->borrower);
	x->shown++;
	return x->fn(x->ctx, v);
}

int action_item_list(struct action *a, const struct action_item_filter *f,
		     action_item_fn fn, void *ctx)
{
	struct crdt_item_filter q = { .kind = -1 };
	struct view_ctx *x;
	int rc;

	if (f->kind && kind_of(a, f->kind, &q.kind))
		return KITH_EINVAL;
	if (f->mine) {
		rc = action_need_identity(a);
		if (rc)
			return rc;
		q.author = action_me(a);
	}
	q.category = f->category;
	q.search = f->search;
	q.all = f->all;
	q.overdue = f->overdue;
	/* two names of up to CRDT_MAX_TEXT bytes: not on the stack */
	x = calloc(1, sizeof *x);
	if (!x)
		return action_fail_rc(a, KITH_ENOMEM, _("cannot list items"));
	x->a = a;
	x->fn = fn;
	x->ctx = ctx;
	rc = crdt_query_items(a->r.store, &q, a->now, view_row, x);
	if (rc < 0)
		action_fail_rc(a, rc, _("cannot list items"));
	free(x);
	return rc;
}

struct request_ctx {
	struct action *a;
	action_item_request_fn fn;
	void *ctx;
	struct action_item_request_view v;
	struct action_person p;
	struct item_state st;
};

static int request_row(void *ctx, const struct crdt_row *r)
{
	struct request_ctx *x = ctx;
	struct action_item_request_view *v = &x->v;
	char me[2 * CRDT_PK_LEN + 1];

	memset(v, 0, sizeof *v);
	v->row = r;
	v->id = action_col_text(r, "id");
	action_short_id(x->a, CRDT_R_CLAIM, v->id, v->short_id,
			sizeof v->short_id);
	v->status = action_col_text(r, "status");
	v->note = action_col_text(r, "note");
	v->quantity = action_col_int(r, "quantity");
	v->requester = action_col_text(r, "claimant");
	person_label(x->a, v->requester, &x->p, v->requester_name,
		     sizeof v->requester_name);
	v->standing = x->st.requested && !strcmp(v->status, "active");
	v->waiting = request_waits(&x->st, v->status, v->requester);
	if (x->a->r.id.sk) {
		crdt_hex(me, action_me(x->a), CRDT_PK_LEN);
		v->mine = !strcmp(me, v->requester);
	}
	return x->fn(x->ctx, v);
}

int action_item_show(struct action *a, const char *item,
		     action_item_fn item_fn, action_item_request_fn request_fn,
		     void *ctx)
{
	struct crdt_item_filter q = { .kind = -1 };
	uint8_t id[CRDT_ID_LEN];
	struct view_ctx *x = NULL;
	struct request_ctx *y = NULL;
	int rc = action_resolve(a, CRDT_R_ITEM, item, id);

	if (rc)
		return rc;
	/* who is looking, for v->mine; a reader without an identity (or
	 * with a broken one) is just nobody */
	if (!a->r.id.sk && peer_identity_load(a->home, &a->r.id))
		a->r.id.sk = NULL;
	x = calloc(1, sizeof *x);
	y = calloc(1, sizeof *y);
	if (!x || !y) {
		rc = action_fail_rc(a, KITH_ENOMEM, _("cannot show the item"));
		goto out;
	}
	x->a = y->a = a;
	x->fn = item_fn;
	y->fn = request_fn;
	x->ctx = y->ctx = ctx;
	q.id = id;
	q.all = 1; /* withdrawn and expired too; hidden ones: view_row */
	x->one = 1;
	rc = crdt_query_items(a->r.store, &q, a->now, view_row, x);
	if (!rc && !x->shown) {
		rc = action_fail(a, KITH_ENOTFOUND,
				 _("no item with id '%s' (see 'kith item "
				   "list')"),
				 item);
		goto out;
	}
	y->st.requested = !strcmp(x->status, "requested");
	y->st.on_loan = x->on_loan;
	snprintf(y->st.borrower, sizeof y->st.borrower, "%s", x->borrower);
	if (!rc && request_fn)
		rc = crdt_query_claims(a->r.store, id, request_row, y);
	if (rc < 0)
		action_fail_rc(a, rc, _("cannot show the item"));
out:
	free(y);
	free(x);
	return rc;
}
