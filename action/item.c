/*
 * item.c - items, requests and loans (see item.h).
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

/* ---- small helpers ----------------------------------------------------- */

static const char *col_text(const struct crdt_row *r, const char *name)
{
	const struct crdt_col *c = crdt_row_get(r, name);

	return c && c->type == CRDT_COL_TEXT && c->s ? c->s : "";
}

static int64_t col_int(const struct crdt_row *r, const char *name)
{
	const struct crdt_col *c = crdt_row_get(r, name);

	return c && c->type == CRDT_COL_INT ? c->i : 0;
}

struct name_ctx {
	char *out;
	size_t cap;
	int found;
};

static int name_row(void *ctx, const struct crdt_row *r)
{
	struct name_ctx *n = ctx;

	n->found = 1;
	snprintf(n->out, n->cap, "%s", col_text(r, "name"));
	return 0;
}

/* A member as people know them: their name, else their short id. */
static void member_name(struct action *a, const uint8_t pk[CRDT_PK_LEN],
			char *out, size_t cap)
{
	struct name_ctx n = { out, cap, 0 };
	char hex[2 * CRDT_PK_LEN + 1];

	out[0] = 0;
	crdt_hex(hex, pk, CRDT_PK_LEN);
	if (crdt_query_members(a->r.store, pk, name_row, &n) || !n.found) {
		/* no profile yet: no record a prefix could name */
		snprintf(out, cap, "%.8s", hex);
		return;
	}
	if (!out[0])
		action_short_id(a, CRDT_R_MEMBER, hex, out, cap);
}

static void member_name_hex(struct action *a, const char *hex, char *out,
			    size_t cap)
{
	uint8_t pk[CRDT_PK_LEN];

	if (crdt_unhex(pk, CRDT_PK_LEN, hex)) {
		snprintf(out, cap, "%.8s", hex);
		return;
	}
	member_name(a, pk, out, cap);
}

static void short_of(struct action *a, int rtype, const uint8_t id[CRDT_ID_LEN],
		     char *out, size_t cap)
{
	char hex[2 * CRDT_ID_LEN + 1];

	crdt_hex(hex, id, CRDT_ID_LEN);
	action_short_id(a, rtype, hex, out, cap);
}

static int need_identity(struct action *a)
{
	if (a->r.id.sk)
		return 0;
	return action_fail(a, KITH_ENOIDENT,
			   _("no identity in '%s'; run 'kith init --name "
			     "YOUR_NAME' first"),
			   a->home);
}

struct title_ctx {
	char *out;
	size_t cap;
};

static int title_row(void *ctx, const struct crdt_row *r)
{
	struct title_ctx *t = ctx;

	snprintf(t->out, t->cap, "%s", col_text(r, "title"));
	return 0;
}

/* done->item, its short id and title. */
static void done_item(struct action *a, const uint8_t item[CRDT_ID_LEN],
		      struct action_item_done *done)
{
	struct crdt_item_filter f = { .kind = -1, .id = item };
	struct title_ctx t = { done->title, sizeof done->title };

	memcpy(done->item, item, CRDT_ID_LEN);
	short_of(a, CRDT_R_ITEM, item, done->item_short_id,
		 sizeof done->item_short_id);
	done->title[0] = 0;
	if (crdt_query_items(a->r.store, &f, a->now, title_row, &t))
		done->title[0] = 0;
}

/* done for a write on the item itself: the record is the item. */
static void done_self(struct action *a, const uint8_t item[CRDT_ID_LEN],
		      struct action_item_done *done)
{
	done_item(a, item, done);
	memcpy(done->id, done->item, CRDT_ID_LEN);
	memcpy(done->short_id, done->item_short_id, sizeof done->short_id);
}

static void done_init(struct action_item_done *done)
{
	memset(done->id, 0, sizeof done->id);
	done->short_id[0] = done->item_short_id[0] = 0;
	done->title[0] = done->who[0] = 0;
	done->due = 0;
}

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
		if (strlen(s) > CRDT_MAX_TEXT)
			return action_fail(a, KITH_EINVAL,
					   _(text_fields[i].too_long),
					   CRDT_MAX_TEXT);
		if (!crdt_utf8_valid((const uint8_t *)s, strlen(s)))
			return action_fail(a, KITH_EINVAL,
					   _(text_fields[i].not_utf8));
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

