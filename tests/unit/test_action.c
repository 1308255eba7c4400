/*
 * test_action.c - the core of the action layer (action/action.c): opening
 * a data directory, the messages people get for ids they type, role
 * checks, short ids; and the member fixture the action group tests use
 * (tests/testlib.h tl_member).
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "action/action.h"
#include "action/coord.h"
#include "action/names.h"
#include "tests/testlib.h"

static void missing_directory_is_named_not_created(void **state)
{
	struct tl_fixture *f = *state;
	struct action a;
	char dir[TL_PATH_MAX + 16];
	struct stat st;

	tl_path(f, "nobody", dir, sizeof dir);
	action_init(&a, TL_EPOCH_MS);
	TL_RC(action_open(&a, dir, ACTION_READ), KITH_ENOTFOUND);
	TL_CHECK(strstr(a.msg, "no kith data directory") &&
			 strstr(a.msg, "nobody"),
		 "message names the directory: '%s'", a.msg);
	TL_CHECK(stat(dir, &st) != 0, "'%s' was created", dir);
	TL_OK(action_open(&a, dir, ACTION_CREATE));
	TL_CHECK(stat(dir, &st) == 0, "ACTION_CREATE made '%s'", dir);
	TL_RC(action_open(&a, dir, ACTION_IDENTITY), KITH_ENOIDENT);
	TL_CHECK(strstr(a.msg, "kith init") != NULL,
		 "no identity: says to run kith init: '%s'", a.msg);
	(void)action_close(&a);
}

static void members_share_a_community(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *bob = tl_member(f, "Bob");
	uint8_t pk[CRDT_PK_LEN];

	TL_CHECK(alice->joined && alice->have_community, "Alice founded it");
	TL_CHECK(bob->joined && bob->have_community, "Bob joined it");
	TL_CHECK(!memcmp(bob->creator, alice->r.id.pk, CRDT_PK_LEN),
		 "the creator is Alice");
	TL_OK(action_require_role(alice, CRDT_ROLE_COORDINATOR,
				  "only coordinators can grant roles"));
	TL_RC(action_require_role(bob, CRDT_ROLE_COORDINATOR,
				  "only coordinators can grant roles"),
	      KITH_EDENIED);
	TL_CHECK(!strcmp(bob->msg, "only coordinators can grant roles"),
		 "refusal: '%s'", bob->msg);
	TL_OK(action_resolve(bob, CRDT_R_MEMBER, "alice", pk));
	TL_CHECK(!memcmp(pk, alice->r.id.pk, CRDT_PK_LEN), "Alice by name");
	TL_CHECK(action_is_me(alice, pk) && !action_is_me(bob, pk),
		 "action_is_me");
}

static void resolve_messages(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = tl_member(f, "Alice");
	uint8_t id[CRDT_PK_LEN];

	TL_RC(action_resolve(a, CRDT_R_WISH, "abc", id), KITH_EINVAL);
	TL_CHECK(strstr(a->msg, "too short") != NULL, "'%s'", a->msg);
	TL_RC(action_resolve(a, CRDT_R_WISH, "abcdef12", id), KITH_ENOTFOUND);
	TL_CHECK(!strcmp(a->msg, "no wish with id 'abcdef12' (see 'kith wish "
				 "list')"),
		 "'%s'", a->msg);
	TL_RC(action_resolve(a, CRDT_R_MEMBER, "Zed", id), KITH_ENOTFOUND);
	TL_CHECK(strstr(a->msg, "no member 'Zed'") != NULL, "'%s'", a->msg);
}

static void short_ids_are_unique_prefixes(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = tl_member(f, "Alice");
	struct tl_rec w[40];
	char hex[2 * CRDT_ID_LEN + 1], sid[2 * CRDT_ID_LEN + 1];
	uint8_t got[CRDT_ID_LEN];
	int i, longer = 0;

	for (i = 0; i < 40; i++)
		TL_OK(tl_wish(&a->r, "Soup", &w[i]));
	for (i = 0; i < 40; i++) {
		crdt_hex(hex, w[i].id, CRDT_ID_LEN);
		action_short_id(a, CRDT_R_WISH, hex, sid, sizeof sid);
		TL_CHECK(strlen(sid) >= 6, "at least 6 characters: '%s'", sid);
		TL_OK(action_resolve(a, CRDT_R_WISH, sid, got));
		TL_CHECK(!memcmp(got, w[i].id, CRDT_ID_LEN),
			 "'%s' names its own wish", sid);
		if (strlen(sid) > 6) {
			sid[strlen(sid) - 1] = 0; /* one shorter is ambiguous */
			TL_RC(action_resolve(a, CRDT_R_WISH, sid, got),
			      KITH_EAMBIGUOUS);
			longer++;
		}
	}
	(void)longer; /* ids are hashes: a clash below 6 is rare */
}

