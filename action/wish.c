/*
 * wish.c - wishes and the offers that answer them (see wish.h).
 */
#include <stdio.h>
#include <string.h>

#include "crdt/err.h"
#include "crdt/rules.h"
#include "crdt/schema.h"
#include "hosted.h"
#include "i18n.h"
#include "wish.h"

const char *const action_wish_statuses[ACTION_WISH_STATUSES] = {
	"open", "claimed", "contested", "delivered",
	"confirmed", "withdrawn", "expired",
};

void action_wish_fields_init(struct action_wish_fields *w)
{
	memset(w, 0, sizeof *w);
	w->kind = -1;
	w->urgency = -1;
	w->needed_by = -1;
}

/* ---- helpers ------------------------------------------------------------ */

struct action_wish_result *action_wish__result(struct action_wish_result *out,
					       struct action_wish_result *spare)
{
	if (!out)
		out = spare;
	memset(out, 0, sizeof *out);
	out->quarters = -1;
	return out;
}

int action_wish__identity(struct action *a)
{
	return action_open(a, NULL, ACTION_IDENTITY);
}

void action_wish__short(struct action *a, int rtype, const uint8_t *id,
			size_t n, char *out, size_t cap)
{
	char hex[2 * CRDT_PK_LEN + 1];

	crdt_hex(hex, id, n);
	action_short_id(a, rtype, hex, out, cap);
}

int action_wish__info(struct action *a, int rtype, const uint8_t *id,
		      struct crdt_record_info *info)
{
	int rc = crdt_record_info(a->r.store, rtype, id, info);

	if (rc)
		return action_fail_rc(a, rc, _("cannot read the record"));
	return 0;
}

int action_wish__load(struct action *a, int rtype, const char *arg,
		      struct crdt_record_info *info)
{
	uint8_t id[CRDT_ID_LEN];
	int rc = action_resolve(a, rtype, arg, id);

	if (rc)
		return rc;
	return action_wish__info(a, rtype, id, info);
}

static int not_yours(struct action *a, enum action_wish__verb v,
		     const char *arg)
{
	switch (v) {
	case ACTION_WISH__EDIT:
		return action_fail(a, KITH_EDENIED,
				   _("you cannot edit wish '%s': it was posted "
				     "by another member"),
				   arg);
	case ACTION_WISH__WITHDRAW:
		return action_fail(a, KITH_EDENIED,
				   _("you cannot withdraw wish '%s': it was "
				     "posted by another member"),
				   arg);
	case ACTION_WISH__RENEW:
		return action_fail(a, KITH_EDENIED,
				   _("you cannot renew wish '%s': it was "
				     "posted by another member"),
				   arg);
	case ACTION_WISH__ACCEPT:
		return action_fail(a, KITH_EDENIED,
				   _("you cannot accept offers on wish '%s': "
				     "it was posted by another member"),
				   arg);
	default:
		return action_fail(a, KITH_EDENIED,
				   _("you cannot confirm wish '%s': it was "
				     "posted by another member"),
				   arg);
	}
}

/* Our wish id, still open to writes (confirm: confirmed ones too); shown:
 * how the person named it. */
int action_wish__own_id(struct action *a, const uint8_t *id, const char *shown,
			enum action_wish__verb v, struct crdt_record_info *info)
{
	int rc = action_wish__info(a, CRDT_R_WISH, id, info);

	if (rc)
		return rc;
	if (!action_is_me(a, info->author))
		return not_yours(a, v, shown);
	if (info->closed)
		return action_fail(a, KITH_EINVAL, _("wish '%s' was withdrawn"),
				   shown);
	if (info->confirmed && v != ACTION_WISH__CONFIRM)
		return action_fail(a, KITH_EINVAL,
				   _("wish '%s' is already confirmed as "
				     "fulfilled"),
				   shown);
	return 0;
}

int action_wish__own(struct action *a, const char *arg,
		     enum action_wish__verb v, struct crdt_record_info *info)
{
	uint8_t id[CRDT_ID_LEN];
	int rc = action_wish__identity(a);

	if (!rc)
		rc = action_resolve(a, CRDT_R_WISH, arg, id);
	if (rc)
		return rc;
	return action_wish__own_id(a, id, arg, v, info);
}

/* Name the wish in out. */
void action_wish__fill(struct action *a, const uint8_t *id,
		       struct action_wish_result *out)
{
	memcpy(out->wish, id, CRDT_ID_LEN);
	action_wish__short(a, CRDT_R_WISH, id, CRDT_ID_LEN, out->wish_short,
			   sizeof out->wish_short);
}

/* ---- a wish's fields ---------------------------------------------------- */

/* Text fields of a wish, with their refusal when too long (KITH_ETOOBIG:
 * crdt_op_set_text refuses more than CRDT_MAX_TEXT bytes). */
static int set_text(struct action *a, struct crdt_op *op, unsigned field,
		    const char *s, const char *too_long)
{
	if (!s || !crdt_op_set_text(op, field, s))
		return 0;
	action_fail(a, KITH_ETOOBIG, too_long, CRDT_MAX_TEXT);
	return KITH_ETOOBIG;
}

