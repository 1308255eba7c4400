/*
 * test_action_sheet.c - the report's CSV (action/sheet.h): the bytes the
 * CLI writes and the web app sends, with formulas neutralised, and the
 * tables found by name.
 */
#include <stdlib.h>
#include <string.h>

#include "action/coord.h"
#include "action/sheet.h"
#include "action/wish.h"
#include "tests/testlib.h"

static void post(struct action *a, const char *title)
{
	struct action_wish_fields w;
	struct action_wish_result r;

	action_wish_fields_init(&w);
	w.title = title;
	TL_OK(action_wish_add(a, &w, &r));
}

static void csv_of(struct action *a, enum crdt_report_table t, char **buf,
		   size_t *len, long *rows)
{
	TL_OK(action_report_begin(a));
	TL_OK(action_report_csv(a, t, buf, len, rows));
	action_report_end(a);
}

static void csv_wishes(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	char *buf = NULL;
	size_t len = 0;
	long rows = -1;

	csv_of(alice, CRDT_REPORT_WISHES, &buf, &len, &rows);
	TL_EQ(rows, 0, "no wishes yet");
	TL_CHECK(buf && len > 2 && !strcmp(buf + len - 2, "\r\n") &&
			 strchr(buf, '\n') == buf + len - 1,
		 "one header line ending in CRLF: '%s'", buf ? buf : "");
	TL_CHECK(strncmp(buf, "id,", 3) == 0 || strstr(buf, "title"),
		 "English column names: '%s'", buf);
	free(buf);

	post(alice, "=HYPERLINK(\"http://x\")");
	post(alice, "+1 soup");
	post(alice, "-2 bread");
	post(alice, "@sum rice");
	post(alice, "plain, with a comma");
	post(alice, "Tea");
	csv_of(alice, CRDT_REPORT_WISHES, &buf, &len, &rows);
	TL_EQ(rows, 6, "six wishes");
	TL_CHECK(strstr(buf, ",\"'=HYPERLINK(\"\"http://x\"\")\",") != NULL,
		 "a formula is quoted with an apostrophe: '%s'", buf);
	TL_CHECK(strstr(buf, "\"'+1 soup\"") && strstr(buf, "\"'-2 bread\"") &&
			 strstr(buf, "\"'@sum rice\""),
		 "+ - @ neutralised too: '%s'", buf);
	TL_CHECK(strstr(buf, ",\"plain, with a comma\",") != NULL,
		 "a comma is quoted, without an apostrophe: '%s'", buf);
	TL_CHECK(strstr(buf, ",Tea,") != NULL, "plain text is bare: '%s'",
		 buf);
	TL_CHECK(strstr(buf, "\n=") == NULL && strstr(buf, ",=") == NULL &&
			 strstr(buf, ",+") == NULL && strstr(buf, ",-") == NULL &&
			 strstr(buf, ",@") == NULL,
		 "no cell starts with a formula character: '%s'", buf);
	free(buf);
}

static void csv_lookup(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	char *buf = (char *)1;
	size_t len = 1;

	(void)alice;
	TL_EQ(action_report_lookup("items"), CRDT_REPORT_ITEMS, "items");
	TL_EQ(action_report_lookup("hours"), CRDT_REPORT_HOURS, "hours");
	TL_EQ(action_report_lookup("passwords"), -1, "unknown");
	TL_EQ(action_report_lookup(""), -1, "empty");
	TL_OK(action_report_begin(alice));
	TL_RC(action_report_csv(alice, CRDT_REPORT_NTABLES, &buf, &len, NULL),
	      KITH_EINVAL);
	action_report_end(alice);
	TL_CHECK(buf == NULL && len == 0, "nothing handed back on failure");
}

static void coordinator_pages(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *bob = tl_member(f, "Bob");
	struct action_person who;

	TL_OK(action_coord_require(alice));
	TL_RC(action_coord_require(bob), KITH_EDENIED);
	TL_CHECK(strstr(bob->msg, "only coordinators can see this page") ==
			 bob->msg,
		 "the refusal says who may: '%s'", bob->msg);
	tl_member_sync(alice, bob);
	TL_OK(action_coord_role_grant(alice, "Bob", CRDT_ROLE_COORDINATOR,
				      NULL, &who));
	tl_member_sync(alice, bob);
	TL_OK(action_coord_require(bob));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
		T(csv_wishes),
		T(csv_lookup),
		T(coordinator_pages),
#undef T
	};

	return cmocka_run_group_tests(tests, tl_group_setup, NULL);
}
