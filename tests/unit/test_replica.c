/*
 * test_replica.c - crdt/replica.c beyond apply: the own head kept outside
 * the replica (a lost or rolled-back replica must not write over its own
 * published log), the HLC of a node whose clock fell behind, and
 * crdt_replica_wrote (what makes the CLI knock on the daemon's door).
 *
 * The keeper here is a struct in memory; peer/keystore.c's head file is
 * tested in test_keystore.c, and the two together end to end in
 * tests/e2e/head.sh.
 */
#include <string.h>

#include "crdt/codec.h"
#include "crdt/community.h"
#include "crdt/peers.h"
#include "crdt/query.h"
#include "tests/testlib.h"

#define F(state) ((struct tl_fixture *)*(state))
#define DAY_MS (86400ull * 1000)

struct mem_keeper {
	struct crdt_head rec;
	int have;
	int saves;
	int fail; /* save returns KITH_EFULL */
};

static int mem_load(void *ctx, const uint8_t pk[CRDT_PK_LEN],
		    struct crdt_head *h)
{
	struct mem_keeper *k = ctx;

	(void)pk;
	if (!k->have)
		return KITH_ENOTFOUND;
	*h = k->rec;
	return 0;
}

static int mem_save(void *ctx, const uint8_t pk[CRDT_PK_LEN],
		    const struct crdt_head *h)
{
	struct mem_keeper *k = ctx;

	(void)pk;
	if (k->fail)
		return KITH_EFULL;
	k->rec = *h;
	k->have = 1;
	k->saves++;
	return 0;
}

static void attach(struct crdt_replica *r, struct mem_keeper *k)
{
	r->keeper.load = mem_load;
	r->keeper.save = mem_save;
	r->keeper.ctx = k;
}

static struct crdt_author author_of(struct crdt_replica *r)
{
	struct crdt_author a;

	TL_OK(tl_author(r, r->id.pk, &a));
	return a;
}

/* The keeper's record equals r's own head. */
static void expect_record_is_head(struct crdt_replica *r,
				  const struct mem_keeper *k, const char *what)
{
	struct crdt_author a = author_of(r);

	TL_CHECK(k->have, "%s: expected a record", what);
	TL_EQ(k->rec.seq, a.head, what);
	TL_CHECK(!memcmp(k->rec.hash, a.head_hash, CRDT_HASH_LEN),
		 "%s: expected the record's hash %s to be the head's %s", what,
		 tl_hex(k->rec.hash, CRDT_HASH_LEN),
		 tl_hex(a.head_hash, CRDT_HASH_LEN));
}

static uint64_t hlc_of(const struct crdt_raw *raw)
{
	struct crdt_change c;
	uint64_t h;

	TL_OK(crdt_change_decode(&c, raw->p, raw->len));
	h = c.hlc;
	crdt_change_release(&c);
	return h;
}

/* ---- the own head ------------------------------------------------------ */

static void head_recorded_after_each_commit(void **state)
{
	struct crdt_replica *r = tl_open(F(state), "r", 1);
	struct mem_keeper k = { 0 };
	int i;

	attach(r, &k);
	for (i = 1; i <= 3; i++) {
		TL_OK(tl_item(r, "ladder", NULL));
		expect_record_is_head(r, &k, "record after a commit");
		TL_EQ(k.rec.seq, (unsigned)i, "recorded seq");
	}
	TL_EQ(k.saves, 3, "one save per commit");
	/* nothing to record: keep_head does not write */
	TL_OK(crdt_replica_keep_head(r));
	TL_EQ(k.saves, 3, "saves after keep_head with the record current");
}

