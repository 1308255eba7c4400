/*
 * claim.c - offers of help with a wish: making, taking back and delivering
 * one (the helper), accepting one and confirming the wish (its author);
 * see wish.h.
 */
#include <stdio.h>
#include <string.h>

#include "crdt/err.h"
#include "crdt/facts.h"
#include "crdt/rules.h"
#include "crdt/schema.h"
#include "i18n.h"
#include "wish.h"

/* An offer of ours, not taken back. */
static int own_claim(struct action *a, const char *arg, int deliver,
		     struct crdt_record_info *info)
{
	int rc = action_wish__identity(a);

	if (!rc)
		rc = action_wish__load(a, CRDT_R_CLAIM, arg, info);
	if (rc)
		return rc;
	if (!action_is_me(a, info->author))
		return deliver ? action_fail(a, KITH_EDENIED,
					     _("you cannot mark offer '%s' "
					       "delivered: it was made by "
					       "another member"),
					     arg)
			       : action_fail(a, KITH_EDENIED,
					     _("you cannot take back offer "
					       "'%s': it was made by another "
					       "member"),
					     arg);
	if (info->closed)
		return action_fail(a, KITH_EINVAL,
				   _("offer '%s' was already taken back"), arg);
	return 0;
}

/* Member pk as the other side (the person the result names). */
static void set_other(struct action *a, const uint8_t *pk,
		      struct action_wish_result *out)
{
	struct action_person p;

	action_person(a, pk, &p);
	out->other_found = 1;
	memcpy(out->other, pk, CRDT_PK_LEN);
	snprintf(out->name, sizeof out->name, "%s", p.label);
}

/* The wish's author as the other side of an offer. */
static void fill_wish_side(struct action *a, const uint8_t *wish,
			   struct action_wish_result *out)
{
	struct crdt_record_info w;

	memcpy(out->wish, wish, CRDT_ID_LEN);
	action_wish__short(a, CRDT_R_WISH, wish, CRDT_ID_LEN, out->wish_short,
			   sizeof out->wish_short);
	if (crdt_record_info(a->r.store, CRDT_R_WISH, wish, &w) == 0)
		set_other(a, w.author, out);
}

/* The helper of offer claim as the other side. */
static void fill_helper(struct action *a, const uint8_t *claim,
			const uint8_t *helper, struct action_wish_result *out)
{
	out->has_claim = 1;
	memcpy(out->claim, claim, CRDT_ID_LEN);
	action_wish__short(a, CRDT_R_CLAIM, claim, CRDT_ID_LEN,
			   out->claim_short, sizeof out->claim_short);
	set_other(a, helper, out);
}

/* ---- writes of the helper ----------------------------------------------- */

/* Whether member me has an offer on the wish not taken back. */
struct mine_ctx {
	char me[2 * CRDT_PK_LEN + 1];
	int found;
};

static int mine_row(void *ctx, const struct crdt_row *r)
{
	struct mine_ctx *m = ctx;

	if (!strcmp(action_col_text(r, "claimant"), m->me) &&
	    strcmp(action_col_text(r, "status"), "cancelled")) {
		m->found = 1;
		return 1; /* enough */
	}
	return 0;
}

