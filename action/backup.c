/*
 * backup.c - kith backup and kith restore: the rules and the messages
 * (see backup.h; the file is peer/backup.c's).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backup.h"
#include "crdt/codec.h"
#include "crdt/err.h"
#include "hosted.h"
#include "i18n.h"
#include "peer/backup.h"
#include "peer/hosted.h"

int action_pass_check(struct action *a, const char *pass)
{
	size_t n = 0, bytes = strlen(pass), i;

	if (bytes > ACTION_PASS_MAX)
		return action_fail(a, KITH_EINVAL,
				   _("the passphrase is too long (at most %d "
				     "bytes)"),
				   ACTION_PASS_MAX);
	/* characters, not bytes: eight Chinese characters are a passphrase */
	for (i = 0; i < bytes; i++)
		if (((unsigned char)pass[i] & 0xc0) != 0x80)
			n++;
	if (n < ACTION_PASS_MIN)
		return action_fail(a, KITH_EINVAL,
				   _("the passphrase is too short: use at "
				     "least %d characters (a few words you "
				     "will remember are best)"),
				   ACTION_PASS_MIN);
	return 0;
}

/* The head to carry for the identity a acts as now: the replica's own
 * when it holds the record kept outside it (it is at least as far),
 * else the record (this replica is behind: the record is what counts). */
static int head_now(struct action *a, struct crdt_head *out)
{
	struct crdt_head h, rec;
	int held = 0, rc;

	rc = crdt_replica_own_head(&a->r, &h, &rec, &held);
	if (rc)
		return rc;
	*out = held ? h : rec;
	return 0;
}

struct pk_list {
	uint8_t (*v)[CRDT_PK_LEN];
	size_t n, cap;
};

static int pk_add(void *ctx, const uint8_t pk[CRDT_PK_LEN])
{
	struct pk_list *l = ctx;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		uint8_t (*v)[CRDT_PK_LEN];

		if (cap > PEER_BACKUP_HOSTED_MAX + 1)
			return KITH_ETOOBIG;
		v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return KITH_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	memcpy(l->v[l->n++], pk, CRDT_PK_LEN);
	return 0;
}

static void community_name(const struct peer_backup *b, char *out, size_t cap)
{
	struct peer_community c;

	out[0] = 0;
	if (b->community_len &&
	    peer_community_parse(b->community, b->community_len, &c) == 0)
		snprintf(out, cap, "%s", c.name);
	peer_community_wipe(&c);
}

static void fill_info(const struct peer_backup *b,
		      struct action_backup_info *info)
{
	memset(info, 0, sizeof *info);
	crdt_hex(info->hex, b->self.pk, CRDT_PK_LEN);
	info->seq = b->self.head.seq;
	info->nhosted = b->nhosted;
	community_name(b, info->community, sizeof info->community);
}

/* Each hosted member's key and head into b (acting as each in turn). */
static int add_hosted(struct action *a, struct peer_backup *b)
{
	struct pk_list l = { NULL, 0, 0 };
	struct crdt_head h;
	char hex[2 * CRDT_PK_LEN + 1];
	size_t i;
	int rc;

	rc = peer_hosted_each(a->home, pk_add, &l);
	if (rc) {
		free(l.v);
		return action_fail(a, rc,
				   _("cannot read the neighbours hosted in "
				     "'%s/hosted': %s; no backup was made"),
				   a->home, _(kith_strerror(rc)));
	}
	for (i = 0; !rc && i < l.n; i++) {
		crdt_hex(hex, l.v[i], CRDT_PK_LEN);
		rc = action_act_as_pk(a, l.v[i]);
		if (rc == KITH_ECRYPT || rc == KITH_EDECODE) {
			/* not under our key (copied from another machine,
			 * damaged): it could not be restored anyway */
			action_warn(a,
				    _("the key file of neighbour %.8s in "
				      "'%s/hosted' does not open with your "
				      "key (%s); it is left out of the "
				      "backup"),
				    hex, a->home, _(kith_strerror(rc)));
			rc = 0;
			continue;
		}
		if (rc) {
			rc = action_fail(a, rc,
					 _("cannot open the key of the "
					   "neighbour %.8s hosted here: %s; "
					   "no backup was made"),
					 hex, _(kith_strerror(rc)));
			break;
		}
		rc = head_now(a, &h);
		if (!rc)
			rc = peer_backup_add_hosted(b, &a->r.id, &h);
		action_act_self(a);
		if (rc)
			rc = action_fail_rc(a, rc, _("cannot make the backup"));
	}
	free(l.v);
	return rc;
}

int action_backup_ready(struct action *a)
{
	int rc = action_need_identity(a);

	if (rc)
		return rc;
	if (action_acting_as(a))
		return action_fail(a, KITH_EDENIED,
				   _("a backup is made by you, not for someone "
				     "you act for: it holds their keys too "
				     "(leave out --as)"));
	return 0;
}

int action_backup(struct action *a, const char *pass, uint8_t **out, size_t *len,
		  struct action_backup_info *info)
{
	uint8_t rnd[PEER_BACKUP_RANDOM_LEN];
	struct peer_backup b;
	struct crdt_head h;
	int rc;

