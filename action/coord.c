/*
 * coord.c - roles, verification, moderation, blocking and emergency mode
 * (see coord.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "coord.h"
#include "crdt/codec.h"
#include "crdt/community.h"
#include "crdt/err.h"
#include "crdt/rules.h"
#include "crdt/schema.h"
#include "i18n.h"

/* ---- people ------------------------------------------------------------ */

/* Resolve a member as typed and fill who. */
static int resolve_person(struct action *a, const char *member,
			  struct action_person *who)
{
	uint8_t pk[32];
	int rc = action_resolve(a, CRDT_R_MEMBER, member, pk);

	if (rc)
		return rc;
	action_person(a, pk, who);
	return 0;
}

int action_coord_commit_fact(struct action *a, struct crdt_op *op,
			     unsigned seen_field, enum crdt_seen_kind kind,
			     const uint8_t *key, const char *what)
{
	struct crdt_buf seen;
	int rc;

	crdt_buf_init(&seen, CRDT_SEEN_MAX * CRDT_HASH_LEN);
	rc = crdt_store_begin(a->r.store);
	if (rc) {
		action_fail_rc(a, rc, what);
		goto out;
	}
	rc = crdt_facts_seen(a->r.store, kind, key, &seen);
	if (!rc && seen.len)
		rc = crdt_op_set_bytes(op, seen_field, seen.data, seen.len);
	if (!rc)
		rc = crdt_op_finish(op);
	if (rc) {
		action_fail_rc(a, rc, what);
		crdt_store_rollback(a->r.store);
		goto out;
	}
	rc = action_commit(a, op, 1, NULL, what);
	if (rc) {
		crdt_store_rollback(a->r.store);
		goto out;
	}
	rc = crdt_store_commit(a->r.store);
	if (rc)
		action_fail_rc(a, rc, what);
out:
	crdt_buf_release(&seen);
	return rc;
}

/* A text argument that fits in a change. */
static int text_fits(const char *s)
{
	return strlen(s) <= CRDT_MAX_TEXT;
}

/* ---- roles -------------------------------------------------------------- */

int action_coord_roles(struct action *a, action_coord_role_fn fn, void *ctx)
{
	struct action_coord_role r;
	size_t i;
	int rc;

	for (i = 0; i < a->roles.n; i++) {
		const struct crdt_role *ro = &a->roles.v[i];

		action_person(a, ro->member, &r.who);
		r.role = ro->role;
		r.word = crdt_roles[ro->role];
		r.building = ro->building ? ro->building : "";
		rc = fn(ctx, &r);
		if (rc)
			return rc;
	}
	return 0;
}

static int coordinators(const struct action *a)
{
	size_t i;
	int n = 0;

	for (i = 0; i < a->roles.n; i++)
		n += a->roles.v[i].role == CRDT_ROLE_COORDINATOR;
	return n;
}

/* Value checks of grant and revoke, before anything is looked up. */
static int role_args(struct action *a, int grant, int role,
		     const char *building)
{
	if (role != CRDT_ROLE_COORDINATOR && role != CRDT_ROLE_BUILDING_HEAD)
		return action_fail(a, KITH_EINVAL,
				   _("unknown role (coordinator, "
				     "building-head)"));
	if (building && !*building)
		building = NULL;
	if (role == CRDT_ROLE_BUILDING_HEAD && grant && !building)
		return action_fail(a, KITH_EINVAL,
				   _("say which building they head"));
	if (role == CRDT_ROLE_COORDINATOR && building)
		return action_fail(a, KITH_EINVAL,
				   _("coordinators serve every building: give "
				     "no building"));
	if (building && !text_fits(building))
		return action_fail(a, KITH_EINVAL,
				   _("the building name is too long"));
	return 0;
}

static int role_fact(struct action *a, int grant, int role,
		     const char *building, const struct action_person *who)
{
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_ROLE);
	if (crdt_op_set_bytes(&op, F_ROLE_MEMBER, who->pk, 32) ||
	    crdt_op_set_int(&op, F_ROLE_ROLE, role) ||
	    crdt_op_set_int(&op, F_ROLE_GRANT, grant) ||
	    (building && crdt_op_set_text(&op, F_ROLE_BUILDING, building)))
		return action_fail(a, KITH_EINVAL,
				   _("the building name is too long"));
	return action_coord_commit_fact(a, &op, F_ROLE_SEEN,
					CRDT_SEEN_AUTHORITY, NULL,
					_("cannot save the role"));
}

/* What grant and revoke check first, in this order: the values, the
 * member as typed, that we are a coordinator (refusal: the sentence). */
