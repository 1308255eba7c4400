/*
 * device.c - linking devices to a member (see device.h).
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
#include "device.h"
#include "hosted.h"
#include "i18n.h"
#include "peer/hosted.h"
#include "peer/pins.h"

static int may_manage(struct action *a);

int action_device_add(struct action *a, char *code, size_t cap,
		      char key[2 * CRDT_PK_LEN + 1])
{
	struct crdt_identity dev = { { 0 }, NULL }, keep;
	uint8_t msg[CRDT_DEVICE_MSG_LEN], sig[CRDT_SIG_LEN];
	struct crdt_keeper kp;
	struct crdt_author au;
	struct peer_link l;
	struct crdt_op op;
	int rc;

	rc = may_manage(a);
	if (rc)
		return rc;
	memset(&l, 0, sizeof l);
	rc = peer_community_load(a->home, &l.community);
	if (rc == KITH_ENOCOMMUNITY)
		return action_fail(a, rc,
				   _("join a community first: a new device "
				     "joins the community you are in"));
	if (rc)
		return action_fail(a, rc, _("cannot read the community: %s"),
				   _(kith_strerror(rc)));
	a->env.random(a->env.ctx, l.seed, sizeof l.seed);
	rc = crdt_identity_from_seed(&dev, l.seed);
	if (rc) {
		peer_link_wipe(&l);
		return action_fail_rc(a, rc, _("cannot make a key"));
	}
	crdt_device_message(msg, dev.pk);
	crdt_sign(sig, msg, sizeof msg, &a->r.id);
	memcpy(l.member, a->r.id.pk, CRDT_PK_LEN);
	crdt_op_init(&op, CRDT_OP_SELF, CRDT_R_MEMBER);
	if (crdt_op_set_bytes(&op, F_MEMBER_ROOT, l.member, CRDT_PK_LEN) ||
	    crdt_op_set_bytes(&op, F_MEMBER_ROOT_SIG, sig, sizeof sig) ||
	    crdt_op_finish(&op)) {
		rc = action_fail(a, KITH_EINVAL, _("cannot make the link"));
		goto out;
	}
	/* the device's first change, signed by the device; its head is the
	 * device's to keep (the link code carries it), never ours: the
	 * keeper of DIR/head stays out of it */
	keep = a->r.id;
	kp = a->r.keeper;
	a->r.id = dev;
	memset(&a->r.keeper, 0, sizeof a->r.keeper);
	rc = crdt_replica_commit(&a->r, &op, 1, NULL);
	if (!rc)
		rc = crdt_store_author(a->r.store, dev.pk, 0, &au);
	dev = a->r.id;
	a->r.id = keep;
	a->r.keeper = kp;
	action_forget(a);
	if (rc) {
		rc = action_fail_rc(a, rc, _("cannot publish the new device"));
		goto out;
	}
	l.seq = au.head;
	memcpy(l.head, au.head_hash, CRDT_HASH_LEN);
	rc = peer_link_encode(&l, code, cap);
	if (rc) {
		rc = action_fail_rc(a, rc, _("cannot write the link code"));
		goto out;
	}
	crdt_hex(key, dev.pk, CRDT_PK_LEN);
out:
	peer_link_wipe(&l);
	crdt_identity_release(&dev);
	return rc;
}

struct list_ctx {
	struct action *a;
	struct action_device *v;
	size_t n, cap;
};

static int list_row(void *ctx, const struct crdt_row *r)
{
	struct list_ctx *x = ctx;
	struct action_device *d;
	char here[2 * CRDT_PK_LEN + 1];

	if (x->n == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 4;
		struct action_device *v = realloc(x->v, cap * sizeof *v);

		if (!v)
			return KITH_ENOMEM;
		x->v = v;
		x->cap = cap;
	}
	d = &x->v[x->n++];
	memset(d, 0, sizeof *d);
	snprintf(d->key, sizeof d->key, "%s", action_col_text(r, "key"));
	d->member = action_col_int(r, "member") != 0;
	d->changes = action_col_int(r, "changes");
	d->last = action_col_int(r, "last");
	crdt_hex(here, x->a->r.id.pk, CRDT_PK_LEN);
	d->here = !strcmp(here, d->key);
	return 0;
}

int action_device_list(struct action *a, struct action_device **v, size_t *n)
{
	struct list_ctx x = { a, NULL, 0, 0 };
	int rc;

	*v = NULL;
	*n = 0;
	rc = action_need_identity(a);
	if (rc)
		return rc;
	rc = crdt_query_devices(a->r.store, action_me(a), list_row, &x);
	if (rc) {
		free(x.v);
		return action_fail_rc(a, rc, _("cannot read the devices"));
	}
	*v = x.v;
	*n = x.n;
	return 0;
}