static void missing_record_taken_from_replica(void **state)
{
	struct crdt_replica *r = tl_open(F(state), "r", 1);
	struct mem_keeper k = { 0 };
	struct crdt_head h, rec;
	int held = -1;

	/* an identity from before head files: three changes, no record */
	TL_OK(tl_item(r, "one", NULL));
	TL_OK(tl_item(r, "two", NULL));
	TL_OK(tl_item(r, "three", NULL));
	attach(r, &k);
	TL_OK(crdt_replica_own_head(r, &h, &rec, &held));
	TL_EQ(h.seq, 3, "own head");
	TL_EQ(rec.seq, 0, "record seq when none is kept");
	TL_EQ(held, 1, "held when none is kept");
	TL_OK(crdt_replica_keep_head(r)); /* what opening does */
	expect_record_is_head(r, &k, "record made from the replica");

	/* the head file lost later: the replica is the truth again */
	k.have = 0;
	TL_OK(tl_item(r, "four", NULL));
	expect_record_is_head(r, &k, "record after a commit without one");
	TL_EQ(k.rec.seq, 4, "recorded seq");
}

static void lost_replica_refuses_until_restored(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *old = tl_open(f, "old", 1), *r;
	struct mem_keeper k = { 0 };
	struct tl_changes c = { 0 };
	struct crdt_apply_stats st;
	struct crdt_head h, rec;
	uint8_t before[CRDT_HASH_LEN], after[CRDT_HASH_LEN];
	uint64_t seq = 0;
	int held = -1;

	attach(old, &k);
	TL_OK(tl_item(old, "ladder", NULL));
	TL_OK(tl_wish(old, "soup pot", NULL));
	TL_OK(tl_item(old, "drill", NULL));
	TL_EQ(k.rec.seq, 3, "record before the loss");
	TL_OK(tl_changes_read(old, &c));
	tl_close(f, old);

	/* replica.db deleted: a new, empty replica; the record survives */
	r = tl_open(f, "new", 1);
	attach(r, &k);
	TL_OK(crdt_replica_own_head(r, &h, &rec, &held));
	TL_EQ(h.seq, 0, "own head in the new replica");
	TL_EQ(held, 0, "the new replica does not hold the record");
	TL_OK(tl_state(r, TL_S_ALL, before));
	TL_RC(tl_item(r, "hammer", NULL), KITH_EBEHIND);
	TL_RC(tl_profile(r, "Alice again"), KITH_EBEHIND);
	TL_OK(tl_state(r, TL_S_ALL, after));
	TL_CHECK(!memcmp(before, after, sizeof before),
		 "a refused commit must leave the replica exactly as it was");
	TL_OK(crdt_replica_keep_head(r));
	TL_EQ(k.rec.seq, 3, "keep_head must not lower the record");
	TL_EQ(k.saves, 3, "saves while refused");

	/* a partial restore is not enough */
	TL_OK(tl_apply(r, c.v, 2, &st));
	TL_EQ(st.applied, 2, "first two changes restored");
	TL_RC(tl_item(r, "hammer", NULL), KITH_EBEHIND);
	/* the rest: writing goes on at seq 4, on top of the old log */
	TL_OK(tl_apply(r, c.v + 2, c.n - 2, &st));
	{
		struct crdt_op op;

		crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_ITEM);
		TL_OK(crdt_op_set_text(&op, F_ITEM_TITLE, "hammer"));
		TL_OK(tl_commit(r, &op, 1, &seq));
	}
	TL_EQ(seq, 4, "seq of the first change after the restore");
	TL_EQ(author_of(r).forked, 0, "forked after the restore");
	expect_record_is_head(r, &k, "record after the restore");
	tl_changes_free(&c);
}

static void replica_with_more_is_fine(void **state)
{
	struct crdt_replica *r = tl_open(F(state), "r", 1);
	struct mem_keeper k = { 0 };

	attach(r, &k);
	TL_OK(tl_item(r, "one", NULL));
	TL_OK(tl_item(r, "two", NULL));
	/* a crash between a commit and its record, or another writer
	 * without the keeper: the record stays behind */
	r->keeper.load = NULL;
	TL_OK(tl_item(r, "three", NULL));
	TL_OK(tl_item(r, "four", NULL));
	attach(r, &k);
	TL_EQ(k.rec.seq, 2, "record left behind");
	TL_OK(crdt_replica_keep_head(r));
	expect_record_is_head(r, &k, "keep_head moves the record up");
	k.rec.seq = 1; /* and again, caught up by the next commit */
	{
		struct crdt_author a;
		struct tl_changes c = { 0 };

		TL_OK(tl_changes_read(r, &c));
		crdt_hash(k.rec.hash, CRDT_HASH_LEN, c.v[0].p,
			  c.v[0].len - CRDT_SIG_LEN);
		tl_changes_free(&c);
		TL_OK(tl_item(r, "five", NULL));
		a = author_of(r);
		TL_EQ(a.head, 5, "head after a commit over an old record");
	}
	expect_record_is_head(r, &k, "record after that commit");
}