int action_wish_claim(struct action *a, const char *wish, int64_t qty,
		      const char *note, struct action_wish_result *out)
{
	struct action_wish_result spare;
	struct crdt_record_info info;
	struct mine_ctx mine;
	struct crdt_op op;
	uint64_t seq;
	int rc;

	out = action_wish__result(out, &spare);
	rc = action_wish__identity(a);
	if (!rc)
		rc = action_wish__load(a, CRDT_R_WISH, wish, &info);
	if (rc)
		return rc;
	if (action_is_me(a, info.author))
		return action_fail(a, KITH_EDENIED,
				   _("wish '%s' is your own; you cannot offer "
				     "help with it"),
				   wish);
	if (info.closed)
		return action_fail(a, KITH_EINVAL,
				   _("wish '%s' was withdrawn and no longer "
				     "needs help"),
				   wish);
	if (info.confirmed)
		return action_fail(a, KITH_EINVAL,
				   _("wish '%s' is already fulfilled and no "
				     "longer needs help"),
				   wish);
	if (qty < 1 || qty > CRDT_MAX_QTY)
		return action_fail(a, KITH_EINVAL,
				   _("the quantity must be a whole number from "
				     "1 to %d"),
				   CRDT_MAX_QTY);
	/* one offer per helper: a second one adds nothing for the author,
	 * and many of them would bury the others (the wish's page) */
	memset(&mine, 0, sizeof mine);
	crdt_hex(mine.me, action_me(a), CRDT_PK_LEN);
	rc = crdt_query_claims(a->r.store, info.id, mine_row, &mine);
	if (rc < 0)
		return action_fail_rc(a, rc, _("cannot read the offers"));
	if (mine.found)
		return action_fail(a, KITH_EINVAL,
				   _("you already offered help with wish "
				     "'%s'; your offer stands"),
				   wish);
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_CLAIM);
	(void)crdt_op_set_bytes(&op, F_CLAIM_TARGET, info.id, CRDT_ID_LEN);
	(void)crdt_op_set_int(&op, F_CLAIM_QUANTITY, qty);
	if (note && crdt_op_set_text(&op, F_CLAIM_NOTE, note))
		return action_fail(a, KITH_ETOOBIG,
				   _("the note is too long (at most %d bytes)"),
				   CRDT_MAX_TEXT);
	if (crdt_op_finish(&op))
		return action_fail(a, KITH_EINVAL,
				   _("cannot save the offer: %s"),
				   _(kith_strerror(KITH_EINVAL)));
	rc = action_commit(a, &op, 1, &seq, _("cannot save the offer"));
	if (rc)
		return rc;
	fill_wish_side(a, info.id, out);
	out->has_claim = 1;
	action_new_id(a, seq, 0, out->claim);
	action_wish__short(a, CRDT_R_CLAIM, out->claim, CRDT_ID_LEN,
			   out->claim_short, sizeof out->claim_short);
	return 0;
}

static int claim_flag(struct action *a, const char *claim, unsigned field,
		      struct action_wish_result *out)
{
	struct action_wish_result spare;
	struct crdt_record_info info;
	struct crdt_op op;
	int deliver = field == F_CLAIM_DELIVERED;
	int rc;

	out = action_wish__result(out, &spare);
	rc = own_claim(a, claim, deliver, &info);
	if (rc)
		return rc;
	if (deliver && info.confirmed)
		return action_fail(a, KITH_EINVAL,
				   _("offer '%s' is already marked delivered"),
				   claim);
	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_CLAIM);
	(void)crdt_op_set_int(&op, field, 1);
	rc = action_commit_ref(a, &op, info.id,
			       deliver ? _("cannot mark the offer delivered")
				       : _("cannot take back the offer"));
	if (rc)
		return rc;
	out->has_claim = 1;
	memcpy(out->claim, info.id, CRDT_ID_LEN);
	action_wish__short(a, CRDT_R_CLAIM, info.id, CRDT_ID_LEN,
			   out->claim_short, sizeof out->claim_short);
	if (info.target_rtype == CRDT_R_WISH)
		fill_wish_side(a, info.target, out);
	return 0;
}

int action_wish_unclaim(struct action *a, const char *claim,
			struct action_wish_result *out)
{
	return claim_flag(a, claim, F_CLAIM_CANCELLED, out);
}

int action_wish_deliver(struct action *a, const char *claim,
			struct action_wish_result *out)
{
	return claim_flag(a, claim, F_CLAIM_DELIVERED, out);
}

/* ---- accepting an offer ------------------------------------------------- */

#define OFFERS_LISTED 8

struct offers {
	const uint8_t *author; /* the wish's author: not an offer */
	int n;
	uint8_t claim[OFFERS_LISTED][CRDT_ID_LEN];
	uint8_t helper[OFFERS_LISTED][CRDT_PK_LEN];
};

