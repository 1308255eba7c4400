/*
 * member.c - identity, profile, whoami and the members list (see
 * member.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "crdt/codec.h"
#include "crdt/crypto.h"
#include "crdt/err.h"
#include "crdt/rules.h"
#include "crdt/ops.h"
#include "crdt/schema.h"
#include "i18n.h"
#include "member.h"

int action_profile_op(struct action *a, const struct action_profile *p,
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
	rc = action_profile_op(a, p, &op);
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
	memcpy(id, action_me(a), CRDT_PK_LEN);
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
	rc = action_profile_op(a, p, &op);
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

/* "available" of one member, as crdt_query_members_page gives it. */
struct avail_one {
	char *out;
	size_t cap;
};

static int avail_row(void *ctx, const struct crdt_row *r)
{
	struct avail_one *o = ctx;

	copy_text(o->out, o->cap, action_col_text(r, "available"));
	return 1;
}

static int available_of(struct action *a, const uint8_t pk[CRDT_PK_LEN],
			char *out, size_t cap)
{
	struct crdt_member_page p = { pk, NULL, 0, 1 };
	struct avail_one o = { out, cap };
	int rc;

	out[0] = 0;
	rc = crdt_query_members_page(a->r.store, &p, avail_row, &o);
	if (rc < 0)
		return action_fail_rc(a, rc, _("cannot read your profile"));
	return 0;
}

int action_member_whoami(struct action *a, struct action_me *me)
{
	struct peer_community com;
	int rc;

	memset(me, 0, sizeof *me);
	rc = action_need_identity(a);
	if (rc)
		return rc;
	rc = crdt_query_members(a->r.store, action_me(a), me_row, me);
	if (rc < 0)
		return action_fail_rc(a, rc, _("cannot read your profile"));
	if (rc == 0) {
		struct crdt_head h, rec;
		int held = 1;

		/* after a restore: the profile is in the log this replica
		 * has not got back yet, and writing a new one is refused */
		if (crdt_replica_own_head(&a->r, &h, &rec, &held) == 0 &&
		    !held && rec.seq > h.seq)
			return action_fail(a, KITH_ENOTFOUND,
					   _("your profile is not on this "
					     "machine yet: sync with a "
					     "neighbour (kith sync ADDR) or "
					     "import a bundle"));
		return action_fail(a, KITH_ENOTFOUND,
				   _("your profile is missing; run 'kith "
				     "profile --name NAME'"));
	}
	rc = available_of(a, action_me(a), me->available,
			  sizeof me->available);
	if (rc)
		return rc;
	me->verified = crdt_roles_verified(&a->roles, action_me(a)) != NULL;
	if (peer_community_load(a->home, &com) == 0) {
		me->joined = 1;
		copy_text(me->community, sizeof me->community, com.name);
		peer_community_wipe(&com);
	}
	rc = action_private_read(a, CRDT_R_MEMBER, action_me(a), action_me(a),
				 &me->priv);
	if (rc)
		action_member_me_wipe(me);
	return rc;
}

void action_member_me_wipe(struct action_me *me)
{
	action_private_view_wipe(&me->priv);
}

/* The roles of m (from m->id), and whether they offer skills or time. */
static void roles(struct action *a, struct action_member *m)
{
	uint8_t pk[CRDT_PK_LEN];

	m->volunteer = *m->skills || (m->available && *m->available);
	if (crdt_unhex(pk, CRDT_PK_LEN, m->id))
		return;
	m->coordinator = crdt_roles_has(&a->roles, pk, CRDT_ROLE_COORDINATOR);
	m->head = crdt_roles_has(&a->roles, pk, CRDT_ROLE_BUILDING_HEAD);
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
	m.host_name = action_col_text(r, "host_name");
	m.hours = col_real(r, "hours");
	m.forked = (int)action_col_int(r, "forked");
	m.verified = verified(l->a, m.id);
	roles(l->a, &m);
	m.available = "";
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

/* ---- find: the list as a page shows it ---------------------------------- */

struct find_ctx {
	struct action *a;
	action_member_fn fn;
	void *ctx;
	int stop;    /* what fn returned to stop */
	int64_t got; /* rows handed to fn */
};

static int find_row(void *ctx, const struct crdt_row *r)
{
	struct find_ctx *c = ctx;
	uint8_t pk[CRDT_PK_LEN];
	struct action_member m;
	struct crdt_hours h;

	memset(&m, 0, sizeof m);
	m.id = action_col_text(r, "id");
	action_short_id(c->a, CRDT_R_MEMBER, m.id, m.short_id,
			sizeof m.short_id);
	m.name = action_col_text(r, "name");
	m.shown = *m.name ? m.name : m.short_id;
	m.building = action_col_text(r, "building");
	m.unit = action_col_text(r, "unit");
	m.skills = action_col_text(r, "skills");
	m.host_name = action_col_text(r, "host_name");
	m.available = action_col_text(r, "available");
	m.hours = col_real(r, "hours");
	m.forked = (int)action_col_int(r, "forked");
	m.verified = verified(c->a, m.id);
	roles(c->a, &m);
	if (!crdt_unhex(pk, CRDT_PK_LEN, m.id) &&
	    !crdt_hours_totals(c->a->r.store, pk, &h))
		m.received = (double)h.given_q / 4.0;
	c->got++;
	c->stop = c->fn(c->ctx, &m);
	return c->stop;
}

/* The members of f are found, counted and ordered in SQL
 * (crdt_query_members_page), a page at a time: a page of the town's
 * 12,000 costs the rows shown, not a copy and sort of everyone.  The
 * total is counted only when the page does not tell it (a page that is
 * full, or empty after an offset): a search that finds few walks the
 * members once. */
int action_member_find(struct action *a, const struct action_member_filter *f,
		       action_member_fn fn, void *ctx, size_t *total)
{
	struct find_ctx c = { a, fn, ctx, 0, 0 };
	struct crdt_member_page p = { 0 };
	uint8_t pk[CRDT_PK_LEN];
	int64_t n;
	int rc;

	if (total)
		*total = 0;
	p.search = f->search && *f->search ? f->search : NULL;
	if (action_check_text(a, p.search, CRDT_MAX_TEXT,
			      _("the search is too long (at most %d bytes)"),
			      _("the search is not valid UTF-8")))
		return KITH_EINVAL;
	if (f->member) {
		rc = action_resolve(a, CRDT_R_MEMBER, f->member, pk);
		if (rc)
			return rc;
		p.pk = pk;
	}
	p.offset = f->offset < INT64_MAX ? (int64_t)f->offset : INT64_MAX;
	p.limit = f->limit < INT64_MAX ? (int64_t)f->limit : 0;
	rc = crdt_query_members_page(a->r.store, &p, find_row, &c);
	if (rc < 0 && !c.stop)
		return action_fail_rc(a, rc, _("cannot list members"));
	if (!total)
		return rc;
	if (c.stop || (p.limit > 0 && c.got == p.limit) ||
	    (!c.got && p.offset > 0)) {
		int crc = crdt_count_members(a->r.store, &p, &n);

		if (crc)
			return action_fail_rc(a, crc, _("cannot list members"));
	} else {
		n = p.offset + c.got;
	}
	*total = (size_t)n;
	return rc;
}
