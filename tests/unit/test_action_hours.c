/*
 * test_action_hours.c - a member's accounts (action/hours.h): whose time
 * bank, its totals and ledger, loans due; every refusal, and that reading
 * never writes.
 */
#include <stdio.h>
#include <string.h>

#include "action/hours.h"
#include "action/loan.h"
#include "tests/testlib.h"

static int count_row(void *ctx, const struct crdt_row *r)
{
	(void)r;
	++*(int *)ctx;
	return 0;
}

static void own_and_named_time_banks(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *bob = tl_member(f, "Bob");
	struct action_hours h;
	char hex[2 * CRDT_PK_LEN + 1], digest[65], after[65];
	int n = 0;

	tl_member_sync(alice, bob);
	TL_OK(tl_digest(&alice->r, digest));
	TL_OK(action_hours_of(alice, NULL, &h));
	TL_CHECK(!memcmp(h.member, alice->r.id.pk, CRDT_PK_LEN),
		 "NULL is the acting person");
	TL_CHECK(!strcmp(h.name, "Alice") && !strcmp(h.shown, "Alice"),
		 "by name: '%s' '%s'", h.name, h.shown);
	crdt_hex(hex, alice->r.id.pk, CRDT_PK_LEN);
	TL_CHECK(!strcmp(h.hex, hex), "the full key in hex");
	TL_EQ(h.earned_q, 0, "nothing earned yet");
	TL_EQ(h.given_q, 0, "nothing given yet");
	TL_OK(action_hours_ledger(alice, &h, count_row, &n));
	TL_EQ(n, 0, "an empty ledger");

	TL_OK(action_hours_of(alice, "bob", &h));
	TL_CHECK(!memcmp(h.member, bob->r.id.pk, CRDT_PK_LEN),
		 "a member by name");
	TL_CHECK(!strcmp(h.shown, "Bob"), "'%s'", h.shown);
	crdt_hex(hex, bob->r.id.pk, CRDT_PK_LEN);
	hex[8] = 0;
	TL_OK(action_hours_of(alice, hex, &h));
	TL_CHECK(!memcmp(h.member, bob->r.id.pk, CRDT_PK_LEN),
		 "a member by id prefix");
	TL_OK(tl_digest(&alice->r, after));
	TL_CHECK(!strcmp(digest, after), "reading hours wrote nothing");
}

static void hours_refusals(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action reader;
	struct action_hours h;
	char dir[TL_PATH_MAX + 16];

	TL_RC(action_hours_of(alice, "Zed", &h), KITH_ENOTFOUND);
	TL_CHECK(!strcmp(alice->msg, "no member 'Zed' (see 'kith members')"),
		 "'%s'", alice->msg);
	TL_RC(action_hours_of(alice, "abcdef0123", &h), KITH_ENOTFOUND);
	TL_CHECK(strstr(alice->msg, "no member 'abcdef0123'") != NULL, "'%s'",
		 alice->msg);

	/* a data directory without an identity: "yours" means nobody */
	tl_path(f, "reader", dir, sizeof dir);
	action_init(&reader, TL_EPOCH_MS);
	TL_OK(action_open(&reader, dir, ACTION_CREATE));
	TL_RC(action_hours_of(&reader, NULL, &h), KITH_ENOIDENT);
	TL_CHECK(strstr(reader.msg, "no identity in") &&
			 strstr(reader.msg, "kith hours NAME"),
		 "says what to do: '%s'", reader.msg);
	(void)action_close(&reader);
}

static void loans_due_without_identity_are_none(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action reader;
	char dir[TL_PATH_MAX + 16];
	int n = 0;

	TL_OK(action_loan_due(alice, count_row, &n));
	TL_EQ(n, 0, "no loans yet");
	tl_path(f, "reader", dir, sizeof dir);
	action_init(&reader, TL_EPOCH_MS);
	TL_OK(action_open(&reader, dir, ACTION_CREATE));
	TL_OK(action_loan_due(&reader, count_row, &n));
	TL_EQ(n, 0, "nobody acting: no loans, no error");
	(void)action_close(&reader);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
		T(own_and_named_time_banks),
		T(hours_refusals),
		T(loans_due_without_identity_are_none),
#undef T
	};

	return cmocka_run_group_tests(tests, tl_group_setup, NULL);
}
