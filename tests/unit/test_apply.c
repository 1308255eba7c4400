/*
 * test_apply.c - the one apply path (crdt/apply.c) and what it writes
 * through the store (crdt/store.c) and the replica (crdt/replica.c):
 * idempotence, out-of-order delivery, signature and chain checks,
 * single-writer materialization, forks, and the hybrid logical clock.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crdt/bundle.h"
#include "crdt/query.h"
#include "crdt/rules.h"
#include "tests/testlib.h"

#define F(state) ((struct tl_fixture *)*(state))

/* ---- helpers -------------------------------------------------------------- */

static void expect_stats(const struct crdt_apply_stats *st, uint64_t applied,
			 uint64_t duplicate, uint64_t rejected, uint64_t held,
			 const char *what)
{
	TL_CHECK(st->applied == applied && st->duplicate == duplicate &&
			 st->rejected == rejected && st->held == held,
		 "%s: expected applied/duplicate/rejected/held = "
		 "%llu/%llu/%llu/%llu, got %llu/%llu/%llu/%llu",
		 what, (unsigned long long)applied,
		 (unsigned long long)duplicate, (unsigned long long)rejected,
		 (unsigned long long)held, (unsigned long long)st->applied,
		 (unsigned long long)st->duplicate,
		 (unsigned long long)st->rejected,
		 (unsigned long long)st->held);
}

static void expect_same_state(struct crdt_replica *a, struct crdt_replica *b,
			      unsigned parts, const char *what)
{
	uint8_t ha[32], hb[32];

	TL_OK(tl_state(a, parts, ha));
	TL_OK(tl_state(b, parts, hb));
	TL_CHECK(!memcmp(ha, hb, 32), "%s: expected equal state (parts %u), "
		 "got %s vs %s", what, parts, tl_hex(ha, 8), tl_hex(hb, 8));
}

static void expect_same_digest(struct crdt_replica *a, struct crdt_replica *b,
			       const char *what)
{
	char da[65], db[65];

	TL_OK(tl_digest(a, da));
	TL_OK(tl_digest(b, db));
	TL_CHECK(!strcmp(da, db), "%s: expected equal digests, got %.16s vs "
		 "%.16s", what, da, db);
}

static int64_t count(struct crdt_replica *r, const char *table)
{
	char sql[128];

	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	return tl_int(r, sql);
}

static void expect_title(struct crdt_replica *r, unsigned rtype,
			 const uint8_t id[16], const char *want,
			 const char *what)
{
	char got[256];

	tl_title(r, rtype, id, got, sizeof got);
	TL_CHECK(!strcmp(got, want), "%s: expected title \"%s\", got \"%s\"",
		 what, want, got);
}

static int64_t item_int(struct crdt_replica *r, const uint8_t id[16],
			const char *col)
{
	char sql[128], out[32];

	snprintf(sql, sizeof sql, "SELECT %s FROM items WHERE id = ?1", col);
	if (tl_text(r, sql, id, 16, out, sizeof out))
		fail_msg("item %s: row not found", tl_hex(id, 16));
	return strtoll(out, NULL, 10);
}

/* A hand-signed change creating one item with this title. */
static void craft(const struct crdt_identity *id, uint64_t seq,
		  const uint8_t *prev, const char *title,
		  struct tl_changes *out, uint8_t hash[32])
{
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_ITEM);
	TL_OK(crdt_op_set_text(&op, F_ITEM_TITLE, title));
	TL_OK(crdt_op_finish(&op));
	TL_OK(tl_make_change(id, seq, prev, (TL_EPOCH_MS + seq) << 16, &op, 1,
			     out, hash));
}

/*
 * Craft a change at (seq, prev) whose hash compares to `other` as wanted
 * (want_lower: hash < other), trying title "<base>-0", "<base>-1", ...
 */
static void craft_ordered(const struct crdt_identity *id, uint64_t seq,
			  const uint8_t *prev, const char *base,
			  const uint8_t other[32], int want_lower,
			  struct tl_changes *out, uint8_t hash[32])
{
	int i;

	for (i = 0; i < 200; i++) {
		struct tl_changes tmp = { 0 };
		char title[64];
		int lower;

		snprintf(title, sizeof title, "%s-%d", base, i);
		craft(id, seq, prev, title, &tmp, hash);
		lower = memcmp(hash, other, 32) < 0;
		if (lower == want_lower) {
			TL_OK(tl_changes_add(out, tmp.v[0].p, tmp.v[0].len));
			tl_changes_free(&tmp);
			return;
		}
		tl_changes_free(&tmp);
	}
	fail_msg("could not craft a change with the wanted hash order");
}

static void head_of(struct crdt_replica *r, const uint8_t pk[32],
		    struct crdt_author *a)
{
	TL_OK(tl_author(r, pk, a));
}

/* ---- (a) idempotence -------------------------------------------------------- */

/* Two members with items, a wish, a claim, a profile and edits. */
static void two_members(struct tl_fixture *f, struct crdt_replica **r1,
			struct crdt_replica **r2)
{
	struct tl_rec item, wish;
	struct crdt_apply_stats st;

	*r1 = tl_open(f, "r1", 1);
	*r2 = tl_open(f, "r2", 2);
	TL_CHECK(*r1 && *r2, "opening two replicas");
	TL_OK(tl_profile(*r1, "Ana"));
	TL_OK(tl_item(*r1, "ladder", &item));
	TL_OK(tl_wish(*r1, "insulin fridge space", &wish));
	TL_OK(tl_own_text(*r1, &item, F_ITEM_LOCATION, "shed"));
	TL_OK(tl_profile(*r2, "Ben"));
	TL_OK(tl_sync(*r2, *r1, &st));
	TL_OK(tl_claim(*r2, wish.id, NULL));
	TL_OK(tl_item(*r2, "drill", NULL));
	TL_OK(tl_sync(*r1, *r2, &st));
}