static void another_change_at_the_head_refuses(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *mine = tl_open(f, "mine", 1),
			    *copy = tl_open(f, "copy", 1);
	struct mem_keeper k = { 0 }, kc = { 0 };
	struct crdt_apply_stats st;

	attach(mine, &k);
	TL_OK(tl_item(mine, "ladder", NULL));
	TL_OK(tl_item(mine, "drill", NULL));
	/* the same identity wrote other changes 1 and 2 elsewhere, and this
	 * machine's record meets that replica (a copied identity) */
	TL_OK(tl_item(copy, "bicycle", NULL));
	TL_OK(tl_item(copy, "tent", NULL));
	kc = k;
	attach(copy, &kc);
	TL_RC(tl_item(copy, "hammer", NULL), KITH_EBEHIND);
	TL_OK(crdt_replica_keep_head(copy));
	TL_CHECK(!memcmp(&kc.rec, &k.rec, sizeof k.rec),
		 "keep_head must not replace a record the replica does not "
		 "hold");
	/* once the fork is known here it is decided, the same everywhere:
	 * the replica is the truth */
	TL_OK(tl_sync(copy, mine, &st));
	TL_EQ(author_of(copy).forked, 1, "forked after meeting the record's log");
	TL_OK(tl_item(copy, "hammer", NULL));
	expect_record_is_head(copy, &kc, "record after the fork is known");
}

static void failed_save_keeps_the_change(void **state)
{
	struct crdt_replica *r = tl_open(F(state), "r", 1);
	struct mem_keeper k = { 0 };
	uint64_t seq = 0;

	attach(r, &k);
	TL_OK(tl_item(r, "one", NULL));
	k.fail = 1; /* a full disk */
	{
		struct crdt_op op;

		crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_ITEM);
		TL_OK(crdt_op_set_text(&op, F_ITEM_TITLE, "two"));
		TL_OK(tl_commit(r, &op, 1, &seq));
	}
	TL_EQ(seq, 2, "the change is committed although its record failed");
	TL_EQ(author_of(r).head, 2, "own head");
	TL_EQ(k.rec.seq, 1, "the record stays behind (that is fine)");
	k.fail = 0;
	TL_OK(tl_item(r, "three", NULL));
	expect_record_is_head(r, &k, "record after the disk has room again");
}

static void caller_transaction_checks_then_records(void **state)
{
	struct crdt_replica *r = tl_open(F(state), "r", 1);
	struct mem_keeper k = { 0 };

	attach(r, &k);
	TL_OK(tl_item(r, "one", NULL));
	TL_OK(crdt_store_begin(r->store));
	TL_OK(tl_item(r, "two", NULL));
	TL_OK(tl_item(r, "three", NULL));
	TL_EQ(k.rec.seq, 1, "no record before the caller's COMMIT");
	TL_OK(crdt_store_commit(r->store));
	TL_OK(crdt_replica_keep_head(r));
	expect_record_is_head(r, &k, "record after keep_head");

	/* and the check holds inside a caller's transaction too */
	k.rec.seq = 10;
	TL_OK(crdt_store_begin(r->store));
	TL_RC(tl_item(r, "four", NULL), KITH_EBEHIND);
	crdt_store_rollback(r->store);
}

/* ---- the clock ---------------------------------------------------------- */