/* Whether we may link or remove devices: our member key, ourselves. */
static int may_manage(struct action *a)
{
	struct crdt_key_use u;
	int rc = action_need_self(a, _("only you can link or remove a device "
				       "of yours, not someone you act for"));

	if (rc)
		return rc;
	/* a linked device a replacement made the member's key manages
	 * (its key then writes as its member, and as their own key) */
	if (a->linked && (crdt_store_key_use(a->r.store, a->r.id.pk, &u) ||
			  !u.own ||
			  crdt_equal(u.who, a->r.id.pk, CRDT_PK_LEN)))
		return action_fail(a, KITH_EDENIED,
				   _("this machine is a linked device: link "
				     "or remove devices on the machine that "
				     "holds your member key (your first one)"));
	return 0;
}

int action_device_remove(struct action *a, const char *typed,
			 char removed[2 * CRDT_PK_LEN + 1], uint64_t *after)
{
	struct action_device *v = NULL;
	uint8_t val[CRDT_PK_LEN + 8];
	struct crdt_author au;
	struct crdt_op op;
	size_t n = 0, i, len = strlen(typed), hit = 0, found = 0;
	int rc, k;

	rc = may_manage(a);
	if (!rc)
		rc = action_device_list(a, &v, &n);
	if (rc)
		return rc;
	if (len < 6 || len > 2 * CRDT_PK_LEN) {
		free(v);
		return action_fail(a, KITH_EINVAL,
				   _("give the device's key as 'kith device "
				     "list' shows it (at least 6 characters)"));
	}
	for (i = 0; i < n; i++)
		if (!strncasecmp(v[i].key, typed, len)) {
			hit = i;
			found++;
		}
	if (found == 1 && v[hit].member) {
		free(v);
		return action_fail(a, KITH_EDENIED,
				   _("'%s' is your member key, not a device: "
				     "it cannot be removed (if it is lost, a "
				     "coordinator replaces it: 'kith member "
				     "replace')"),
				   typed);
	}
	if (found != 1) {
		free(v);
		return action_fail(a, found ? KITH_EAMBIGUOUS : KITH_ENOTFOUND,
				   found ? _("'%s' names more than one of your "
					     "devices: type more of its key")
					 : _("no device of yours has the key "
					     "'%s' (see 'kith device list')"),
				   typed);
	}
	snprintf(removed, 2 * CRDT_PK_LEN + 1, "%s", v[hit].key);
	free(v);
	if (crdt_unhex(val, CRDT_PK_LEN, removed))
		return action_fail(a, KITH_EDECODE, _("cannot read the key"));
	/* what it wrote that we hold stays; nothing after */
	rc = crdt_store_author(a->r.store, val, 0, &au);
	if (rc)
		return action_fail_rc(a, rc, _("cannot read the device's log"));
	*after = au.n ? au.head : 0;
	for (k = 0; k < 8; k++)
		val[CRDT_PK_LEN + k] = (uint8_t)(*after >> (56 - 8 * k));
	crdt_op_init(&op, CRDT_OP_SELF, CRDT_R_MEMBER);
	if (crdt_op_set_bytes(&op, F_MEMBER_UNLINK, val, sizeof val) ||
	    crdt_op_finish(&op))
		return action_fail(a, KITH_EINVAL, _("cannot remove the device"));
	return action_commit(a, &op, 1, NULL, _("cannot remove the device"));
}

int action_member_handover(struct action *a, const char *typed, char *code,
			   size_t cap, struct action_person *who)
{
	struct crdt_author au;
	struct peer_link l;
	struct crdt_op op;
	int rc;

	rc = action_need_self(a, _("only the host hands a neighbour over, "
				   "not someone acting for them"));
	if (rc)
		return rc;
	memset(&l, 0, sizeof l);
	rc = peer_community_load(a->home, &l.community);
	if (rc == KITH_ENOCOMMUNITY)
		return action_fail(a, rc,
				   _("join a community first: a neighbour is "
				     "handed over into the community you are "
				     "in"));
	if (rc)
		return action_fail(a, rc, _("cannot read the community: %s"),
				   _(kith_strerror(rc)));
	rc = action_act_as(a, typed, who);
	if (rc)
		goto out;
	crdt_op_init(&op, CRDT_OP_SELF, CRDT_R_MEMBER);
	if (crdt_op_set_int(&op, F_MEMBER_HANDED, 1) || crdt_op_finish(&op))
		rc = action_fail(a, KITH_EINVAL, _("cannot hand over"));
	if (!rc)
		rc = action_commit(a, &op, 1, NULL,
				   _("cannot publish the handover"));
	if (!rc)
		rc = crdt_store_author(a->r.store, a->r.id.pk, 0, &au);
	if (!rc) {
		/* her key's seed: the first half of its secret key */
		memcpy(l.seed, a->r.id.sk, sizeof l.seed);
		memcpy(l.member, a->r.id.pk, CRDT_PK_LEN);
		l.seq = au.head;
		memcpy(l.head, au.head_hash, CRDT_HASH_LEN);
		rc = peer_link_encode(&l, code, cap);
	}
	action_act_self(a);
	if (rc) {
		if (!*a->msg)
			action_fail_rc(a, rc, _("cannot hand over"));
		goto out;
	}
	/* the code is the only copy of her key from now on */
	rc = peer_hosted_remove(a->home, who->pk);
	if (!rc) {
		int gone = peer_pin_remove(a->home, who->pk);

		rc = gone == KITH_ENOTFOUND ? 0 : gone;
	}
	if (rc)
		action_fail(a, rc, _("cannot forget the neighbour's key here: "
				     "%s"), _(kith_strerror(rc)));
out:
	peer_link_wipe(&l);
	return rc;
}

