/*
 * community.c - create, invite, join (see community.h).
 */
#include <stdio.h>
#include <string.h>

#include "community.h"
#include "crdt/codec.h"
#include "crdt/crypto.h"
#include "crdt/err.h"
#include "crdt/rules.h"
#include "crdt/schema.h"
#include "i18n.h"

/* An invite code as typed is at most this long (spaces, dashes). */
#define CODE_TYPED_MAX (2 * PEER_INVITE_MAX)

static void fill_info(struct action_community *info,
		      const struct peer_community *com)
{
	memset(info, 0, sizeof *info);
	snprintf(info->name, sizeof info->name, "%s", com->name);
	if (com->version == 2)
		crdt_hex(info->id, com->genesis, 8);
}

static int fail_read(struct action *a, int rc)
{
	return action_fail(a, rc, _("cannot read community key in '%s': %s"),
			   a->home, _(kith_strerror(rc)));
}

static int encode(struct action *a, const struct peer_community *com,
		  char *code, size_t cap)
{
	if (peer_invite_encode(com, code, cap)) {
		crdt_wipe(code, cap);
		return action_fail(a, KITH_EINVAL,
				   _("cannot make an invite code"));
	}
	return 0;
}

/* The genesis record, signed by us: its change's hash is the id. */
static int sign_genesis(struct action *a, struct peer_community *com)
{
	struct crdt_author au;
	struct crdt_op op;
	int rc;

	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_COMMUNITY);
	rc = crdt_op_set_text(&op, F_COMMUNITY_NAME, com->name);
	if (!rc)
		rc = crdt_op_finish(&op);
	/* not action_commit: its "not joined yet" warning is wrong here,
	 * the key file follows at once */
	if (!rc)
		rc = crdt_replica_commit(&a->r, &op, 1, NULL);
	if (!rc)
		rc = crdt_store_author(a->r.store, a->r.id.pk, 0, &au);
	if (rc)
		return action_fail_rc(a, rc, _("cannot create the community"));
	memcpy(com->genesis, au.head_hash, CRDT_HASH_LEN);
	return 0;
}

int action_community_create(struct action *a, const char *name,
			    struct action_community *info, char *code,
			    size_t cap)
{
	struct peer_community com, old;
	int rc;

	memset(&com, 0, sizeof com);
	memset(info, 0, sizeof *info);
	if (!name || !*name)
		return action_fail(a, KITH_EINVAL,
				   _("a community needs a name, e.g. the "
				     "street or the building"));
	if (action_check_text(a, name, PEER_NAME_MAX,
			      _("community name is too long (at most %d "
				"bytes)"),
			      _("community name is not valid UTF-8")))
		return KITH_EINVAL;
	if (cap < PEER_INVITE_MAX)
		return action_fail(a, KITH_EINVAL,
				   _("cannot make an invite code"));
	rc = action_need_identity(a);
	if (rc)
		return rc;
	rc = peer_community_load(a->home, &old);
	if (rc == 0) {
		fill_info(info, &old);
		peer_community_wipe(&old);
		return action_fail(a, KITH_EEXISTS,
				   _("this data directory already belongs to "
				     "the community '%s'; 'kith community "
				     "invite' shows its invite code"),
				   info->name);
	}
	if (rc != KITH_ENOCOMMUNITY)
		return fail_read(a, rc);
	snprintf(com.name, sizeof com.name, "%s", name);
	a->env.random(a->env.ctx, com.key, sizeof com.key);
	com.version = 2;
	rc = sign_genesis(a, &com);
	if (rc)
		goto out;
	rc = peer_community_save(a->home, &com);
	if (rc == KITH_EEXISTS) {
		rc = action_fail(a, rc,
				 _("this data directory already belongs to a "
				   "community; 'kith community invite' shows "
				   "its invite code"));
		goto out;
	}
	if (rc) {
		rc = action_fail(a, rc, _("cannot save community key: %s"),
				 _(kith_strerror(rc)));
		goto out;
	}
	rc = encode(a, &com, code, cap);
	if (rc)
		goto out;
	fill_info(info, &com);
	rc = action_refresh(a);
out:
	peer_community_wipe(&com);
	return rc;
}

/* The community this data directory has joined, into com (the caller
 * wipes it; info is cleared); a refusal that says how to join when there
 * is none. */
