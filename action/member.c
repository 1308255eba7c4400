/*
 * member.c - identity, profile, whoami and the members list (see
 * member.h).
 */
#include <stdio.h>
#include <string.h>

#include "crdt/codec.h"
#include "crdt/crypto.h"
#include "crdt/err.h"
#include "crdt/rules.h"
#include "crdt/schema.h"
#include "i18n.h"
#include "member.h"

/* The SELF op of p into op (its values point into p); 0 or KITH_EINVAL
 * with a->msg. */
static int profile_op(struct action *a, const struct action_profile *p,
		      struct crdt_op *op)
{
	const struct {
		unsigned field;
		const char *s;
	} f[] = {
		{ F_MEMBER_NAME, p->name },
		{ F_MEMBER_BUILDING, p->building },
		{ F_MEMBER_UNIT, p->unit },
		{ F_MEMBER_SKILLS, p->skills },
		{ F_MEMBER_AVAILABLE, p->available },
	};
	size_t i;
	int rc;

	crdt_op_init(op, CRDT_OP_SELF, CRDT_R_MEMBER);
	if (p->name && !*p->name)
		return action_fail(a, KITH_EINVAL,
				   _("your name cannot be empty: it is how "
				     "neighbours know you"));
	for (i = 0; i < sizeof f / sizeof f[0]; i++) {
		if (!f[i].s)
			continue;
		/* crdt/rules.h checks them again */
		rc = action_check_text(a, f[i].s, CRDT_MAX_TEXT,
				       _("a profile text is too long (at most "
					 "%d bytes)"),
				       _("a profile text is not valid UTF-8"));
		if (rc)
			return rc;
		if (crdt_op_set_text(op, f[i].field, f[i].s))
			return action_fail(a, KITH_EINVAL,
					   _("too many profile fields"));
	}
	return 0;
}

int action_member_init(struct action *a, const struct action_profile *p,
		       uint8_t id[CRDT_PK_LEN])
{
	struct crdt_op op;
	int rc;

	if (!p->name)
		return action_fail(a, KITH_EINVAL,
				   _("a name is required: it is how neighbours "
				     "know you"));
	rc = profile_op(a, p, &op);
	if (!rc && crdt_op_finish(&op))
		rc = action_fail(a, KITH_EINVAL, _("a profile field is given "
						   "twice"));
	if (rc)
		return rc;
	rc = peer_identity_create(a->home, &a->env, &a->r.id);
	if (rc == KITH_EEXISTS)
		return action_fail(a, rc,
				   _("an identity already exists in '%s'; "
				     "refusing to overwrite it"),
				   a->home);
	if (rc)
		return action_fail(a, rc,
				   _("cannot create identity in '%s': %s"),
				   a->home, _(kith_strerror(rc)));
	/* not action_commit: nobody has joined a community before init, so
	 * its "not joined yet" warning would only be noise here */
	rc = crdt_replica_commit(&a->r, &op, 1, NULL);
	if (rc)
		return action_fail_rc(a, rc, _("cannot publish your profile"));
	memcpy(id, a->r.id.pk, CRDT_PK_LEN);
	return 0;
}

int action_member_profile(struct action *a, const struct action_profile *p,
			  const struct action_private *priv)
{
	uint8_t sealed[CRDT_SEAL_MAX];
	struct crdt_op op;
	size_t slen = 0;
	int rc;

	rc = action_need_identity(a);
	if (rc)
		return rc;
	rc = profile_op(a, p, &op);
	if (rc)
		goto out;
	if (priv && priv->text) {
		if (*priv->text) {
			rc = action_private_seal(a, priv, NULL, sealed, &slen);
			if (rc)
				goto out;
		}
		/* "" removes the private part from now on */
		if (crdt_op_set_bytes(&op, F_MEMBER_PRIVATE, sealed, slen)) {
			rc = action_fail(a, KITH_EINVAL,
					 _("too many profile fields"));
			goto out;
		}
	}
	if (!op.nvals) {
		rc = action_fail(a, KITH_EINVAL,
				 _("nothing to change in your profile"));
		goto out;
	}
	if (crdt_op_finish(&op)) {
		rc = action_fail(a, KITH_EINVAL,
				 _("a profile field is given twice"));
		goto out;
	}
	rc = action_commit(a, &op, 1, NULL, _("cannot publish your profile"));
out:
	crdt_wipe(sealed, sizeof sealed);
	return rc;
}

