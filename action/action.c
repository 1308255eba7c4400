/*
 * action.c - opening a data directory, messages, resolving what people
 * type, committing (see action.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "action.h"
#include "crdt/err.h"
#include "crdt/rules.h"
#include "crdt/schema.h"
#include "i18n.h"
#include "names.h"

void action_init(struct action *a, uint64_t fixed_ms)
{
	memset(a, 0, sizeof *a);
	a->env = crdt_env_system;
	a->fixed_ms = fixed_ms;
}

int action_fail(struct action *a, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->msg, sizeof a->msg, fmt, ap);
	va_end(ap);
	return rc;
}

void action_warn(struct action *a, const char *fmt, ...)
{
	char buf[ACTION_MSG_MAX];
	va_list ap;

	if (!a->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	a->warn(a->warn_ctx, buf);
}

static uint64_t action_now_ms(void *ctx)
{
	struct action *a = ctx;

	return a->fixed_ms ? a->fixed_ms : crdt_env_system.now_ms(NULL);
}

/* The keeper of DIR/head (crdt/replica.h, peer/keystore.h). */
static int head_load(void *ctx, const uint8_t pk[CRDT_PK_LEN],
		     struct crdt_head *h)
{
	struct action *a = ctx;
	int rc = peer_head_load(a->home, pk, h);

	if (rc == KITH_EDECODE) {
		/* the replica is the truth then; a new file follows */
		if (!a->head_warned)
			action_warn(a, _("'%s/head' is damaged; taking this "
					 "replica as the truth"),
				    a->home);
		a->head_warned = 1;
		rc = KITH_ENOTFOUND;
	}
	a->head = rc ? (struct crdt_head){ 0 } : *h;
	return rc;
}

static int head_save(void *ctx, const uint8_t pk[CRDT_PK_LEN],
		     const struct crdt_head *h)
{
	struct action *a = ctx;
	int rc = peer_head_save(a->home, pk, h);

	if (rc && !a->head_warned && !a->head_quiet)
		action_warn(a, _("cannot record your change #%llu in "
				 "'%s/head': %s"),
			    (unsigned long long)h->seq, a->home,
			    _(kith_strerror(rc)));
	if (rc && !a->head_quiet)
		a->head_warned = 1;
	return rc;
}

/* Days are enough: a clock that far behind is wrong, not skewed. */
#define CLOCK_BEHIND_MS (86400ull * 1000)

static void format_day(char *out, size_t cap, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm) || !strftime(out, cap, "%Y-%m-%d", &tm))
		snprintf(out, cap, "?");
}

/* Warn when the clock is far behind the newest stamp this replica has
 * seen (a Raspberry Pi without a real-time clock after a power cut):
 * crdt/replica.h stamps from that newest stamp on. */
static void check_clock(struct action *a)
{
	uint64_t newest, now_ms = action_now_ms(a);
	char now_s[32], seen_s[32];

	if (crdt_replica_newest_hlc(&a->r, &newest))
		return;
	newest >>= 16;
	if (newest <= now_ms + CLOCK_BEHIND_MS)
		return;
	format_day(now_s, sizeof now_s, (int64_t)(now_ms / 1000));
	format_day(seen_s, sizeof seen_s, (int64_t)(newest / 1000));
	action_warn(a, _("this computer's clock says %s, %llu days behind "
			 "the newest change seen (%s); posts are stamped just "
			 "after that change; set the clock"),
		    now_s, (unsigned long long)((newest - now_ms) / 86400000),
		    seen_s);
}

/* Whom our key writes as: the member of DIR/member on a linked device
 * (its claim may not be here yet), else our key; then whoever a
 * replacement made that key's member (crdt_store_key_use). */
static int find_me(struct action *a)
{
	struct crdt_key_use u;
	int rc;

	a->me_known = 0;
	if (!a->r.id.sk || a->self.sk)
		return 0;
	rc = crdt_store_key_use(a->r.store, a->linked ? a->member : a->r.id.pk,
				&u);
	if (rc)
		return action_fail_rc(a, rc, _("cannot read roles"));
	memcpy(a->me, u.who, CRDT_PK_LEN);
	a->me_known = 1;
	return 0;
}