static void apply_is_idempotent(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r1, *r2, *r3, *r4;
	struct tl_changes all = { 0 }, twice = { 0 };
	struct crdt_apply_stats st;
	uint8_t before[32], after[32];
	char d1[65], d2[65];
	size_t i;

	two_members(f, &r1, &r2);
	r3 = tl_open(f, "r3", 0);
	r4 = tl_open(f, "r4", 0);
	TL_OK(tl_changes_read(r1, &all));
	TL_EQ(all.n, 7, "changes of two members");

	TL_OK(tl_apply(r3, all.v, all.n, &st));
	expect_stats(&st, all.n, 0, 0, 0, "first apply");
	TL_OK(tl_digest(r3, d1));
	TL_OK(tl_state(r3, TL_S_ALL, before));

	TL_OK(tl_apply(r3, all.v, all.n, &st));
	expect_stats(&st, 0, all.n, 0, 0, "second apply of the same changes");
	TL_OK(tl_digest(r3, d2));
	TL_CHECK(!strcmp(d1, d2), "digest after a second apply: expected "
		 "%.16s, got %.16s", d1, d2);
	TL_OK(tl_state(r3, TL_S_ALL, after));
	TL_CHECK(!memcmp(before, after, 32), "a second apply must leave the "
		 "replica exactly as it was");

	/* every change twice in one input */
	for (i = 0; i < all.n; i++) {
		TL_OK(tl_changes_add(&twice, all.v[i].p, all.v[i].len));
		TL_OK(tl_changes_add(&twice, all.v[i].p, all.v[i].len));
	}
	TL_OK(tl_apply(r4, twice.v, twice.n, &st));
	expect_stats(&st, all.n, all.n, 0, 0, "each change twice in one call");

	/* everyone agrees */
	TL_OK(tl_sync(r2, r1, &st));
	expect_same_digest(r1, r2, "r1 vs r2");
	expect_same_digest(r1, r3, "r1 vs r3");
	expect_same_digest(r1, r4, "r1 vs r4");
	expect_same_state(r1, r3, TL_S_LOG | TL_S_VIEW, "r1 vs r3");
	TL_EQ(count(r3, "items"), 2, "items");
	TL_EQ(count(r3, "wishes"), 1, "wishes");
	TL_EQ(count(r3, "claims"), 1, "claims");
	TL_EQ(count(r3, "members"), 2, "members");

	/* an empty input is fine */
	TL_OK(tl_apply(r3, NULL, 0, &st));
	expect_stats(&st, 0, 0, 0, 0, "empty input");
	tl_changes_free(&all);
	tl_changes_free(&twice);
}

static void rebuild_matches_incremental(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r1, *r2;
	uint8_t before[32], after[32];
	char d1[65], d2[65];

	two_members(f, &r1, &r2);
	TL_OK(tl_state(r1, TL_S_VIEW, before));
	TL_OK(tl_digest(r1, d1));
	TL_OK(crdt_store_begin(r1->store));
	TL_OK(crdt_store_rebuild(r1->store));
	TL_OK(crdt_store_commit(r1->store));
	TL_OK(tl_state(r1, TL_S_VIEW, after));
	TL_OK(tl_digest(r1, d2));
	TL_CHECK(!memcmp(before, after, 32) && !strcmp(d1, d2),
		 "the view rebuilt from the log: expected the same state as "
		 "built change by change (digest %.16s vs %.16s)", d1, d2);
}

/* ---- (b) out of order ----------------------------------------------------- */

static void out_of_order_is_held(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r1 = tl_open(f, "r1", 1), *r2 = tl_open(f, "r2", 0);
	struct tl_changes c = { 0 };
	struct crdt_apply_stats st;
	char name[32];
	int i;

	for (i = 1; i <= 4; i++) {
		snprintf(name, sizeof name, "thing %d", i);
		TL_OK(tl_item(r1, name, NULL));
	}
	TL_OK(tl_changes_read(r1, &c));
	TL_EQ(c.n, 4, "changes written");

	TL_OK(tl_apply(r2, &c.v[2], 2, &st));
	expect_stats(&st, 0, 0, 0, 2, "seq 3,4 before 1,2");
	TL_EQ(count(r2, "changes"), 0, "applied changes while 1,2 missing");
	TL_EQ(count(r2, "items"), 0, "items while 1,2 missing");
	TL_EQ(count(r2, "pending"), 2, "pending changes");

	/* held again: still held, nothing new */
	TL_OK(tl_apply(r2, &c.v[3], 1, &st));
	TL_EQ(count(r2, "pending"), 2, "pending after re-delivering seq 4");
	TL_EQ(st.applied + st.rejected, 0, "applied+rejected re-delivering 4");

	TL_OK(tl_apply(r2, &c.v[0], 2, &st));
	TL_EQ(st.applied, 4, "applied once 1,2 arrive (1,2 and the held 3,4)");
	TL_EQ(st.rejected, 0, "rejected");
	TL_EQ(count(r2, "changes"), 4, "changes");
	TL_EQ(count(r2, "items"), 4, "items");
	TL_EQ(count(r2, "pending"), 0, "pending after the gap filled");
	expect_same_state(r1, r2, TL_S_LOG | TL_S_VIEW, "writer vs receiver");
	tl_changes_free(&c);
}

/* apply.h: counts "are added to *st"; a held change applied by a later
 * call must not make that call's held count negative (it wraps). */
static void held_count_does_not_underflow(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r1 = tl_open(f, "r1", 1), *r2 = tl_open(f, "r2", 0);
	struct tl_changes *c = tl_changes_new(f);
	struct crdt_apply_stats st;

	TL_OK(tl_item(r1, "a", NULL));
	TL_OK(tl_item(r1, "b", NULL));
	TL_OK(tl_item(r1, "c", NULL));
	TL_OK(tl_changes_read(r1, c));
	TL_OK(tl_apply(r2, &c->v[1], 2, &st));
	expect_stats(&st, 0, 0, 0, 2, "seq 2,3 first");
	TL_OK(tl_apply(r2, &c->v[0], 1, &st));
	TL_CHECK(st.held <= 3,
		 "filling the gap in a later call: expected held 0, got %llu "
		 "(the counter wrapped below zero)",
		 (unsigned long long)st.held);
	expect_stats(&st, 3, 0, 0, 0, "seq 1 after 2,3");
}

static void every_delivery_order_converges(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *w = tl_open(f, "w", 1), *r;
	struct tl_changes c = { 0 };
	struct crdt_apply_stats st;
	struct tl_rec item;
	int perm[4] = { 0, 1, 2, 3 }, n = 0;

	TL_OK(tl_item(w, "kettle", &item));
	TL_OK(tl_own_text(w, &item, F_ITEM_TITLE, "electric kettle"));
	TL_OK(tl_own_int(w, &item, F_ITEM_WITHDRAWN, 1));
	TL_OK(tl_own_text(w, &item, F_ITEM_TITLE, "old kettle"));
	TL_OK(tl_changes_read(w, &c));

	/* all 24 orders, one change per call */
	for (;;) {
		int i, j, k;

		char name[32];

		snprintf(name, sizeof name, "perm%d", n);
		r = tl_open(f, name, 0);
		TL_CHECK(r != NULL, "open");
		for (i = 0; i < 4; i++) {
			TL_OK(tl_apply(r, &c.v[perm[i]], 1, &st));
			TL_EQ(st.rejected, 0, "rejected in some order");
		}
		expect_same_state(w, r, TL_S_LOG | TL_S_VIEW,
				  "writer vs a receiver in some order");
		expect_title(r, CRDT_R_ITEM, item.id, "old kettle",
			     "last edit wins, whatever the order");
		TL_EQ(item_int(r, item.id, "withdrawn"), 1, "withdrawn");
		tl_close(f, r);
		n++;
		/* next permutation */
		for (i = 2; i >= 0 && perm[i] > perm[i + 1]; i--)
			;
		if (i < 0)
			break;
		for (j = 3; perm[j] < perm[i]; j--)
			;
		k = perm[i], perm[i] = perm[j], perm[j] = k;
		for (j = i + 1, k = 3; j < k; j++, k--) {
			int t = perm[j];

			perm[j] = perm[k], perm[k] = t;
		}
	}
	TL_EQ(n, 24, "orders tried");
	tl_changes_free(&c);
}

