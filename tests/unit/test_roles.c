/*
 * test_roles.c - roles and emergency state (crdt/community.h): derived the
 * same on every replica, including under concurrent grants and revocations
 * made while partitioned (a property over many seeds), and the rules a
 * single replica applies (creator first, non-coordinators ignored).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crdt/community.h"
#include "crdt/err.h"
#include "crdt/rules.h"
#include "crdt/schema.h"
#include "tests/testlib.h"

#define NREP 4

/* A fact as the CLI writes it: naming the frontier it holds. */
static int fact(struct crdt_replica *r, int rtype, const uint8_t *member,
		int role, int flag, const char *reason)
{
	struct crdt_op op;
	struct crdt_buf seen;
	int rc;

	crdt_buf_init(&seen, CRDT_SEEN_MAX * CRDT_HASH_LEN);
	crdt_op_init(&op, CRDT_OP_CREATE, (unsigned)rtype);
	if (rtype == CRDT_R_ROLE) {
		(void)crdt_op_set_bytes(&op, F_ROLE_MEMBER, member, 32);
		(void)crdt_op_set_int(&op, F_ROLE_ROLE, role);
		(void)crdt_op_set_int(&op, F_ROLE_GRANT, flag);
		if (role == CRDT_ROLE_BUILDING_HEAD)
			(void)crdt_op_set_text(&op, F_ROLE_BUILDING, "Block A");
	} else {
		(void)crdt_op_set_int(&op, F_EMERGENCY_ACTIVE, flag);
		if (reason)
			(void)crdt_op_set_text(&op, F_EMERGENCY_REASON, reason);
	}
	rc = crdt_facts_seen(r->store, CRDT_SEEN_AUTHORITY, NULL, &seen);
	if (!rc && seen.len)
		rc = crdt_op_set_bytes(&op, rtype == CRDT_R_ROLE ? F_ROLE_SEEN
								 : F_EMERGENCY_SEEN,
				       seen.data, seen.len);
	if (!rc)
		rc = crdt_op_finish(&op);
	if (!rc)
		rc = tl_commit(r, &op, 1, NULL);
	crdt_buf_release(&seen);
	return rc;
}

static int role_cmp(const void *a, const void *b)
{
	const struct crdt_role *x = a, *y = b;
	int d = memcmp(x->member, y->member, 32);

	if (d)
		return d;
	if (x->role != y->role)
		return x->role < y->role ? -1 : 1;
	return strcmp(x->building, y->building);
}

/* A canonical text of the derived state, to compare replicas. */
static void describe(struct crdt_replica *r, const uint8_t *creator,
		     char *out, size_t cap)
{
	struct crdt_roles roles;
	size_t i, n = 0;

	TL_OK(crdt_roles_derive(r->store, creator, &roles));
	/* sort entries so order of derivation does not matter */
	qsort(roles.v, roles.n, sizeof *roles.v, role_cmp);
	for (i = 0; i < roles.n && n + 60 < cap; i++)
		n += (size_t)snprintf(out + n, cap - n, "%s:%d:%s ",
				      tl_hex(roles.v[i].member, 4),
				      roles.v[i].role, roles.v[i].building);
	snprintf(out + n, cap - n, "| emergency=%d %s", roles.emergency,
		 roles.reason);
	crdt_roles_release(&roles);
}

static void creator_is_first_coordinator(void **state)
{
	struct tl_fixture *f = *state;
	struct crdt_replica *a = tl_open(f, "a", 1), *b = tl_open(f, "b", 2);
	struct crdt_roles roles;
	struct crdt_apply_stats st;

	/* b is no coordinator: its grant to itself counts nowhere */
	TL_OK(fact(b, CRDT_R_ROLE, b->id.pk, CRDT_ROLE_COORDINATOR, 1, NULL));
	TL_OK(fact(b, CRDT_R_EMERGENCY, NULL, 0, 1, "fake"));
	TL_OK(tl_sync(a, b, &st));
	TL_OK(crdt_roles_derive(a->store, a->id.pk, &roles));
	TL_EQ(roles.n, 1, "only the creator holds a role");
	TL_CHECK(crdt_roles_has(&roles, a->id.pk, CRDT_ROLE_COORDINATOR),
		 "expected the creator to be coordinator");
	TL_EQ(roles.emergency, 0, "a non-coordinator cannot start an emergency");
	crdt_roles_release(&roles);
	/* the creator grants, then b's later facts count */
	TL_OK(fact(a, CRDT_R_ROLE, b->id.pk, CRDT_ROLE_COORDINATOR, 1, NULL));
	TL_OK(tl_sync(b, a, &st));
	TL_OK(fact(b, CRDT_R_EMERGENCY, NULL, 0, 1, "flood"));
	TL_OK(tl_sync(a, b, &st));
	TL_OK(crdt_roles_derive(a->store, a->id.pk, &roles));
	TL_EQ(roles.emergency, 1, "a granted coordinator starts an emergency");
	TL_CHECK(!strcmp(roles.reason, "flood"), "expected reason 'flood', got '%s'",
		 roles.reason);
	crdt_roles_release(&roles);
	/* without a known creator nobody coordinates */
	TL_OK(crdt_roles_derive(a->store, NULL, &roles));
	TL_EQ(roles.n, 0, "no creator, no roles");
	crdt_roles_release(&roles);
}