static int warnings;
static void count_warning(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
	warnings++;
}

static void posting_before_joining_warns(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = tl_member(f, "Alice");
	struct crdt_op op;

	a->warn = count_warning;
	warnings = 0;
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_WISH);
	TL_OK(crdt_op_set_text(&op, F_WISH_TITLE, "Soup"));
	TL_OK(crdt_op_finish(&op));
	TL_OK(action_commit(a, &op, 1, NULL, "cannot save"));
	TL_EQ(warnings, 0, "a member of a community is not warned");
	a->joined = 0;
	TL_OK(action_commit(a, &op, 1, NULL, "cannot save"));
	TL_EQ(warnings, 1, "a post before joining warns once");
}

static void names_shared_later_get_short_ids(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *ben = tl_member(f, "Ben Okafor");
	struct action *alice2;
	struct action_person p;

	action_person(ben, alice->r.id.pk, &p);
	TL_CHECK(!strcmp(p.label, "Alice") && !strcmp(p.handle, "Alice"),
		 "a unique name alone: '%s' '%s'", p.label, p.handle);
	action_person(alice, ben->r.id.pk, &p);
	TL_CHECK(!strcmp(p.label, "Ben Okafor") &&
			 !strcmp(p.handle, "\"Ben Okafor\""),
		 "a name with a space is typed in quotes: '%s' '%s'", p.label,
		 p.handle);
	/* a second Alice arrives by sync: the names cached for Ben's lists
	 * are dropped, and Alice is shown with her short id */
	alice2 = tl_member(f, "alice");
	tl_member_sync(ben, alice2);
	action_person(ben, alice->r.id.pk, &p);
	TL_CHECK(!strncmp(p.label, "Alice (", 7) && strlen(p.handle) >= 6 &&
			 strspn(p.handle, "0123456789abcdef") ==
				 strlen(p.handle),
		 "shared name: label with short id, handle the id: '%s' '%s'",
		 p.label, p.handle);
}

/* action_refresh before each page of the web app: roles and cached names
 * stay while nothing they come from changed, and are derived again after
 * a commit of another connection (a CLI run beside the daemon), one of
 * this connection (a sync) and a change of the community file. */
static void refresh_rederives_only_after_changes(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *bob = tl_member(f, "Bob");
	struct action other;
	struct action_person p;
	char path[TL_PATH_MAX + 16];
	int64_t before;

	action_person(alice, bob->r.id.pk, &p); /* loads the shared names */
	TL_CHECK(alice->shared_loaded, "action_person loaded the names");
	before = alice->now;
	alice->fixed_ms += 60 * 1000;
	TL_OK(action_refresh(alice));
	TL_CHECK(alice->shared_loaded, "nothing changed: the names stay");
	TL_EQ(alice->now, before + 60, "the clock is read again");
	TL_CHECK(!crdt_roles_verified(&alice->roles, bob->r.id.pk),
		 "Bob is not verified yet");

	/* another connection to Alice's replica verifies Bob */
	action_init(&other, alice->fixed_ms);
	TL_OK(action_open(&other, alice->home, ACTION_IDENTITY));
	TL_OK(action_coord_verify(&other, "Bob", "Elm 12", "4", &p));
	TL_CHECK(action_close(&other) == 1, "the other connection wrote");
	TL_OK(action_refresh(alice));
	TL_CHECK(!alice->shared_loaded, "a commit elsewhere drops the names");
	TL_CHECK(crdt_roles_verified(&alice->roles, bob->r.id.pk) != NULL,
		 "a commit elsewhere: roles derived again, Bob verified");

	/* this connection applies changes (a sync): derived again */
	action_person(alice, bob->r.id.pk, &p);
	TL_OK(tl_profile(&bob->r, "Bobby"));
	tl_member_sync(alice, bob);
	TL_CHECK(!alice->shared_loaded, "a sync drops the names");
	action_person(alice, bob->r.id.pk, &p);
	TL_CHECK(!strcmp(p.label, "Bobby"), "Bob's new name: '%s'", p.label);

	/* the community file goes: no longer joined */
	snprintf(path, sizeof path, "%s/community", alice->home);
	TL_CHECK(unlink(path) == 0, "removed '%s'", path);
	TL_OK(action_refresh(alice));
	TL_CHECK(!alice->joined, "the community file is read again");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
		T(missing_directory_is_named_not_created),
		T(members_share_a_community),
		T(resolve_messages),
		T(short_ids_are_unique_prefixes),
		T(posting_before_joining_warns),
		T(names_shared_later_get_short_ids),
		T(refresh_rederives_only_after_changes),
#undef T
	};

	return cmocka_run_group_tests(tests, tl_group_setup, NULL);
}