/* ---- (c) signatures and chains -------------------------------------------- */

static void forged_signature_rejected(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r1 = tl_open(f, "r1", 1), *r2 = tl_open(f, "r2", 0);
	struct tl_changes c = { 0 }, forged = { 0 };
	struct crdt_identity mallory;
	struct crdt_apply_stats st;
	uint8_t *p;
	uint8_t before[32], after[32];

	TL_OK(tl_item(r1, "ladder", NULL));
	TL_OK(tl_changes_read(r1, &c));
	TL_OK(tl_state(r2, TL_S_VIEW | TL_S_LOG, before));

	/* a flipped signature bit */
	p = (uint8_t *)c.v[0].p;
	p[c.v[0].len - 1] ^= 0x01;
	TL_OK(tl_apply(r2, c.v, 1, &st));
	expect_stats(&st, 0, 0, 1, 0, "a change with a flipped signature");
	TL_EQ(count(r2, "changes"), 0, "changes after a forged one");
	TL_EQ(count(r2, "items"), 0, "items after a forged one");
	TL_EQ(count(r2, "pending"), 0, "pending after a forged one");

	/* signed by mallory, claiming to be r1's author */
	TL_OK(tl_identity(&mallory, 66));
	{
		struct crdt_identity fake = mallory;
		struct crdt_op op;

		memcpy(fake.pk, r1->id.pk, 32);
		crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_ITEM);
		TL_OK(crdt_op_set_text(&op, F_ITEM_TITLE, "free money"));
		TL_OK(crdt_op_finish(&op));
		TL_OK(tl_make_change(&fake, 1, NULL, 5, &op, 1, &forged, NULL));
		TL_OK(tl_make_change(&fake, 2, NULL, 6, &op, 1, &forged, NULL));
	}
	TL_OK(tl_apply(r2, forged.v, forged.n, &st));
	TL_EQ(st.applied + st.held, 0, "applied+held of changes signed by "
	      "someone else");
	TL_EQ(count(r2, "changes"), 0, "changes after impersonation");
	TL_EQ(count(r2, "pending"), 0, "pending after impersonation");
	TL_OK(tl_state(r2, TL_S_VIEW | TL_S_LOG, after));
	TL_CHECK(!memcmp(before, after, 32), "rejected changes must leave the "
		 "view and log as they were");

	/* garbage is rejected, not an error */
	{
		struct crdt_raw junk[2] = { { (const uint8_t *)"junk", 4 },
					    { (const uint8_t *)"", 0 } };

		TL_OK(tl_apply(r2, junk, 2, &st));
		expect_stats(&st, 0, 0, 2, 0, "undecodable input");
	}
	crdt_identity_release(&mallory);
	tl_changes_free(&c);
	tl_changes_free(&forged);
}

static void tampered_middle_change_splits_run(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r1 = tl_open(f, "r1", 1), *r2 = tl_open(f, "r2", 0),
			    *r3 = tl_open(f, "r3", 0);
	struct tl_changes c = { 0 }, bad = { 0 };
	struct tl_rec rec[5];
	struct crdt_apply_stats st;
	uint8_t *p;
	char name[32];
	int i;

	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof name, "item #%d", i + 1);
		TL_OK(tl_item(r1, name, &rec[i]));
	}
	TL_OK(tl_changes_read(r1, &c));
	for (i = 0; i < 5; i++)
		TL_OK(tl_changes_add(&bad, c.v[i].p, c.v[i].len));
	/* change 3 says "item #X" now: still decodes, hash and sig differ */
	p = memmem(bad.v[2].p, bad.v[2].len, "item #3", 7);
	TL_CHECK(p != NULL, "title inside change 3");
	p[6] = 'X';

	TL_OK(tl_apply(r2, bad.v, bad.n, &st));
	expect_stats(&st, 2, 0, 1, 2, "1,2 good, 3 tampered, 4,5 beyond it");
	TL_EQ(count(r2, "changes"), 2, "changes");
	TL_EQ(count(r2, "items"), 2, "items");
	expect_title(r2, CRDT_R_ITEM, rec[0].id, "item #1", "item 1");
	expect_title(r2, CRDT_R_ITEM, rec[1].id, "item #2", "item 2");
	expect_title(r2, CRDT_R_ITEM, rec[2].id, "", "the tampered item");
	TL_EQ(tl_int(r2, "SELECT count(*) FROM items WHERE title = 'item #X'"),
	      0, "items with the tampered title");

	/* the genuine change 3 completes the log */
	TL_OK(tl_apply(r2, &c.v[2], 1, &st));
	TL_EQ(st.applied, 3, "applied: 3 and the held 4,5");
	TL_EQ(st.rejected, 0, "rejected");
	expect_same_state(r1, r2, TL_S_LOG | TL_S_VIEW, "after the repair");

	/* a bad signature on the newest change: the others still apply */
	memcpy((void *)bad.v[2].p, c.v[2].p, c.v[2].len);
	p = (uint8_t *)bad.v[4].p;
	p[bad.v[4].len - 10] ^= 0x20;
	TL_OK(tl_apply(r3, bad.v, bad.n, &st));
	expect_stats(&st, 4, 0, 1, 0, "newest signature bad");
	expect_title(r3, CRDT_R_ITEM, rec[4].id, "", "the forged newest item");
	tl_changes_free(&c);
	tl_changes_free(&bad);
}


/* ---- issue 7: a member signing crafted changes -------------------------- */

/* A run of n changes by id whose own signatures are garbage except where
 * good(seq) says; appended to out. */
static void poison_run(const struct crdt_identity *id, uint64_t n,
		       int (*good)(uint64_t), struct tl_changes *out)
{
	uint8_t prev[32], hash[32];
	uint64_t seq;

	for (seq = 1; seq <= n; seq++) {
		char title[32];
		struct tl_changes one = { 0 };

		snprintf(title, sizeof title, "spam %llu", (unsigned long long)seq);
		craft(id, seq, seq > 1 ? prev : NULL, title, &one, hash);
		if (!good(seq))
			((uint8_t *)one.v[0].p)[one.v[0].len - 5] ^= 0x41;
		TL_OK(tl_changes_add(out, one.v[0].p, one.v[0].len));
		memcpy(prev, hash, 32);
		tl_changes_free(&one);
	}
}

static int only_last(uint64_t seq)
{
	return seq == 200;
}

static int checkpoints_and_last(uint64_t seq)
{
	return seq % CRDT_SIG_EVERY == 0 || seq == 200;
}

