/*
 * hosted.c - hosting neighbours without a device, acting as them (see
 * hosted.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crdt/codec.h"
#include "crdt/crypto.h"
#include "crdt/err.h"
#include "crdt/rules.h"
#include "crdt/schema.h"
#include "hosted.h"
#include "i18n.h"
#include "peer/hosted.h"

int action_acting_as(const struct action *a)
{
	return a->self.sk != NULL;
}

int action_hosts(const struct action *a, const uint8_t pk[CRDT_PK_LEN])
{
	return peer_hosted_here(a->home, pk);
}

int action_member_host(struct action *a, const struct action_profile *p,
		       struct action_person *who)
{
	struct crdt_identity member = { { 0 }, NULL }, keep;
	uint8_t seed[CRDT_SEED_LEN], msg[CRDT_HOST_MSG_LEN];
	uint8_t sig[CRDT_SIG_LEN], host[CRDT_PK_LEN];
	struct crdt_op op;
	int rc;

	rc = action_need_self(a, _("only you can host a neighbour, not "
				   "someone you act for"));
	if (rc)
		return rc;
	if (!p->name || !*p->name)
		return action_fail(a, KITH_EINVAL,
				   _("give the neighbour's name (--name)"));
	rc = action_profile_op(a, p, &op);
	if (rc)
		return rc;
	a->env.random(a->env.ctx, seed, sizeof seed);
	rc = crdt_identity_from_seed(&member, seed);
	crdt_wipe(seed, sizeof seed);
	if (rc)
		return action_fail_rc(a, rc, _("cannot make a key"));
	crdt_host_message(msg, member.pk);
	crdt_sign(sig, msg, sizeof msg, &a->r.id);
	/* a copy: a->r.id is the member's while their change is made */
	memcpy(host, a->r.id.pk, CRDT_PK_LEN);
	if (crdt_op_set_bytes(&op, F_MEMBER_HOST, host, CRDT_PK_LEN) ||
	    crdt_op_set_bytes(&op, F_MEMBER_HOST_SIG, sig, sizeof sig) ||
	    crdt_op_finish(&op)) {
		crdt_identity_release(&member);
		return action_fail(a, KITH_EINVAL,
				   _("a profile field is given twice"));
	}
	/* the key first: a profile without a key here could never be
	 * written for again */
	rc = peer_hosted_save(a->home, &a->r.id, &member);
	if (rc) {
		crdt_identity_release(&member);
		return action_fail(a, rc,
				   _("cannot keep the neighbour's key in "
				     "'%s/hosted': %s"),
				   a->home, _(kith_strerror(rc)));
	}
	/* their first change, signed by them */
	keep = a->r.id;
	a->r.id = member;
	rc = action_commit(a, &op, 1, NULL,
			   _("cannot publish the neighbour's profile"));
	member = a->r.id;
	a->r.id = keep;
	if (rc) {
		int gone = peer_hosted_remove(a->home, member.pk);

		(void)gone; /* the profile was not written: nothing refers
			     * to the key */
		crdt_identity_release(&member);
		return rc;
	}
	action_person(a, member.pk, who);
	crdt_identity_release(&member);
	return 0;
}

/* After a->r.id changed hands: the head of whoever acts now, recorded as
 * for our own at open (action_open), and nothing cached of the other. */
static void switched(struct action *a)
{
	int rc;

	a->head = (struct crdt_head){ 0 };
	a->head_quiet = 1;
	rc = crdt_replica_keep_head(&a->r); /* reads work without */
	a->head_quiet = 0;
	(void)rc;
	action_forget(a);
}

int action_act_as_pk(struct action *a, const uint8_t pk[CRDT_PK_LEN])
{
	struct crdt_identity member = { { 0 }, NULL };
	int rc;

	rc = action_need_identity(a);
	if (rc)
		return rc;
	action_act_self(a);
	rc = peer_hosted_load(a->home, &a->r.id, pk, &member);
	if (rc == KITH_ENOTFOUND)
		return action_fail(a, rc,
				   _("this machine does not host that member "
				     "(see 'kith member hosted')"));
	if (rc)
		return action_fail(a, rc,
				   _("cannot open the key of a member hosted "
				     "here: %s"),
				   _(kith_strerror(rc)));
	a->self = a->r.id;
	a->r.id = member;
	switched(a);
	return 0;
}

