/*
 * testlib.h - helpers shared by the cmocka unit tests (tests/unit/) and the
 * convergence property test (tests/prop/).
 *
 * Everything here is deterministic: replicas get a fake clock and a seeded
 * random source (struct tl_env) instead of the wall clock and libsodium's
 * randombytes, identities are derived from small integer seeds, and nothing
 * depends on the order in which SQLite hands out author numbers.
 *
 * Ownership:
 *   - struct tl_fixture owns a temporary directory and every replica opened
 *     through tl_open(); tl_fixture_free() closes them and removes the
 *     directory recursively, so a failing test (cmocka longjmps out of it)
 *     still cleans up when the fixture is released in a teardown.
 *   - struct tl_changes owns copies of raw "body sig" blobs; tl_changes_free
 *     releases them.
 *
 * Names are prefixed tl_ ("test library").  Helpers that can fail return 0
 * or a negative KITH_E* code like the code under test; the TL_OK / TL_RC /
 * TL_CHECK macros turn those into cmocka failures whose message says what
 * was expected.
 */
#ifndef KITH_TESTLIB_H
#define KITH_TESTLIB_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "crdt/apply.h"
#include "crdt/change.h"
#include "crdt/crypto.h"
#include "crdt/err.h"
#include "crdt/replica.h"
#include "crdt/schema.h"
#include "crdt/store.h"

/* ---- assertions ------------------------------------------------------- */

/* Fail with a printf-style message unless cond holds. */
#define TL_CHECK(cond, ...)                                                   \
	do {                                                                  \
		if (!(cond))                                                  \
			fail_msg(__VA_ARGS__);                                \
	} while (0)

/* expr must return 0. */
#define TL_OK(expr)                                                           \
	do {                                                                  \
		int tl_rc_ = (expr);                                          \
		if (tl_rc_ != 0)                                              \
			fail_msg("%s: expected success, got %d (%s)", #expr,  \
				 tl_rc_, kith_strerror(tl_rc_));              \
	} while (0)

/* expr must return exactly want. */
#define TL_RC(expr, want)                                                     \
	do {                                                                  \
		int tl_rc_ = (expr), tl_want_ = (want);                       \
		if (tl_rc_ != tl_want_)                                       \
			fail_msg("%s: expected %d (%s), got %d (%s)", #expr,  \
				 tl_want_, kith_strerror(tl_want_), tl_rc_,   \
				 kith_strerror(tl_rc_));                      \
	} while (0)

/* Two unsigned counters must be equal. */
#define TL_EQ(got, want, what)                                                \
	do {                                                                  \
		unsigned long long tl_g_ = (unsigned long long)(got);         \
		unsigned long long tl_w_ = (unsigned long long)(want);        \
		if (tl_g_ != tl_w_)                                           \
			fail_msg("%s: expected %llu, got %llu", (what), tl_w_, \
				 tl_g_);                                      \
	} while (0)

/* Hex of up to 64 bytes in one of 8 rotating static buffers (messages). */
const char *tl_hex(const void *p, size_t n);

/* ---- deterministic environment ---------------------------------------- */

/* 2024-01-01 00:00:00 UTC in milliseconds: the default fake "now". */
#define TL_EPOCH_MS 1704067200000ull

/*
 * A fake clock and a splitmix64 random source.  now_ms is returned by the
 * next clock read and then advanced by step_ms; tests may set both at any
 * time.
 */
struct tl_env {
	uint64_t now_ms;
	uint64_t step_ms;
	uint64_t rng;
};

void tl_env_init(struct tl_env *e, uint64_t seed);
/* A struct crdt_env that reads e (which must outlive every user). */
struct crdt_env tl_env_crdt(struct tl_env *e);
uint64_t tl_rand(struct tl_env *e);
/* Uniform in [0, n); n > 0. */
uint64_t tl_rand_below(struct tl_env *e, uint64_t n);
void tl_rand_bytes(struct tl_env *e, void *buf, size_t n);
/* The tl_env behind a replica opened with tl_open(). */
struct tl_env *tl_env_of(struct crdt_replica *r);

/* splitmix64 step on *state (exposed for tests that need raw streams). */
uint64_t tl_splitmix64(uint64_t *state);

/* ---- files and directories -------------------------------------------- */

/* mkdtemp "$TMPDIR/kith-test-XXXXXX" (or /tmp) into out. */
__attribute__((warn_unused_result)) int tl_mkdtemp(char *out, size_t n);
/* rm -r path (never follows symlinks); 0 or -errno. */
int tl_rmtree(const char *path);
/* Whole file into a malloc'd buffer (*len bytes); 0 or -errno. */
__attribute__((warn_unused_result)) int tl_read_file(const char *path,
						      uint8_t **data,
						      size_t *len);
__attribute__((warn_unused_result)) int
tl_write_file(const char *path, const void *data, size_t len);

