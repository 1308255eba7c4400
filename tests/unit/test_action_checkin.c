/*
 * test_action_checkin.c - check-ins and the roll call through
 * action/checkin.h: for yourself and for a neighbour, refusals that write
 * nothing, names in the roll call, and what a roll call counts.
 */
#include <stdio.h>
#include <string.h>

#include "action/checkin.h"
#include "tests/testlib.h"

struct seen {
	char name[8][ACTION_PERSON_MAX];
	char by[8][ACTION_PERSON_MAX];
	char building[8][32];
	int status[8];
	int n;
};

static int collect(void *ctx, const struct action_checkin_row *r)
{
	struct seen *s = ctx;

	if (s->n < 8) {
		snprintf(s->name[s->n], sizeof s->name[0], "%s", r->who.label);
		snprintf(s->by[s->n], sizeof s->by[0], "%s",
			 r->at_ms ? r->by.label : "");
		snprintf(s->building[s->n], sizeof s->building[0], "%s",
			 r->building);
		s->status[s->n] = r->status;
		TL_CHECK(r->row != NULL, "the raw row comes along");
		s->n++;
	}
	return 0;
}

/* The status and reporter of one member in the roll call. */
static int status_of(struct action *a, const char *name, char *by)
{
	struct seen s = { .n = 0 };
	int i;

	TL_OK(action_checkin_roll(a, NULL, collect, &s));
	for (i = 0; i < s.n; i++)
		if (!strcmp(s.name[i], name)) {
			if (by)
				strcpy(by, s.by[i]);
			return s.status[i];
		}
	fail_msg("'%s' is not in the roll call", name);
	return -1;
}

static void building_of(struct action *a, const char *b)
{
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_SELF, CRDT_R_MEMBER);
	TL_OK(crdt_op_set_text(&op, F_MEMBER_BUILDING, b));
	TL_OK(crdt_op_finish(&op));
	TL_OK(action_commit(a, &op, 1, NULL, "cannot save"));
}

static void checkin_yourself_and_a_neighbour(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *bob = tl_member(f, "Bob");
	struct action *cleo = tl_member(f, "Cleo");
	struct action_person who;
	char by[ACTION_PERSON_MAX];

	tl_member_sync(alice, bob);
	tl_member_sync(alice, cleo);
	TL_EQ(status_of(alice, "Bob", NULL), ACTION_CHECKIN_UNKNOWN,
	      "Bob not heard from");
	TL_OK(action_checkin(bob, ACTION_CHECKIN_NEED_HELP, NULL,
			     "water in the cellar", &who));
	TL_CHECK(!strcmp(who.label, "Bob"), "'%s'", who.label);
	TL_OK(action_checkin(bob, ACTION_CHECKIN_SAFE, "alice", "", &who));
	TL_CHECK(!strcmp(who.label, "Alice"), "'%s'", who.label);
	tl_member_sync(alice, bob);
	TL_EQ(status_of(alice, "Bob", by), ACTION_CHECKIN_NEED_HELP,
	      "Bob needs help");
	TL_CHECK(!strcmp(by, "Bob"), "reported by Bob himself: '%s'", by);
	TL_EQ(status_of(alice, "Alice", by), ACTION_CHECKIN_SAFE,
	      "Alice safe");
	TL_CHECK(!strcmp(by, "Bob"), "reported by Bob: '%s'", by);
	/* a neighbour's later safe does not hide Bob's own need-help */
	tl_member_sync(bob, cleo);
	TL_OK(action_checkin(cleo, ACTION_CHECKIN_SAFE, "Bob", NULL, &who));
	tl_member_sync(alice, cleo);
	TL_EQ(status_of(alice, "Bob", NULL), ACTION_CHECKIN_NEED_HELP,
	      "Bob's own report stands");
	/* his own later safe does, and so would a coordinator's */
	TL_OK(action_checkin(bob, ACTION_CHECKIN_SAFE, NULL, NULL, &who));
	tl_member_sync(alice, bob);
	TL_EQ(status_of(alice, "Bob", by), ACTION_CHECKIN_SAFE,
	      "Bob's own safe supersedes his need-help");
	TL_CHECK(!strcmp(by, "Bob"), "'%s'", by);
}

