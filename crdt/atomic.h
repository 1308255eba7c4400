/*
 * atomic.h - files written whole or not at all (bundles, vector files).
 *
 * crdt_atomic_open creates "path.tmp" (0644) and opens it for writing;
 * the caller writes through a->f, then crdt_atomic_commit flushes,
 * fsyncs, closes and renames the temp file over path.  Pass the writer's
 * own result as rc: when it is an error, or when any of those steps fail,
 * the temp file is removed and path is left as it was.  A full disk is
 * reported as KITH_EFULL.
 *
 * Ownership: after a successful open, the caller must call
 * crdt_atomic_commit exactly once (it closes a->f on every path); a failed
 * open leaves nothing behind.  a->path points at the caller's string,
 * which must live until the commit.
 *
 * Design: docs/DESIGN.md s4.
 */
#ifndef KITH_ATOMIC_H
#define KITH_ATOMIC_H

#include <stdio.h>

struct crdt_atomic {
	FILE *f;
	const char *path;
	char tmp[4096]; /* path.tmp */
};

/* KITH_EINVAL if path is too long, else a negative errno on failure. */
__attribute__((warn_unused_result)) int
crdt_atomic_open(struct crdt_atomic *a, const char *path);
/* Returns rc when it is an error, else the result of finishing the file. */
__attribute__((warn_unused_result)) int
crdt_atomic_commit(struct crdt_atomic *a, int rc);

#endif