static int offer_row(void *ctx, const struct crdt_row *r)
{
	struct offers *o = ctx;
	const struct crdt_col *id = crdt_row_get(r, "id");
	const struct crdt_col *who = crdt_row_get(r, "claimant");
	const struct crdt_col *st = crdt_row_get(r, "status");
	uint8_t pk[CRDT_PK_LEN];

	if (!id || !who || !st || id->type != CRDT_COL_TEXT ||
	    who->type != CRDT_COL_TEXT || st->type != CRDT_COL_TEXT ||
	    !strcmp(st->s, "cancelled") || strlen(id->s) != 2 * CRDT_ID_LEN ||
	    strlen(who->s) != 2 * CRDT_PK_LEN)
		return 0;
	if (crdt_unhex(pk, CRDT_PK_LEN, who->s) ||
	    crdt_equal(pk, o->author, CRDT_PK_LEN))
		return 0;
	if (o->n < OFFERS_LISTED) {
		memcpy(o->helper[o->n], pk, CRDT_PK_LEN);
		if (crdt_unhex(o->claim[o->n], CRDT_ID_LEN, id->s))
			return 0;
	}
	o->n++;
	return 0;
}

/* Refuse accepting wish (as typed) with several offers: list them. */
static int several_offers(struct action *a, const char *wish,
			  const struct offers *o)
{
	char list[ACTION_MSG_MAX / 2];
	struct action_person p;
	char sid[ACTION_SHORT_MAX], first[ACTION_SHORT_MAX] = "";
	size_t len = 0;
	int i;

	list[0] = 0;
	for (i = 0; i < o->n && i < OFFERS_LISTED; i++) {
		action_person(a, o->helper[i], &p);
		action_wish__short(a, CRDT_R_CLAIM, o->claim[i], CRDT_ID_LEN,
				   sid, sizeof sid);
		if (!i)
			snprintf(first, sizeof first, "%s", sid);
		/* TRANSLATORS: the list separator of "Ben (offer 3fa2c1),
		 * Chen (offer 9bd004)" */
		if (i)
			len += (size_t)snprintf(list + len,
						len < sizeof list
							? sizeof list - len
							: 0,
						"%s", _(", "));
		/* TRANSLATORS: one offer in a list: "Ben (offer 3fa2c1)" */
		len += (size_t)snprintf(list + len,
					len < sizeof list ? sizeof list - len
							  : 0,
					_("%s (offer %s)"), p.label, sid);
		if (len >= sizeof list)
			break;
	}
	if (o->n > OFFERS_LISTED && len < sizeof list)
		snprintf(list + len, sizeof list - len, "%s", _(", ..."));
	return action_fail(a, KITH_EAMBIGUOUS,
			   ngettext("%d neighbour offered help with wish "
				    "'%s': %s; accept one of them with 'kith "
				    "wish accept %s'",
				    "%d neighbours offered help with wish "
				    "'%s': %s; accept one of them with 'kith "
				    "wish accept %s'",
				    (unsigned long)o->n),
			   o->n, wish, list, first);
}

/* The one offer to accept on wish (as typed), or a refusal. */
static int offer_of_wish(struct action *a, const char *wish,
			 const uint8_t id[CRDT_ID_LEN],
			 const struct crdt_record_info *info, uint8_t *claim)
{
	struct offers o = { info->author, 0, { { 0 } }, { { 0 } } };
	int rc = crdt_query_claims(a->r.store, id, offer_row, &o);

	if (rc)
		return action_fail_rc(a, rc, _("cannot read the offers"));
	if (o.n == 0)
		return action_fail(a, KITH_ENOTFOUND,
				   _("nobody has offered help with wish '%s' "
				     "yet"),
				   wish);
	if (o.n > 1)
		return several_offers(a, wish, &o);
	memcpy(claim, o.claim[0], CRDT_ID_LEN);
	return 0;
}

int action_wish_accept(struct action *a, const char *id,
		       struct action_wish_result *out)
{
	struct action_wish_result spare;
	struct crdt_record_info claim, wish;
	struct crdt_op op;
	uint8_t cid[CRDT_ID_LEN], wid[CRDT_ID_LEN], sealed[CRDT_SEAL_MAX];
	char wshort[ACTION_SHORT_MAX];
	const char *shown = NULL; /* how the wish is named in refusals */
	size_t slen = 0;
	int rc;