static void partitioned_acts_converge(void **state)
{
	struct tl_fixture *f = *state;
	struct crdt_replica *r[NREP];
	struct tl_env e;
	struct crdt_apply_stats st;
	char want[1024], got[1024];
	const uint8_t *creator;
	unsigned seeds = getenv("ROLES_SEEDS") ? (unsigned)atoi(getenv("ROLES_SEEDS"))
					     : 150;
	unsigned seed;
	int i, j;

	for (i = 0; i < NREP; i++) {
		char name[16];

		snprintf(name, sizeof name, "r%d", i);
		r[i] = tl_open(f, name, (uint64_t)i + 1);
	}
	creator = r[0]->id.pk;
	for (seed = 1; seed <= seeds; seed++) {
		int step, nsteps;

		tl_env_init(&e, seed);
		nsteps = 10 + (int)tl_rand_below(&e, 20);
		for (step = 0; step < nsteps; step++) {
			int who = (int)tl_rand_below(&e, NREP);
			int act = (int)tl_rand_below(&e, 10);
			struct crdt_roles mine;
			int coord;

			/* act as the CLI would: only on what you see */
			TL_OK(crdt_roles_derive(r[who]->store, creator, &mine));
			coord = crdt_roles_has(&mine, r[who]->id.pk,
					       CRDT_ROLE_COORDINATOR);
			if (act < 6 && coord) {
				int target = (int)tl_rand_below(&e, NREP);
				int role = (int)tl_rand_below(&e, CRDT_ROLES);

				TL_OK(fact(r[who], CRDT_R_ROLE, r[target]->id.pk,
					   role,
					   !crdt_roles_has(&mine, r[target]->id.pk,
							   role),
					   NULL));
			} else if (act < 8 && coord) {
				TL_OK(fact(r[who], CRDT_R_EMERGENCY, NULL, 0,
					   !mine.emergency,
					   act == 6 ? "flood" : "blackout"));
			} else if (act == 9) {
				/* someone without the role tries anyway */
				TL_OK(fact(r[who], CRDT_R_ROLE, r[who]->id.pk,
					   CRDT_ROLE_COORDINATOR, 1, NULL));
			} else {
				/* partial sync between two replicas */
				int other = (int)tl_rand_below(&e, NREP);

				if (other != who)
					TL_OK(tl_sync(r[who], r[other], &st));
			}
			crdt_roles_release(&mine);
		}
		/* heal the partition: everyone meets everyone */
		for (step = 0; step < 2; step++)
			for (i = 0; i < NREP; i++)
				for (j = 0; j < NREP; j++)
					if (i != j)
						TL_OK(tl_sync(r[i], r[j], &st));
		describe(r[0], creator, want, sizeof want);
		for (i = 1; i < NREP; i++) {
			describe(r[i], creator, got, sizeof got);
			TL_CHECK(!strcmp(want, got),
				 "seed %u: replica %d derives '%s', replica 0 "
				 "'%s'",
				 seed, i, got, want);
		}
	}
}


/* ---- hostile members (issue 7) ------------------------------------------ */

/* A role fact with a chosen seen list (NULL/0: names nothing). */
static int role_fact(struct crdt_replica *r, const uint8_t *member, int role,
		     int grant, const void *seen, size_t seen_len)
{
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_ROLE);
	(void)crdt_op_set_bytes(&op, F_ROLE_MEMBER, member, 32);
	(void)crdt_op_set_int(&op, F_ROLE_ROLE, role);
	(void)crdt_op_set_int(&op, F_ROLE_GRANT, grant);
	if (seen_len)
		(void)crdt_op_set_bytes(&op, F_ROLE_SEEN, seen, seen_len);
	return tl_commit(r, &op, 1, NULL);
}