int action_item_add(struct action *a, const struct action_item_fields *f,
		    struct action_item_done *done)
{
	struct crdt_op op;
	uint64_t seq;
	int rc;

	done_init(done);
	rc = need_identity(a);
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
	if (crdt_op_finish(&op))
		return action_fail_rc(a, KITH_EINVAL, _("cannot save the item"));
	rc = action_commit(a, &op, 1, &seq, _("cannot save the item"));
	if (rc)
		return rc;
	action_new_id(a, seq, 0, done->id);
	done_self(a, done->id, done);
	return 0;
}

/*
 * Resolve the item the person typed and read its facts; with not_ours (a
 * translated format taking the id as typed), refuse an item posted by
 * someone else.
 */
static int find_item(struct action *a, const char *arg, const char *not_ours,
		     struct crdt_record_info *info)
{
	uint8_t id[CRDT_ID_LEN];
	int rc = need_identity(a);

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

int action_item_edit(struct action *a, const char *item,
		     const struct action_item_fields *f,
		     struct action_item_done *done)
{
	struct crdt_record_info info;
	struct crdt_op op;
	int rc;

	done_init(done);
	rc = action_item_check(a, f, 0);
	if (!rc)
		rc = find_item(a, item,
			       _("you cannot edit item '%s': it was posted by "
				 "another member"),
			       &info);
	if (rc)
		return rc;
	if (info.closed)
		return action_fail(a, KITH_EDENIED,
				   _("item '%s' was withdrawn; it cannot be "
				     "edited"),
				   item);
	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_ITEM);
	fields_op(f, &op);
	rc = action_commit_ref(a, &op, info.id, _("cannot save the edit"));
	if (rc)
		return rc;
	done_self(a, info.id, done);
	return 0;
}

int action_item_withdraw(struct action *a, const char *item,
			 struct action_item_done *done)
{
	struct crdt_record_info info;
	struct crdt_op op;
	int rc;

	done_init(done);
	rc = find_item(a, item,
		       _("you cannot withdraw item '%s': it was posted by "
			 "another member"),
		       &info);
	if (rc)
		return rc;
	if (info.closed)
		return action_fail(a, KITH_EDENIED,
				   _("item '%s' is already withdrawn"), item);
	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_ITEM);
	(void)crdt_op_set_int(&op, F_ITEM_WITHDRAWN, 1);
	rc = action_commit_ref(a, &op, info.id, _("cannot withdraw the item"));
	if (rc)
		return rc;
	done_self(a, info.id, done);
	return 0;
}

int action_item_renew(struct action *a, const char *item,
		      struct action_item_done *done)
{
	struct crdt_record_info info;
	struct crdt_op op;
	int rc;

	done_init(done);
	rc = find_item(a, item,
		       _("you cannot renew item '%s': it was posted by "
			 "another member"),
		       &info);
	if (rc)
		return rc;
	if (info.closed)
		return action_fail(a, KITH_EDENIED,
				   _("item '%s' was withdrawn; it cannot be "
				     "renewed"),
				   item);
	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_ITEM); /* no fields: renew */
	rc = action_commit_ref(a, &op, info.id, _("cannot renew the item"));
	if (rc)
		return rc;
	done_self(a, info.id, done);
	return 0;
}

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

	if (strcmp(col_text(r, "claimant"), q->who) ||
	    strcmp(col_text(r, "status"), "active") ||
	    crdt_unhex(q->claim, CRDT_ID_LEN, col_text(r, "id")))
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

int action_item_request(struct action *a, const char *item, const char *note,
			struct action_item_done *done)
{
	struct crdt_record_info info;
	struct crdt_op op;
	uint64_t seq;
	int rc;

	done_init(done);
	rc = find_item(a, item, NULL, &info);
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
	if (note && strlen(note) > CRDT_MAX_TEXT)
		return action_fail(a, KITH_EINVAL,
				   _("the note is too long (at most %d bytes)"),
				   CRDT_MAX_TEXT);
	if (note && !crdt_utf8_valid((const uint8_t *)note, strlen(note)))
		return action_fail(a, KITH_EINVAL,
				   _("the note is not valid UTF-8 text"));
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_CLAIM);
	(void)crdt_op_set_bytes(&op, F_CLAIM_TARGET, info.id, CRDT_ID_LEN);
	(void)crdt_op_set_int(&op, F_CLAIM_QUANTITY, 1);
	if (note && *note)
		(void)crdt_op_set_text(&op, F_CLAIM_NOTE, note);
	if (crdt_op_finish(&op))
		return action_fail_rc(a, KITH_EINVAL,
				      _("cannot save the request"));
	rc = action_commit(a, &op, 1, &seq, _("cannot save the request"));
	if (rc)
		return rc;
	action_new_id(a, seq, 0, done->id);
	short_of(a, CRDT_R_CLAIM, done->id, done->short_id,
		 sizeof done->short_id);
	done_item(a, info.id, done);
	member_name(a, info.author, done->who, sizeof done->who);
	return 0;
}

