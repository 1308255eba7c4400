/*
 * hours.c - the time bank (see hours.h).
 */
#include <stdio.h>
#include <string.h>

#include "crdt/codec.h"
#include "crdt/err.h"
#include "crdt/schema.h"
#include "hours.h"
#include "i18n.h"
#include "names.h"

int action_hours_of(struct action *a, const char *member,
		    struct action_hours *out)
{
	struct crdt_hours t;
	struct action_person who;
	int rc;

	memset(out, 0, sizeof *out);
	if (member) {
		rc = action_resolve(a, CRDT_R_MEMBER, member, out->member);
		if (rc)
			return rc;
	} else {
		if (!a->r.id.sk && peer_identity_load(a->home, &a->r.id))
			return action_fail(a, KITH_ENOIDENT,
					   _("no identity in '%s' to show the "
					     "hours of; name a member ('kith "
					     "hours NAME') or run 'kith init "
					     "--name YOUR_NAME'"),
					   a->home);
		memcpy(out->member, action_me(a), CRDT_PK_LEN);
	}
	crdt_hex(out->hex, out->member, CRDT_PK_LEN);
	action_person(a, out->member, &who);
	snprintf(out->name, sizeof out->name, "%s", who.name);
	snprintf(out->shown, sizeof out->shown, "%s", who.label);
	rc = crdt_hours_totals(a->r.store, out->member, &t);
	if (rc)
		return action_fail_rc(a, rc, _("cannot read hours"));
	out->earned_q = t.earned_q;
	out->given_q = t.given_q;
	return 0;
}

int action_hours_ledger(struct action *a, const struct action_hours *h,
			crdt_row_fn fn, void *ctx)
{
	int rc = crdt_hours_ledger(a->r.store, h->member, fn, ctx);

	if (rc)
		return action_fail_rc(a, rc, _("cannot read hours"));
	return 0;
}