static int is_coord(struct crdt_replica *r, const uint8_t *creator,
		    const uint8_t *who)
{
	struct crdt_roles roles;
	int has;

	TL_OK(crdt_roles_derive(r->store, creator, &roles));
	has = crdt_roles_has(&roles, who, CRDT_ROLE_COORDINATOR);
	crdt_roles_release(&roles);
	return has;
}

/* Finding 5: a revoked coordinator signs a grant stamped between their
 * grant and their revocation.  Ordered by what they had seen, it is
 * concurrent with the revocation and void, on every replica. */
static void revoked_coordinator_cannot_backdate(void **state)
{
	struct tl_fixture *f = *state;
	struct crdt_replica *a = tl_open(f, "a", 1), *b = tl_open(f, "b", 2),
			    *c = tl_open(f, "c", 3);
	struct crdt_apply_stats st;
	struct crdt_buf seen;
	uint64_t t0 = tl_env_of(a)->now_ms;

	crdt_buf_init(&seen, 4096);
	TL_OK(fact(a, CRDT_R_ROLE, b->id.pk, CRDT_ROLE_COORDINATOR, 1, NULL));
	TL_OK(tl_sync(b, a, &st));
	/* what b holds before the revocation */
	TL_OK(crdt_facts_seen(b->store, CRDT_SEEN_AUTHORITY, NULL, &seen));
	tl_env_of(a)->now_ms = t0 + 3600 * 1000;
	TL_OK(fact(a, CRDT_R_ROLE, b->id.pk, CRDT_ROLE_COORDINATOR, 0, NULL));
	TL_OK(tl_sync(b, a, &st));
	TL_CHECK(!is_coord(b, a->id.pk, b->id.pk), "b was revoked");
	/* b, revoked, back-dates a grant to c between grant and revocation,
	 * naming only what it held before the revocation */
	tl_env_of(b)->now_ms = t0 + 1800 * 1000;
	TL_OK(role_fact(b, c->id.pk, CRDT_ROLE_COORDINATOR, 1, seen.data,
			seen.len));
	TL_OK(tl_sync(a, b, &st));
	TL_OK(tl_sync(c, a, &st));
	TL_CHECK(!is_coord(a, a->id.pk, c->id.pk),
		 "a back-dated grant by a revoked coordinator must not count");
	TL_CHECK(!is_coord(c, a->id.pk, c->id.pk),
		 "...on every replica");
	TL_CHECK(is_coord(c, a->id.pk, a->id.pk), "a stays coordinator");
	/* and a far-future stamp gains nothing either */
	tl_env_of(b)->now_ms = t0 + 100ull * 365 * 86400 * 1000;
	TL_OK(role_fact(b, c->id.pk, CRDT_ROLE_COORDINATOR, 1, NULL, 0));
	TL_OK(tl_sync(a, b, &st));
	TL_CHECK(!is_coord(a, a->id.pk, c->id.pk), "far future changes nothing");
	crdt_buf_release(&seen);
}

/* Acts the revoker had seen stand; concurrent ones of the revoked member
 * do not; two coordinators revoking each other leave exactly one. */
