/*
 * backup.h - keeping a member's keys safe off the machine, and bringing
 * them back on a new one (kith backup, kith restore; the file:
 * peer/backup.h).
 *
 * A backup holds the identity, its head, the community file and every
 * hosted neighbour's key and head, under a passphrase the person chooses
 * (at least ACTION_PASS_MIN characters).  Restoring puts them into a data
 * directory that has no identity yet; the heads come along, so the
 * restored machine refuses to write (crdt/replica.h, KITH_EBEHIND) until
 * its replica holds the member's own changes up to them - from a
 * neighbour (kith sync) or a bundle (kith import) - and then goes on with
 * the next seq: the member's log never forks.
 *
 * Rules, each a refusal with one line in a->msg that writes nothing:
 *   - a passphrase shorter than ACTION_PASS_MIN characters (backup);
 *   - backing up while acting for a hosted neighbour (--as);
 *   - restoring where an identity is already (another member's, or
 *     this one's: restore into a new data directory), or a data
 *     directory joined to another community;
 *   - a wrong passphrase, or a file changed or damaged (the two look the
 *     same), cut short, not a backup at all, or made by a later kith
 *     ("upgrade kith").
 * The passphrase itself is the interface's to gather (never from the
 * command line); this layer takes its bytes and keeps no copy.
 */
#ifndef KITH_ACTION_BACKUP_H
#define KITH_ACTION_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#include "action.h"
#include "peer/backup.h"

#define ACTION_PASS_MIN 8    /* characters (UTF-8 code points) */
#define ACTION_PASS_MAX 1024 /* bytes */

/* What a backup holds, for the person to hear. */
struct action_backup_info {
	char hex[2 * CRDT_PK_LEN + 1]; /* the identity */
	uint64_t seq;		       /* its head: changes to get back */
	size_t nhosted;		       /* neighbours hosted */
	char community[PEER_NAME_MAX + 1]; /* "" when none joined */
};

/* 0 when pass (NUL-terminated) is long enough for a new backup, else
 * KITH_EINVAL with a->msg. */
__attribute__((warn_unused_result)) int
action_pass_check(struct action *a, const char *pass);

/* 0 when a may make a backup (its own identity loaded, acting as
 * itself), else the refusal with a->msg: asked before the passphrase. */
__attribute__((warn_unused_result)) int action_backup_ready(struct action *a);

/*
 * Make the backup of a's data directory (a opened with ACTION_IDENTITY,
 * acting as itself) under pass: *out (malloc'd; the caller writes it and
 * frees it) and *len, and what it holds into info.  A hosted key that
 * does not open refuses the whole backup (it names them).
 */
__attribute__((warn_unused_result)) int
action_backup(struct action *a, const char *pass, uint8_t **out, size_t *len,
	      struct action_backup_info *info);

/* A backup file read for restoring, checked before a passphrase is asked
 * for. */
struct action_restore {
	char path[PEER_PATH_MAX];
	uint8_t *data;
	size_t len;
};

/*
 * Read the backup at path for restoring into the data directory home_arg
 * (as action_open finds it; it need not exist yet: nothing is created
 * here).  Refuses, with a->msg: an identity already there, a file that
 * cannot be read or is no backup this kith opens.  r is released with
 * action_restore_release on every path.
 */
__attribute__((warn_unused_result)) int
action_restore_open(struct action *a, const char *home_arg, const char *path,
		    struct action_restore *r);
/*
 * Open r with pass and put it into the data directory (created now, 0700,
 * when missing).  info gets what was restored.  A wrong passphrase or a
 * changed file writes nothing.
 */
__attribute__((warn_unused_result)) int
action_restore(struct action *a, struct action_restore *r, const char *pass,
	       struct action_backup_info *info);
void action_restore_release(struct action_restore *r);

#endif
