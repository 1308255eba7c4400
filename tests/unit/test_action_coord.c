/*
 * test_action_coord.c - running the community through action/coord.h:
 * roles, verification in person, hiding posts, blocking, emergency mode,
 * and how people are named.  Every refusal is checked for its code, its
 * message and that it wrote nothing.
 */
#include <stdio.h>
#include <string.h>

#include "action/coord.h"
#include "tests/testlib.h"

/* Changes in a's replica: a refusal must not add one. */
#define MSG_HAS(a, s)                                                         \
	TL_CHECK(strstr((a)->msg, (s)) != NULL, "message has '%s': '%s'",     \
		 (s), (a)->msg)

struct names {
	char v[8][ACTION_PERSON_MAX];
	int role[8];
	char building[8][64];
	int n;
};

static int collect(void *ctx, const struct action_coord_role *r)
{
	struct names *n = ctx;

	if (n->n < 8) {
		snprintf(n->v[n->n], sizeof n->v[0], "%s", r->who.label);
		n->role[n->n] = r->role;
		snprintf(n->building[n->n], sizeof n->building[0], "%s",
			 r->building);
		n->n++;
	}
	return 0;
}

static int has_role(struct action *a, const char *label, int role)
{
	struct names n = { .n = 0 };
	int i;

	TL_OK(action_coord_roles(a, collect, &n));
	for (i = 0; i < n.n; i++)
		if (!strcmp(n.v[i], label) && n.role[i] == role)
			return 1;
	return 0;
}

static void roles_list_names(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *bob = tl_member(f, "Bob");
	struct action_person who;
	struct names n = { .n = 0 };

	TL_OK(action_coord_roles(bob, collect, &n));
	TL_EQ(n.n, 1, "one role: the founder");
	TL_CHECK(!strcmp(n.v[0], "Alice"), "named, not hex: '%s'", n.v[0]);
	TL_OK(action_coord_role_grant(alice, "bob", CRDT_ROLE_BUILDING_HEAD,
				      "Elm", &who));
	TL_CHECK(!strcmp(who.label, "Bob") && !strcmp(who.handle, "Bob"),
		 "who: '%s' '%s'", who.label, who.handle);
	TL_CHECK(has_role(alice, "Bob", CRDT_ROLE_BUILDING_HEAD),
		 "Bob heads a building, at once on Alice's replica");
	tl_member_sync(alice, bob);
	n.n = 0;
	TL_OK(action_coord_roles(bob, collect, &n));
	TL_EQ(n.n, 2, "two roles after the sync");
	TL_CHECK(has_role(bob, "Bob", CRDT_ROLE_BUILDING_HEAD),
		 "Bob sees his own role");
}

static void person_labels(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *ben1 = tl_member(f, "Ben");
	struct action *ben2 = tl_member(f, "Ben Two");
	struct action_person p;
	uint8_t stranger[32];
	char want[64];

	TL_OK(tl_profile(&ben2->r, "Ben")); /* a second Ben */
	tl_member_sync(alice, ben1);
	tl_member_sync(alice, ben2);
	action_person(alice, alice->r.id.pk, &p);
	TL_CHECK(!strcmp(p.label, "Alice"), "unique name: '%s'", p.label);
	action_person(alice, ben1->r.id.pk, &p);
	TL_CHECK(!strncmp(p.label, "Ben (", 5) &&
			 strstr(p.label, ")") != NULL,
		 "a shared name carries the short id: '%s'", p.label);
	snprintf(want, sizeof want, "%.6s", p.hex);
	TL_CHECK(strstr(p.label, want) && !strncmp(p.handle, want, 6),
		 "short id in label and handle: '%s' '%s'", p.label,
		 p.handle);
	memset(stranger, 0xab, sizeof stranger);
	action_person(alice, stranger, &p);
	TL_CHECK(!strcmp(p.label, "abababab") && !p.name[0],
		 "an unknown member: 8 hex characters: '%s'", p.label);
}