static int set_fields(struct action *a, struct crdt_op *op,
		      const struct action_wish_fields *w)
{
	int rc;

	if (w->title && !*w->title)
		return action_fail(a, KITH_EINVAL, _("a wish needs a title"));
	if (w->kind >= CRDT_WISH_KINDS || w->kind < -1)
		return action_fail(a, KITH_EINVAL, _("unknown kind of wish"));
	if (w->urgency >= CRDT_URGENCIES || w->urgency < -1)
		return action_fail(a, KITH_EINVAL, _("unknown urgency"));
	if (w->quantity < 0 || w->quantity > CRDT_MAX_QTY)
		return action_fail(a, KITH_EINVAL,
				   _("the quantity must be a whole number from "
				     "1 to %d"),
				   CRDT_MAX_QTY);
	if (w->needed_by < -1 || w->needed_by > CRDT_MAX_DATE)
		return action_fail(a, KITH_EINVAL,
				   _("the date it is needed by is out of "
				     "range"));
	rc = set_text(a, op, F_WISH_TITLE, w->title,
		      _("the title is too long (at most %d bytes)"));
	if (!rc)
		rc = set_text(a, op, F_WISH_DESCRIPTION, w->description,
			      _("the description is too long (at most %d "
				"bytes)"));
	if (!rc)
		rc = set_text(a, op, F_WISH_CATEGORY, w->category,
			      _("the category is too long (at most %d "
				"bytes)"));
	if (!rc)
		rc = set_text(a, op, F_WISH_LOCATION, w->location,
			      _("the location is too long (at most %d "
				"bytes)"));
	if (!rc)
		rc = set_text(a, op, F_WISH_FOR, w->for_name,
			      _("the name of the neighbour it is for is too "
				"long (at most %d bytes)"));
	if (rc)
		return rc;
	if (w->kind >= 0)
		(void)crdt_op_set_int(op, F_WISH_KIND, w->kind);
	if (w->urgency >= 0)
		(void)crdt_op_set_int(op, F_WISH_URGENCY, w->urgency);
	if (w->quantity > 0)
		(void)crdt_op_set_int(op, F_WISH_QUANTITY, w->quantity);
	if (w->needed_by >= 0)
		(void)crdt_op_set_int(op, F_WISH_NEEDED_BY, w->needed_by);
	return 0;
}

/* Seal the private part into op (sealed: CRDT_SEAL_MAX bytes, alive until
 * the commit); "" removes it. */
static int set_private(struct action *a, struct crdt_op *op,
		       const struct action_private *priv, const uint8_t *helper,
		       uint8_t *sealed)
{
	size_t len = 0;
	int rc;

	if (!priv->text)
		return 0;
	if (*priv->text) {
		rc = action_private_seal(a, priv, helper, sealed, &len);
		if (rc)
			return rc;
	}
	(void)crdt_op_set_bytes(op, F_WISH_PRIVATE, sealed, len);
	return 0;
}

/* The author of the accepted offer of a wish, if it still stands. */
const uint8_t *action_wish__accepted(struct action *a,
				     const struct crdt_record_info *wish,
				     struct crdt_record_info *claim)
{
	if (!wish->has_accepted ||
	    crdt_record_info(a->r.store, CRDT_R_CLAIM, wish->accepted, claim) ||
	    claim->closed)
		return NULL;
	return claim->author;
}

/* ---- writes of the wish's author ---------------------------------------- */

int action_wish_add(struct action *a, const struct action_wish_fields *w,
		    struct action_wish_result *out)
{
	struct action_wish_result spare;
	struct action_private priv = w->priv;
	struct crdt_op op;
	uint8_t sealed[CRDT_SEAL_MAX], host_pk[CRDT_PK_LEN];
	uint64_t seq;
	int rc;

	out = action_wish__result(out, &spare);
	rc = action_wish__identity(a);
	if (rc)
		return rc;
	if (!w->title)
		return action_fail(a, KITH_EINVAL, _("a wish needs a title"));
	if (action_hosted_named(a, w->for_name, host_pk)) {
		/* for a neighbour hosted here: their own wish */
		struct action_wish_fields theirs = *w;

		theirs.for_name = NULL;
		rc = action_act_as_pk(a, host_pk);
		if (rc)
			return rc;
		rc = action_wish_add(a, &theirs, out);
		action_act_self(a);
		return rc;
	}
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_WISH);
	rc = set_fields(a, &op, w);
	if (rc)
		return rc;
	if (w->urgency < 0)
		(void)crdt_op_set_int(&op, F_WISH_URGENCY, CRDT_URGENCY_NORMAL);
	if (w->kind < 0)
		(void)crdt_op_set_int(&op, F_WISH_KIND, 0);
	if (w->quantity <= 0)
		(void)crdt_op_set_int(&op, F_WISH_QUANTITY, 1);
	if (priv.text && !*priv.text)
		priv.text = NULL; /* nothing to remove on a new wish */
	rc = set_private(a, &op, &priv, NULL, sealed);
	if (rc)
		return rc;
	if (crdt_op_finish(&op))
		return action_fail(a, KITH_EINVAL,
				   _("cannot save the wish: %s"),
				   _(kith_strerror(KITH_EINVAL)));
	rc = action_commit(a, &op, 1, &seq, _("cannot save the wish"));
	if (rc)
		return rc;
	action_new_id(a, seq, 0, out->wish);
	action_wish__short(a, CRDT_R_WISH, out->wish, CRDT_ID_LEN,
			   out->wish_short, sizeof out->wish_short);
	return 0;
}