/* Why a link code was refused, for people. */
static int bad_code(struct action *a, const char *code, int rc)
{
	struct peer_community c;

	if (rc == KITH_EDECODE && peer_invite_decode(code, &c) == 0) {
		peer_community_wipe(&c);
		return action_fail(a, rc,
				   _("that is an invite code, not a link code: "
				     "a new member runs 'kith init --name "
				     "NAME', then 'kith community join CODE'"));
	}
	if (rc == KITH_ECHECKSUM)
		return action_fail(a, rc,
				   _("the link code is mistyped (its check "
				     "does not match): compare it with the "
				     "one 'kith device add' showed"));
	if (rc == KITH_EVERSION)
		return action_fail(a, rc,
				   _("this link code was made by a newer "
				     "kith: upgrade kith on this machine"));
	return action_fail(a, rc,
			   _("that is not a link code (one starts with "
			     "'kithlink1'; 'kith device add' makes it)"));
}

int action_device_link(struct action *a, const char *code, char *community,
		       size_t cap)
{
	struct crdt_identity dev = { { 0 }, NULL }, had = { { 0 }, NULL };
	struct crdt_head h = { 0, { 0 } };
	struct peer_community c;
	struct peer_link l;
	int rc = peer_link_decode(code, &l), own = 0;

	if (rc)
		return bad_code(a, code, rc);
	rc = crdt_identity_from_seed(&dev, l.seed);
	if (rc)
		goto out;
	/* a handover: the key is the member's own, no DIR/member */
	own = crdt_equal(dev.pk, l.member, CRDT_PK_LEN);
	/* an identity here: only this very device's, from an earlier run
	 * of the same code that stopped half-way (then it finishes) */
	if (peer_identity_load(a->home, &had) == 0 &&
	    !crdt_equal(had.pk, dev.pk, CRDT_PK_LEN)) {
		rc = action_fail(a, KITH_EEXISTS,
				 _("an identity already exists in '%s': a "
				   "device is linked into a data directory of "
				   "its own (--home DIR)"),
				 a->home);
		goto out;
	}
	if (peer_community_load(a->home, &c) == 0) {
		int same = crdt_equal(c.key, l.community.key, CRDT_KEY_LEN);

		peer_community_wipe(&c);
		if (!same || !had.sk) {
			rc = action_fail(a, KITH_EEXISTS,
					 _("'%s' is in a community already: "
					   "a device is linked into a data "
					   "directory of its own (--home DIR)"),
					 a->home);
			goto out;
		}
	}
	/* its head first (so it never writes its first change again),
	 * then the key, the member it belongs to and the community */
	h.seq = l.seq;
	memcpy(h.hash, l.head, CRDT_HASH_LEN);
	rc = peer_head_save(a->home, dev.pk, &h);
	if (!rc && !had.sk)
		rc = peer_write_secret(a->home, "identity", dev.sk, CRDT_SK_LEN,
				       0);
	if (!rc && !own) {
		rc = peer_member_save(a->home, l.member);
		if (rc == KITH_EEXISTS) {
			uint8_t m[CRDT_PK_LEN];

			rc = peer_member_load(a->home, m) == 0 &&
					     crdt_equal(m, l.member, CRDT_PK_LEN)
				     ? 0
				     : KITH_EEXISTS;
		}
	}
	if (!rc) {
		rc = peer_community_save(a->home, &l.community);
		if (rc == KITH_EEXISTS && had.sk)
			rc = 0; /* the same community, from the earlier run */
	}
	if (rc) {
		rc = action_fail(a, rc,
				 _("cannot keep the device's key in '%s': %s"),
				 a->home, _(kith_strerror(rc)));
		goto out;
	}
	crdt_identity_release(&a->r.id);
	a->r.id = dev;
	dev = (struct crdt_identity){ { 0 }, NULL };
	memcpy(a->member, l.member, CRDT_PK_LEN);
	a->linked = !own;
	snprintf(community, cap, "%s", l.community.name);
out:
	peer_link_wipe(&l);
	crdt_identity_release(&dev);
	crdt_identity_release(&had);
	return rc;
}
