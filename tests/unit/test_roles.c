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
#include "crdt/schema.h"
#include "tests/testlib.h"

#define NREP 4

static int fact(struct crdt_replica *r, int rtype, const uint8_t *member,
		int role, int flag, const char *reason)
{
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_CREATE, (unsigned)rtype);
	if (rtype == CRDT_R_ROLE) {
		(void)crdt_op_set_bytes(&op, F_ROLE_MEMBER, member, 32);
		(void)crdt_op_set_int(&op, F_ROLE_ROLE, role);
		(void)crdt_op_set_int(&op, F_ROLE_GRANT, flag);
	} else {
		(void)crdt_op_set_int(&op, F_EMERGENCY_ACTIVE, flag);
		if (reason)
			(void)crdt_op_set_text(&op, F_EMERGENCY_REASON, reason);
	}
	return tl_commit(r, &op, 1, NULL);
}

/* A canonical text of the derived state, to compare replicas. */
static void describe(struct crdt_replica *r, const uint8_t *creator,
		     char *out, size_t cap)
{
	struct crdt_roles roles;
	size_t i, j, n = 0;

	TL_OK(crdt_roles_derive(r->store, creator, &roles));
	/* sort entries so order of derivation does not matter */
	for (i = 0; i < roles.n; i++)
		for (j = i + 1; j < roles.n; j++)
			if (memcmp(&roles.v[j], &roles.v[i], sizeof roles.v[i]) < 0) {
				struct crdt_role t = roles.v[i];

				roles.v[i] = roles.v[j];
				roles.v[j] = t;
			}
	for (i = 0; i < roles.n && n + 40 < cap; i++)
		n += (size_t)snprintf(out + n, cap - n, "%s:%d ",
				      tl_hex(roles.v[i].member, 4),
				      roles.v[i].role);
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

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
	const struct CMUnitTest tests[] = {
		T(creator_is_first_coordinator),
		T(partitioned_acts_converge),
	};
#undef T

	return cmocka_run_group_tests_name("roles", tests, tl_group_setup,
					   NULL);
}
