/*
 * migrate.h - the replica's schema, as a numbered list of migrations.
 *
 * Internal to crdt/ (store.c runs it when a store opens).  The schema is
 * the list in migrate.c: migration i + 1 takes a file from PRAGMA
 * user_version i to i + 1, in one BEGIN IMMEDIATE transaction with the
 * version bump, so a file is always at exactly one version and a crash
 * or a second process never half-applies one.  The list is only ever
 * appended to: a migration that shipped is never edited, and a file
 * written by a newer kith (user_version beyond the list) is refused, not
 * guessed at.  store.h describes the tables the list builds.
 *
 * A new file runs the whole list; an old one the tail it lacks.  Some
 * migrations leave work for after the open (migration 8 sets meta
 * 'recheck': crdt/apply.h crdt_apply_recheck re-checks held logs and
 * rebuilds the view).
 *
 * Design: docs/DESIGN.md s2.
 */
#ifndef KITH_CRDT_MIGRATE_H
#define KITH_CRDT_MIGRATE_H

struct crdt_store;

/* The schema version this kith writes (the length of the list). */
int crdt_migrate_version(void);

/* Bring the store's file up to crdt_migrate_version(): 0, or a KITH_E*
 * code with the reason in crdt_store_errmsg (a newer file: KITH_EDB). */
__attribute__((warn_unused_result)) int crdt_migrate(struct crdt_store *s);

#endif