/* The community file and its creator, then roles. */
static int load_community(struct action *a)
{
	struct peer_community com;
	int rc;

	if (peer_community_load(a->home, &com) == 0) {
		a->joined = 1;
		/* version 2: the creator signed the genesis change the code
		 * names; unknown until the replica holds it */
		if (com.version == 1) {
			memcpy(a->creator, com.creator, 32);
			a->have_community = 1;
		} else if (crdt_genesis_author(a->r.store, com.genesis,
					       a->creator) == 0) {
			a->have_community = 1;
		}
		peer_community_wipe(&com);
	}
	rc = crdt_community_refresh(a->r.store,
				    a->have_community ? a->creator : NULL,
				    &a->roles);
	if (rc)
		return action_fail_rc(a, rc, _("cannot read roles"));
	return find_me(a);
}

/* What roles, community and the cached names are derived from, now:
 * 0, or non-zero when it cannot be told (then derive again). */
static int fresh_key(struct action *a, int64_t *version, uint64_t *writes,
		     uint64_t file[3])
{
	char path[PEER_PATH_MAX];
	struct stat st;

	memset(file, 0, 3 * sizeof *file);
	if (!a->r.store || crdt_store_data_version(a->r.store, version))
		return -1;
	*writes = crdt_store_log_writes(a->r.store);
	if (peer_path(path, sizeof path, a->home, "community"))
		return -1;
	if (stat(path, &st) == 0) {
		file[0] = (uint64_t)st.st_ino;
		file[1] = (uint64_t)st.st_size;
		file[2] = (uint64_t)st.st_mtim.tv_sec * 1000000000u +
			  (uint64_t)st.st_mtim.tv_nsec;
	} else if (errno != ENOENT) {
		return -1;
	}
	return 0;
}

int action_refresh(struct action *a)
{
	int64_t version = 0;
	uint64_t writes = 0, file[3];
	int known, rc;

	a->now = (int64_t)(action_now_ms(a) / 1000);
	known = fresh_key(a, &version, &writes, file) == 0;
	if (known && a->fresh_valid && version == a->fresh_version &&
	    writes == a->fresh_writes &&
	    !memcmp(file, a->fresh_file, sizeof file))
		return 0; /* nothing they come from changed */
	a->fresh_valid = 0;
	action_forget(a);
	crdt_roles_release(&a->roles);
	a->joined = a->have_community = 0;
	rc = load_community(a);
	if (!rc && known) {
		a->fresh_version = version;
		a->fresh_writes = writes;
		memcpy(a->fresh_file, file, sizeof file);
		a->fresh_valid = 1;
	}
	return rc;
}

static int open_replica(struct action *a, const char *home_arg, int flags)
{
	char path[PEER_PATH_MAX];
	struct stat st;
	int rc, fd;

	if (peer_home(home_arg, a->home, sizeof a->home))
		return action_fail(a, KITH_EINVAL,
				   _("cannot find a data directory; use --home "
				     "DIR"));
	if (peer_path(path, sizeof path, a->home, "replica.db"))
		return action_fail(a, KITH_EINVAL,
				   _("data directory path is too long"));
	/* a mistyped --home must not become an empty community of one */
	if (!(flags & ACTION_CREATE) && stat(a->home, &st))
		return action_fail(a, KITH_ENOTFOUND,
				   _("no kith data directory '%s'; run 'kith "
				     "init --name YOUR_NAME' to start, or give "
				     "the right --home DIR"),
				   a->home);
	rc = peer_home_ensure(a->home);
	if (rc)
		return action_fail(a, rc,
				   _("cannot create data directory '%s': %s"),
				   a->home, _(kith_strerror(rc)));
	/* a new replica is created 0600 here, whatever the umask; SQLite
	 * gives its -wal and -shm the mode of the database file */
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	a->env.now_ms = action_now_ms;
	a->env.ctx = a;
	a->now = (int64_t)(action_now_ms(a) / 1000);
	rc = crdt_replica_open(&a->r, path, &a->env);
	if (rc)
		return action_fail(a, rc, _("cannot open replica '%s': %s"),
				   path, crdt_store_open_errmsg());
	a->open = 1;
	a->r.keeper.load = head_load;
	a->r.keeper.save = head_save;
	a->r.keeper.ctx = a;
	check_clock(a);
	return load_community(a);
}