/* Finding 1: a run whose inner signatures are garbage must not make any
 * later sync fail.  Poison at a checkpoint is refused where it arrives
 * (the same on every replica, and not the sender's fault); poison between
 * checkpoints is accepted, and a sender can always end a run on a change
 * whose signature was checked, so every cut applies elsewhere. */
static void poisoned_run_cannot_block_sync(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *a = tl_open(f, "a", 1), *b = tl_open(f, "b", 2);
	struct crdt_identity evil;
	struct tl_changes c = { 0 }, d = { 0 };
	struct crdt_apply_stats st;
	struct crdt_author h;
	uint8_t seed[32];
	uint64_t seq, last_cut = 0;

	tl_seed32(seed, 666);
	TL_OK(crdt_identity_from_seed(&evil, seed));
	TL_OK(tl_item(a, "honest ladder", NULL));
	TL_OK(tl_changes_read(a, &c)); /* the honest change rides along */
	poison_run(&evil, 200, only_last, &c);
	TL_OK(tl_apply(b, c.v, c.n, &st));
	TL_EQ(st.rejected, 0, "nothing is the sender's fault");
	TL_EQ(st.refused, 200, "the log ends before its first bad checkpoint");
	TL_EQ(st.applied, 1, "the honest change applies");
	head_of(b, evil.pk, &h);
	TL_EQ(h.head, 0, "nothing of the poisoned log is kept");

	/* good checkpoints, garbage between them: kept, and cut safely */
	poison_run(&evil, 200, checkpoints_and_last, &d);
	TL_OK(tl_apply(a, d.v, d.n, &st));
	TL_EQ(st.applied, 200, "a log with good checkpoints is kept");
	for (seq = 1; seq <= 200; seq++) {
		if (!crdt_runs_sig_ok(a->store, evil.pk, seq))
			continue;
		TL_CHECK(seq - last_cut <= CRDT_SIG_EVERY,
			 "a cut point at least every %d changes (%llu..%llu)",
			 CRDT_SIG_EVERY, (unsigned long long)last_cut,
			 (unsigned long long)seq);
		/* what a sender cutting here sends applies on a fresh replica */
		{
			struct crdt_replica *x;
			char name[32];

			snprintf(name, sizeof name, "x%llu",
				 (unsigned long long)seq);
			x = tl_open(f, name, 0);
			TL_OK(tl_apply(x, d.v, (size_t)seq, &st));
			TL_EQ(st.rejected, 0, "a run cut at a checked change");
			TL_EQ(st.applied, seq, "applies whole");
			tl_close(f, x);
		}
		last_cut = seq;
	}
	TL_EQ(last_cut, 200, "the head is a cut point");
	crdt_identity_release(&evil);
	tl_changes_free(&c);
	tl_changes_free(&d);
}

/* Sign one change of ops by id at seq (chained to prev). */
static void craft_ops(const struct crdt_identity *id, uint64_t seq,
		      uint8_t prev[32], struct crdt_op *ops, uint32_t n,
		      struct tl_changes *out)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		TL_OK(crdt_op_finish(&ops[i]));
	TL_OK(tl_make_change(id, seq, seq > 1 ? prev : NULL,
			     (TL_EPOCH_MS + seq) << 16, ops, n, out, prev));
}

/* Finding 4: forged numbers and bytes are ignored by the view, the same on
 * every replica, and never break a query. */
static void forged_values_are_ignored(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r = tl_open(f, "r", 1);
	struct crdt_identity evil, twin;
	struct tl_changes c = { 0 };
	struct crdt_apply_stats st;
	struct crdt_op op[2];
	uint8_t seed[32], prev[32], prev2[32], wid[16], cid[16];
	char sql[256];
	int i;

	tl_seed32(seed, 7);
	TL_OK(crdt_identity_from_seed(&evil, seed));
	tl_seed32(seed, 8);
	TL_OK(crdt_identity_from_seed(&twin, seed));
	/* urgency -100, quantity 0, a date in year 300000, bad UTF-8 */
	crdt_op_init(&op[0], CRDT_OP_CREATE, CRDT_R_WISH);
	TL_OK(crdt_op_set_text(&op[0], F_WISH_TITLE, "above critical"));
	TL_OK(crdt_op_set_int(&op[0], F_WISH_URGENCY, -100));
	craft_ops(&evil, 1, prev, op, 1, &c);
	crdt_op_init(&op[0], CRDT_OP_CREATE, CRDT_R_ITEM);
	TL_OK(crdt_op_set_text(&op[0], F_ITEM_TITLE, "zero"));
	TL_OK(crdt_op_set_int(&op[0], F_ITEM_QUANTITY, 0));
	craft_ops(&evil, 2, prev, op, 1, &c);
	crdt_op_init(&op[0], CRDT_OP_CREATE, CRDT_R_ITEM);
	TL_OK(crdt_op_set_bytes(&op[0], F_ITEM_TITLE, "bad \xc3\x28 utf8", 12));
	craft_ops(&evil, 3, prev, op, 1, &c);
	crdt_op_init(&op[0], CRDT_OP_CREATE, CRDT_R_ITEM);
	TL_OK(crdt_op_set_text(&op[0], F_ITEM_TITLE, "forever"));
	TL_OK(crdt_op_set_int(&op[0], F_ITEM_UNTIL, 9466848000000LL));
	craft_ops(&evil, 4, prev, op, 1, &c);
	/* two identities mint 2^63-1 hours, twice, and -5 hours */
	for (i = 0; i < 3; i++) {
		int64_t hours = i < 2 ? INT64_MAX : -5;
		uint64_t es = 5 + 2 * (uint64_t)i, ts = 1 + (uint64_t)i;

		crdt_op_init(&op[0], CRDT_OP_CREATE, CRDT_R_WISH);
		TL_OK(crdt_op_set_text(&op[0], F_WISH_TITLE, "minted"));
		craft_ops(&evil, es, prev, op, 1, &c);
		crdt_record_id(wid, evil.pk, es, 0);
		crdt_op_init(&op[0], CRDT_OP_CREATE, CRDT_R_CLAIM);
		TL_OK(crdt_op_set_bytes(&op[0], F_CLAIM_TARGET, wid, 16));
		craft_ops(&twin, ts, prev2, op, 1, &c);
		crdt_record_id(cid, twin.pk, ts, 0);
		crdt_op_init(&op[0], CRDT_OP_OWN, CRDT_R_WISH);
		op[0].tseq = es;
		TL_OK(crdt_op_set_bytes(&op[0], F_WISH_ACCEPTED, cid, 16));
		TL_OK(crdt_op_set_int(&op[0], F_WISH_CONFIRMED, 1));
		TL_OK(crdt_op_set_int(&op[0], F_WISH_HOURS, hours));
		craft_ops(&evil, es + 1, prev, op, 1, &c);
	}
	TL_OK(tl_apply(r, c.v, c.n, &st));
	TL_EQ(st.applied, c.n, "every change is kept in the log");
	TL_EQ(tl_int(r, "SELECT count(*) FROM wishes WHERE urgency < 0"), 0,
	      "no wish above critical");
	TL_EQ(tl_int(r, "SELECT count(*) FROM items WHERE title = 'zero'"), 0,
	      "no item of quantity 0");
	TL_EQ(tl_int(r, "SELECT count(*) FROM items WHERE title = 'forever'"), 0,
	      "no date past year 9999");
	TL_EQ(tl_int(r, "SELECT count(*) FROM items WHERE title LIKE 'bad%'"), 0,
	      "no invalid UTF-8");
	TL_EQ(tl_int(r, "SELECT count(*) FROM wishes WHERE confirmed"), 0,
	      "no confirmation with impossible hours");
	snprintf(sql, sizeof sql,
		 "SELECT coalesce(max(hours_q), 0) FROM wishes");
	TL_EQ(tl_int(r, sql), 0, "no hours stored");
	crdt_identity_release(&evil);
	crdt_identity_release(&twin);
	tl_changes_free(&c);
}