/* ---- read models ------------------------------------------------------- */

static double col_real(const struct crdt_row *r, const char *name)
{
	const struct crdt_col *c = crdt_row_get(r, name);

	if (!c)
		return 0;
	return c->type == CRDT_COL_REAL ? c->d : (double)c->i;
}

static int verified(struct action *a, const char *hex)
{
	uint8_t pk[CRDT_PK_LEN];

	if (crdt_unhex(pk, CRDT_PK_LEN, hex))
		return 0;
	return crdt_roles_verified(&a->roles, pk) != NULL;
}

static void copy_text(char *out, size_t cap, const char *s)
{
	snprintf(out, cap, "%s", s);
}

static int me_row(void *ctx, const struct crdt_row *r)
{
	struct action_me *me = ctx;

	copy_text(me->id, sizeof me->id, action_col_text(r, "id"));
	copy_text(me->name, sizeof me->name, action_col_text(r, "name"));
	copy_text(me->building, sizeof me->building,
		  action_col_text(r, "building"));
	copy_text(me->unit, sizeof me->unit, action_col_text(r, "unit"));
	copy_text(me->skills, sizeof me->skills,
		  action_col_text(r, "skills"));
	me->hours = col_real(r, "hours");
	return 1; /* found */
}

int action_member_whoami(struct action *a, struct action_me *me)
{
	struct peer_community com;
	int rc;

	memset(me, 0, sizeof *me);
	rc = action_need_identity(a);
	if (rc)
		return rc;
	rc = crdt_query_members(a->r.store, a->r.id.pk, me_row, me);
	if (rc < 0)
		return action_fail_rc(a, rc, _("cannot read your profile"));
	if (rc == 0)
		return action_fail(a, KITH_ENOTFOUND,
				   _("your profile is missing; run 'kith "
				     "profile --name NAME'"));
	me->verified = crdt_roles_verified(&a->roles, a->r.id.pk) != NULL;
	if (peer_community_load(a->home, &com) == 0) {
		me->joined = 1;
		copy_text(me->community, sizeof me->community, com.name);
		peer_community_wipe(&com);
	}
	rc = action_private_read(a, CRDT_R_MEMBER, a->r.id.pk, a->r.id.pk,
				 &me->priv);
	if (rc)
		action_member_me_wipe(me);
	return rc;
}

void action_member_me_wipe(struct action_me *me)
{
	action_private_view_wipe(&me->priv);
}

struct list_ctx {
	struct action *a;
	action_member_fn fn;
	void *ctx;
	int stop; /* what fn returned to stop */
};

static int list_row(void *ctx, const struct crdt_row *r)
{
	struct list_ctx *l = ctx;
	struct action_member m;

	memset(&m, 0, sizeof m);
	m.row = r;
	m.id = action_col_text(r, "id");
	action_short_id(l->a, CRDT_R_MEMBER, m.id, m.short_id,
			sizeof m.short_id);
	m.name = action_col_text(r, "name");
	m.shown = *m.name ? m.name : m.short_id;
	m.building = action_col_text(r, "building");
	m.unit = action_col_text(r, "unit");
	m.skills = action_col_text(r, "skills");
	m.hours = col_real(r, "hours");
	m.forked = (int)action_col_int(r, "forked");
	m.verified = verified(l->a, m.id);
	l->stop = l->fn(l->ctx, &m);
	return l->stop;
}

int action_member_list(struct action *a, action_member_fn fn, void *ctx)
{
	struct list_ctx l = { a, fn, ctx, 0 };
	int rc = crdt_query_members(a->r.store, NULL, list_row, &l);

	if (rc < 0 && !l.stop)
		return action_fail_rc(a, rc, _("cannot list members"));
	return rc;
}