static int role_start(struct action *a, int grant, const char *member,
		      int role, const char *building,
		      struct action_person *who, const char *refusal)
{
	int rc = role_args(a, grant, role, building);

	if (!rc)
		rc = resolve_person(a, member, who);
	if (!rc)
		rc = action_require_role(a, CRDT_ROLE_COORDINATOR, refusal);
	return rc;
}

int action_coord_role_grant(struct action *a, const char *member, int role,
			    const char *building, struct action_person *who)
{
	int rc;

	if (building && !*building)
		building = NULL;
	rc = role_start(a, 1, member, role, building, who,
			_("only coordinators can grant roles"));
	if (rc)
		return rc;
	if (role == CRDT_ROLE_COORDINATOR &&
	    crdt_roles_has(&a->roles, who->pk, role))
		return action_fail(a, KITH_EEXISTS,
				   _("'%s' is already a coordinator"),
				   who->label);
	if (role == CRDT_ROLE_BUILDING_HEAD &&
	    crdt_roles_heads(&a->roles, who->pk, building))
		return action_fail(a, KITH_EEXISTS,
				   _("'%s' is already the building head of "
				     "'%s'"),
				   who->label, building);
	rc = role_fact(a, 1, role, building, who);
	if (rc)
		return rc;
	return action_refresh(a);
}

int action_coord_role_revoke(struct action *a, const char *member, int role,
			     const char *building, struct action_person *who)
{
	int rc;

	if (building && !*building)
		building = NULL;
	rc = role_start(a, 0, member, role, building, who,
			_("only coordinators can revoke roles"));
	if (rc)
		return rc;
	if (role == CRDT_ROLE_COORDINATOR) {
		if (!crdt_roles_has(&a->roles, who->pk, role))
			return action_fail(a, KITH_ENOTFOUND,
					   _("'%s' is not a coordinator"),
					   who->label);
		/* crdt/facts.h rule 5: it would have no effect */
		if (coordinators(a) <= 1)
			return action_fail(a, KITH_EDENIED,
					   _("'%s' is the last coordinator; "
					     "make someone else a coordinator "
					     "first"),
					   who->label);
	} else if (building) {
		if (!crdt_roles_heads(&a->roles, who->pk, building))
			return action_fail(a, KITH_ENOTFOUND,
					   _("'%s' is not the building head "
					     "of '%s'"),
					   who->label, building);
	} else if (!crdt_roles_has(&a->roles, who->pk, role)) {
		return action_fail(a, KITH_ENOTFOUND,
				   _("'%s' is not a building head"),
				   who->label);
	}
	rc = role_fact(a, 0, role, building, who);
	if (rc)
		return rc;
	return action_refresh(a);
}

/* ---- verification in person --------------------------------------------- */

/* Coordinators anywhere, building heads in their building. */
static int may_verify(struct action *a, const char *building, int verify)
{
	if (a->r.id.sk &&
	    (crdt_roles_has(&a->roles, action_me(a), CRDT_ROLE_COORDINATOR) ||
	     crdt_roles_heads(&a->roles, action_me(a), building)))
		return 0;
	if (verify)
		return action_fail(a, KITH_EDENIED,
				   _("only coordinators, and the building "
				     "head of '%s', can verify members there"),
				   building);
	return action_fail(a, KITH_EDENIED,
			   _("only coordinators, and the building head of "
			     "'%s', can unverify members there"),
			   building);
}

static int verify_fact(struct action *a, int grant, const char *building,
		       const char *unit, const struct action_person *who)
{
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_VERIFY);
	if (crdt_op_set_bytes(&op, F_VERIFY_MEMBER, who->pk, 32) ||
	    crdt_op_set_int(&op, F_VERIFY_GRANT, grant) ||
	    crdt_op_set_text(&op, F_VERIFY_BUILDING, building) ||
	    (unit && crdt_op_set_text(&op, F_VERIFY_UNIT, unit)))
		return action_fail(a, KITH_EINVAL,
				   _("the building or unit is too long"));
	return action_coord_commit_fact(a, &op, F_VERIFY_SEEN,
					CRDT_SEEN_AUTHORITY, NULL,
					_("cannot save the verification"));
}

int action_coord_verify(struct action *a, const char *member,
			const char *building, const char *unit,
			struct action_person *who)
{
	int rc;

