/*
 * needs.c - inventory, volunteers and matching for coordinators (see
 * needs.h).
 */
#include <stdio.h>
#include <string.h>

#include "crdt/change.h"
#include "crdt/err.h"
#include "crdt/schema.h"
#include "i18n.h"
#include "needs.h"

/* An optional text argument: NULL, or 1..CRDT_MAX_TEXT bytes. */
static int check_building(struct action *a, const char *building)
{
	if (!building)
		return 0;
	if (!*building)
		return action_fail(a, KITH_EINVAL,
				   _("the building name cannot be empty"));
	return action_check_text(a, building, CRDT_MAX_TEXT,
				 _("the building name is too long (at most "
				   "%d bytes)"),
				 NULL);
}

int action_needs_inventory(struct action *a, const char *building,
			   crdt_row_fn fn, void *ctx)
{
	int rc = check_building(a, building);

	if (rc)
		return rc;
	rc = crdt_inventory(a->r.store, building, a->now, fn, ctx);
	if (rc)
		return action_fail_rc(a, rc, _("cannot total resources"));
	return 0;
}

int action_needs_inventory_totals(struct action *a, crdt_row_fn fn, void *ctx)
{
	int rc = crdt_inventory_totals(a->r.store, NULL, a->now, fn, ctx);

	if (rc)
		return action_fail_rc(a, rc, _("cannot total resources"));
	return 0;
}

struct building_ctx {
	char building[256];
};

static int building_row(void *ctx, const struct crdt_row *r)
{
	struct building_ctx *b = ctx;
	const struct crdt_col *c = crdt_row_get(r, "building");

	snprintf(b->building, sizeof b->building, "%s",
		 c && c->s ? c->s : "");
	return 0;
}

/* Our own building ("" without an identity or one): nearest first.  The
 * identity is loaded quietly: reading needs none. */
static void own_building(struct action *a, char *out, size_t cap)
{
	struct building_ctx me = { "" };

	out[0] = 0;
	if (!a->r.id.sk && peer_identity_load(a->home, &a->r.id))
		return;
	if (crdt_query_members(a->r.store, action_me(a), building_row, &me) == 0)
		snprintf(out, cap, "%s", me.building);
}

int action_needs_volunteers(struct action *a, const char *skill,
			    const char *building, crdt_row_fn fn, void *ctx)
{
	char near[256];
	int rc;

	if (skill && !*skill)
		return action_fail(a, KITH_EINVAL,
				   _("the skill to look for cannot be empty"));
	if (skill && strlen(skill) > CRDT_MAX_TEXT)
		return action_fail(a, KITH_EINVAL,
				   _("the skill to look for is too long (at "
				     "most %d bytes)"),
				   CRDT_MAX_TEXT);
	rc = check_building(a, building);
	if (rc)
		return rc;
	own_building(a, near, sizeof near);
	rc = crdt_volunteers(a->r.store, skill, building, *near ? near : NULL,
			     fn, ctx);
	if (rc)
		return action_fail_rc(a, rc, _("cannot list volunteers"));
	return 0;
}

struct status_ctx {
	char status[16];
};

static int status_row(void *ctx, const struct crdt_row *r)
{
	struct status_ctx *s = ctx;
	const struct crdt_col *c = crdt_row_get(r, "status");

	snprintf(s->status, sizeof s->status, "%s", c && c->s ? c->s : "");
	return 0;
}

/* Refuse a wish that has nothing left to match; whole sentences, one per
 * status, so each translates. */
static int check_matchable(struct action *a, const char *arg,
			   const uint8_t id[CRDT_ID_LEN])
{
	struct crdt_wish_filter f = { .urgency = -1 };
	struct status_ctx st = { "" };
	int rc;

	f.id = id;
	rc = crdt_query_wishes(a->r.store, &f, a->now, status_row, &st);
	if (rc)
		return action_fail_rc(a, rc, _("cannot read the wish"));
	if (!strcmp(st.status, "withdrawn"))
		return action_fail(a, KITH_EINVAL,
				   _("wish '%s' is withdrawn: there is nothing "
				     "left to match"),
				   arg);
	if (!strcmp(st.status, "confirmed"))
		return action_fail(a, KITH_EINVAL,
				   _("wish '%s' is confirmed: its author got "
				     "the help; there is nothing left to "
				     "match"),
				   arg);
	if (!strcmp(st.status, "expired"))
		return action_fail(a, KITH_EINVAL,
				   _("wish '%s' is expired: its date has "
				     "passed; there is nothing left to match"),
				   arg);
	if (!strcmp(st.status, "delivered"))
		return action_fail(a, KITH_EINVAL,
				   _("wish '%s' is delivered: help is on its "
				     "way; there is nothing left to match"),
				   arg);
	return 0;
}

int action_needs_match(struct action *a, const char *wish, int nwishes,
		       const struct crdt_match_out *out)
{
	uint8_t id[CRDT_ID_LEN];
	int rc;

	if (nwishes < 1 || nwishes > ACTION_MATCH_MAX_WISHES)
		return action_fail(a, KITH_EINVAL,
				   _("the number of wishes to match must be "
				     "from 1 to %d, not %d"),
				   ACTION_MATCH_MAX_WISHES, nwishes);
	if (wish) {
		rc = action_resolve(a, CRDT_R_WISH, wish, id);
		if (!rc)
			rc = check_matchable(a, wish, id);
		if (rc)
			return rc;
	}
	rc = crdt_match(a->r.store, wish ? id : NULL, nwishes,
			ACTION_MATCH_PER_WISH, a->now, out);
	if (rc)
		return action_fail_rc(a, rc, _("cannot match wishes"));
	return 0;
}
