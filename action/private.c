/*
 * private.c - sealing, re-sealing and opening private parts (see
 * private.h).
 */
#include <string.h>

#include "crdt/err.h"
#include "crdt/query.h"
#include "crdt/schema.h"
#include "i18n.h"
#include "private.h"

/* Ourselves (this key, and on a linked device our member's) and every
 * current coordinator. */
static int add_defaults(struct action *a, struct crdt_seal_to *to)
{
	size_t i;
	int rc = crdt_seal_to_add(to, a->r.id.pk);

	if (!rc && a->linked)
		rc = crdt_seal_to_add(to, action_me(a));

	for (i = 0; !rc && i < a->roles.n; i++)
		if (a->roles.v[i].role == CRDT_ROLE_COORDINATOR)
			rc = crdt_seal_to_add(to, a->roles.v[i].member);
	return rc;
}

static int too_many(struct action *a)
{
	return action_fail(a, KITH_ETOOBIG,
			   _("a private part can have at most %d readers (you, "
			     "the coordinators and the members you name)"),
			   CRDT_SEAL_MAX_RECIPIENTS);
}

static int seal_to(struct action *a, const char *text,
		   const struct crdt_seal_to *to, uint8_t *out, size_t *len)
{
	size_t tlen = strlen(text);
	int rc = crdt_seal(out, CRDT_SEAL_MAX, len, text, tlen, a->r.id.pk,
			   (const uint8_t(*)[CRDT_PK_LEN])to->pk, to->n, &a->env);

	if (rc == KITH_ETOOBIG)
		return action_fail(a, rc,
				   _("the private text is too long to seal for "
				     "%zu readers: at most %zu bytes, got %zu"),
				   to->n, crdt_seal_max_text(to->n), tlen);
	if (rc == KITH_EINVAL)
		return action_fail(a, rc,
				   _("cannot seal the private part: a reader's "
				     "key is not a valid member key"));
	if (rc)
		return action_fail(a, rc,
				   _("cannot seal the private part: %s"),
				   _(kith_strerror(rc)));
	return 0;
}

int action_private_seal(struct action *a, const struct action_private *p,
		     const uint8_t *helper, uint8_t *out, size_t *len)
{
	struct crdt_seal_to to;
	uint8_t pk[CRDT_PK_LEN];
	int i, rc;

	crdt_seal_to_init(&to);
	if (add_defaults(a, &to) || (helper && crdt_seal_to_add(&to, helper)))
		return too_many(a);
	for (i = 0; i < p->nto; i++) {
		rc = action_resolve(a, CRDT_R_MEMBER, p->to[i], pk);
		if (rc)
			return rc;
		if (crdt_seal_to_add(&to, pk))
			return too_many(a);
	}
	return seal_to(a, p->text, &to, out, len);
}

/* The full key of an earlier reader known by its prefix, or -1. */
static int reader_key(struct action *a, const uint8_t *prefix, const uint8_t *add,
		      uint8_t pk[CRDT_PK_LEN])
{
	char hex[2 * CRDT_SEAL_PREFIX_LEN + 1];
	size_t i;

	if (crdt_equal(prefix, a->r.id.pk, CRDT_SEAL_PREFIX_LEN)) {
		memcpy(pk, a->r.id.pk, CRDT_PK_LEN);
		return 0;
	}
	if (crdt_equal(prefix, add, CRDT_SEAL_PREFIX_LEN)) {
		memcpy(pk, add, CRDT_PK_LEN);
		return 0;
	}
	for (i = 0; i < a->roles.n; i++) {
		if (crdt_equal(prefix, a->roles.v[i].member,
			       CRDT_SEAL_PREFIX_LEN)) {
			memcpy(pk, a->roles.v[i].member, CRDT_PK_LEN);
			return 0;
		}
	}
	crdt_hex(hex, prefix, CRDT_SEAL_PREFIX_LEN);
	return crdt_resolve(a->r.store, CRDT_R_MEMBER, hex, pk) ? -1 : 0;
}

int action_private_reseal(struct action *a, int rtype, const uint8_t *id,
		       const uint8_t add[CRDT_PK_LEN], uint8_t *out,
		       size_t *len)
{
	uint8_t old[CRDT_SEAL_MAX], pk[CRDT_PK_LEN];
	uint8_t prefix[CRDT_SEAL_MAX_RECIPIENTS][CRDT_SEAL_PREFIX_LEN];
	char text[CRDT_SEAL_MAX + 1];
	struct crdt_seal_to to;
	size_t olen = 0, tlen, n = 0, i, lost = 0;
	int rc;

	*len = 0;
	rc = crdt_query_private(a->r.store, rtype, id, old, sizeof old, &olen);
	if (rc)
		return action_fail_rc(a, rc, _("cannot read the private part"));
	if (!olen)
		return 0;
	rc = crdt_seal_open(text, sizeof text, &tlen, old, olen, a->r.id.pk,
			    &a->r.id);
	if (!rc)
		rc = crdt_seal_recipients(old, olen, prefix,
					  CRDT_SEAL_MAX_RECIPIENTS, &n);
	if (rc) {
		crdt_wipe(text, sizeof text);
		return action_fail(a, rc,
				   _("cannot open the private part to share it: "
				     "%s (write it again to replace it)"),
				   _(kith_strerror(rc)));
	}
	crdt_seal_to_init(&to);
	rc = add_defaults(a, &to);
	for (i = 0; !rc && i < n; i++) {
		if (reader_key(a, prefix[i], add, pk))
			lost++;
		else
			rc = crdt_seal_to_add(&to, pk);
	}
	if (!rc)
		rc = crdt_seal_to_add(&to, add);
	if (rc)
		rc = too_many(a);
	else
		rc = seal_to(a, text, &to, out, len);
	crdt_wipe(text, sizeof text);
	if (!rc && lost)
		action_warn(a, ngettext("%zu earlier reader of the private "
					"part is not known here; it keeps only "
					"the earlier version",
					"%zu earlier readers of the private "
					"part are not known here; they keep "
					"only the earlier version",
					lost),
			    lost);
	return rc;
}

int action_private_read(struct action *a, int rtype, const uint8_t *id,
		     const uint8_t author[CRDT_PK_LEN],
		     struct action_private_view *v)
{
	uint8_t env[CRDT_SEAL_MAX];
	size_t len = 0, tlen;
	int rc;

	memset(v, 0, sizeof *v);
	rc = crdt_query_private(a->r.store, rtype, id, env, sizeof env, &len);
	if (rc && rc != KITH_ENOTFOUND)
		return action_fail_rc(a, rc, _("cannot read the private part"));
	if (rc || !len)
		return 0;
	v->state = ACTION_PRIV_SEALED;
	v->why = crdt_seal_recipients(env, len, NULL, 0, &v->readers);
	if (v->why)
		return 0;
	/* a reader without an identity (or with a broken one) just can't
	 * open it; that is not an error of this command */
	if (!a->r.id.sk && peer_identity_load(a->home, &a->r.id)) {
		v->why = KITH_EDENIED;
		return 0;
	}
	v->why = crdt_seal_open(v->text, sizeof v->text, &tlen, env, len,
				author, &a->r.id);
	if (!v->why)
		v->state = ACTION_PRIV_OPEN;
	return 0;
}

void action_private_view_wipe(struct action_private_view *v)
{
	crdt_wipe(v, sizeof *v);
}