void action_act_self(struct action *a)
{
	if (!a->self.sk)
		return;
	crdt_identity_release(&a->r.id);
	a->r.id = a->self;
	a->self = (struct crdt_identity){ { 0 }, NULL };
	switched(a);
}

/* The hosted members' profiles: one list, sorted by name. */
struct hosted_set {
	struct action *a;
	struct action_hosted *v;
	size_t n, cap;
	int rc;
};

static int hosted_row(void *ctx, const struct crdt_row *r)
{
	struct action_hosted *h = ctx;

	snprintf(h->building, sizeof h->building, "%s",
		 action_col_text(r, "building"));
	snprintf(h->unit, sizeof h->unit, "%s", action_col_text(r, "unit"));
	return 0;
}

static int hosted_add(void *ctx, const uint8_t pk[CRDT_PK_LEN])
{
	struct hosted_set *hs = ctx;
	struct action_hosted *h;

	if (hs->n == hs->cap) {
		size_t cap = hs->cap ? 2 * hs->cap : 16;
		struct action_hosted *v = realloc(hs->v, cap * sizeof *v);

		if (!v)
			return KITH_ENOMEM;
		hs->v = v;
		hs->cap = cap;
	}
	h = &hs->v[hs->n];
	memset(h, 0, sizeof *h);
	action_person(hs->a, pk, &h->person);
	if (crdt_query_members(hs->a->r.store, pk, hosted_row, h) < 0)
		return KITH_EDB;
	hs->n++;
	return 0;
}

static int by_name(const void *x, const void *y)
{
	const struct action_hosted *a = x, *b = y;
	int c = strcasecmp(a->person.label, b->person.label);

	return c ? c : strcmp(a->person.hex, b->person.hex);
}

static int hosted_load(struct action *a, struct hosted_set *hs)
{
	int rc;

	memset(hs, 0, sizeof *hs);
	hs->a = a;
	rc = peer_hosted_each(a->home, hosted_add, hs);
	if (rc) {
		free(hs->v);
		return action_fail(a, rc,
				   _("cannot read the members hosted in "
				     "'%s/hosted': %s"),
				   a->home, _(kith_strerror(rc)));
	}
	if (hs->n)
		qsort(hs->v, hs->n, sizeof *hs->v, by_name);
	return 0;
}

int action_hosted_list(struct action *a, action_hosted_fn fn, void *ctx)
{
	struct hosted_set hs;
	size_t i;
	int rc = hosted_load(a, &hs);

	for (i = 0; !rc && i < hs.n; i++)
		rc = fn(ctx, &hs.v[i]);
	free(hs.v);
	return rc;
}

/* Finding who typed names among the members hosted here, without
 * loading every profile (a building's machine hosts thousands): by name
 * through the replica's index, then whether their key is here; by a
 * prefix of their key (6+ hex characters) through the key files' names. */
struct find {
	struct action *a;
	const char *typed;
	uint8_t pk[CRDT_PK_LEN];
	size_t found;
	size_t others; /* members of that name not hosted here */
};

static void found_one(struct find *f, const uint8_t pk[CRDT_PK_LEN])
{
	if (f->found && !memcmp(f->pk, pk, CRDT_PK_LEN))
		return; /* a name that is also a prefix of their key */
	memcpy(f->pk, pk, CRDT_PK_LEN);
	f->found++;
}

static int find_named(void *ctx, const uint8_t pk[CRDT_PK_LEN])
{
	struct find *f = ctx;

	if (peer_hosted_here(f->a->home, pk))
		found_one(f, pk);
	else
		f->others++;
	return 0;
}