	out = action_wish__result(out, &spare);
	rc = action_wish__identity(a);
	if (rc)
		return rc;
	rc = crdt_resolve(a->r.store, CRDT_R_CLAIM, id, cid);
	if (rc == KITH_ENOTFOUND &&
	    crdt_resolve(a->r.store, CRDT_R_WISH, id, wid) == 0) {
		/* a wish id: its one offer */
		rc = action_wish__own_id(a, wid, id, ACTION_WISH__ACCEPT,
					 &wish);
		if (!rc)
			rc = offer_of_wish(a, id, wid, &wish, cid);
		if (rc)
			return rc;
		snprintf(wshort, sizeof wshort, "%s", id);
		shown = wshort;
	} else if (rc == KITH_ENOTFOUND) {
		return action_fail(a, rc,
				   _("no offer or wish with id '%s' (see "
				     "'kith wish list')"),
				   id);
	} else if (rc) {
		return action_resolve(a, CRDT_R_CLAIM, id, cid);
	}
	rc = action_wish__info(a, CRDT_R_CLAIM, cid, &claim);
	if (rc)
		return rc;
	if (claim.target_rtype != CRDT_R_WISH)
		return action_fail(a, KITH_ENOTFOUND,
				   _("offer '%s' is not on a wish this replica "
				     "knows"),
				   id);
	if (shown != wshort) {
		/* named by the offer: name the wish by its short id */
		action_wish__short(a, CRDT_R_WISH, claim.target, CRDT_ID_LEN,
				   wshort, sizeof wshort);
		shown = wshort;
	}
	rc = action_wish__own_id(a, claim.target, shown, ACTION_WISH__ACCEPT,
				 &wish);
	if (rc)
		return rc;
	if (claim.closed)
		return action_fail(a, KITH_EINVAL,
				   _("offer '%s' was taken back by its helper"),
				   id);
	/* the helper may now read the private part: seal it to them too */
	rc = action_private_reseal(a, CRDT_R_WISH, wish.id, claim.author,
				   sealed, &slen);
	if (rc)
		return rc;
	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_WISH);
	(void)crdt_op_set_bytes(&op, F_WISH_ACCEPTED, claim.id, CRDT_ID_LEN);
	if (slen)
		(void)crdt_op_set_bytes(&op, F_WISH_PRIVATE, sealed, slen);
	rc = action_commit_ref(a, &op, wish.id, _("cannot accept the offer"));
	if (rc)
		return rc;
	action_wish__fill(a, wish.id, out);
	fill_helper(a, claim.id, claim.author, out);
	return 0;
}

/* ---- confirming --------------------------------------------------------- */

struct hours_ctx {
	int set; /* hours were given at confirmation (even 0) */
};

static int hours_row(void *ctx, const struct crdt_row *r)
{
	struct hours_ctx *h = ctx;
	const struct crdt_col *c = crdt_row_get(r, "hours");

	h->set = c && c->type != CRDT_COL_NULL;
	return 0;
}

/* What confirming wish (as typed) with quarters would do: info, the offer
 * to credit (*claim, NULL for nobody) and whether it must be accepted. */