int action_wish_edit(struct action *a, const char *wish,
		     const struct action_wish_fields *w,
		     struct action_wish_result *out)
{
	struct action_wish_result spare;
	struct crdt_record_info info, claim;
	struct crdt_op op;
	uint8_t sealed[CRDT_SEAL_MAX];
	int rc;

	out = action_wish__result(out, &spare);
	rc = action_wish__own(a, wish, ACTION_WISH__EDIT, &info);
	if (rc)
		return rc;
	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_WISH);
	rc = set_fields(a, &op, w);
	if (!rc)
		rc = set_private(a, &op, &w->priv,
				 action_wish__accepted(a, &info, &claim),
				 sealed);
	if (rc)
		return rc;
	if (!op.nvals)
		return action_fail(a, KITH_EINVAL,
				   _("nothing to change in wish '%s'"), wish);
	rc = action_commit_ref(a, &op, info.id, _("cannot save the edit"));
	if (!rc)
		action_wish__fill(a, info.id, out);
	return rc;
}

/* A write of our wish that sets field to 1 (0: no field, a renewal);
 * what: the failure's subject. */
static int own_wish_mark(struct action *a, const char *wish,
			 enum action_wish__verb v, unsigned field,
			 const char *what, struct action_wish_result *out)
{
	struct action_wish_result spare;
	struct crdt_record_info info;
	struct crdt_op op;
	int rc;

	out = action_wish__result(out, &spare);
	rc = action_wish__own(a, wish, v, &info);
	if (rc)
		return rc;
	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_WISH);
	if (field)
		(void)crdt_op_set_int(&op, field, 1);
	rc = action_commit_ref(a, &op, info.id, what);
	if (!rc)
		action_wish__fill(a, info.id, out);
	return rc;
}

int action_wish_withdraw(struct action *a, const char *wish,
			 struct action_wish_result *out)
{
	return own_wish_mark(a, wish, ACTION_WISH__WITHDRAW, F_WISH_WITHDRAWN,
			     _("cannot withdraw the wish"), out);
}

int action_wish_renew(struct action *a, const char *wish,
		      struct action_wish_result *out)
{
	return own_wish_mark(a, wish, ACTION_WISH__RENEW, 0,
			     _("cannot renew the wish"), out);
}

/* ---- what people are shown ---------------------------------------------- */

int action_wish_list(struct action *a, const struct action_wish_query *q,
		     crdt_row_fn fn, void *ctx)
{
	struct crdt_wish_filter f = { .urgency = q->urgency };
	int rc, i;

	if (q->status) {
		for (i = 0; i < ACTION_WISH_STATUSES; i++)
			if (!strcmp(q->status, action_wish_statuses[i]))
				break;
		if (i == ACTION_WISH_STATUSES)
			return action_fail(a, KITH_EINVAL,
					   _("unknown status '%s' (open, "
					     "claimed, contested, delivered, "
					     "confirmed, withdrawn, expired)"),
					   q->status);
	}
	if (q->urgency < -1 || q->urgency >= CRDT_URGENCIES)
		return action_fail(a, KITH_EINVAL, _("unknown urgency"));
	if (q->mine) {
		rc = action_wish__identity(a);
		if (rc)
			return rc;
		f.author = action_me(a);
	}
	f.status = q->status;
	f.search = q->search;
	f.all = q->all;
	rc = crdt_query_wishes(a->r.store, &f, a->now, fn, ctx);
	if (rc)
		return action_fail_rc(a, rc, _("cannot list wishes"));
	return 0;
}

int action_wish_show(struct action *a, const char *wish,
		     struct action_private_view *priv, crdt_row_fn wish_fn,
		     crdt_row_fn claim_fn, void *ctx, uint8_t *id)
{
	struct crdt_wish_filter f = { .urgency = -1 };
	struct crdt_record_info info;
	uint8_t wid[CRDT_ID_LEN];
	int rc;

	memset(priv, 0, sizeof *priv);
	rc = action_wish__load(a, CRDT_R_WISH, wish, &info);
	if (rc)
		return rc;
	if (id)
		memcpy(id, info.id, CRDT_ID_LEN);
	memcpy(wid, info.id, CRDT_ID_LEN);
	rc = action_private_read(a, CRDT_R_WISH, wid, info.author, priv);
	if (rc)
		return rc;
	f.id = wid;
	rc = crdt_query_wishes(a->r.store, &f, a->now, wish_fn, ctx);
	if (!rc && claim_fn)
		rc = crdt_query_claims(a->r.store, wid, claim_fn, ctx);
	if (rc)
		return action_fail_rc(a, rc, _("cannot show the wish"));
	return 0;
}