int action_open(struct action *a, const char *home_arg, int flags)
{
	int rc;

	if (!a->open) {
		rc = open_replica(a, home_arg, flags);
		if (rc)
			return rc;
	}
	if (!(flags & ACTION_IDENTITY) || a->r.id.sk)
		return 0;
	rc = peer_identity_load(a->home, &a->r.id);
	if (rc == KITH_ENOIDENT)
		return action_fail(a, rc,
				   _("no identity in '%s'; run 'kith init "
				     "--name YOUR_NAME' first"),
				   a->home);
	if (rc)
		return action_fail(a, rc,
				   _("cannot read identity in '%s': %s"),
				   a->home, _(kith_strerror(rc)));
	rc = peer_member_load(a->home, a->member);
	if (rc && rc != KITH_ENOTFOUND)
		return action_fail(a, rc,
				   _("cannot read '%s/member' (which member "
				     "this device belongs to): %s"),
				   a->home, _(kith_strerror(rc)));
	a->linked = rc == 0;
	/* first open of an identity without DIR/head, or after a crash
	 * between a commit and its record: record the replica's head (never
	 * over a record this replica does not hold), quietly: on a full disk
	 * this would repeat on every command; a new change that cannot be
	 * recorded still warns.  Reads and refusals still work without. */
	a->head_quiet = 1;
	rc = crdt_replica_keep_head(&a->r);
	a->head_quiet = 0;
	(void)rc;
	/* whom the key writes as: open_replica asked before there was one */
	return find_me(a);
}

int action_close(struct action *a)
{
	int wrote = 0;

	if (a->open) {
		wrote = crdt_replica_wrote(&a->r);
		crdt_replica_close(&a->r);
	}
	crdt_identity_release(&a->self);
	a->open = 0;
	action_forget(a);
	crdt_roles_release(&a->roles);
	return wrote;
}

/* The refusal of a write while the replica lacks our own head. */
static int fail_behind(struct action *a)
{
	struct crdt_head h;

	if (crdt_replica_own_head(&a->r, &h, NULL, NULL) == 0 &&
	    h.seq >= a->head.seq)
		return action_fail(a, KITH_EBEHIND,
				   _("this replica holds a different change "
				     "#%llu of yours from the one this machine "
				     "made (a "
				     "copied identity?); sync with a "
				     "neighbour (kith sync ADDR) or import a "
				     "bundle before writing"),
				   (unsigned long long)a->head.seq);
	if (a->self.sk) {
		struct action_person p;

		/* acting for a hosted neighbour (action/hosted.h) */
		action_person(a, action_me(a), &p);
		return action_fail(a, KITH_EBEHIND,
				   _("this replica is missing the earlier "
				     "changes of %s, whom you act for (up to "
				     "#%llu); sync with a neighbour (kith "
				     "sync ADDR) or import a bundle before "
				     "writing"),
				   p.label, (unsigned long long)a->head.seq);
	}
	return action_fail(a, KITH_EBEHIND,
			   _("this replica is missing your own earlier changes "
			     "(up to #%llu); sync with a neighbour (kith sync "
			     "ADDR), import a bundle or restore a backup "
			     "before writing"),
			   (unsigned long long)a->head.seq);
}

int action_fail_rc(struct action *a, int rc, const char *what)
{
	if (rc == KITH_EBEHIND)
		return fail_behind(a);
	if (rc == KITH_EDB || rc == KITH_EBUSY || rc == KITH_EFULL ||
	    rc == KITH_EIO)
		return action_fail(a, rc, "%s: %s (%s)", what,
				   _(kith_strerror(rc)),
				   crdt_store_errmsg(a->r.store));
	return action_fail(a, rc, "%s: %s", what, _(kith_strerror(rc)));
}