static int confirm_plan(struct action *a, const char *wish, int64_t quarters,
			struct crdt_record_info *info,
			struct crdt_record_info *ci, const uint8_t **claim,
			int *accept, struct action_wish_result *out)
{
	struct crdt_wish_filter f = { .urgency = -1 };
	struct hours_ctx h = { 0 };
	int rc;

	*claim = NULL;
	*accept = 0;
	rc = action_wish__own(a, wish, ACTION_WISH__CONFIRM, info);
	if (rc)
		return rc;
	if (quarters < -1 || quarters > CRDT_MAX_HOURS_Q)
		return action_fail(a, KITH_EINVAL,
				   _("hours must be a number from 0 to %d, "
				     "like 1.5"),
				   CRDT_MAX_HOURS);
	/* an accepted offer its helper took back credits nobody */
	if (action_wish__accepted(a, info, ci)) {
		*claim = info->accepted;
	} else if (!info->confirmed && info->active_claims == 1) {
		*claim = info->one_claim;
		*accept = 1;
	} else if (!info->confirmed && info->active_claims > 1) {
		return action_fail(a, KITH_EAMBIGUOUS,
				   _("several neighbours offered help with "
				     "wish '%s'; choose one first with 'kith "
				     "wish accept %s'"),
				   wish, wish);
	}
	if (info->confirmed) {
		f.id = info->id;
		rc = crdt_query_wishes(a->r.store, &f, a->now, hours_row, &h);
		if (rc)
			return action_fail_rc(a, rc, _("cannot read the wish"));
		/* hours may be added once, afterwards (see wish.h) */
		if (!*claim || h.set || quarters < 0)
			return action_fail(a, KITH_EINVAL,
					   _("wish '%s' is already confirmed "
					     "as fulfilled"),
					   wish);
		out->late_hours = 1;
	}
	if (!*claim && quarters > 0)
		return action_fail(a, KITH_EINVAL,
				   _("nobody offered help with wish '%s', so "
				     "there is no one to credit hours to"),
				   wish);
	action_wish__fill(a, info->id, out);
	out->quarters = quarters;
	if (*claim) {
		if (crdt_record_info(a->r.store, CRDT_R_CLAIM, *claim, ci))
			return action_fail(a, KITH_ENOTFOUND,
					   _("cannot read the offer to "
					     "credit"));
		fill_helper(a, *claim, ci->author, out);
		out->unverified = !crdt_roles_verified(&a->roles, ci->author) ||
				  !crdt_roles_verified(&a->roles, action_me(a));
	}
	return 0;
}

int action_wish_confirm_check(struct action *a, const char *wish,
			      int64_t quarters, struct action_wish_result *out)
{
	struct action_wish_result spare;
	struct crdt_record_info info, ci;
	const uint8_t *claim;
	int accept;

	out = action_wish__result(out, &spare);
	return confirm_plan(a, wish, quarters, &info, &ci, &claim, &accept,
			    out);
}

int action_wish_confirm_due(struct action *a, const char *wish)
{
	struct action_wish_result out;
	struct crdt_record_info info, ci;
	const uint8_t *claim;
	int accept;

	if (confirm_plan(a, wish, -1, &info, &ci, &claim, &accept, &out))
		return 0;
	if (info.confirmed || !claim)
		return 0;
	/* the accepted offer stands; else the only one, said done */
	return !accept || ci.confirmed;
}

int action_wish_confirm(struct action *a, const char *wish, int64_t quarters,
			struct action_wish_result *out)
{
	struct action_wish_result spare;
	struct crdt_record_info info, ci;
	struct crdt_op op;
	const uint8_t *claim;
	int accept, rc;

	out = action_wish__result(out, &spare);
	rc = confirm_plan(a, wish, quarters, &info, &ci, &claim, &accept, out);
	if (rc)
		return rc;
	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_WISH);
	if (!info.confirmed)
		(void)crdt_op_set_int(&op, F_WISH_CONFIRMED, 1);
	if (accept)
		(void)crdt_op_set_bytes(&op, F_WISH_ACCEPTED, claim,
					CRDT_ID_LEN);
	if (quarters >= 0)
		(void)crdt_op_set_int(&op, F_WISH_HOURS, quarters);
	return action_commit_ref(a, &op, info.id, _("cannot confirm the wish"));
}

/* ---- what waits for the helper ------------------------------------------ */

struct to_deliver {
	struct action *a;
	char me[2 * CRDT_PK_LEN + 1];
	action_wish_waiting_fn fn;
	void *ctx;
};