/* Held changes are bounded: a run far beyond the author's head is not
 * held (it comes again with the changes before it). */
static void held_changes_are_bounded(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r = tl_open(f, "r", 1);
	struct crdt_identity evil;
	struct tl_changes c = { 0 };
	struct crdt_apply_stats st;
	uint8_t seed[32], prev[32];

	tl_seed32(seed, 99);
	TL_OK(crdt_identity_from_seed(&evil, seed));
	memset(prev, 7, sizeof prev);
	craft(&evil, (uint64_t)CRDT_PENDING_MAX_GAP + 2, prev, "far away", &c,
	      NULL);
	craft(&evil, 5, prev, "near", &c, NULL);
	TL_OK(tl_apply(r, c.v, c.n, &st));
	TL_EQ(st.dropped, 1, "the far one is not held");
	TL_EQ(st.held, 1, "the near one waits");
	TL_EQ(count(r, "pending"), 1, "one held change");
	crdt_identity_release(&evil);
	tl_changes_free(&c);
}

/* ---- (d) single writer ------------------------------------------------------ */

static void only_the_writer_edits(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r1 = tl_open(f, "r1", 1), *r2 = tl_open(f, "r2", 2);
	struct crdt_apply_stats st;
	struct tl_rec item;
	int64_t before;
	char name[64];

	TL_OK(tl_profile(r1, "Ana"));
	TL_OK(tl_item(r1, "ladder", &item));
	TL_OK(tl_sync(r2, r1, &st));

	/* r2 edits r1's item and profile: logged, never materialized */
	before = count(r1, "changes");
	TL_OK(tl_ref_text(r2, CRDT_R_ITEM, item.id, F_ITEM_TITLE, "mine now"));
	TL_OK(tl_ref_int(r2, CRDT_R_ITEM, item.id, F_ITEM_WITHDRAWN, 1));
	{
		struct crdt_op op;

		crdt_op_init(&op, CRDT_OP_REF, CRDT_R_MEMBER);
		memcpy(op.target, r1->id.pk, 32);
		op.target_len = 32;
		TL_OK(crdt_op_set_text(&op, F_MEMBER_NAME, "Mallory"));
		TL_OK(tl_commit(r2, &op, 1, NULL));
	}
	TL_OK(tl_claim(r2, item.id, NULL));
	TL_OK(tl_sync(r1, r2, &st));
	TL_EQ(st.rejected, 0, "rejected (the edits are validly signed)");
	TL_EQ(count(r1, "changes"), before + 4, "changes after r2's edits");
	expect_title(r1, CRDT_R_ITEM, item.id, "ladder",
		     "r1 after r2 edited r1's item");
	expect_title(r2, CRDT_R_ITEM, item.id, "ladder",
		     "r2 after editing r1's item");
	TL_EQ(item_int(r1, item.id, "withdrawn"), 0, "withdrawn set by r2");
	TL_OK(tl_text(r1, "SELECT name FROM members WHERE id = ?1", r1->id.pk,
		      32, name, sizeof name));
	TL_CHECK(!strcmp(name, "Ana"), "member name after r2 renamed r1: "
		 "expected \"Ana\", got \"%s\"", name);
	/* the claim is r2's own record, so it counts */
	TL_EQ(tl_int(r1, "SELECT count(*) FROM claims"), 1, "claims");

	/* the writer's own edits count, by id and by (seq, idx) */
	TL_OK(tl_ref_text(r1, CRDT_R_ITEM, item.id, F_ITEM_TITLE, "long ladder"));
	expect_title(r1, CRDT_R_ITEM, item.id, "long ladder", "after REF edit");
	TL_OK(tl_own_text(r1, &item, F_ITEM_TITLE, "aluminium ladder"));
	expect_title(r1, CRDT_R_ITEM, item.id, "aluminium ladder",
		     "after OWN edit");
	TL_OK(tl_sync(r2, r1, &st));
	expect_same_digest(r1, r2, "after syncing the edits");
	expect_same_state(r1, r2, TL_S_LOG | TL_S_VIEW, "after syncing");
}

static void sticky_fields_never_reset(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r1 = tl_open(f, "r1", 1), *r2 = tl_open(f, "r2", 0);
	struct crdt_apply_stats st;
	struct tl_rec item, wish;
	char v[32];

	TL_OK(tl_item(r1, "bike", &item));
	TL_OK(tl_wish(r1, "groceries", &wish));
	TL_OK(tl_own_int(r1, &item, F_ITEM_WITHDRAWN, 1));
	TL_EQ(item_int(r1, item.id, "withdrawn"), 1, "withdrawn after set");
	TL_OK(tl_own_int(r1, &item, F_ITEM_WITHDRAWN, 0));
	TL_EQ(item_int(r1, item.id, "withdrawn"), 1,
	      "withdrawn after an OWN edit back to 0");
	TL_OK(tl_ref_int(r1, CRDT_R_ITEM, item.id, F_ITEM_WITHDRAWN, 0));
	TL_EQ(item_int(r1, item.id, "withdrawn"), 1,
	      "withdrawn after a REF edit back to 0");
	TL_OK(tl_own_int(r1, &item, F_ITEM_WITHDRAWN, -5));
	TL_EQ(item_int(r1, item.id, "withdrawn"), 1,
	      "withdrawn after a negative edit");
	/* a non-sticky field still changes */
	TL_OK(tl_own_text(r1, &item, F_ITEM_TITLE, "old bike"));
	expect_title(r1, CRDT_R_ITEM, item.id, "old bike", "title edit");

	TL_OK(tl_ref_int(r1, CRDT_R_WISH, wish.id, F_WISH_CONFIRMED, 1));
	TL_OK(tl_ref_int(r1, CRDT_R_WISH, wish.id, F_WISH_CONFIRMED, 0));
	TL_OK(tl_text(r1, "SELECT confirmed FROM wishes WHERE id = ?1", wish.id,
		      16, v, sizeof v));
	TL_CHECK(!strcmp(v, "1"), "wish confirmed after an edit back to 0: "
		 "expected 1, got %s", v);

	/* a fresh replica gets the same answer, and so does a rebuild */
	TL_OK(tl_sync(r2, r1, &st));
	TL_EQ(item_int(r2, item.id, "withdrawn"), 1, "withdrawn on r2");
	TL_OK(crdt_store_begin(r2->store));
	TL_OK(crdt_store_rebuild(r2->store));
	TL_OK(crdt_store_commit(r2->store));
	TL_EQ(item_int(r2, item.id, "withdrawn"), 1, "withdrawn after rebuild");
	expect_same_state(r1, r2, TL_S_VIEW, "r1 vs r2 rebuilt");
}