static int find_prefix(void *ctx, const uint8_t pk[CRDT_PK_LEN])
{
	struct find *f = ctx;
	char hex[2 * CRDT_PK_LEN + 1];

	crdt_hex(hex, pk, CRDT_PK_LEN);
	if (!strncasecmp(f->typed, hex, strlen(f->typed)))
		found_one(f, pk);
	return 0;
}

static int hosted_find(struct action *a, const char *typed, struct find *f)
{
	size_t n = strlen(typed);
	int rc;

	memset(f, 0, sizeof *f);
	f->a = a;
	f->typed = typed;
	rc = crdt_members_named(a->r.store, typed, find_named, f);
	if (!rc && n >= 6 && n <= 2 * CRDT_PK_LEN &&
	    strspn(typed, "0123456789abcdefABCDEF") == n)
		rc = peer_hosted_each(a->home, find_prefix, f);
	return rc;
}

int action_hosted_match(struct action *a, const char *typed,
			uint8_t pk[CRDT_PK_LEN], size_t *found)
{
	struct find f;
	int rc;

	*found = 0;
	if (!typed || !*typed)
		return 0;
	rc = hosted_find(a, typed, &f);
	if (rc)
		return rc;
	*found = f.found > 1 ? 2 : f.found;
	if (f.found)
		memcpy(pk, f.pk, CRDT_PK_LEN);
	return 0;
}

int action_hosted_named(struct action *a, const char *typed,
			uint8_t pk[CRDT_PK_LEN])
{
	struct find f;
	int rc;

	if (!typed || !*typed || !a->r.id.sk || action_acting_as(a))
		return 0;
	rc = hosted_find(a, typed, &f);
	if (rc) {
		action_warn(a,
			    _("cannot read the members hosted in '%s/hosted' "
			      "(%s): '%s' is taken as a name"),
			    a->home, _(kith_strerror(rc)), typed);
		return 0;
	}
	/* only one member of that name anywhere: a neighbour of the same
	 * name who is not hosted here is never overruled quietly */
	if (f.found != 1 || f.others)
		return 0;
	memcpy(pk, f.pk, CRDT_PK_LEN);
	return 1;
}

static int no_profile_row(void *ctx, const struct crdt_row *r)
{
	(void)r;
	*(int *)ctx = 1;
	return 0;
}

/* Stops (1) at a hosted member whose profile this replica lacks (a key
 * restored from a backup before the first sync). */
static int lacks_profile(void *ctx, const uint8_t pk[CRDT_PK_LEN])
{
	struct action *a = ctx;
	int seen = 0;

	if (crdt_query_members(a->r.store, pk, no_profile_row, &seen) < 0)
		return 0;
	return !seen;
}

int action_act_as(struct action *a, const char *typed, struct action_person *who)
{
	struct find f;
	int rc;

	if (!typed || !*typed)
		return action_fail(a, KITH_EINVAL,
				   _("say whom to act as: a member hosted "
				     "here (see 'kith member hosted')"));
	rc = action_need_identity(a);
	if (rc)
		return rc;
	action_act_self(a);
	rc = hosted_find(a, typed, &f);
	if (rc)
		return action_fail(a, rc,
				   _("cannot read the members hosted in "
				     "'%s/hosted': %s"),
				   a->home, _(kith_strerror(rc)));
	if (f.found == 0 && peer_hosted_each(a->home, lacks_profile, a) == 1)
		return action_fail(a, KITH_ENOTFOUND,
				   _("nobody called '%s' is hosted on this "
				     "machine; neighbours whose profile has "
				     "not reached it yet go by their id until "
				     "you sync (see 'kith member hosted')"),
				   typed);
	if (f.found == 0)
		return action_fail(a, KITH_ENOTFOUND,
				   _("nobody called '%s' is hosted on this "
				     "machine (see 'kith member hosted')"),
				   typed);
	if (f.found > 1)
		return action_fail(a, KITH_EAMBIGUOUS,
				   _("'%s' matches several members hosted "
				     "here; use their id (see 'kith member "
				     "hosted')"),
				   typed);
	rc = action_act_as_pk(a, f.pk);
	if (!rc && who)
		action_person(a, f.pk, who);
	return rc;
}