static int load_joined(struct action *a, struct peer_community *com,
		       struct action_community *info)
{
	int rc;

	memset(info, 0, sizeof *info);
	rc = peer_community_load(a->home, com);
	if (rc == KITH_ENOCOMMUNITY)
		return action_fail(a, rc,
				   _("you have not joined a community; use "
				     "'kith community create NAME' or 'kith "
				     "community join CODE'"));
	if (rc)
		return fail_read(a, rc);
	return 0;
}

int action_community_about(struct action *a, struct action_community *info)
{
	struct peer_community com;
	int rc = load_joined(a, &com, info);

	if (rc)
		return rc;
	fill_info(info, &com);
	peer_community_wipe(&com);
	return 0;
}

int action_community_invite(struct action *a, struct action_community *info,
			    char *code, size_t cap)
{
	struct peer_community com;
	int rc = load_joined(a, &com, info);

	if (rc)
		return rc;
	if (cap < PEER_INVITE_MAX)
		rc = action_fail(a, KITH_EINVAL,
				 _("cannot make an invite code"));
	else
		rc = encode(a, &com, code, cap);
	if (!rc)
		fill_info(info, &com);
	peer_community_wipe(&com);
	return rc;
}

/* 1 if two community files name the same community. */
static int same_community(const struct peer_community *x,
			  const struct peer_community *y)
{
	return crdt_equal(x->key, y->key, CRDT_KEY_LEN) &&
	       x->version == y->version &&
	       crdt_equal(x->genesis, y->genesis, CRDT_HASH_LEN);
}

static int decode(struct action *a, const char *code,
		  struct peer_community *com)
{
	int rc;

	if (strlen(code) > CODE_TYPED_MAX)
		return action_fail(a, KITH_EDECODE,
				   _("that is not a kith invite code (too "
				     "long)"));
	rc = peer_invite_decode(code, com);
	if (rc == KITH_ECHECKSUM)
		return action_fail(a, rc,
				   _("invite code is mistyped (its checksum "
				     "does not match); check it letter by "
				     "letter"));
	if (rc == KITH_EVERSION)
		return action_fail(a, rc,
				   _("this invite code was made by a newer "
				     "kith; upgrade kith, then join again"));
	if (rc)
		return action_fail(a, KITH_EDECODE,
				   _("that is not a kith invite code (they "
				     "start with 'kith1')"));
	return 0;
}

int action_community_join(struct action *a, const char *code,
			  struct action_community *info, int *again)
{
	struct peer_community com, old;
	int rc;

	memset(&com, 0, sizeof com);
	memset(&old, 0, sizeof old);
	memset(info, 0, sizeof *info);
	*again = 0;
	rc = decode(a, code, &com);
	if (!rc)
		rc = action_need_identity(a);
	if (rc)
		goto out;
	rc = peer_community_load(a->home, &old);
	if (rc == 0) {
		fill_info(info, &old);
		if (same_community(&old, &com)) {
			*again = 1;
			goto out;
		}
		rc = action_fail(a, KITH_EEXISTS,
				 _("this data directory already belongs to "
				   "another community, '%s'; use another "
				   "--home DIR for a second one"),
				 info->name);
		memset(info, 0, sizeof *info);
		goto out;
	}
	if (rc != KITH_ENOCOMMUNITY) {
		rc = fail_read(a, rc);
		goto out;
	}
	rc = peer_community_save(a->home, &com);
	if (rc) {
		rc = action_fail(a, rc, _("cannot save community key: %s"),
				 _(kith_strerror(rc)));
		goto out;
	}
	fill_info(info, &com);
	rc = action_refresh(a);
out:
	peer_community_wipe(&com);
	peer_community_wipe(&old);
	return rc;
}

void action_invite_grouped(const char *code, char *out, size_t cap)
{
	size_t i, n = 0, head = !strncmp(code, "kith1", 5)	  ? 5 :
				!strncmp(code, "kithlink1", 9) ? 9 :
								 0;

	if (!cap)
		return;
	for (i = 0; code[i] && n + 2 < cap; i++) {
		if (i >= head && i > 0 && (i - head) % 4 == 0)
			out[n++] = ' ';
		out[n++] = code[i];
	}
	out[n] = 0;
}