static void grant_refusals(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *bob = tl_member(f, "Bob");
	struct action_person who;
	int64_t na = tl_changes(alice), nb = tl_changes(bob);

	TL_RC(action_coord_role_grant(bob, "Alice", CRDT_ROLE_COORDINATOR,
				      NULL, &who),
	      KITH_EDENIED);
	TL_CHECK(!strcmp(bob->msg, "only coordinators can grant roles"),
		 "'%s'", bob->msg);
	TL_RC(action_coord_role_grant(alice, "Bob", CRDT_ROLE_BUILDING_HEAD,
				      NULL, &who),
	      KITH_EINVAL);
	MSG_HAS(alice, "say which building");
	TL_RC(action_coord_role_grant(alice, "Bob", CRDT_ROLE_BUILDING_HEAD,
				      "", &who),
	      KITH_EINVAL);
	TL_RC(action_coord_role_grant(alice, "Bob", CRDT_ROLE_COORDINATOR,
				      "Elm", &who),
	      KITH_EINVAL);
	MSG_HAS(alice, "coordinators serve every building");
	TL_RC(action_coord_role_grant(alice, "Bob", 7, NULL, &who),
	      KITH_EINVAL);
	TL_RC(action_coord_role_grant(alice, "Zed", CRDT_ROLE_COORDINATOR,
				      NULL, &who),
	      KITH_ENOTFOUND);
	MSG_HAS(alice, "no member 'Zed'");
	TL_RC(action_coord_role_grant(alice, "Alice", CRDT_ROLE_COORDINATOR,
				      NULL, &who),
	      KITH_EEXISTS);
	TL_CHECK(!strcmp(alice->msg, "'Alice' is already a coordinator"),
		 "'%s'", alice->msg);
	TL_EQ(tl_changes(alice), na, "refusals wrote nothing (Alice)");
	TL_EQ(tl_changes(bob), nb, "refusals wrote nothing (Bob)");
	TL_OK(action_coord_role_grant(alice, "Bob", CRDT_ROLE_BUILDING_HEAD,
				      "Elm", &who));
	na = tl_changes(alice);
	TL_RC(action_coord_role_grant(alice, "Bob", CRDT_ROLE_BUILDING_HEAD,
				      "elm", &who),
	      KITH_EEXISTS);
	MSG_HAS(alice, "'Bob' is already the building head of 'elm'");
	TL_OK(action_coord_role_grant(alice, "Bob", CRDT_ROLE_BUILDING_HEAD,
				      "Oak", &who));
	TL_EQ(tl_changes(alice), na + 1, "a second building is one change");
	TL_OK(action_coord_role_grant(alice, "Bob", CRDT_ROLE_COORDINATOR,
				      NULL, &who));
	TL_CHECK(has_role(alice, "Bob", CRDT_ROLE_COORDINATOR),
		 "Bob is a coordinator");
}

