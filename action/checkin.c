/*
 * checkin.c - check-ins and the roll call (see checkin.h).
 */
#include <stdio.h>
#include <string.h>

#include "checkin.h"
#include "crdt/codec.h"
#include "crdt/community.h"
#include "crdt/err.h"
#include "crdt/rules.h"
#include "crdt/schema.h"
#include "hosted.h"
#include "i18n.h"

int action_checkin(struct action *a, int status, const char *member,
		   const char *note, struct action_person *who)
{
	struct crdt_op op;
	uint8_t pk[32];
	int rc;

	if (status != ACTION_CHECKIN_SAFE && status != ACTION_CHECKIN_NEED_HELP)
		return action_fail(a, KITH_EINVAL,
				   _("say 'safe' or 'need-help'"));
	if (note && !*note)
		note = NULL;
	rc = action_check_text(a, note, CRDT_MAX_TEXT, _("the note is too long"),
			       NULL);
	if (rc)
		return rc;
	rc = action_need_identity(a);
	if (rc)
		return rc;
	if (member && action_hosted_named(a, member, pk)) {
		/* a neighbour hosted here: their own check-in */
		rc = action_act_as_pk(a, pk);
		if (rc)
			return rc;
		rc = action_checkin(a, status, NULL, note, who);
		action_act_self(a);
		return rc;
	}
	if (member) {
		rc = action_resolve(a, CRDT_R_MEMBER, member, pk);
		if (rc)
			return rc;
	} else {
		memcpy(pk, action_me(a), 32);
	}
	action_person(a, pk, who);
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_CHECKIN);
	if (crdt_op_set_bytes(&op, F_CHECKIN_MEMBER, pk, 32) ||
	    crdt_op_set_int(&op, F_CHECKIN_STATUS, status) ||
	    (note && crdt_op_set_text(&op, F_CHECKIN_NOTE, note)))
		return action_fail(a, KITH_EINVAL, _("the note is too long"));
	return action_coord_commit_fact(a, &op, F_CHECKIN_SEEN,
					CRDT_SEEN_CHECKIN, pk,
					_("cannot save the check-in"));
}

struct roll {
	struct action *a;
	action_checkin_fn fn;
	void *ctx;
};

static const char *text_col(const struct crdt_row *r, const char *name)
{
	const struct crdt_col *c = crdt_row_get(r, name);

	return c && c->type == CRDT_COL_TEXT && c->s ? c->s : "";
}

static int roll_row(void *ctx, const struct crdt_row *row)
{
	const struct crdt_col *at = crdt_row_get(row, "at_ms");
	const char *st = text_col(row, "status");
	struct roll *ro = ctx;
	struct action_checkin_row r;
	uint8_t pk[32];

	/* field by field: the two people in it are large */
	r.row = row;
	r.by.label[0] = r.by.name[0] = r.by.handle[0] = 0;
	r.by.named = 0;
	if (crdt_unhex(pk, 32, text_col(row, "member")))
		return 0; /* not a member key: nothing to show */
	action_person(ro->a, pk, &r.who);
	r.building = text_col(row, "building");
	r.unit = text_col(row, "unit");
	r.word = st;
	if (!strcmp(st, "safe"))
		r.status = ACTION_CHECKIN_SAFE;
	else if (!strcmp(st, "need-help"))
		r.status = ACTION_CHECKIN_NEED_HELP;
	else
		r.status = ACTION_CHECKIN_UNKNOWN;
	r.at_ms = at && at->type == CRDT_COL_INT ? at->i : 0;
	/* most households report for themselves: no second lookup */
	if (r.at_ms && !strcmp(text_col(row, "reporter"),
			       text_col(row, "member")))
		r.by = r.who;
	else if (r.at_ms && !crdt_unhex(pk, 32, text_col(row, "reporter")))
		action_person(ro->a, pk, &r.by);
	r.note = text_col(row, "note");
	return ro->fn(ro->ctx, &r);
}

int action_checkin_roll(struct action *a, const char *building,
			action_checkin_fn fn, void *ctx)
{
	struct roll ro = { a, fn, ctx };
	int rc;

	rc = crdt_checkins(a->r.store, building,
			   a->roles.emergency ? a->roles.since_ms : 0, roll_row,
			   &ro);
	if (rc < 0)
		return action_fail_rc(a, rc, _("cannot list check-ins"));
	return rc;
}