int action_resolve(struct action *a, int rtype, const char *arg, uint8_t *out)
{
	int rc = crdt_resolve(a->r.store, rtype, arg, out);

	switch (rc) {
	case 0:
		return 0;
	case KITH_EINVAL:
		return action_fail(a, rc,
				   _("id '%s' is too short; give at least 6 "
				     "characters"),
				   arg);
	case KITH_EAMBIGUOUS:
		if (rtype == CRDT_R_MEMBER)
			return action_fail(a, rc,
					   _("'%s' matches several members; "
					     "use their id (see 'kith "
					     "members')"),
					   arg);
		return action_fail(a, rc,
				   _("id '%s' matches several records; give "
				     "more characters"),
				   arg);
	case KITH_ENOTFOUND:
		switch (rtype) {
		case CRDT_R_MEMBER:
			return action_fail(a, rc,
					   _("no member '%s' (see 'kith "
					     "members')"),
					   arg);
		case CRDT_R_WISH:
			return action_fail(a, rc,
					   _("no wish with id '%s' (see 'kith "
					     "wish list')"),
					   arg);
		case CRDT_R_ITEM:
			return action_fail(a, rc,
					   _("no item with id '%s' (see 'kith "
					     "item list')"),
					   arg);
		case CRDT_R_CLAIM:
			return action_fail(a, rc,
					   _("no offer with id '%s'"), arg);
		case CRDT_R_LOAN:
			return action_fail(a, rc,
					   _("no loan with id '%s'"), arg);
		default:
			return action_fail(a, rc, _("no record with id '%s'"),
					   arg);
		}
	default:
		return action_fail_rc(a, rc, _("cannot look up id"));
	}
}

int action_require_role(struct action *a, int role, const char *refusal)
{
	if (a->r.id.sk && crdt_roles_has(&a->roles, action_me(a), role))
		return 0;
	return action_fail(a, KITH_EDENIED, "%s", refusal);
}

/* Refused: our key's next change would not be shown, as its member
 * removed this device or a coordinator replaced the key. */
static int writes_count(struct action *a)
{
	struct crdt_key_use u;
	struct crdt_author au;

	if (a->self.sk ||
	    crdt_store_key_use(a->r.store, a->r.id.pk, &u) ||
	    u.after == UINT64_MAX ||
	    crdt_store_author(a->r.store, a->r.id.pk, 0, &au) ||
	    au.head < u.after)
		return 0;
	if (u.removed && !u.replaced)
		return action_fail(a, KITH_EDENIED,
				   _("this device was removed from your "
				     "member (nothing it writes is shown): "
				     "link it again with a new code from "
				     "'kith device add'"));
	return action_fail(a, KITH_EDENIED,
			   _("a coordinator replaced this machine's key (it "
			     "was reported lost): nothing it writes is "
			     "shown. Use your new machine, or link this one "
			     "again from it with 'kith device add'"));
}

int action_commit(struct action *a, struct crdt_op *ops, uint32_t n,
		  uint64_t *seq, const char *what)
{
	int rc;

	rc = writes_count(a);
	if (rc)
		return rc;
	rc = crdt_replica_commit(&a->r, ops, n, seq);

	action_forget(a); /* a profile may have a new name */
	if (rc)
		return action_fail_rc(a, rc, what);
	if (!a->joined)
		action_warn(a, _("you have not joined a community yet: this "
				 "stays on your machine until you do ('kith "
				 "community join CODE')"));
	return 0;
}

int action_commit_ref(struct action *a, struct crdt_op *op, const uint8_t *id,
		      const char *what)
{
	memcpy(op->target, id, CRDT_ID_LEN);
	op->target_len = CRDT_ID_LEN;
	if (crdt_op_finish(op))
		return action_fail(a, KITH_EINVAL, "%s: %s", what,
				   _(kith_strerror(KITH_EINVAL)));
	return action_commit(a, op, 1, NULL, what);
}