static void checkin_refusals_write_nothing(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action_person who;
	static char note[CRDT_MAX_TEXT + 2];
	int64_t n = tl_changes(alice);

	TL_RC(action_checkin(alice, 5, NULL, NULL, &who), KITH_EINVAL);
	TL_CHECK(strstr(alice->msg, "'safe' or 'need-help'") != NULL, "'%s'",
		 alice->msg);
	TL_RC(action_checkin(alice, ACTION_CHECKIN_UNKNOWN, NULL, NULL, &who),
	      KITH_EINVAL);
	TL_RC(action_checkin(alice, ACTION_CHECKIN_SAFE, "Mrs Nobody", NULL,
			     &who),
	      KITH_ENOTFOUND);
	TL_CHECK(!strcmp(alice->msg, "no member 'Mrs Nobody' (see 'kith "
				     "members')"),
		 "'%s'", alice->msg);
	memset(note, 'x', sizeof note - 1);
	TL_RC(action_checkin(alice, ACTION_CHECKIN_SAFE, NULL, note, &who),
	      KITH_EINVAL);
	TL_CHECK(strstr(alice->msg, "too long") != NULL, "'%s'", alice->msg);
	TL_EQ(tl_changes(alice), n, "refused check-ins wrote nothing");
	TL_EQ(tl_int(&alice->r, "SELECT count(*) FROM checkins"), 0,
	      "no check-in");
}

static void roll_call_by_building_and_emergency(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *bob = tl_member(f, "Bob");
	struct action_person who;
	struct seen s = { .n = 0 };

	building_of(alice, "Oak");
	building_of(bob, "Elm");
	TL_OK(action_checkin(bob, ACTION_CHECKIN_SAFE, NULL, NULL, &who));
	tl_member_sync(alice, bob);
	TL_OK(action_checkin_roll(alice, "elm", collect, &s));
	TL_EQ(s.n, 1, "one member in Elm");
	TL_CHECK(!strcmp(s.name[0], "Bob") && !strcmp(s.building[0], "Elm"),
		 "Bob of Elm: '%s' '%s'", s.name[0], s.building[0]);
	s.n = 0;
	TL_OK(action_checkin_roll(alice, NULL, collect, &s));
	TL_EQ(s.n, 2, "everyone without a building filter");
	TL_CHECK(!strcmp(s.building[0], "Elm") &&
			 !strcmp(s.building[1], "Oak"),
		 "sorted by building");
	/* an emergency starts later: earlier reports no longer count */
	alice->fixed_ms += 3600 * 1000;
	{
		struct crdt_op op;

		crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_EMERGENCY);
		TL_OK(crdt_op_set_int(&op, F_EMERGENCY_ACTIVE, 1));
		TL_OK(crdt_op_set_text(&op, F_EMERGENCY_REASON, "storm"));
		TL_OK(action_coord_commit_fact(alice, &op, F_EMERGENCY_SEEN,
					       CRDT_SEEN_AUTHORITY, NULL,
					       "cannot save"));
		TL_OK(action_refresh(alice));
	}
	TL_CHECK(alice->roles.emergency, "emergency on");
	TL_EQ(status_of(alice, "Bob", NULL), ACTION_CHECKIN_UNKNOWN,
	      "Bob's safe from before the emergency does not count");
	TL_OK(action_checkin(alice, ACTION_CHECKIN_SAFE, "Bob", NULL, &who));
	TL_EQ(status_of(alice, "Bob", NULL), ACTION_CHECKIN_SAFE,
	      "a check-in during the emergency counts");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
		T(checkin_yourself_and_a_neighbour),
		T(checkin_refusals_write_nothing),
		T(roll_call_by_building_and_emergency),
#undef T
	};

	return cmocka_run_group_tests(tests, tl_group_setup, NULL);
}