/* The borrower of loan id, into who (a name). */
static int loan_borrower(struct action *a, const uint8_t loan[CRDT_ID_LEN],
			 char *who, size_t cap);

int action_item_lend(struct action *a, const char *item, const char *to,
		     int64_t due, struct action_item_done *done)
{
	struct crdt_record_info info;
	struct crdt_op op;
	uint8_t who[CRDT_PK_LEN], claim[CRDT_ID_LEN];
	char sid[ACTION_HEX_MAX], name[CRDT_MAX_TEXT + 1];
	uint64_t seq;
	int rc;

	done_init(done);
	rc = find_item(a, item,
		       _("you cannot lend item '%s': it was posted by another "
			 "member"),
		       &info);
	if (!rc) /* what was typed first, then the item's state */
		rc = action_resolve(a, CRDT_R_MEMBER, to, who);
	if (rc)
		return rc;
	if (info.closed)
		return action_fail(a, KITH_EDENIED,
				   _("item '%s' was withdrawn; it cannot be "
				     "lent"),
				   item);
	if (info.has_loan) {
		short_of(a, CRDT_R_LOAN, info.active_loan, sid, sizeof sid);
		if (loan_borrower(a, info.active_loan, name, sizeof name))
			name[0] = 0;
		return action_fail(a, KITH_EDENIED,
				   _("item '%s' is already on loan to %s; when "
				     "it comes back, record it with 'kith item "
				     "return %s'"),
				   item, name, sid);
	}
	if (action_is_me(a, who))
		return action_fail(a, KITH_EDENIED,
				   _("you cannot lend your own item to "
				     "yourself"));
	if (due < 0 || due > CRDT_MAX_DATE)
		return action_fail(a, KITH_EINVAL,
				   _("the due date is out of range"));
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_LOAN);
	(void)crdt_op_set_bytes(&op, F_LOAN_ITEM, info.id, CRDT_ID_LEN);
	(void)crdt_op_set_bytes(&op, F_LOAN_BORROWER, who, CRDT_PK_LEN);
	if (due)
		(void)crdt_op_set_int(&op, F_LOAN_DUE, due);
	rc = request_of(a, info.id, who, claim);
	if (rc == 0)
		(void)crdt_op_set_bytes(&op, F_LOAN_CLAIM, claim, CRDT_ID_LEN);
	else if (rc != KITH_ENOTFOUND)
		return action_fail_rc(a, rc, _("cannot read the requests"));
	if (crdt_op_finish(&op))
		return action_fail_rc(a, KITH_EINVAL,
				      _("cannot record the loan"));
	rc = action_commit(a, &op, 1, &seq, _("cannot record the loan"));
	if (rc)
		return rc;
	action_new_id(a, seq, 0, done->id);
	short_of(a, CRDT_R_LOAN, done->id, done->short_id,
		 sizeof done->short_id);
	done_item(a, info.id, done);
	member_name(a, who, done->who, sizeof done->who);
	done->due = due;
	return 0;
}

/* The borrower of a loan: the item row of its item names them. */
struct borrower_ctx {
	struct action *a;
	char *who;
	size_t cap;
};

static int borrower_row(void *ctx, const struct crdt_row *r)
{
	struct borrower_ctx *b = ctx;

	if (*col_text(r, "borrower"))
		member_name_hex(b->a, col_text(r, "borrower"), b->who, b->cap);
	return 0;
}

static int loan_borrower(struct action *a, const uint8_t loan[CRDT_ID_LEN],
			 char *who, size_t cap)
{
	struct crdt_record_info l;
	struct crdt_item_filter f = { .kind = -1 };
	struct borrower_ctx b = { a, who, cap };
	int rc = crdt_record_info(a->r.store, CRDT_R_LOAN, loan, &l);

	who[0] = 0;
	if (rc)
		return rc;
	f.id = l.target;
	return crdt_query_items(a->r.store, &f, a->now, borrower_row, &b);
}