static void read_only_replica_cannot_commit(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r = tl_open(f, "ro", 0);

	TL_RC(tl_item(r, "nope", NULL), KITH_ENOIDENT);
	TL_EQ(count(r, "changes"), 0, "changes");
}

/* ---- (e) forks ------------------------------------------------------------- */

static void expect_forked(struct crdt_replica *r, const uint8_t pk[32],
			  const char *what)
{
	struct crdt_author a;

	head_of(r, pk, &a);
	TL_CHECK(a.forked == 1, "%s: expected authors.forked = 1, got %d",
		 what, a.forked);
}

static void fork_detected_and_resolved(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r1 = tl_open(f, "r1", 7), *r2 = tl_open(f, "r2", 7);
	struct tl_changes c1 = { 0 }, c2 = { 0 };
	struct crdt_apply_stats st;
	struct crdt_author a1, a2;
	uint8_t h1[32], h2[32];
	const uint8_t *win;
	int round;

	TL_OK(tl_item(r1, "shared start", NULL));
	TL_OK(tl_sync(r2, r1, &st));
	/* the copied identity writes seq 2 twice */
	TL_OK(tl_item(r1, "from the laptop", NULL));
	TL_OK(tl_item(r2, "from the old backup", NULL));
	TL_OK(tl_changes_read(r1, &c1));
	TL_OK(tl_changes_read(r2, &c2));
	crdt_hash(h1, 32, c1.v[1].p, c1.v[1].len - 64);
	crdt_hash(h2, 32, c2.v[1].p, c2.v[1].len - 64);
	win = memcmp(h1, h2, 32) < 0 ? h1 : h2;

	for (round = 0; round < 2; round++) {
		TL_OK(tl_sync(r1, r2, &st));
		TL_OK(tl_sync(r2, r1, &st));
	}
	head_of(r1, r1->id.pk, &a1);
	head_of(r2, r2->id.pk, &a2);
	TL_CHECK(a1.head == 2 && a2.head == 2, "heads: expected 2 and 2, got "
		 "%llu and %llu", (unsigned long long)a1.head,
		 (unsigned long long)a2.head);
	TL_CHECK(!memcmp(a1.head_hash, win, 32) &&
			 !memcmp(a2.head_hash, win, 32),
		 "both heads: expected the lower hash %s, got %s and %s",
		 tl_hex(win, 8), tl_hex(a1.head_hash, 8),
		 tl_hex(a2.head_hash, 8));
	expect_forked(r1, r1->id.pk, "r1");
	expect_forked(r2, r2->id.pk, "r2");
	TL_EQ(count(r1, "forks"), 1, "fork evidence on r1");
	TL_EQ(count(r2, "forks"), 1, "fork evidence on r2");
	TL_EQ(count(r1, "items"), 2, "items on r1 (the loser is not shown)");
	expect_same_state(r1, r2, TL_S_LOG | TL_S_VIEW, "r1 vs r2");
	expect_same_digest(r1, r2, "r1 vs r2");
	tl_changes_free(&c1);
	tl_changes_free(&c2);
}

/* Branches a and b of one identity from a shared c1, crafted by hand. */
struct forkset {
	struct crdt_identity id;
	struct tl_changes c1, a, b; /* a: a2 a3, b: b2 b3 */
	uint8_t h1[32], ha[2][32], hb[2][32];
};

static void forkset_destroy(void *arg)
{
	struct forkset *s = arg;

	tl_changes_free(&s->c1);
	tl_changes_free(&s->a);
	tl_changes_free(&s->b);
	crdt_identity_release(&s->id);
	free(s);
}

/* b2 < a2 (branch b wins at the fork point) and a3 < b3 (branch a would
 * win if compared one seq too late).  Freed with the fixture. */
static struct forkset *forkset_new(struct tl_fixture *f, uint64_t seed)
{
	struct forkset *s = calloc(1, sizeof *s);

	TL_CHECK(s != NULL, "out of memory");
	tl_defer(f, forkset_destroy, s);
	TL_OK(tl_identity(&s->id, seed));
	craft(&s->id, 1, NULL, "c1", &s->c1, s->h1);
	craft(&s->id, 2, s->h1, "b2", &s->b, s->hb[0]);
	craft_ordered(&s->id, 2, s->h1, "a2", s->hb[0], 0, &s->a, s->ha[0]);
	craft(&s->id, 3, s->hb[0], "b3", &s->b, s->hb[1]);
	craft_ordered(&s->id, 3, s->ha[0], "a3", s->hb[1], 1, &s->a, s->ha[1]);
	return s;
}

static void fork_result_independent_of_order(void **state)
{
	struct tl_fixture *f = F(state);
	struct forkset *s;
	struct tl_changes *all = tl_changes_new(f);
	struct crdt_replica *ref = NULL, *r;
	struct crdt_apply_stats st;
	struct crdt_author a;
	int trial;

	s = forkset_new(f, 11);
	TL_OK(tl_changes_add(all, s->c1.v[0].p, s->c1.v[0].len));
	for (size_t i = 0; i < 2; i++) {
		TL_OK(tl_changes_add(all, s->a.v[i].p, s->a.v[i].len));
		TL_OK(tl_changes_add(all, s->b.v[i].p, s->b.v[i].len));
	}
	for (trial = 0; trial < 10; trial++) {
		char name[32];
		int round;

		snprintf(name, sizeof name, "t%d", trial);
		r = tl_open(f, name, 0);
		TL_CHECK(r != NULL, "open");
		switch (trial) {
		case 0: /* everything at once */
			TL_OK(tl_apply(r, all->v, all->n, &st));
			break;
		case 1: /* branch a, then branch b */
			TL_OK(tl_apply(r, s->c1.v, 1, &st));
			TL_OK(tl_apply(r, s->a.v, 2, &st));
			TL_OK(tl_apply(r, s->b.v, 2, &st));
			break;
		case 2: /* branch b, then branch a */
			TL_OK(tl_apply(r, s->c1.v, 1, &st));
			TL_OK(tl_apply(r, s->b.v, 2, &st));
			TL_OK(tl_apply(r, s->a.v, 2, &st));
			break;
		default: /* one change at a time in a random order */
			tl_shuffle(tl_env_of(r), all->v, all->n);
			for (size_t i = 0; i < all->n; i++)
				TL_OK(tl_apply(r, &all->v[i], 1, &st));
			break;
		}
		/* then sync rounds (everything again) until nothing moves */
		for (round = 0; round < 4; round++)
			TL_OK(tl_apply(r, all->v, all->n, &st));
		head_of(r, s->id.pk, &a);
		TL_CHECK(a.head == 3 && !memcmp(a.head_hash, s->hb[1], 32),
			 "trial %d: expected head 3 = b3 %s (b2 < a2 wins), got "
			 "%llu %s", trial, tl_hex(s->hb[1], 8),
			 (unsigned long long)a.head, tl_hex(a.head_hash, 8));
		TL_CHECK(a.forked == 1, "trial %d: expected forked = 1", trial);
		if (ref)
			expect_same_state(ref, r, TL_S_VIEW, "view vs trial 0");
		else
			ref = r;
	}
}