static void revoke_rules(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *bob = tl_member(f, "Bob");
	struct action_person who;
	int64_t na;

	TL_OK(action_coord_role_grant(alice, "Bob", CRDT_ROLE_BUILDING_HEAD,
				      "Elm", &who));
	tl_member_sync(alice, bob);
	na = tl_changes(alice);
	TL_RC(action_coord_role_revoke(bob, "Alice", CRDT_ROLE_COORDINATOR,
				       NULL, &who),
	      KITH_EDENIED);
	TL_CHECK(!strcmp(bob->msg, "only coordinators can revoke roles"),
		 "'%s'", bob->msg);
	TL_RC(action_coord_role_revoke(alice, "Alice", CRDT_ROLE_COORDINATOR,
				       NULL, &who),
	      KITH_EDENIED);
	MSG_HAS(alice, "'Alice' is the last coordinator");
	TL_RC(action_coord_role_revoke(alice, "Bob", CRDT_ROLE_COORDINATOR,
				       NULL, &who),
	      KITH_ENOTFOUND);
	TL_CHECK(!strcmp(alice->msg, "'Bob' is not a coordinator"), "'%s'",
		 alice->msg);
	TL_RC(action_coord_role_revoke(alice, "Bob", CRDT_ROLE_BUILDING_HEAD,
				       "Oak", &who),
	      KITH_ENOTFOUND);
	MSG_HAS(alice, "not the building head of 'Oak'");
	TL_RC(action_coord_role_revoke(alice, "Alice", CRDT_ROLE_BUILDING_HEAD,
				       NULL, &who),
	      KITH_ENOTFOUND);
	MSG_HAS(alice, "'Alice' is not a building head");
	TL_EQ(tl_changes(alice), na, "refusals wrote nothing");
	TL_OK(action_coord_role_revoke(alice, "Bob", CRDT_ROLE_BUILDING_HEAD,
				       "ELM", &who));
	TL_CHECK(!has_role(alice, "Bob", CRDT_ROLE_BUILDING_HEAD),
		 "Bob no longer heads Elm");
	/* with two coordinators, one may go */
	TL_OK(action_coord_role_grant(alice, "Bob", CRDT_ROLE_COORDINATOR,
				      NULL, &who));
	TL_OK(action_coord_role_revoke(alice, "Alice", CRDT_ROLE_COORDINATOR,
				       NULL, &who));
	TL_CHECK(!has_role(alice, "Alice", CRDT_ROLE_COORDINATOR) &&
			 has_role(alice, "Bob", CRDT_ROLE_COORDINATOR),
		 "Alice stepped down, Bob leads");
}

static void verification(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *bob = tl_member(f, "Bob");
	struct action *cleo = tl_member(f, "Cleo");
	struct action_person who;
	char was[ACTION_PERSON_MAX];
	int64_t nb;

	TL_OK(action_coord_role_grant(alice, "Bob", CRDT_ROLE_BUILDING_HEAD,
				      "Elm", &who));
	tl_member_sync(alice, bob);
	tl_member_sync(bob, cleo);
	nb = tl_changes(bob);
	TL_RC(action_coord_verify(bob, "Cleo", "Elm", NULL, &who),
	      KITH_EINVAL);
	MSG_HAS(bob, "say where they live");
	TL_RC(action_coord_verify(bob, "Cleo", "", "4", &who), KITH_EINVAL);
	TL_RC(action_coord_verify(bob, "Cleo", "Oak", "2", &who),
	      KITH_EDENIED);
	TL_CHECK(!strcmp(bob->msg, "only coordinators, and the building head "
				   "of 'Oak', can verify members there"),
		 "'%s'", bob->msg);
	TL_RC(action_coord_verify(cleo, "Bob", "Elm", "4", &who),
	      KITH_EDENIED);
	TL_RC(action_coord_verify(bob, "Nobody", "Elm", "4", &who),
	      KITH_ENOTFOUND);
	TL_RC(action_coord_unverify(bob, "Cleo", &who, was), KITH_ENOTFOUND);
	TL_CHECK(!strcmp(bob->msg, "'Cleo' is not verified"), "'%s'",
		 bob->msg);
	TL_EQ(tl_changes(bob), nb, "refusals wrote nothing");
	TL_OK(action_coord_verify(bob, "cleo", "elm", "12", &who));
	TL_CHECK(!strcmp(who.label, "Cleo"), "'%s'", who.label);
	TL_CHECK(crdt_roles_verified(&bob->roles, cleo->r.id.pk) != NULL,
		 "Cleo is verified");
	TL_OK(action_coord_verify(alice, "Bob", "Oak", "2", &who));
	tl_member_sync(alice, bob);
	TL_RC(action_coord_unverify(bob, "Bob", &who, was), KITH_EDENIED);
	MSG_HAS(bob, "can unverify members there");
	TL_OK(action_coord_unverify(bob, "Cleo", &who, was));
	TL_CHECK(!strcmp(was, "elm"), "verified in '%s'", was);
	TL_CHECK(crdt_roles_verified(&bob->roles, cleo->r.id.pk) == NULL,
		 "Cleo is no longer verified");
}