static void revocation_beats_concurrent_acts(void **state)
{
	struct tl_fixture *f = *state;
	struct crdt_replica *a = tl_open(f, "a", 1), *b = tl_open(f, "b", 2),
			    *c = tl_open(f, "c", 3), *d = tl_open(f, "d", 4);
	struct crdt_apply_stats st;
	int ab, ba;

	TL_OK(fact(a, CRDT_R_ROLE, b->id.pk, CRDT_ROLE_COORDINATOR, 1, NULL));
	TL_OK(tl_sync(b, a, &st));
	/* b grants c; a sees it, then revokes b: c stays */
	TL_OK(fact(b, CRDT_R_ROLE, c->id.pk, CRDT_ROLE_COORDINATOR, 1, NULL));
	TL_OK(tl_sync(a, b, &st));
	TL_OK(fact(a, CRDT_R_ROLE, b->id.pk, CRDT_ROLE_COORDINATOR, 0, NULL));
	/* meanwhile (partitioned) b grants d and starts an emergency */
	TL_OK(fact(b, CRDT_R_ROLE, d->id.pk, CRDT_ROLE_COORDINATOR, 1, NULL));
	TL_OK(fact(b, CRDT_R_EMERGENCY, NULL, 0, 1, "fake"));
	TL_OK(tl_sync(a, b, &st));
	TL_OK(tl_sync(b, a, &st));
	TL_CHECK(is_coord(a, a->id.pk, c->id.pk), "an act the revoker saw stands");
	TL_CHECK(!is_coord(a, a->id.pk, d->id.pk),
		 "a concurrent act of the revoked member is void");
	TL_CHECK(!is_coord(b, a->id.pk, d->id.pk), "...the same on b");
	{
		struct crdt_roles r;

		TL_OK(crdt_roles_derive(b->store, a->id.pk, &r));
		TL_EQ(r.emergency, 0, "the revoked member's emergency is void");
		crdt_roles_release(&r);
	}
	/* c and a revoke each other while partitioned: exactly one stays */
	TL_OK(tl_sync(c, a, &st));
	TL_OK(fact(a, CRDT_R_ROLE, c->id.pk, CRDT_ROLE_COORDINATOR, 0, NULL));
	TL_OK(fact(c, CRDT_R_ROLE, a->id.pk, CRDT_ROLE_COORDINATOR, 0, NULL));
	TL_OK(tl_sync(a, c, &st));
	TL_OK(tl_sync(c, a, &st));
	ab = is_coord(a, a->id.pk, a->id.pk);
	ba = is_coord(a, a->id.pk, c->id.pk);
	TL_EQ(ab + ba, 1, "two coordinators revoking each other: one stays");
	TL_EQ(is_coord(c, a->id.pk, a->id.pk), ab, "the same one everywhere");
}

/* A revocation that would leave no coordinator has no effect; a fact
 * naming what nobody holds waits and never counts. */
static void last_coordinator_and_waiting(void **state)
{
	struct tl_fixture *f = *state;
	struct crdt_replica *a = tl_open(f, "a", 1), *b = tl_open(f, "b", 2);
	struct crdt_apply_stats st;
	struct crdt_roles r;
	uint8_t bogus[32];

	TL_OK(fact(a, CRDT_R_ROLE, a->id.pk, CRDT_ROLE_COORDINATOR, 0, NULL));
	TL_CHECK(is_coord(a, a->id.pk, a->id.pk),
		 "the last coordinator cannot be revoked");
	memset(bogus, 0x5a, sizeof bogus);
	TL_OK(role_fact(a, b->id.pk, CRDT_ROLE_COORDINATOR, 1, bogus, 32));
	TL_OK(tl_sync(b, a, &st));
	TL_OK(crdt_roles_derive(b->store, a->id.pk, &r));
	TL_CHECK(!crdt_roles_has(&r, b->id.pk, CRDT_ROLE_COORDINATOR),
		 "a fact naming an unknown change waits");
	TL_EQ(r.waiting, 1, "one fact waits");
	crdt_roles_release(&r);
}

static int roll_status(void *ctx, const struct crdt_row *row)
{
	char *out = ctx;
	const struct crdt_col *st = crdt_row_get(row, "status");

	snprintf(out, 32, "%s", st && st->s ? st->s : "?");
	return 0;
}

static int checkin(struct crdt_replica *r, const uint8_t member[32], int status,
		   int name_seen)
{
	struct crdt_op op;
	struct crdt_buf seen;
	int rc = 0;

	crdt_buf_init(&seen, 4096);
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_CHECKIN);
	(void)crdt_op_set_bytes(&op, F_CHECKIN_MEMBER, member, 32);
	(void)crdt_op_set_int(&op, F_CHECKIN_STATUS, status);
	if (name_seen)
		rc = crdt_facts_seen(r->store, CRDT_SEEN_CHECKIN, member, &seen);
	if (!rc && seen.len)
		(void)crdt_op_set_bytes(&op, F_CHECKIN_SEEN, seen.data, seen.len);
	if (!rc)
		rc = tl_commit(r, &op, 1, NULL);
	crdt_buf_release(&seen);
	return rc;
}

static int member_profile(struct crdt_replica *r, const char *name)
{
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_SELF, CRDT_R_MEMBER);
	(void)crdt_op_set_text(&op, F_MEMBER_NAME, name);
	return tl_commit(r, &op, 1, NULL);
}

/* Finding 2: a far-future "safe" for Alice does not hide her later
 * need-help; only a report that follows it (hers or a coordinator's)
 * does. */
