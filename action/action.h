/*
 * action.h - what a person can do in kith, and what they are shown: the one
 * layer under every interface.
 *
 * The command line (cli/) and the web app call this layer and nothing
 * below it for anything a person does.  Each operation - post, edit,
 * withdraw, renew an item or wish; claim, unclaim, deliver, accept,
 * confirm; request, lend, return; profile; check-in; verify; roles,
 * emergency, hide, block; join - is one function
 *
 *	int action_<group>_<verb>(struct action *a, typed arguments...,
 *				  result...);
 *
 * in action/<group>.h, returning 0 or a negative KITH_E* code.  On failure
 * a->msg holds one line for people, already translated (action/i18n.h): no
 * "kith: " prefix, no newline, the subject quoted as the person typed it.
 * Interfaces print it as it is; they never word a rule themselves.  The
 * read models interfaces show (lists, one record, roll call, hours) live
 * here too, as functions handing rows or typed structs to the caller.
 *
 * The rules here are the ones a person should hear about before anything
 * is written (whose wish this is, whether a claim still stands).  Every one
 * of them is enforced again on apply, in crdt/, for changes from any
 * carrier (crdt/rules.h, crdt/facts.h, crdt/query.h): a check made only
 * here would be a hole, since a member can sign any change.
 *
 * One struct action is one person - an identity, or nobody for reading -
 * acting on one open replica in one data directory.  It owns the replica,
 * the derived roles and the community's creator; callers read those fields
 * and never free them.  Not thread-safe: one struct per thread.
 *
 * Files: the data directory holds replica.db, the identity, the community
 * key and DIR/head (peer/keystore.h, a file module below this layer).
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_ACTION_H
#define KITH_ACTION_H

#include <stdarg.h>
#include <stdint.h>

#include "crdt/community.h"
#include "crdt/query.h"
#include "crdt/replica.h"
#include "peer/keystore.h"

#define ACTION_MSG_MAX 1024

struct action {
	char home[PEER_PATH_MAX]; /* the data directory */
	struct crdt_replica r;	  /* r.id.sk != NULL once an identity loaded */
	/* Acting for a hosted member (action/hosted.h): r.id is theirs and
	 * self our own; else self.sk is NULL. */
	struct crdt_identity self;
	/* On a linked device (DIR/member, peer/keystore.h): the member whose
	 * device r.id is; linked 0 on the member's own machine.  action_me
	 * says who acts. */
	uint8_t member[CRDT_PK_LEN];
	int linked;
	/* Whom the view counts our key as (crdt_store_key_use, at each
	 * refresh): a replacement may have made it a member's new key
	 * (action/replace.h).  me_known 0 until then. */
	uint8_t me[CRDT_PK_LEN];
	int me_known;
	struct crdt_env env;	  /* the clock (KITH_NOW) and randomness */
	uint64_t fixed_ms;	  /* a pinned clock (tests, demos), or 0 */
	int64_t now;		  /* unix seconds at open */
	int open;
	int joined;	    /* a community key is in the data directory */
	int have_community; /* ...and its creator is known (crdt/community.h) */
	uint8_t creator[32];	 /* the community's first coordinator */
	struct crdt_roles roles; /* derived at open */
	struct crdt_head head;	 /* our head as DIR/head last said */
	int head_warned;	 /* a DIR/head warning was given */
	int head_quiet;		 /* catching DIR/head up at open: no warning */
	/* Warnings for people (clock, damaged head file, posting before
	 * joining): one translated line each; NULL drops them. */
	void (*warn)(void *ctx, const char *msg);
	void *warn_ctx;
	char msg[ACTION_MSG_MAX]; /* why the last call failed */
	/* names.c's cache: names several members share (sorted), loaded on
	 * first use, dropped when the replica changes (commit, refresh) */
	char **shared;
	size_t nshared;
	int shared_loaded;
	/* What the roles, the community and those names were last derived
	 * from (action_refresh): the replica's data_version (commits of
	 * other connections), this connection's log commits, and the
	 * community file.  fresh_valid is 0 until a derivation succeeded. */
	int64_t fresh_version;
	uint64_t fresh_writes;
	uint64_t fresh_file[3]; /* inode, size, mtime in ns; 0s: none */
	int fresh_valid;
};

/* Drop what is cached from the replica (the names several members share,
 * which names.c loads); after writes. */
void action_forget(struct action *a);

/* How action_open treats the data directory. */
enum {
	ACTION_READ = 0,      /* a replica must exist; no identity needed */
	ACTION_IDENTITY = 1,  /* ...and load the identity (acting) */
	ACTION_CREATE = 2,    /* create the data directory if missing */
};

/* Zero a, set the system clock (or fixed_ms when non-zero). */
void action_init(struct action *a, uint64_t fixed_ms);