void action_new_id(const struct action *a, uint64_t seq, uint32_t idx,
		   uint8_t id[CRDT_ID_LEN])
{
	crdt_record_id(id, a->r.id.pk, seq, idx);
}

int action_community_key(struct action *a, struct peer_community *com, int for_)
{
	int rc = peer_community_load(a->home, com);

	if (rc == KITH_ENOCOMMUNITY && for_ == ACTION_KEY_BUNDLES)
		return action_fail(a, rc,
				   _("you have not joined a community; bundles "
				     "are encrypted with its key ('kith "
				     "community join CODE')"));
	if (rc == KITH_ENOCOMMUNITY)
		return action_fail(a, rc,
				   _("you have not joined a community; "
				     "sessions are encrypted with its key "
				     "('kith community join CODE')"));
	if (rc)
		return action_fail(a, rc, _("cannot read community key: %s"),
				   _(kith_strerror(rc)));
	/* what bundles and sessions use: bound to the genesis id */
	peer_community_wire_key(com, com->key);
	return 0;
}

int action_need_identity(struct action *a)
{
	if (a->r.id.sk)
		return 0;
	return action_fail(a, KITH_ENOIDENT,
			   _("no identity in '%s'; run 'kith init --name "
			     "YOUR_NAME' first"),
			   a->home);
}

int action_need_self(struct action *a, const char *refusal)
{
	int rc = action_need_identity(a);

	if (rc)
		return rc;
	if (a->self.sk)
		return action_fail(a, KITH_EDENIED, "%s", refusal);
	return 0;
}

int action_check_text(struct action *a, const char *s, size_t max,
		      const char *too_long, const char *not_utf8)
{
	size_t n;

	if (!s)
		return 0;
	n = strlen(s);
	if (n > max)
		return action_fail(a, KITH_EINVAL, too_long, (int)max);
	if (not_utf8 && !crdt_utf8_valid((const uint8_t *)s, n))
		return action_fail(a, KITH_EINVAL, "%s", not_utf8);
	return 0;
}

const char *action_col_text(const struct crdt_row *r, const char *name)
{
	const struct crdt_col *c = crdt_row_get(r, name);

	return c && c->type == CRDT_COL_TEXT && c->s ? c->s : "";
}

int64_t action_col_int(const struct crdt_row *r, const char *name)
{
	const struct crdt_col *c = crdt_row_get(r, name);

	return c && c->type == CRDT_COL_INT ? c->i : 0;
}

const uint8_t *action_me(const struct action *a)
{
	if (a->self.sk)
		return a->r.id.pk; /* acting for a hosted member */
	if (a->me_known)
		return a->me;
	return a->linked ? a->member : a->r.id.pk;
}

int action_is_me(const struct action *a, const uint8_t pk[CRDT_PK_LEN])
{
	/* public keys, compared to tell whose a post is */
	return a->r.id.sk && crdt_equal(pk, action_me(a), CRDT_PK_LEN);
}

void action_forget(struct action *a)
{
	size_t i;

	for (i = 0; i < a->nshared; i++)
		free(a->shared[i]);
	free(a->shared);
	a->shared = NULL;
	a->nshared = 0;
	a->shared_loaded = 0;
}

void action_short_id(struct action *a, int rtype, const char *hex, char *out,
		     size_t cap)
{
	uint8_t id[CRDT_PK_LEN];
	char pre[2 * CRDT_PK_LEN + 1];
	size_t len = strlen(hex), n;

	/* the shortest prefix from 6 characters on that names one record;
	 * a few lookups of an indexed range each */
	for (n = 6; n < len; n++) {
		memcpy(pre, hex, n);
		pre[n] = 0;
		if (crdt_resolve(a->r.store, rtype, pre, id) == 0)
			break;
	}
	snprintf(out, cap, "%.*s", (int)n, hex);
}