/*
 * A replica holding c1 b2 b3 receives a3 alone.  The branches part at seq
 * 2, where b2 wins; comparing a3 with b3 (the first *stored* seq that
 * differs) is comparing the wrong pair and must not drop b3.
 */
static void fork_judged_at_the_real_fork_point(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r = tl_open(f, "r", 0);
	struct crdt_apply_stats st;
	struct crdt_author a;
	struct forkset *s;

	s = forkset_new(f, 12);
	TL_OK(tl_apply(r, s->c1.v, 1, &st));
	TL_OK(tl_apply(r, s->b.v, 2, &st));
	expect_stats(&st, 2, 0, 0, 0, "branch b");
	TL_OK(tl_apply(r, &s->a.v[1], 1, &st));
	head_of(r, s->id.pk, &a);
	TL_CHECK(a.head == 3 && !memcmp(a.head_hash, s->hb[1], 32),
		 "after a lone a3 (fork point seq 2, b2 < a2): expected head 3 "
		 "= b3 %s, got %llu %s", tl_hex(s->hb[1], 8),
		 (unsigned long long)a.head, tl_hex(a.head_hash, 8));
	TL_EQ(count(r, "changes"), 3, "changes kept");
	TL_EQ(count(r, "items"), 3, "items shown");
}

/* The same, seen from the writer of branch b: it must not lose its own
 * change and write seq 3 a second time. */
static void fork_writer_never_reuses_a_seq(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *w = tl_open(f, "w", 13);
	struct crdt_apply_stats st;
	struct forkset *s;
	uint64_t seq = 0;

	s = forkset_new(f, 13); /* the same identity as w */
	TL_OK(tl_apply(w, s->c1.v, 1, &st));
	TL_OK(tl_apply(w, s->b.v, 2, &st));
	TL_OK(tl_apply(w, &s->a.v[1], 1, &st));
	{
		struct crdt_op op;

		crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_ITEM);
		TL_OK(crdt_op_set_text(&op, F_ITEM_TITLE, "next"));
		TL_OK(tl_commit(w, &op, 1, &seq));
	}
	TL_CHECK(seq == 4, "the writer's next change after b3: expected seq 4, "
		 "got %llu (it dropped its own b3 and forked itself)",
		 (unsigned long long)seq);
}

/* Where misjudging leads: a change recorded as fork evidence although it
 * is on the winning branch is then ignored forever. */
static void fork_never_diverges_permanently(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r1 = tl_open(f, "r1", 0), *r2 = tl_open(f, "r2", 0);
	struct crdt_apply_stats st;
	struct crdt_author a1, a2;
	struct tl_changes *b3x = tl_changes_new(f);
	uint8_t hx[32];
	struct forkset *s;
	int round;

	s = forkset_new(f, 14);
	TL_OK(tl_apply(r1, s->c1.v, 1, &st));
	TL_OK(tl_apply(r1, s->a.v, 2, &st));
	TL_OK(tl_apply(r2, s->c1.v, 1, &st));
	TL_OK(tl_apply(r2, s->b.v, 2, &st));
	TL_OK(tl_apply(r2, &s->a.v[1], 1, &st)); /* a3 alone */
	/* another seq-3 change on branch b (b3 < b3'), as its writer would
	 * make once its head is back at 2 */
	craft_ordered(&s->id, 3, s->hb[0], "b3x", s->hb[1], 0, b3x, hx);
	TL_OK(tl_apply(r2, b3x->v, 1, &st));

	for (round = 0; round < 4; round++) {
		TL_OK(tl_sync(r1, r2, &st));
		TL_OK(tl_sync(r2, r1, &st));
	}
	head_of(r1, s->id.pk, &a1);
	head_of(r2, s->id.pk, &a2);
	TL_CHECK(a1.head == a2.head && !memcmp(a1.head_hash, a2.head_hash, 32),
		 "after 4 full sync rounds: expected the same head, got r1 "
		 "%llu %s and r2 %llu %s", (unsigned long long)a1.head,
		 tl_hex(a1.head_hash, 8), (unsigned long long)a2.head,
		 tl_hex(a2.head_hash, 8));
	expect_same_digest(r1, r2, "r1 vs r2 after sync rounds");
}

/* ---- (f) hybrid logical clock ---------------------------------------------- */

static uint64_t hlc_of(const struct crdt_raw *raw)
{
	struct crdt_change c;
	uint64_t h;

	TL_OK(crdt_change_decode(&c, raw->p, raw->len));
	h = c.hlc;
	crdt_change_release(&c);
	return h;
}

static void hlc_strictly_increases(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r = tl_open(f, "r", 1);
	struct tl_env *e = tl_env_of(r);
	struct tl_changes c = { 0 };
	uint64_t h, last = 0;
	size_t i;
	int k;

	TL_OK(tl_item(r, "one", NULL));
	TL_OK(tl_item(r, "two", NULL));
	e->step_ms = 0; /* a frozen clock */
	TL_OK(tl_item(r, "three", NULL));
	TL_OK(tl_item(r, "four", NULL));
	e->now_ms -= 3600 * 1000; /* the clock jumps back an hour */
	e->step_ms = 1;
	TL_OK(tl_item(r, "five", NULL));
	TL_OK(tl_changes_read(r, &c));
	for (i = 0; i < c.n; i++) {
		h = hlc_of(&c.v[i]);
		TL_CHECK(h > last, "change %zu: expected hlc > %llu, got %llu",
			 i + 1, (unsigned long long)last,
			 (unsigned long long)h);
		last = h;
	}
	TL_CHECK(hlc_of(&c.v[0]) >> 16 == TL_EPOCH_MS,
		 "first hlc: expected the fake clock %llu in the top bits, got "
		 "%llu", (unsigned long long)TL_EPOCH_MS,
		 (unsigned long long)(hlc_of(&c.v[0]) >> 16));
	for (k = 0; k < 100; k++) {
		TL_OK(crdt_replica_hlc(r, &h));
		TL_CHECK(h > last, "hlc call %d: expected > %llu, got %llu", k,
			 (unsigned long long)last, (unsigned long long)h);
		last = h;
	}
	tl_changes_free(&c);
}