/*
 * Open the replica of the data directory home_arg (NULL: $KITH_HOME, then
 * XDG, see peer/keystore.h), derive roles and the community, and with
 * ACTION_IDENTITY load the identity.  May be called again with more flags
 * (it then only loads the identity).  A data directory that does not exist
 * is KITH_ENOTFOUND with a message naming it, unless ACTION_CREATE; in one
 * that exists, a missing replica is created (empty: reading still works,
 * and crdt/replica.h refuses a write that would fork our own log).
 */
__attribute__((warn_unused_result)) int
action_open(struct action *a, const char *home_arg, int flags);
/* Derive roles and the community again, after changes arrived from
 * elsewhere (a sync, a bundle), and read the clock again (a->now: a
 * long-running daemon's web app calls this before each page).  When
 * neither the replica (no commit by this or another connection) nor the
 * community file changed since the last derivation, only the clock is
 * read: roles and the cached names stay (a page on a 12,000-member
 * replica spent 40 % of its time re-reading the shared names). */
__attribute__((warn_unused_result)) int action_refresh(struct action *a);
/* Close; 1 if this action wrote to the replica since open. */
int action_close(struct action *a);

/* Set a->msg (printf-style, already translated by the caller) and return
 * rc. */
int action_fail(struct action *a, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* a->msg = "<what>: <why rc>" with advice for the errors people can fix
 * (a replica behind its own head, a full disk); returns rc. */
int action_fail_rc(struct action *a, int rc, const char *what);
/* Hand a warning to a->warn (printf-style). */
void action_warn(struct action *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Resolve what a person typed for a record of type rtype: a hex id prefix
 * (at least 6 characters) or, for members, a unique name.  out gets 16
 * bytes (32 for members).  KITH_EINVAL, KITH_EAMBIGUOUS or KITH_ENOTFOUND
 * with a message.
 */
__attribute__((warn_unused_result)) int
action_resolve(struct action *a, int rtype, const char *arg, uint8_t *out);

/* 0 if the acting identity holds role now, else KITH_EDENIED with
 * refusal, a whole translated sentence (_("only coordinators can hide
 * posts")). */
__attribute__((warn_unused_result)) int
action_require_role(struct action *a, int role, const char *refusal);

/*
 * Commit ops as one change of the acting identity.  seq (may be NULL)
 * gets the change's seq.  A write before joining a community warns (the
 * post stays on this machine until then).  what: the failure's subject
 * ("cannot save the wish").
 */
__attribute__((warn_unused_result)) int
action_commit(struct action *a, struct crdt_op *ops, uint32_t n,
	      uint64_t *seq, const char *what);
/* Finish op as an edit of record id and commit it. */
__attribute__((warn_unused_result)) int
action_commit_ref(struct action *a, struct crdt_op *op, const uint8_t *id,
		  const char *what);
/* The id of the record that op idx of our change seq created. */
void action_new_id(const struct action *a, uint64_t seq, uint32_t idx,
		   uint8_t id[CRDT_ID_LEN]);

/* Load the community key, bound to the community's id as bundles and
 * sessions use it (for: ACTION_KEY_BUNDLES or ACTION_KEY_SESSIONS, what
 * the refusal names); without one, KITH_ENOCOMMUNITY and how to join. */
enum { ACTION_KEY_BUNDLES, ACTION_KEY_SESSIONS };
__attribute__((warn_unused_result)) int
action_community_key(struct action *a, struct peer_community *com, int for_);

/* 0 when the acting identity is loaded, else KITH_ENOIDENT with "no
 * identity in 'DIR'" and how to make one. */
__attribute__((warn_unused_result)) int action_need_identity(struct action *a);
/* The same, and acting as ourselves (not for a hosted member): else
 * KITH_EDENIED with refusal (already translated) as a->msg. */
__attribute__((warn_unused_result)) int
action_need_self(struct action *a, const char *refusal);

/*
 * Check a text a person gave, before it is written: NULL passes; at most
 * max bytes, else too_long (translated, one %d: max); valid UTF-8, else
 * not_utf8 (translated; NULL: not checked here).  KITH_EINVAL with the
 * message, else 0.  crdt/rules.h checks again on apply.
 */
__attribute__((warn_unused_result)) int
action_check_text(struct action *a, const char *s, size_t max,
		  const char *too_long, const char *not_utf8);

/* A column of a row of crdt/query.h: its text ("" when absent or not
 * text), its integer (0 when absent or not an integer). */
const char *action_col_text(const struct crdt_row *r, const char *name);
int64_t action_col_int(const struct crdt_row *r, const char *name);

/* The member who acts (the hosted member acted for, the member a linked
 * device belongs to, else the identity): whose posts are "mine", whose
 * roles count.  Changes are still signed by r.id. */
const uint8_t *action_me(const struct action *a);
/* 1 if pk is the member who acts (action_me). */
int action_is_me(const struct action *a, const uint8_t pk[CRDT_PK_LEN]);

/*
 * The shortest prefix of hex id (at least 6 characters) that names one
 * record of type rtype in this replica, into out (cap >= 2*32+1).  Lists
 * show this so people type less.
 */
void action_short_id(struct action *a, int rtype, const char *hex, char *out,
		     size_t cap);

#endif