static void need_help_stands(void **state)
{
	struct tl_fixture *f = *state;
	struct crdt_replica *a = tl_open(f, "alice", 1), *m = tl_open(f, "m", 2),
			    *k = tl_open(f, "coord", 3);
	struct crdt_apply_stats st;
	struct crdt_roles roles;
	char status[32] = "";

	TL_OK(member_profile(a, "Alice"));
	TL_OK(tl_sync(m, a, &st));
	/* mallory, clock in 2100, says Alice is safe */
	tl_env_of(m)->now_ms = 4102444800000ull;
	TL_OK(checkin(m, a->id.pk, CRDT_CHECKIN_SAFE, 1));
	TL_OK(tl_sync(a, m, &st));
	/* Alice, later in real time, needs help */
	TL_OK(checkin(a, a->id.pk, CRDT_CHECKIN_NEED_HELP, 0));
	TL_OK(tl_sync(m, a, &st));
	TL_OK(tl_sync(k, m, &st));
	TL_OK(crdt_community_refresh(k->store, k->id.pk, &roles));
	crdt_roles_release(&roles);
	TL_OK(crdt_checkins(k->store, NULL, 0, roll_status, status));
	TL_CHECK(!strcmp(status, "need-help"),
		 "a far-future safe must not hide a need-help, got %s", status);
	/* mallory saw it and says safe again, naming it: Alice's own report
	 * stands until she or a coordinator follows it */
	TL_OK(checkin(m, a->id.pk, CRDT_CHECKIN_SAFE, 1));
	TL_OK(tl_sync(k, m, &st));
	TL_OK(crdt_checkins(k->store, NULL, 0, roll_status, status));
	TL_CHECK(!strcmp(status, "need-help"),
		 "a neighbour cannot override Alice's own need-help, got %s",
		 status);
	/* the coordinator (creator) follows it up */
	TL_OK(checkin(k, a->id.pk, CRDT_CHECKIN_SAFE, 1));
	TL_OK(crdt_checkins(k->store, NULL, 0, roll_status, status));
	TL_CHECK(!strcmp(status, "safe"),
		 "a coordinator's report that follows it clears it, got %s",
		 status);
}

/* Finding 6: the community's creator is whoever signed the genesis change
 * its id names; a member's own genesis record, even one copying the name,
 * changes nothing about it. */
static void genesis_names_the_creator(void **state)
{
	struct tl_fixture *f = *state;
	struct crdt_replica *a = tl_open(f, "a", 1), *m = tl_open(f, "m", 2);
	struct crdt_apply_stats st;
	struct crdt_author ha, hm;
	struct crdt_op op;
	uint8_t id[32], who[32];

	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_COMMUNITY);
	TL_OK(crdt_op_set_text(&op, F_COMMUNITY_NAME, "Elm"));
	TL_OK(tl_commit(a, &op, 1, NULL));
	TL_OK(tl_author(a, a->id.pk, &ha));
	memcpy(id, ha.head_hash, 32);
	TL_OK(tl_sync(m, a, &st));
	/* mallory founds "Elm" too, and stamps it earlier */
	tl_env_of(m)->now_ms = TL_EPOCH_MS - 86400000ull;
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_COMMUNITY);
	TL_OK(crdt_op_set_text(&op, F_COMMUNITY_NAME, "Elm"));
	TL_OK(tl_commit(m, &op, 1, NULL));
	TL_OK(tl_sync(a, m, &st));
	TL_OK(crdt_genesis_author(a->store, id, who));
	TL_CHECK(!memcmp(who, a->id.pk, 32), "the id names the real creator");
	TL_OK(crdt_genesis_author(m->store, id, who));
	TL_CHECK(!memcmp(who, a->id.pk, 32), "...on the forger's replica too");
	TL_OK(tl_author(m, m->id.pk, &hm));
	TL_OK(crdt_genesis_author(a->store, hm.head_hash, who));
	TL_CHECK(!memcmp(who, m->id.pk, 32),
		 "the forger's own id names only the forger");
	memset(id, 0x33, sizeof id);
	TL_RC(crdt_genesis_author(a->store, id, who), KITH_ENOTFOUND);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
	const struct CMUnitTest tests[] = {
		T(creator_is_first_coordinator),
		T(partitioned_acts_converge),
		T(revoked_coordinator_cannot_backdate),
		T(revocation_beats_concurrent_acts),
		T(last_coordinator_and_waiting),
		T(need_help_stands),
		T(genesis_names_the_creator),
	};
#undef T

	return cmocka_run_group_tests_name("roles", tests, tl_group_setup,
					   NULL);
}
