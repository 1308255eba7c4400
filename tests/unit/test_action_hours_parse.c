/*
 * test_action_hours_parse.c - the hours a person types (action/
 * hours_parse.h), read once for the CLI and the web app: what is
 * accepted, how it is rounded to quarter hours, and everything refused.
 */
#include <stdio.h>
#include <string.h>

#include "action/hours_parse.h"
#include "crdt/rules.h"
#include "tests/testlib.h"

/* s reads as want quarters. */
static void reads(const char *s, int64_t want)
{
	int64_t q = -7;

	if (action_hours_parse(s, &q))
		fail_msg("'%s' should read as %lld quarters, but is refused", s,
			 (long long)want);
	if (q != want)
		fail_msg("'%s' should read as %lld quarters, not %lld", s,
			 (long long)want, (long long)q);
}

/* s is refused, and *quarters is left as it was. */
static void refused(const char *s)
{
	int64_t q = -7;
	int rc = action_hours_parse(s, &q);

	if (rc != KITH_EINVAL)
		fail_msg("'%s' should be refused (KITH_EINVAL), got rc %d, "
			 "%lld quarters", s, rc, (long long)q);
	if (q != -7)
		fail_msg("'%s' is refused but changed the result", s);
}

static void numbers(void **state)
{
	(void)state;
	reads("0", 0);
	reads("0.5", 2);
	reads("1.5", 6);
	reads("24", 96);
	reads("0.25", 1);
	reads("0.75", 3);
	reads(".25", 1);
	reads("3.", 12);
	reads("007", 28);
	reads("100", CRDT_MAX_HOURS_Q);
	reads("100.0", CRDT_MAX_HOURS_Q);
	/* blanks around it, as a phone keyboard leaves them */
	reads(" 1.5", 6);
	reads("1.5 \t", 6);
}

static void rounding_and_many_decimals(void **state)
{
	char many[200];

	(void)state;
	reads("0.125", 1);  /* a half quarter rounds up */
	reads("0.12", 0);
	reads("0.1", 0);
	reads("1.3", 5);
	reads("1.333", 5);
	reads("0.124999999999999999999999", 0);
	/* far more decimals than any integer holds: read, not overflowed */
	memset(many, '9', sizeof many - 1);
	many[sizeof many - 1] = 0;
	many[0] = '1';
	many[1] = '.';
	reads(many, 8); /* 1.999... rounds to 2 */
	many[0] = '0';
	memset(many + 2, '0', sizeof many - 3);
	many[sizeof many - 2] = '9';
	reads(many, 0); /* 0.000...9 */
}

static void refusals(void **state)
{
	(void)state;
	refused("");
	refused(" ");
	refused(".");
	refused("-1");
	refused("-0.5");
	refused("+1");
	refused("1,5");
	refused("1.5.");
	refused("1..5");
	refused("1 5");
	refused("one");
	refused("two hours");
	refused("1.5h");
	refused("1e2");
	refused("0x10");
	refused("inf");
	refused("nan");
	refused("１.５"); /* fullwidth digits */
	refused("100.25");
	refused("101");
	refused("99999999999999999999999999999999");
	refused("18446744073709551617");
	refused(NULL);
}

static void the_message(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = tl_member(f, "Alice");
	int64_t q = -1;

	TL_OK(action_hours_read(a, "1.5", &q));
	TL_EQ(q, 6, "1.5 hours are 6 quarters");
	TL_RC(action_hours_read(a, "lots", &q), KITH_EINVAL);
	TL_CHECK(!strcmp(a->msg, "hours must be a number from 0 to 100, "
				 "like 1.5"),
		 "the refusal says what a number of hours is: '%s'", a->msg);
	TL_EQ(q, 6, "a refusal leaves the result");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers),
		cmocka_unit_test(rounding_and_many_decimals),
		cmocka_unit_test(refusals),
		cmocka_unit_test_setup_teardown(the_message, tl_setup,
						tl_teardown),
	};

	return cmocka_run_group_tests(tests, tl_group_setup, NULL);
}