static int to_deliver_row(void *ctx, const struct crdt_row *r)
{
	struct to_deliver *d = ctx;
	const struct crdt_col *claims = crdt_row_get(r, "claims");
	const struct crdt_col *id = crdt_row_get(r, "id");
	struct crdt_record_info wish, claim;
	struct action_wish_waiting t;
	struct action_person who;
	uint8_t wid[CRDT_ID_LEN];

	/* the row's offers name their helpers: a cheap first look */
	if (!claims || !claims->s || !strstr(claims->s, d->me) || !id ||
	    id->type != CRDT_COL_TEXT || strlen(id->s) != 2 * CRDT_ID_LEN ||
	    crdt_unhex(wid, CRDT_ID_LEN, id->s))
		return 0;
	if (crdt_record_info(d->a->r.store, CRDT_R_WISH, wid, &wish) ||
	    !wish.has_accepted ||
	    crdt_record_info(d->a->r.store, CRDT_R_CLAIM, wish.accepted,
			     &claim) ||
	    !action_is_me(d->a, claim.author) || claim.closed ||
	    claim.confirmed)
		return 0;
	memset(&t, 0, sizeof t);
	t.wish = r;
	memcpy(t.claim, claim.id, CRDT_ID_LEN);
	action_wish__short(d->a, CRDT_R_CLAIM, claim.id, CRDT_ID_LEN,
			   t.claim_short, sizeof t.claim_short);
	action_wish__short(d->a, CRDT_R_WISH, wid, CRDT_ID_LEN, t.wish_short,
			   sizeof t.wish_short);
	action_person(d->a, wish.author, &who);
	snprintf(t.author, sizeof t.author, "%s", who.label);
	return d->fn(d->ctx, &t);
}

int action_wish_to_deliver(struct action *a, action_wish_waiting_fn fn,
			   void *ctx)
{
	struct crdt_wish_filter f = { .urgency = -1 };
	struct to_deliver d;
	int rc = action_wish__identity(a);

	if (rc)
		return rc;
	d.a = a;
	d.fn = fn;
	d.ctx = ctx;
	f.helper = action_me(a);
	crdt_hex(d.me, action_me(a), CRDT_PK_LEN);
	rc = crdt_query_wishes(a->r.store, &f, a->now, to_deliver_row, &d);
	if (rc < 0)
		return action_fail_rc(a, rc, _("cannot list your offers"));
	return rc;
}

/* ---- what waits for the author ------------------------------------------ */

struct to_answer {
	struct action *a;
	action_wish_answer_fn fn;
	void *ctx;
};

static int to_answer_row(void *ctx, const struct crdt_row *r)
{
	struct to_answer *d = ctx;
	const char *st = action_col_text(r, "status");
	const char *id = action_col_text(r, "id");
	struct crdt_record_info wish, claim;
	struct action_wish_answer t;
	uint8_t wid[CRDT_ID_LEN];

	memset(&t, 0, sizeof t);
	if (!strcmp(st, "contested")) {
		t.need = ACTION_WISH_CHOOSE;
	} else if (!strcmp(st, "claimed")) {
		/* an offer accepted and standing waits for its helper */
		if (strlen(id) != 2 * CRDT_ID_LEN ||
		    crdt_unhex(wid, CRDT_ID_LEN, id) ||
		    crdt_record_info(d->a->r.store, CRDT_R_WISH, wid, &wish))
			return 0;
		if (action_wish__accepted(d->a, &wish, &claim))
			return 0;
		t.need = ACTION_WISH_ACCEPT_ONE;
	} else if (!strcmp(st, "delivered")) {
		t.need = ACTION_WISH_CONFIRM;
	} else {
		return 0;
	}
	t.wish = r;
	action_short_id(d->a, CRDT_R_WISH, id, t.wish_short,
			sizeof t.wish_short);
	return d->fn(d->ctx, &t);
}

int action_wish_to_answer(struct action *a, action_wish_answer_fn fn,
			  void *ctx)
{
	struct crdt_wish_filter f = { .urgency = -1 };
	struct to_answer d = { a, fn, ctx };
	int rc = action_wish__identity(a);

	if (rc)
		return rc;
	f.author = action_me(a);
	rc = crdt_query_wishes(a->r.store, &f, a->now, to_answer_row, &d);
	if (rc < 0)
		return action_fail_rc(a, rc, _("cannot list wishes"));
	return rc;
}