static void clock_fallback_stamps_after_newest_seen(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *pi = tl_open(f, "pi", 1), *nb = tl_open(f, "nb", 2);
	struct tl_env *e = tl_env_of(pi);
	struct tl_changes c = { 0 }, n = { 0 };
	struct crdt_apply_stats st;
	uint64_t newest, remote;
	size_t i;
	int own;

	TL_OK(tl_item(pi, "before the power cut", NULL));
	/* a neighbour 30 minutes ahead (within the drift bound) */
	tl_env_of(nb)->now_ms = e->now_ms + 30 * 60 * 1000;
	TL_OK(tl_item(nb, "neighbour", NULL));
	TL_OK(tl_changes_read(nb, &n));
	remote = hlc_of(&n.v[n.n - 1]);
	TL_OK(tl_apply(pi, n.v, n.n, &st));
	TL_OK(crdt_replica_newest_hlc(pi, &newest));
	TL_CHECK(newest >= remote,
		 "newest stamp seen after applying a remote change: expected "
		 "at least %llu, got %llu",
		 (unsigned long long)remote, (unsigned long long)newest);

	/* the power cut: the clock says 1970 */
	e->now_ms = 1000;
	TL_OK(tl_item(pi, "after the power cut", NULL));
	TL_OK(tl_item(pi, "and another", NULL));
	TL_OK(tl_changes_read(pi, &c));
	for (i = 0, own = 0; i < c.n; i++) {
		uint64_t h = hlc_of(&c.v[i]);

		if (memcmp(c.v[i].p + 1, pi->id.pk, CRDT_PK_LEN))
			continue;
		if (own++ == 0) /* the one before the power cut */
			continue;
		TL_CHECK(h > remote,
			 "own change %d after the clock fell back: expected a "
			 "stamp above the newest seen %llu, got %llu", own,
			 (unsigned long long)remote, (unsigned long long)h);
	}
	TL_EQ(own, 3, "own changes");
	TL_OK(crdt_replica_newest_hlc(pi, &newest));
	TL_CHECK((newest >> 16) >= TL_EPOCH_MS,
		 "newest stamp: expected it still at the fake 2024 clock "
		 "(%llu ms) or later, got %llu ms",
		 (unsigned long long)TL_EPOCH_MS,
		 (unsigned long long)(newest >> 16));
	tl_changes_free(&c);
	tl_changes_free(&n);
}

static void own_stamps_grow_after_capped_restore(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *old = tl_open(f, "old", 1), *r;
	struct tl_changes c = { 0 }, after = { 0 };
	struct crdt_apply_stats st;
	uint64_t last;

	TL_OK(tl_item(old, "one", NULL));
	TL_OK(tl_item(old, "two", NULL));
	TL_OK(tl_changes_read(old, &c));
	last = hlc_of(&c.v[c.n - 1]);
	tl_close(f, old);
	/* the replica is restored from a bundle on a machine whose clock is
	 * 3 days behind: the drift bound caps the stamps it folds in */
	r = tl_open(f, "restored", 1);
	tl_env_of(r)->now_ms = TL_EPOCH_MS - 3 * DAY_MS;
	TL_OK(tl_apply(r, c.v, c.n, &st));
	TL_OK(tl_item(r, "three", NULL));
	TL_OK(tl_changes_read(r, &after));
	TL_EQ(after.n, 3, "changes after the restore");
	TL_CHECK(hlc_of(&after.v[2]) > last,
		 "own stamp after a capped restore: expected above the "
		 "author's previous %llu, got %llu",
		 (unsigned long long)last,
		 (unsigned long long)hlc_of(&after.v[2]));
	tl_changes_free(&c);
	tl_changes_free(&after);
}

/* ---- what counts as a write (cli_close knocks on it) --------------------- */

static int count_row(void *ctx, const struct crdt_row *row)
{
	(void)row;
	++*(int *)ctx;
	return 0;
}

/* Everything a read-only command does - open, refresh the community
 * (which fills this connection's temp tables), list, keep the head,
 * block, remember a peer, a refused or rolled-back commit - is not a
 * write; a committed change is. */