/* ---- identities and replicas ------------------------------------------ */

/* The 32-byte identity seed for a small integer (never all zero). */
void tl_seed32(uint8_t out[32], uint64_t seed);
__attribute__((warn_unused_result)) int tl_identity(struct crdt_identity *id,
						     uint64_t seed);

#define TL_MAX_REPLICAS 16
#define TL_PATH_MAX 4096

struct tl_slot {
	struct crdt_replica r;
	struct tl_env env;
	int used;
};

#define TL_MAX_DEFER 32

struct tl_fixture {
	char dir[TL_PATH_MAX];
	uint64_t seed;
	struct tl_slot slot[TL_MAX_REPLICAS];
	struct {
		void (*fn)(void *);
		void *arg;
	} defer[TL_MAX_DEFER];
	int ndefer;
	struct action *member[8]; /* tl_member (TL_MAX_MEMBERS) */
	int nmembers;
};

/* A fresh temporary directory and no replicas; NULL on failure. */
struct tl_fixture *tl_fixture_new(uint64_t seed);
/* Close every replica, remove the directory, free f (NULL is fine). */
void tl_fixture_free(struct tl_fixture *f);
/*
 * Run fn(arg) when the fixture is freed (last registered first, before the
 * replicas close): memory a test would leak when an assertion jumps out of
 * it.  Fails the test when more than TL_MAX_DEFER are registered.
 */
void tl_defer(struct tl_fixture *f, void (*fn)(void *), void *arg);
/* A change list freed with the fixture. */
struct tl_changes *tl_changes_new(struct tl_fixture *f);

/* "DIR/name" into out (for bundles, vectors, ...). */
const char *tl_path(struct tl_fixture *f, const char *name, char *out,
		    size_t n);

/*
 * Open DIR/name.db with its own tl_env (clock at TL_EPOCH_MS, step 1 ms, rng
 * seeded from the fixture seed and the slot) and, unless id_seed is 0, the
 * identity tl_identity(id_seed).  Several replicas may share an id_seed:
 * that is a copied identity, which is how forks are made.  The connection
 * runs with PRAGMA synchronous=OFF (no fsync: tests do not test power
 * loss).  NULL on failure (the reason is printed).
 */
struct crdt_replica *tl_open(struct tl_fixture *f, const char *name,
			     uint64_t id_seed);
/* Close one replica early (its file stays; tl_open can reopen it). */
void tl_close(struct tl_fixture *f, struct crdt_replica *r);

/* cmocka hooks: *state becomes a struct tl_fixture (seed 1). */
int tl_setup(void **state);
int tl_teardown(void **state);
/* Group setup: crdt_crypto_init(). */
int tl_group_setup(void **state);

/* ---- building changes ------------------------------------------------- */

/* Where a record lives: its id and how its writer names it in OWN ops. */
struct tl_rec {
	uint8_t id[CRDT_ID_LEN];
	uint8_t author[CRDT_PK_LEN];
	uint64_t seq;
	uint32_t idx;
	uint8_t rtype;
};

/* crdt_op_finish every op, then crdt_replica_commit. */
__attribute__((warn_unused_result)) int
tl_commit(struct crdt_replica *r, struct crdt_op *ops, uint32_t nops,
	  uint64_t *seq);
/* CREATE an item (kind "lend") / a wish (kind "material", urgency normal)
 * with this title; out (may be NULL) gets the new record. */
__attribute__((warn_unused_result)) int
tl_item(struct crdt_replica *r, const char *title, struct tl_rec *out);
__attribute__((warn_unused_result)) int
tl_wish(struct crdt_replica *r, const char *title, struct tl_rec *out);
/* CREATE a claim with F_CLAIM_TARGET = target (16 bytes), quantity 1. */
__attribute__((warn_unused_result)) int
tl_claim(struct crdt_replica *r, const uint8_t target[CRDT_ID_LEN],
	 struct tl_rec *out);
/* SELF: set the member name of r's identity. */
__attribute__((warn_unused_result)) int tl_profile(struct crdt_replica *r,
						    const char *name);
/* Edit a record r's identity wrote, by (seq, idx): CRDT_OP_OWN. */
__attribute__((warn_unused_result)) int
tl_own_text(struct crdt_replica *r, const struct tl_rec *rec, unsigned field,
	    const char *s);
__attribute__((warn_unused_result)) int
tl_own_int(struct crdt_replica *r, const struct tl_rec *rec, unsigned field,
	   int64_t v);
/* Edit any record by id: CRDT_OP_REF (only counts if r wrote it). */
__attribute__((warn_unused_result)) int
tl_ref_text(struct crdt_replica *r, unsigned rtype,
	    const uint8_t id[CRDT_ID_LEN], unsigned field, const char *s);
