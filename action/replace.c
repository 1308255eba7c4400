/*
 * replace.c - a coordinator replaces a lost member key (see replace.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "coord.h"
#include "crdt/crypto.h"
#include "crdt/err.h"
#include "crdt/query.h"
#include "crdt/rules.h"
#include "crdt/schema.h"
#include "i18n.h"
#include "replace.h"

/* The id as typed, spaces aside: 64 hex characters, else EINVAL. */
static int read_key(struct action *a, const char *typed,
		    uint8_t pk[CRDT_PK_LEN])
{
	char hex[2 * CRDT_PK_LEN + 1];
	size_t n = 0;

	for (; typed && *typed; typed++) {
		if (isspace((unsigned char)*typed))
			continue;
		if (n == sizeof hex - 1 || !isxdigit((unsigned char)*typed)) {
			n = 0;
			break;
		}
		hex[n++] = (char)tolower((unsigned char)*typed);
	}
	hex[n] = '\0';
	if (n != 2 * CRDT_PK_LEN || crdt_unhex(pk, CRDT_PK_LEN, hex))
		return action_fail(a, KITH_EINVAL,
				   _("give the new machine's whole id, as "
				     "'kith whoami' shows it there (64 "
				     "letters and digits)"));
	return 0;
}

/* Why new may not become who's key, or 0. */
static int new_key_ok(struct action *a, const struct action_person *who,
		      const uint8_t pk[CRDT_PK_LEN])
{
	struct crdt_key_use u;
	struct action_person other;
	int64_t posts = 0;
	int rc;

	/* public keys, compared for the rule */
	if (crdt_equal(pk, who->pk, CRDT_PK_LEN))
		return action_fail(a, KITH_EEXISTS,
				   _("that id is %s's own key already: give "
				     "the id of their new machine"),
				   who->label);
	rc = crdt_store_key_use(a->r.store, pk, &u);
	if (rc)
		return action_fail_rc(a, rc, _("cannot read the keys"));
	if (crdt_equal(u.who, who->pk, CRDT_PK_LEN)) {
		if (u.own && !u.replaced)
			return action_fail(a, KITH_EEXISTS,
					   _("that id is %s's own key "
					     "already: give the id of their "
					     "new machine"),
					   who->label);
		return 0; /* a device of theirs becomes their key */
	}
	if (!crdt_equal(u.who, pk, CRDT_PK_LEN) || u.replaced) {
		action_person(a, u.who, &other);
		return action_fail(a, KITH_EEXISTS,
				   _("that id is a key of %s: give the id "
				     "of %s's new machine"),
				   other.label, who->label);
	}
	rc = crdt_query_authored(a->r.store, pk, &posts);
	if (rc)
		return action_fail_rc(a, rc, _("cannot read the keys"));
	if (posts) {
		action_person(a, pk, &other);
		return action_fail(a, KITH_EEXISTS,
				   _("that id has posted here as %s: its "
				     "posts would become %s's. Give the id "
				     "of a new machine that has not posted"),
				   other.label, who->label);
	}
	return 0;
}

struct cut_list {
	const uint8_t *skip; /* the new key */
	uint8_t v[CRDT_SEEN_MAX * CRDT_CUT_LEN];
	size_t n;
	int full;
};

/* One key of the member: it stops at the newest change of it held here. */
static int cut_row(void *ctx, const struct crdt_row *r)
{
	struct cut_list *l = ctx;
	uint8_t *e = l->v + l->n * CRDT_CUT_LEN;
	uint64_t head = (uint64_t)action_col_int(r, "head");
	int k;

	if (l->n == CRDT_SEEN_MAX) {
		l->full = 1;
		return 1;
	}
	if (crdt_unhex(e, CRDT_PK_LEN, action_col_text(r, "key")) ||
	    crdt_equal(e, l->skip, CRDT_PK_LEN))
		return 0;
	for (k = 0; k < 8; k++)
		e[CRDT_PK_LEN + k] = (uint8_t)(head >> (56 - 8 * k));
	l->n++;
	return 0;
}

int action_member_replace(struct action *a, const char *member,
			  const char *new_key, struct action_replace *out)
{
	struct cut_list l;
	struct crdt_op op;
	uint8_t pk[CRDT_PK_LEN], id[CRDT_PK_LEN];
	int rc;

	memset(out, 0, sizeof *out);
	rc = read_key(a, new_key, pk);
	if (!rc)
		rc = action_need_self(a, _("only a coordinator acting as "
					   "themself replaces a member's key"));
	if (!rc)
		rc = action_resolve(a, CRDT_R_MEMBER, member, id);
	if (rc)
		return rc;
	action_person(a, id, &out->who);
	rc = action_require_role(a, CRDT_ROLE_COORDINATOR,
				 _("only coordinators can replace a member's "
				   "key; ask one ('kith roles' lists them)"));
	if (!rc)
		rc = new_key_ok(a, &out->who, pk);
	if (rc)
		return rc;
	memset(&l, 0, sizeof l);
	l.skip = pk;
	rc = crdt_query_member_keys(a->r.store, id, cut_row, &l);
	if (rc < 0)
		return action_fail_rc(a, rc, _("cannot read the keys"));
	if (l.full)
		return action_fail(a, KITH_EINVAL,
				   _("%s has more than %d keys: kith cannot "
				     "replace them in one step"),
				   out->who.label, CRDT_SEEN_MAX);
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_REPLACE);
	if (crdt_op_set_bytes(&op, F_REPLACE_MEMBER, id, CRDT_PK_LEN) ||
	    crdt_op_set_bytes(&op, F_REPLACE_KEY, pk, CRDT_PK_LEN) ||
	    (l.n && crdt_op_set_bytes(&op, F_REPLACE_CUTS, l.v,
				      l.n * CRDT_CUT_LEN)))
		return action_fail(a, KITH_EINVAL,
				   _("cannot save the replacement"));
	rc = action_coord_commit_fact(a, &op, F_REPLACE_SEEN,
				      CRDT_SEEN_AUTHORITY, NULL,
				      _("cannot save the replacement"));
	if (!rc)
		rc = action_refresh(a);
	if (rc)
		return rc;
	crdt_hex(out->key, pk, CRDT_PK_LEN);
	out->cut = l.n;
	return 0;
}

int action_member_replacements(struct action *a, const uint8_t pk[CRDT_PK_LEN],
			       struct action_replaced **v, size_t *n)
{
	const struct crdt_roles *r = &a->roles;
	size_t i;

	*v = NULL;
	*n = 0;
	for (i = 0; i < r->nrepl; i++) {
		struct action_replaced *p;

		if (!crdt_equal(r->repl[i].member, pk, CRDT_PK_LEN))
			continue;
		p = realloc(*v, (*n + 1) * sizeof *p);
		if (!p) {
			free(*v);
			*v = NULL;
			*n = 0;
			return action_fail(a, KITH_ENOMEM,
					   _("cannot read the keys"));
		}
		*v = p;
		p = &p[(*n)++];
		action_person(a, r->repl[i].by, &p->by);
		crdt_hex(p->key, r->repl[i].key, CRDT_PK_LEN);
		p->when = (r->repl[i].created >> 16) / 1000;
	}
	return 0;
}