struct waiting_names {
	char v[8][ACTION_PERSON_MAX];
	int n;
};

static int waiting_name(void *ctx, const struct action_member *m)
{
	struct waiting_names *w = ctx;

	if (w->n < 8)
		snprintf(w->v[w->n++], sizeof w->v[0], "%s", m->shown);
	return 0;
}

static int waits(struct action *a, const char *name)
{
	struct waiting_names w = { .n = 0 };
	int i;

	TL_OK(action_coord_waiting(a, waiting_name, &w));
	for (i = 0; i < w.n; i++)
		if (!strcmp(w.v[i], name))
			return 1;
	return 0;
}

/* The coordinator's list of members to verify: never herself, nobody
 * verified. */
static void waiting_list(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *bob = tl_member(f, "Bob");
	struct action *cleo = tl_member(f, "Cleo");
	struct action_person who;

	tl_member_sync(bob, alice);
	tl_member_sync(cleo, alice);
	TL_CHECK(waits(alice, "Bob") && waits(alice, "Cleo"),
		 "Bob and Cleo wait");
	TL_CHECK(!waits(alice, "Alice"), "the founder is not listed to "
					 "verify herself");
	TL_OK(action_coord_verify(alice, "Cleo", "Elm", "4", &who));
	TL_CHECK(!waits(alice, "Cleo"), "Cleo, verified, no longer waits");
	TL_CHECK(waits(alice, "Bob"), "Bob still waits");
	tl_member_sync(alice, bob);
	TL_CHECK(waits(bob, "Alice") && !waits(bob, "Bob"),
		 "Bob's list has Alice, not himself");
}

static void moderation(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *bob = tl_member(f, "Bob");
	struct action_coord_post post;
	struct tl_rec spam, wish;
	char hex[33];
	int64_t na, nb;

	TL_OK(tl_item(&bob->r, "Cheap watches", &spam));
	TL_OK(tl_wish(&bob->r, "Soup", &wish));
	tl_member_sync(alice, bob);
	crdt_hex(hex, spam.id, 16);
	na = tl_changes(alice);
	nb = tl_changes(bob);
	TL_RC(action_coord_hide(alice, hex, NULL, &post), KITH_EINVAL);
	MSG_HAS(alice, "say why");
	TL_RC(action_coord_hide(alice, hex, "", &post), KITH_EINVAL);
	TL_RC(action_coord_hide(alice, "00000000ffff", "spam", &post),
	      KITH_ENOTFOUND);
	MSG_HAS(alice, "no item or wish with id '00000000ffff'");
	TL_RC(action_coord_hide(alice, "abc", "spam", &post), KITH_EINVAL);
	MSG_HAS(alice, "too short");
	TL_RC(action_coord_hide(bob, hex, "spam", &post), KITH_EDENIED);
	TL_CHECK(!strcmp(bob->msg, "only coordinators can hide posts"), "'%s'",
		 bob->msg);
	TL_RC(action_coord_unhide(alice, hex, NULL, &post), KITH_ENOTFOUND);
	MSG_HAS(alice, "is not hidden");
	TL_EQ(tl_changes(alice), na, "refusals wrote nothing (Alice)");
	TL_EQ(tl_changes(bob), nb, "refusals wrote nothing (Bob)");
	hex[8] = 0;
	TL_OK(action_coord_hide(alice, hex, "spam", &post));
	TL_CHECK(!strcmp(post.title, "Cheap watches") &&
			 post.rtype == CRDT_R_ITEM &&
			 strlen(post.short_id) >= 6,
		 "the post: '%s' '%s'", post.title, post.short_id);
	TL_RC(action_coord_hide(alice, hex, "again", &post), KITH_EEXISTS);
	MSG_HAS(alice, "already hidden");
	TL_OK(action_coord_unhide(alice, hex, NULL, &post));
	crdt_hex(hex, wish.id, 16);
	TL_OK(action_coord_hide(alice, hex, "duplicate", &post));
	TL_CHECK(post.rtype == CRDT_R_WISH && !strcmp(post.title, "Soup"),
		 "a wish: '%s'", post.title);
	tl_member_sync(alice, bob);
	TL_EQ(tl_int(&bob->r, "SELECT count(*) FROM moderation"), 3,
		 "three moderation records reach Bob");
}