	if (!building || !*building || !unit || !*unit)
		return action_fail(a, KITH_EINVAL,
				   _("say where they live: a building and a "
				     "unit"));
	if (!text_fits(building) || !text_fits(unit))
		return action_fail(a, KITH_EINVAL,
				   _("the building or unit is too long"));
	rc = resolve_person(a, member, who);
	if (!rc)
		rc = may_verify(a, building, 1);
	if (!rc)
		rc = verify_fact(a, 1, building, unit, who);
	if (!rc)
		rc = action_refresh(a);
	return rc;
}

struct waiting {
	char me[2 * CRDT_PK_LEN + 1];
	action_member_fn fn;
	void *ctx;
};

static int waiting_row(void *ctx, const struct action_member *m)
{
	struct waiting *w = ctx;

	if (m->verified || !strcasecmp(m->id, w->me))
		return 0;
	return w->fn(w->ctx, m);
}

int action_coord_waiting(struct action *a, action_member_fn fn, void *ctx)
{
	struct waiting w = { .fn = fn, .ctx = ctx };

	crdt_hex(w.me, action_me(a), CRDT_PK_LEN);
	return action_member_list(a, waiting_row, &w);
}

int action_coord_unverify(struct action *a, const char *member,
			  struct action_person *who, char *building)
{
	const struct crdt_verified *v;
	char b[ACTION_PERSON_MAX];
	int rc = resolve_person(a, member, who);

	if (rc)
		return rc;
	v = crdt_roles_verified(&a->roles, who->pk);
	if (!v)
		return action_fail(a, KITH_ENOTFOUND,
				   _("'%s' is not verified"), who->label);
	snprintf(b, sizeof b, "%s", v->building ? v->building : "");
	rc = may_verify(a, b, 0);
	if (!rc)
		rc = verify_fact(a, 0, b, NULL, who);
	if (!rc)
		rc = action_refresh(a);
	if (!rc && building)
		snprintf(building, ACTION_PERSON_MAX, "%s", b);
	return rc;
}

/* ---- moderation ---------------------------------------------------------- */

struct post_row {
	struct action_coord_post *p;
	int hidden, found;
};

static int post_row(void *ctx, const struct crdt_row *r)
{
	const struct crdt_col *t = crdt_row_get(r, "title");
	const struct crdt_col *h = crdt_row_get(r, "hidden");
	struct post_row *pr = ctx;

	pr->found = 1;
	if (t && t->type == CRDT_COL_TEXT && t->s)
		snprintf(pr->p->title, sizeof pr->p->title, "%s", t->s);
	pr->hidden = h && h->type == CRDT_COL_INT && h->i;
	return 0;
}

/* Find the post as typed: an item, else a wish; *hidden its state. */
static int find_post(struct action *a, const char *post,
		     struct action_coord_post *p, int *hidden)
{
	struct post_row pr = { p, 0, 0 };
	char hex[33];
	int rc;

	memset(p, 0, sizeof *p);
	p->rtype = CRDT_R_ITEM;
	rc = crdt_resolve(a->r.store, CRDT_R_ITEM, post, p->id);
	if (rc == KITH_ENOTFOUND) {
		p->rtype = CRDT_R_WISH;
		rc = crdt_resolve(a->r.store, CRDT_R_WISH, post, p->id);
	}
	if (rc == KITH_ENOTFOUND)
		return action_fail(a, rc,
				   _("no item or wish with id '%s' (see 'kith "
				     "item list' and 'kith wish list')"),
				   post);
	if (rc)
		return action_resolve(a, p->rtype, post, p->id);
	crdt_hex(hex, p->id, 16);
	action_short_id(a, p->rtype, hex, p->short_id, sizeof p->short_id);
	if (p->rtype == CRDT_R_ITEM) {
		struct crdt_item_filter f = { .kind = -1, .id = p->id,
					      .all = 1 };

		rc = crdt_query_items(a->r.store, &f, a->now, post_row, &pr);
	} else {
		struct crdt_wish_filter f = { .urgency = -1, .id = p->id,
					      .all = 1 };

		rc = crdt_query_wishes(a->r.store, &f, a->now, post_row, &pr);
	}
	if (rc)
		return action_fail_rc(a, rc, _("cannot read the post"));
	*hidden = pr.hidden;
	return 0;
}