__attribute__((warn_unused_result)) int
tl_ref_int(struct crdt_replica *r, unsigned rtype,
	   const uint8_t id[CRDT_ID_LEN], unsigned field, int64_t v);

/* ---- raw changes ------------------------------------------------------- */

/* A growable list of raw changes; each v[i].p is a malloc'd copy. */
struct tl_changes {
	struct crdt_raw *v;
	size_t n, cap;
};

/* Append a copy of p[0..len). */
__attribute__((warn_unused_result)) int
tl_changes_add(struct tl_changes *c, const void *p, size_t len);
/* Append every change of r ("SELECT data FROM changes ORDER BY k"). */
__attribute__((warn_unused_result)) int
tl_changes_read(struct crdt_replica *r, struct tl_changes *out);
/* Append r's fork evidence (the losing sides it keeps). */
__attribute__((warn_unused_result)) int
tl_forks_read(struct crdt_replica *r, struct tl_changes *out);
void tl_changes_free(struct tl_changes *c);
/* Fisher-Yates shuffle driven by e. */
void tl_shuffle(struct tl_env *e, struct crdt_raw *v, size_t n);

/*
 * Sign a change by hand (any seq, prev, hlc, ops - also ones a replica
 * would never write) and append "body sig" to out; hash (may be NULL) gets
 * its hash.  prev NULL means all zero.  Ops are encoded as given (call
 * crdt_op_finish first for sorted values).
 */
__attribute__((warn_unused_result)) int
tl_make_change(const struct crdt_identity *id, uint64_t seq,
	       const uint8_t *prev, uint64_t hlc, const struct crdt_op *ops,
	       uint32_t nops, struct tl_changes *out, uint8_t *hash);

/* crdt_replica_apply with a zeroed stats struct. */
__attribute__((warn_unused_result)) int
tl_apply(struct crdt_replica *r, const struct crdt_raw *v, size_t n,
	 struct crdt_apply_stats *st);
/* Apply every change and fork of `from` to `to` (one sync round). */
__attribute__((warn_unused_result)) int
tl_sync(struct crdt_replica *to, struct crdt_replica *from,
	struct crdt_apply_stats *st);

/* ---- looking at state -------------------------------------------------- */

enum tl_state_parts {
	TL_S_LOG = 1,	 /* authors with head > 0, changes, forks */
	TL_S_VIEW = 2,	 /* members items wishes claims loans */
	TL_S_EXTRA = 4,	 /* every authors row, pending, meta */
	TL_S_ALL = 7,
};

/*
 * BLAKE2b of the chosen tables, rows in an order that does not depend on
 * local author numbers or rowids: equal on replicas that hold the same
 * changes.  TL_S_ALL is "the replica exactly as it was".
 */
__attribute__((warn_unused_result)) int
tl_state(struct crdt_replica *r, unsigned parts, uint8_t out[CRDT_HASH_LEN]);
/* crdt_digest (query.h) of r's view. */
__attribute__((warn_unused_result)) int tl_digest(struct crdt_replica *r,
						   char out[65]);
/* First column of the first row of sql as an integer; fails the test on
 * error, 0 when there is no row. */
int64_t tl_int(struct crdt_replica *r, const char *sql);
/* First column of the first row of sql with ?1 bound to blob (may be
 * NULL) as text into out; KITH_ENOTFOUND when no row, "" for NULL. */
__attribute__((warn_unused_result)) int
tl_text(struct crdt_replica *r, const char *sql, const void *blob,
	size_t blob_len, char *out, size_t n);
/* Title of an item or wish by id, or "" when the row is missing. */
const char *tl_title(struct crdt_replica *r, unsigned rtype,
		     const uint8_t id[CRDT_ID_LEN], char *out, size_t n);
/* The stored author row of pk (n == 0 when unknown). */
__attribute__((warn_unused_result)) int
tl_author(struct crdt_replica *r, const uint8_t pk[CRDT_PK_LEN],
	  struct crdt_author *a);

/* ---- people acting (action/) ------------------------------------------- */

struct action;

#define TL_MAX_MEMBERS 8

/*
 * A member named name with a data directory of their own under the
 * fixture, acting through action/: an identity from a seed of the
 * fixture, a published profile, and the community's key.  The first member
 * of a fixture founds the community (its genesis record and key: the first
 * coordinator); later ones join it and hold everything the first one had.
 * The clock is pinned at TL_EPOCH_MS (a->fixed_ms; tests may move it).
 * Owned by the fixture; closed by tl_fixture_free.  Fails the test on
 * error.
 */
struct action *tl_member(struct tl_fixture *f, const char *name);
/* Exchange every change both ways between two members' replicas, then
 * derive both sides' roles again (action_refresh). */
void tl_member_sync(struct action *a, struct action *b);
/* How many changes a's replica holds: a refused action leaves it as it
 * was. */
int64_t tl_changes(struct action *a);

#endif