static void blocking(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *bob = tl_member(f, "Bob");
	struct action_person who;
	int64_t na;

	tl_member_sync(alice, bob);
	na = tl_changes(alice);
	TL_RC(action_coord_block(alice, "Alice", &who), KITH_EINVAL);
	TL_CHECK(!strcmp(alice->msg, "you cannot block yourself"), "'%s'",
		 alice->msg);
	TL_RC(action_coord_block(alice, "Zed", &who), KITH_ENOTFOUND);
	TL_EQ(tl_int(&alice->r, "SELECT count(*) FROM blocked"), 0,
	      "nothing blocked");
	TL_OK(action_coord_block(alice, "Bob", &who));
	TL_CHECK(!strcmp(who.label, "Bob"), "'%s'", who.label);
	TL_EQ(tl_int(&alice->r, "SELECT count(*) FROM blocked"), 1,
	      "Bob is blocked");
	TL_EQ(tl_changes(alice), na, "blocking is local: no change");
	TL_OK(action_coord_unblock(alice, "Bob", &who));
	TL_EQ(tl_int(&alice->r, "SELECT count(*) FROM blocked"), 0,
	      "Bob is unblocked");
}

static void emergency_mode(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *bob = tl_member(f, "Bob");
	struct action_coord_emergency e;
	int64_t na = tl_changes(alice), nb = tl_changes(bob);

	TL_RC(action_coord_emergency_start(bob, "flood", &e), KITH_EDENIED);
	TL_CHECK(!strcmp(bob->msg, "only coordinators can start emergency "
				   "mode"),
		 "'%s'", bob->msg);
	TL_RC(action_coord_emergency_start(alice, "", &e), KITH_EINVAL);
	TL_RC(action_coord_emergency_start(alice, NULL, &e), KITH_EINVAL);
	TL_RC(action_coord_emergency_end(alice, &e), KITH_ENOTFOUND);
	TL_CHECK(!strcmp(alice->msg, "emergency mode is not on"), "'%s'",
		 alice->msg);
	TL_EQ(tl_changes(alice), na, "refusals wrote nothing (Alice)");
	TL_EQ(tl_changes(bob), nb, "refusals wrote nothing (Bob)");
	TL_OK(action_coord_emergency_start(alice, "Flood in Elm Street", &e));
	TL_CHECK(e.on && !strcmp(e.reason, "Flood in Elm Street") &&
			 !strcmp(e.by.label, "Alice"),
		 "on, why, by whom: %d '%s' '%s'", e.on, e.reason,
		 e.by.label);
	tl_member_sync(alice, bob);
	action_coord_emergency(bob, &e);
	TL_CHECK(e.on && !strcmp(e.by.label, "Alice") && e.since_ms > 0,
		 "Bob sees it after a sync");
	TL_RC(action_coord_emergency_end(bob, &e), KITH_EDENIED);
	MSG_HAS(bob, "only coordinators can end emergency mode");
	TL_OK(action_coord_emergency_end(alice, &e));
	TL_CHECK(!e.on, "off");
	tl_member_sync(alice, bob);
	action_coord_emergency(bob, &e);
	TL_CHECK(!e.on, "off for Bob too");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
		T(roles_list_names),
		T(person_labels),
		T(grant_refusals),
		T(revoke_rules),
		T(verification),
		T(waiting_list),
		T(moderation),
		T(blocking),
		T(emergency_mode),
#undef T
	};

	return cmocka_run_group_tests(tests, tl_group_setup, NULL);
}