static int moderate(struct action *a, const char *post, const char *reason,
		    int hide, struct action_coord_post *out)
{
	struct crdt_op op;
	int rc, hidden = 0;

	if (reason && !*reason)
		reason = NULL;
	if (hide && !reason)
		return action_fail(a, KITH_EINVAL,
				   _("say why the post is hidden, for the "
				     "record"));
	if (reason && !text_fits(reason))
		return action_fail(a, KITH_EINVAL, _("the reason is too long"));
	rc = find_post(a, post, out, &hidden);
	if (rc)
		return rc;
	rc = action_require_role(a, CRDT_ROLE_COORDINATOR,
				 hide ? _("only coordinators can hide posts")
				      : _("only coordinators can unhide "
					  "posts"));
	if (rc)
		return rc;
	if (hide && hidden)
		return action_fail(a, KITH_EEXISTS, _("'%s' is already hidden"),
				   post);
	if (!hide && !hidden)
		return action_fail(a, KITH_ENOTFOUND, _("'%s' is not hidden"),
				   post);
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_MODERATION);
	if (crdt_op_set_bytes(&op, F_MOD_TARGET, out->id, CRDT_ID_LEN) ||
	    crdt_op_set_int(&op, F_MOD_HIDDEN, hide) ||
	    (reason && crdt_op_set_text(&op, F_MOD_REASON, reason)))
		return action_fail(a, KITH_EINVAL, _("the reason is too long"));
	return action_coord_commit_fact(a, &op, F_MOD_SEEN,
					CRDT_SEEN_MODERATION, out->id,
					_("cannot save the moderation record"));
}

int action_coord_hide(struct action *a, const char *post, const char *reason,
		      struct action_coord_post *out)
{
	return moderate(a, post, reason, 1, out);
}

int action_coord_unhide(struct action *a, const char *post,
			const char *reason, struct action_coord_post *out)
{
	return moderate(a, post, reason, 0, out);
}

/* ---- blocking ------------------------------------------------------------ */

static int block(struct action *a, const char *member, int on,
		 struct action_person *who)
{
	int rc = resolve_person(a, member, who);

	if (rc)
		return rc;
	if (on && action_is_me(a, who->pk))
		return action_fail(a, KITH_EINVAL,
				   _("you cannot block yourself"));
	rc = crdt_block(a->r.store, who->pk, on);
	if (rc)
		return action_fail_rc(a, rc, _("cannot save"));
	return 0;
}

int action_coord_block(struct action *a, const char *member,
		       struct action_person *who)
{
	return block(a, member, 1, who);
}

int action_coord_unblock(struct action *a, const char *member,
			 struct action_person *who)
{
	return block(a, member, 0, who);
}

/* ---- the coordinator's pages --------------------------------------------- */

int action_coord_require(struct action *a)
{
	return action_require_role(a, CRDT_ROLE_COORDINATOR,
				   _("only coordinators can see this page; "
				     "ask a coordinator of your community "
				     "if you need something done here"));
}

/* ---- emergency ------------------------------------------------------------ */

void action_coord_emergency(struct action *a,
			    struct action_coord_emergency *out)
{
	memset(out, 0, sizeof *out);
	out->on = a->roles.emergency;
	if (!out->on)
		return;
	snprintf(out->reason, sizeof out->reason, "%s", a->roles.reason);
	out->since_ms = a->roles.since_ms;
	action_person(a, a->roles.started_by, &out->by);
}

static int emergency(struct action *a, int start, const char *reason,
		     struct action_coord_emergency *out)
{
	struct crdt_op op;
	int rc;

	rc = action_require_role(a, CRDT_ROLE_COORDINATOR,
				 start ? _("only coordinators can start "
					   "emergency mode")
				       : _("only coordinators can end emergency "
					   "mode"));
	if (rc)
		return rc;
	if (!start && !a->roles.emergency)
		return action_fail(a, KITH_ENOTFOUND,
				   _("emergency mode is not on"));
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_EMERGENCY);
	if (crdt_op_set_int(&op, F_EMERGENCY_ACTIVE, start) ||
	    (start && crdt_op_set_text(&op, F_EMERGENCY_REASON, reason)))
		return action_fail(a, KITH_EINVAL, _("the reason is too long"));
	rc = action_coord_commit_fact(a, &op, F_EMERGENCY_SEEN,
				      CRDT_SEEN_AUTHORITY, NULL,
				      _("cannot save emergency mode"));
	if (!rc)
		rc = action_refresh(a);
	if (!rc)
		action_coord_emergency(a, out);
	return rc;
}

int action_coord_emergency_start(struct action *a, const char *reason,
				 struct action_coord_emergency *out)
{
	if (!reason || !*reason)
		return action_fail(a, KITH_EINVAL,
				   _("say why emergency mode starts"));
	if (!text_fits(reason))
		return action_fail(a, KITH_EINVAL, _("the reason is too long"));
	return emergency(a, 1, reason, out);
}

int action_coord_emergency_end(struct action *a,
			       struct action_coord_emergency *out)
{
	return emergency(a, 0, NULL, out);
}