	*out = NULL;
	*len = 0;
	rc = action_backup_ready(a);
	if (!rc)
		rc = action_pass_check(a, pass);
	if (rc)
		return rc;
	peer_backup_init(&b);
	rc = head_now(a, &h);
	if (rc) {
		rc = action_fail_rc(a, rc, _("cannot make the backup"));
		goto out;
	}
	peer_backup_set_self(&b, &a->r.id, &h);
	rc = peer_backup_community(&b, a->home);
	if (rc) {
		rc = action_fail(a, rc,
				 _("cannot read the community key in '%s': "
				   "%s; no backup was made"),
				 a->home, _(kith_strerror(rc)));
		goto out;
	}
	rc = add_hosted(a, &b);
	if (rc)
		goto out;
	a->env.random(a->env.ctx, rnd, sizeof rnd);
	rc = peer_backup_seal(&b, pass, strlen(pass), &CRDT_PWHASH_DEFAULT,
			      rnd, out, len);
	if (rc == KITH_ENOMEM)
		rc = action_fail(a, rc,
				 _("not enough memory to protect the backup "
				   "with the passphrase (it needs 256 MiB "
				   "free); close other programs and try "
				   "again"));
	else if (rc)
		rc = action_fail_rc(a, rc, _("cannot make the backup"));
	else
		fill_info(&b, info);
out:
	crdt_wipe(rnd, sizeof rnd);
	peer_backup_release(&b);
	return rc;
}

void action_restore_release(struct action_restore *r)
{
	free(r->data);
	memset(r, 0, sizeof *r);
}

/* The refusal of a file peer_backup_check or _open did not take. */
static int bad_file(struct action *a, const char *path, int rc)
{
	switch (rc) {
	case KITH_EVERSION:
		return action_fail(a, rc,
				   _("'%s' was made by a newer version of "
				     "kith; upgrade kith to restore it"),
				   path);
	case KITH_ETRUNCATED:
		return action_fail(a, rc,
				   _("'%s' is cut short (truncated); copy the "
				     "backup again, nothing was restored"),
				   path);
	case KITH_ECRYPT:
		return action_fail(a, rc,
				   _("cannot open '%s': wrong passphrase, or "
				     "the file was changed or damaged; nothing "
				     "was restored"),
				   path);
	case KITH_ENOMEM:
		return action_fail(a, rc,
				   _("not enough memory to open '%s' with the "
				     "passphrase; close other programs and try "
				     "again"),
				   path);
	default:
		return action_fail(a, rc,
				   _("'%s' is not a kith backup, or it is "
				     "damaged; nothing was restored"),
				   path);
	}
}

/* The refusal to restore over an identity. */
static int identity_here(struct action *a)
{
	return action_fail(a, KITH_EEXISTS,
			   _("there is already an identity in '%s'; restore "
			     "into a new data directory (--home DIR)"),
			   a->home);
}

int action_restore_open(struct action *a, const char *home_arg, const char *path,
			struct action_restore *r)
{
	char id[PEER_PATH_MAX];
	int rc;

	memset(r, 0, sizeof *r);
	snprintf(r->path, sizeof r->path, "%s", path);
	if (peer_home(home_arg, a->home, sizeof a->home))
		return action_fail(a, KITH_EINVAL,
				   _("cannot find a data directory; use --home "
				     "DIR"));
	if (peer_path(id, sizeof id, a->home, "identity"))
		return action_fail(a, KITH_EINVAL,
				   _("data directory path is too long"));
	if (access(id, F_OK) == 0)
		return identity_here(a);
	rc = peer_backup_read(path, &r->data, &r->len);
	if (rc == KITH_ENOTFOUND)
		return action_fail(a, rc, _("no file '%s'"), path);
	if (rc == KITH_ETOOBIG || rc == KITH_EDECODE)
		return bad_file(a, path, KITH_EDECODE);
	if (rc)
		return action_fail(a, rc, _("cannot read '%s': %s"), path,
				   _(kith_strerror(rc)));
	rc = peer_backup_check(r->data, r->len);
	if (rc)
		return bad_file(a, path, rc);
	return 0;
}

int action_restore(struct action *a, struct action_restore *r, const char *pass,
		   struct action_backup_info *info)
{
	struct peer_backup b;
	int rc;

	rc = peer_backup_open(r->data, r->len, pass, strlen(pass), &b);
	if (rc)
		return bad_file(a, r->path, rc);
	rc = peer_home_ensure(a->home);
	if (rc) {
		rc = action_fail(a, rc,
				 _("cannot create data directory '%s': %s"),
				 a->home, _(kith_strerror(rc)));
		goto out;
	}
	rc = peer_backup_fits(a->home, &b);
	if (rc == KITH_ECOMMUNITY) {
		rc = action_fail(a, rc,
				 _("'%s' has joined another community; "
				   "restore into a new data directory (--home "
				   "DIR)"),
				 a->home);
		goto out;
	}
	if (rc == KITH_EEXISTS) {
		char id[PEER_PATH_MAX];

		if (peer_path(id, sizeof id, a->home, "identity") == 0 &&
		    access(id, F_OK) == 0)
			rc = identity_here(a);
		else
			rc = action_fail(a, rc,
					 _("'%s/hosted' keeps another key for a "
					   "neighbour in this backup; restore "
					   "into a new data directory (--home "
					   "DIR)"),
					 a->home);
		goto out;
	}
	if (rc) {
		rc = action_fail(a, rc, _("cannot restore into '%s': %s"),
				 a->home, _(kith_strerror(rc)));
		goto out;
	}
	rc = peer_backup_restore(a->home, &b);
	if (rc == KITH_EEXISTS)
		rc = identity_here(a); /* another kith got there first */
	else if (rc)
		rc = action_fail(a, rc,
				 _("cannot restore into '%s': %s; fix that and "
				   "run 'kith restore' again"),
				 a->home, _(kith_strerror(rc)));
	else
		fill_info(&b, info);
out:
	peer_backup_release(&b);
	return rc;
}
