/*
 * test_action_replace.c - a coordinator replaces a member's lost key
 * through action/replace.h: the refusals (each with its code, its
 * sentence, and nothing written), then the story - the new machine
 * writes as the member, the lost one's writes are refused and shown
 * nowhere, and the member's page lists the replacement.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action/device.h"
#include "action/member.h"
#include "action/replace.h"
#include "action/wish.h"
#include "crdt/err.h"
#include "tests/testlib.h"

#define REFUSED(a, call, code, text)                                          \
	do {                                                                  \
		int64_t before_ = tl_changes(a);                              \
		TL_EQ((call), (code), "refused as it should be");             \
		TL_CHECK(strstr((a)->msg, (text)) != NULL,                    \
			 "message has '%s': '%s'", (text), (a)->msg);         \
		TL_EQ(tl_changes(a), before_, "a refusal writes nothing");   \
	} while (0)

static void wish(struct action *a, const char *title,
		 uint8_t id[CRDT_ID_LEN])
{
	struct action_wish_fields w;
	struct action_wish_result r;

	action_wish_fields_init(&w);
	w.title = title;
	TL_OK(action_wish_add(a, &w, &r));
	memcpy(id, r.wish, CRDT_ID_LEN);
}

static const char *author(struct action *a, const uint8_t id[CRDT_ID_LEN],
			  char out[65])
{
	TL_OK(tl_text(&a->r, "SELECT lower(hex(author)) FROM wishes"
			     " WHERE id = ?1", id, CRDT_ID_LEN, out, 65));
	return out;
}

static void refusals(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *xu = tl_member(f, "Xu");
	struct action *ben = tl_member(f, "Ben");
	struct action *fresh = tl_member(f, "Xu again");
	struct action_replace out;
	uint8_t id[CRDT_ID_LEN];
	char key[65];

	wish(ben, "a ladder", id);
	tl_member_sync(alice, xu);
	tl_member_sync(alice, ben);
	tl_member_sync(alice, fresh);
	crdt_hex(key, fresh->r.id.pk, 32);
	REFUSED(alice, action_member_replace(alice, "Xu", "12ab", &out),
		KITH_EINVAL, "whole id");
	REFUSED(alice, action_member_replace(alice, "Xu", "zz", &out),
		KITH_EINVAL, "whole id");
	REFUSED(ben, action_member_replace(ben, "Xu", key, &out),
		KITH_EDENIED, "only coordinators");
	REFUSED(alice, action_member_replace(alice, "Nobody", key, &out),
		KITH_ENOTFOUND, "Nobody");
	crdt_hex(key, xu->r.id.pk, 32);
	REFUSED(alice, action_member_replace(alice, "Xu", key, &out),
		KITH_EEXISTS, "own key already");
	crdt_hex(key, ben->r.id.pk, 32);
	REFUSED(alice, action_member_replace(alice, "Xu", key, &out),
		KITH_EEXISTS, "has posted here as Ben");
}

static void replaced_member_writes_from_the_new_machine(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *xu = tl_member(f, "Xu");
	struct action *fresh = tl_member(f, "Xu (new laptop)");
	struct action_replace out;
	struct action_replaced *v = NULL;
	struct action_device *dv = NULL;
	size_t n = 0;
	uint8_t old_wish[CRDT_ID_LEN], new_wish[CRDT_ID_LEN];
	char key[65], want[65], got[65];
	int64_t before;

	wish(xu, "soup for my mother", old_wish);
	tl_member_sync(alice, xu);
	tl_member_sync(alice, fresh);
	crdt_hex(key, fresh->r.id.pk, 32);
	TL_OK(action_member_replace(alice, "Xu", key, &out));
	TL_CHECK(!strcmp(out.who.label, "Xu") && !strcmp(out.key, key),
		 "replaced Xu with the new key: '%s' '%s'", out.who.label,
		 out.key);
	TL_EQ(out.cut, 1, "one key of hers cut: her own");
	TL_OK(action_member_replacements(alice, xu->r.id.pk, &v, &n));
	TL_EQ(n, 1, "her page lists one replacement");
	TL_CHECK(!strcmp(v[0].by.label, "Alice") && !strcmp(v[0].key, key),
		 "by Alice, to the new key: '%s'", v[0].by.label);
	free(v);
	tl_member_sync(alice, fresh);
	/* the new machine writes as Xu */
	crdt_hex(want, xu->r.id.pk, 32);
	TL_CHECK(!memcmp(action_me(fresh), xu->r.id.pk, 32),
		 "the new machine acts as Xu");
	wish(fresh, "a lift to the clinic", new_wish);
	TL_CHECK(!strcmp(author(fresh, new_wish, got), want),
		 "the new wish is Xu's: %s", got);
	TL_CHECK(!strcmp(author(fresh, old_wish, got), want),
		 "her old wish stays hers: %s", got);
	TL_OK(action_device_list(fresh, &dv, &n));
	TL_CHECK(n == 1 && dv[0].member && dv[0].here,
		 "the new machine's key is her own key now (%zu keys)", n);
	free(dv);
	/* the lost laptop, once it hears of it, is refused */
	tl_member_sync(alice, xu);
	before = tl_changes(xu);
	{
		struct action_wish_fields w;
		struct action_wish_result r;

		action_wish_fields_init(&w);
		w.title = "sent by whoever has the laptop";
		TL_EQ(action_wish_add(xu, &w, &r), KITH_EDENIED,
		      "the lost key's writes are refused");
		TL_CHECK(strstr(xu->msg, "replaced this machine's key"),
			 "says why: '%s'", xu->msg);
	}
	TL_EQ(tl_changes(xu), before, "nothing written");
	/* a second replacement with the same key: it is hers already */
	REFUSED(alice, action_member_replace(alice, "Xu", key, &out),
		KITH_EEXISTS, "own key already");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
		T(refusals),
		T(replaced_member_writes_from_the_new_machine),
#undef T
	};

	return cmocka_run_group_tests_name("action_replace", tests,
					   tl_group_setup, NULL);
}