static void wrote_only_after_a_committed_change(void **state)
{
	struct crdt_replica *r = tl_open(F(state), "r", 1);
	struct crdt_wish_filter wf = { .urgency = -1 };
	struct crdt_roles roles;
	struct mem_keeper k = { 0 };
	uint8_t other[CRDT_PK_LEN];
	int rows = 0;

	TL_EQ(crdt_replica_wrote(r), 0, "wrote after open");
	TL_OK(crdt_community_refresh(r->store, r->id.pk, &roles));
	crdt_roles_release(&roles);
	/* the refresh did write rows (temp.coord): sqlite3_total_changes,
	 * which cli_close asked before, said "wrote" here */
	TL_EQ(tl_int(r, "SELECT count(*) FROM temp.coord"), 1,
	      "coordinators published to temp.coord");
	TL_EQ(crdt_replica_wrote(r), 0, "wrote after crdt_community_refresh");
	TL_OK(crdt_query_wishes(r->store, &wf, 0, count_row, &rows));
	TL_EQ(rows, 0, "wishes listed");
	TL_OK(crdt_replica_keep_head(r));
	tl_seed32(other, 77);
	TL_OK(crdt_block(r->store, other, 1));
	TL_OK(crdt_peers_seen(r->store, "192.0.2.7:7714", NULL, "static", 1));
	TL_EQ(crdt_replica_wrote(r), 0,
	      "wrote after reads and local-only tables (blocked, peers)");

	/* refused (the keeper's record is ahead): nothing written */
	attach(r, &k);
	k.have = 1;
	k.rec.seq = 10;
	TL_RC(tl_item(r, "refused", NULL), KITH_EBEHIND);
	TL_EQ(crdt_replica_wrote(r), 0, "wrote after a refused commit");
	k.have = 0;
	/* inside a caller's transaction that rolls back */
	TL_OK(crdt_store_begin(r->store));
	TL_OK(tl_item(r, "rolled back", NULL));
	crdt_store_rollback(r->store);
	TL_EQ(crdt_replica_wrote(r), 0, "wrote after a rolled-back change");

	TL_OK(tl_item(r, "ladder", NULL));
	TL_EQ(crdt_replica_wrote(r), 1, "wrote after a committed change");
}

/* Changes from elsewhere (a bundle, a session) count when they add to the
 * log, and only on the handle that applied them; duplicates do not. */
static void wrote_after_applying_new_changes(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *a = tl_open(f, "a", 1), *b = tl_open(f, "b", 2);
	struct crdt_apply_stats st;

	TL_OK(tl_item(a, "ladder", NULL));
	TL_OK(tl_wish(a, "insulin fridge space", NULL));
	TL_EQ(crdt_replica_wrote(b), 0, "wrote before any apply");
	TL_OK(tl_sync(b, a, &st));
	TL_EQ(st.applied, 2, "applied");
	TL_EQ(crdt_replica_wrote(b), 1, "wrote after applying new changes");

	/* a fresh handle on the same file: the count is per handle */
	tl_close(f, b);
	b = tl_open(f, "b", 2);
	TL_EQ(crdt_replica_wrote(b), 0, "wrote after reopening");
	TL_OK(tl_sync(b, a, &st));
	TL_EQ(st.applied, 0, "applied again");
	TL_EQ(crdt_replica_wrote(b), 0, "wrote after applying duplicates only");

	/* a change committed in a caller's transaction counts at its COMMIT */
	TL_OK(crdt_store_begin(b->store));
	TL_OK(tl_item(b, "saw", NULL));
	TL_EQ(crdt_replica_wrote(b), 0, "wrote before the caller's COMMIT");
	TL_OK(crdt_store_commit(b->store));
	TL_EQ(crdt_replica_wrote(b), 1, "wrote after the caller's COMMIT");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
	const struct CMUnitTest tests[] = {
		T(head_recorded_after_each_commit),
		T(missing_record_taken_from_replica),
		T(lost_replica_refuses_until_restored),
		T(replica_with_more_is_fine),
		T(another_change_at_the_head_refuses),
		T(failed_save_keeps_the_change),
		T(caller_transaction_checks_then_records),
		T(clock_fallback_stamps_after_newest_seen),
		T(own_stamps_grow_after_capped_restore),
		T(wrote_only_after_a_committed_change),
		T(wrote_after_applying_new_changes),
	};
#undef T

	return cmocka_run_group_tests_name("replica", tests, tl_group_setup,
					   NULL);
}