static void hlc_remote_drift_is_bounded(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r1 = tl_open(f, "r1", 1), *r2 = tl_open(f, "r2", 2),
			    *r3 = tl_open(f, "r3", 3);
	struct tl_env *e1 = tl_env_of(r1);
	struct tl_changes c = { 0 };
	struct crdt_apply_stats st;
	uint64_t remote, h, limit;

	/* r2's clock is 30 days fast */
	tl_env_of(r2)->now_ms = TL_EPOCH_MS + 30ull * 86400 * 1000;
	TL_OK(tl_item(r2, "from the future", NULL));
	TL_OK(tl_changes_read(r2, &c));
	remote = hlc_of(&c.v[0]);
	TL_OK(tl_apply(r1, c.v, c.n, &st));
	TL_EQ(st.applied, 1, "applied (a wrong clock is not an error)");
	TL_OK(crdt_replica_hlc(r1, &h));
	limit = (e1->now_ms + CRDT_HLC_MAX_DRIFT_MS) << 16;
	TL_CHECK(h <= limit + 1,
		 "local hlc after a far-future remote: expected at most "
		 "now + %llu ms (%llu), got %llu (remote %llu)",
		 (unsigned long long)CRDT_HLC_MAX_DRIFT_MS,
		 (unsigned long long)limit, (unsigned long long)h,
		 (unsigned long long)remote);
	TL_CHECK(h >= (e1->now_ms + CRDT_HLC_MAX_DRIFT_MS - 100) << 16,
		 "local hlc after a far-future remote: expected it moved up "
		 "to the drift limit, got %llu", (unsigned long long)h);
	tl_changes_free(&c);

	/* r3's clock is 10 minutes fast: within the limit, ours follows */
	tl_env_of(r3)->now_ms = e1->now_ms + 10 * 60 * 1000;
	TL_OK(tl_item(r3, "slightly ahead", NULL));
	TL_OK(tl_changes_read(r3, &c));
	remote = hlc_of(&c.v[0]);
	{
		struct crdt_replica *r4 = tl_open(f, "r4", 4);

		TL_OK(tl_apply(r4, c.v, c.n, &st));
		TL_OK(crdt_replica_hlc(r4, &h));
		TL_CHECK(h > remote, "local hlc after a remote 10 min ahead: "
			 "expected > %llu, got %llu",
			 (unsigned long long)remote, (unsigned long long)h);
	}
	/* observing an older clock never moves ours back */
	TL_OK(crdt_replica_observe_hlc(r1, 1));
	TL_OK(crdt_replica_observe_hlc(r1, UINT64_MAX));
	{
		uint64_t h2;

		TL_OK(crdt_replica_hlc(r1, &h2));
		TL_CHECK(h2 > h || h2 > (e1->now_ms << 16),
			 "expected the hlc to keep increasing");
		TL_CHECK(h2 <= ((e1->now_ms + CRDT_HLC_MAX_DRIFT_MS) << 16) + 2,
			 "observe(UINT64_MAX): expected the drift limit, got "
			 "%llu", (unsigned long long)h2);
	}
	tl_changes_free(&c);
}

/* ---- a small multi-author convergence check ------------------------------- */

static void many_authors_any_order(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *w[3], *r[4];
	struct tl_changes all = { 0 };
	struct crdt_apply_stats st;
	struct tl_rec wish, item;
	struct tl_env rng;
	int i, k;

	for (i = 0; i < 3; i++) {
		char name[32];

		snprintf(name, sizeof name, "w%d", i);
		w[i] = tl_open(f, name, 100 + (uint64_t)i);
	}
	TL_OK(tl_wish(w[0], "wheelchair ramp", &wish));
	TL_OK(tl_item(w[1], "planks", &item));
	TL_OK(tl_sync(w[1], w[0], &st));
	TL_OK(tl_sync(w[2], w[0], &st));
	TL_OK(tl_claim(w[1], wish.id, NULL));
	TL_OK(tl_claim(w[2], wish.id, NULL));
	TL_OK(tl_own_text(w[1], &item, F_ITEM_CONDITION, "used"));
	TL_OK(tl_ref_text(w[2], CRDT_R_ITEM, item.id, F_ITEM_TITLE, "hijack"));
	TL_OK(tl_own_int(w[0], &wish, F_WISH_URGENCY, 1));
	TL_OK(tl_profile(w[2], "Cleo"));
	for (i = 0; i < 3; i++)
		TL_OK(tl_changes_read(w[i], &all));

	tl_env_init(&rng, 99);
	for (k = 0; k < 4; k++) {
		char name[32];

		snprintf(name, sizeof name, "r%d", k);
		r[k] = tl_open(f, name, 0);
		tl_shuffle(&rng, all.v, all.n);
		/* random batches, some changes twice */
		for (size_t i0 = 0; i0 < all.n;) {
			size_t m = 1 + (size_t)tl_rand_below(&rng, 3);

			if (m > all.n - i0)
				m = all.n - i0;
			TL_OK(tl_apply(r[k], &all.v[i0], m, &st));
			TL_EQ(st.rejected, 0, "rejected");
			if (tl_rand_below(&rng, 2))
				TL_OK(tl_apply(r[k], &all.v[i0], 1, &st));
			i0 += m;
		}
		TL_EQ(count(r[k], "pending"), 0, "pending after everything");
		if (k)
			expect_same_state(r[0], r[k], TL_S_LOG | TL_S_VIEW,
					  "receivers in different orders");
	}
	expect_same_digest(r[0], r[3], "r0 vs r3");
	expect_title(r[0], CRDT_R_ITEM, item.id, "planks",
		     "item edited by a non-writer");
	TL_EQ(count(r[0], "claims"), 2, "claims");
	tl_changes_free(&all);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
	const struct CMUnitTest tests[] = {
		T(apply_is_idempotent),
		T(rebuild_matches_incremental),
		T(out_of_order_is_held),
		T(held_count_does_not_underflow),
		T(every_delivery_order_converges),
		T(forged_signature_rejected),
		T(tampered_middle_change_splits_run),
		T(poisoned_run_cannot_block_sync),
		T(forged_values_are_ignored),
		T(held_changes_are_bounded),
		T(only_the_writer_edits),
		T(sticky_fields_never_reset),
		T(read_only_replica_cannot_commit),
		T(fork_detected_and_resolved),
		T(fork_result_independent_of_order),
		T(fork_judged_at_the_real_fork_point),
		T(fork_writer_never_reuses_a_seq),
		T(fork_never_diverges_permanently),
		T(hlc_strictly_increases),
		T(hlc_remote_drift_is_bounded),
		T(many_authors_any_order),
	};
#undef T

	return cmocka_run_group_tests_name("apply", tests, tl_group_setup,
					   NULL);
}