int action_item_return(struct action *a, const char *arg,
		       struct action_item_done *done)
{
	static const char *not_ours = N_("you cannot record the return of "
					 "item '%s': it was posted by another "
					 "member");
	struct crdt_record_info info, loan;
	uint8_t id[CRDT_ID_LEN];
	struct crdt_op op;
	int rc;

	done_init(done);
	rc = need_identity(a);
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
		rc = find_item(a, arg, _(not_ours), &info);
		if (rc)
			return rc;
		if (!info.has_loan)
			return action_fail(a, KITH_EDENIED,
					   _("item '%s' is not on loan"), arg);
	}
	memcpy(done->id, info.active_loan, CRDT_ID_LEN);
	short_of(a, CRDT_R_LOAN, done->id, done->short_id,
		 sizeof done->short_id);
	if (loan_borrower(a, done->id, done->who, sizeof done->who))
		done->who[0] = 0;
	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_LOAN);
	(void)crdt_op_set_int(&op, F_LOAN_RETURNED, 1);
	rc = action_commit_ref(a, &op, info.active_loan,
			       _("cannot record the return"));
	if (rc)
		return rc;
	done_item(a, info.id, done);
	return 0;
}

/* ---- read models ------------------------------------------------------- */

struct view_ctx {
	struct action *a;
	action_item_fn fn;
	void *ctx;
	struct action_item_view v;
};

static int view_row(void *ctx, const struct crdt_row *r)
{
	struct view_ctx *x = ctx;
	struct action_item_view *v = &x->v;
	struct crdt_record_info info;
	uint8_t id[CRDT_ID_LEN];
	char me[2 * CRDT_PK_LEN + 1];

	memset(v, 0, sizeof *v);
	v->row = r;
	v->id = col_text(r, "id");
	action_short_id(x->a, CRDT_R_ITEM, v->id, v->short_id,
			sizeof v->short_id);
	v->title = col_text(r, "title");
	v->kind = col_text(r, "kind");
	v->status = col_text(r, "status");
	v->category = col_text(r, "category");
	v->unit = col_text(r, "unit");
	v->condition = col_text(r, "condition");
	v->location = col_text(r, "location");
	v->description = col_text(r, "description");
	v->quantity = col_int(r, "quantity");
	v->until = col_int(r, "until");
	v->owner = col_text(r, "author");
	if (*col_text(r, "author_name"))
		snprintf(v->owner_name, sizeof v->owner_name, "%s",
			 col_text(r, "author_name"));
	else
		member_name_hex(x->a, v->owner, v->owner_name,
				sizeof v->owner_name);
	if (x->a->r.id.sk) {
		crdt_hex(me, x->a->r.id.pk, CRDT_PK_LEN);
		v->mine = !strcmp(me, v->owner);
	}
	v->borrower = col_text(r, "borrower");
	if (*v->borrower) {
		v->on_loan = 1;
		member_name_hex(x->a, v->borrower, v->borrower_name,
				sizeof v->borrower_name);
		v->due = col_int(r, "due");
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
		rc = need_identity(a);
		if (rc)
			return rc;
		q.author = a->r.id.pk;
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
};

static int request_row(void *ctx, const struct crdt_row *r)
{
	struct request_ctx *x = ctx;
	struct action_item_request_view *v = &x->v;

	memset(v, 0, sizeof *v);
	v->row = r;
	v->id = col_text(r, "id");
	action_short_id(x->a, CRDT_R_CLAIM, v->id, v->short_id,
			sizeof v->short_id);
	v->status = col_text(r, "status");
	v->note = col_text(r, "note");
	v->quantity = col_int(r, "quantity");
	v->requester = col_text(r, "claimant");
	if (*col_text(r, "claimant_name"))
		snprintf(v->requester_name, sizeof v->requester_name, "%s",
			 col_text(r, "claimant_name"));
	else
		member_name_hex(x->a, v->requester, v->requester_name,
				sizeof v->requester_name);
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
	rc = crdt_query_items(a->r.store, &q, a->now, view_row, x);
	if (!rc && request_fn)
		rc = crdt_query_claims(a->r.store, id, request_row, y);
	if (rc < 0)
		action_fail_rc(a, rc, _("cannot show the item"));
out:
	free(y);
	free(x);
	return rc;
}
