/*
 * test_form.c - the form and query decoder (web/form.c) and the login
 * token and sessions (web/auth.c).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crdt/err.h"
#include "tests/testlib.h"
#include "web/auth.h"
#include "web/form.h"

static struct web_form *form_new(void)
{
	struct web_form *f = malloc(sizeof *f);

	assert_non_null(f);
	return f;
}

static int dec(struct web_form *f, const char *s)
{
	return web_form_decode(f, s, strlen(s));
}

static void decodes_fields(void **state)
{
	struct web_form *f = form_new();

	(void)state;
	TL_OK(dec(f, "title=Ladder+for+Mrs%20Li&urgency=high&csrf=ab"));
	TL_EQ(f->n, (size_t)3, "fields");
	TL_CHECK(!strcmp(web_form_get(f, "title"), "Ladder for Mrs Li"),
		 "expected '+' and %%20 as spaces, got '%s'",
		 web_form_get(f, "title"));
	TL_CHECK(!strcmp(web_form_get(f, "urgency"), "high"),
		 "expected urgency 'high'");
	TL_CHECK(web_form_get(f, "missing") == NULL,
		 "expected NULL for an absent field");
	/* percent escapes of either case, '=' and '&' inside values */
	TL_OK(dec(f, "a=%3d%3D%26&b%2B=%e4%bd%a0%E5%A5%BD"));
	TL_CHECK(!strcmp(web_form_get(f, "a"), "==&"), "expected '==&', got '%s'",
		 web_form_get(f, "a"));
	TL_CHECK(!strcmp(web_form_get(f, "b+"), "\xe4\xbd\xa0\xe5\xa5\xbd"),
		 "expected a Chinese value under the name 'b+'");
	/* no '=', empty pieces, an empty value, '=' in a value */
	TL_OK(dec(f, "&flag&&x=&y=1=2&"));
	TL_EQ(f->n, (size_t)3, "fields of '&flag&&x=&y=1=2&'");
	TL_CHECK(!strcmp(web_form_get(f, "flag"), ""), "flag: expected ''");
	TL_CHECK(!strcmp(web_form_get(f, "x"), ""), "x: expected ''");
	TL_CHECK(!strcmp(web_form_get(f, "y"), "1=2"), "y: expected '1=2'");
	TL_OK(dec(f, ""));
	TL_EQ(f->n, (size_t)0, "fields of the empty string");
	/* tab, CR and LF are text (a textarea) */
	TL_OK(dec(f, "d=a%0D%0Ab%09c"));
	TL_CHECK(!strcmp(web_form_get(f, "d"), "a\r\nb\tc"),
		 "expected CR LF and tab kept");
	free(f);
}

static void refuses_malformed(void **state)
{
	static const char *const bad[] = {
		"a=%",	    "a=%4",	"a=%zz",    "a=%4g",	"%=1",
		"=x",	    "a=1&=2",	"a=%00",    "a=%01",	"a=%7F",
		"a=%C0%AF", /* overlong '/' */
		"a=%ED%A0%80", /* a surrogate */
		"a=%F4%90%80%80", /* past U+10FFFF */
		"a=%E4%BD", /* cut short */
		"a%FF=1",   "a=\x80",
	};
	struct web_form *f = form_new();
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		TL_OK(dec(f, "ok=1"));
		TL_CHECK(dec(f, bad[i]) == KITH_EINVAL,
			 "'%s': expected KITH_EINVAL", bad[i]);
		TL_CHECK(f->n == 0, "'%s': expected no fields left", bad[i]);
	}
	free(f);
}

static void limits(void **state)
{
	struct web_form *f = form_new();
	char *s = malloc(WEB_FORM_MAX_BYTES + 2);
	size_t i, n = 0;

	(void)state;
	assert_non_null(s);
	/* the most fields there may be, then one more */
	for (i = 0; i < WEB_FORM_MAX_FIELDS; i++)
		n += (size_t)sprintf(s + n, "f%zu=%zu&", i, i);
	TL_OK(web_form_decode(f, s, n));
	TL_EQ(f->n, (size_t)WEB_FORM_MAX_FIELDS, "fields at the limit");
	n += (size_t)sprintf(s + n, "one=more");
	TL_RC(web_form_decode(f, s, n), KITH_ETOOBIG);
	TL_EQ(f->n, (size_t)0, "fields after ETOOBIG");
	/* the largest text, all of it one value; then a byte more */
	memset(s, 'x', WEB_FORM_MAX_BYTES + 1);
	s[0] = 'v';
	s[1] = '=';
	TL_OK(web_form_decode(f, s, WEB_FORM_MAX_BYTES));
	TL_EQ(strlen(web_form_get(f, "v")), (size_t)WEB_FORM_MAX_BYTES - 2,
	      "value length at the limit");
	TL_RC(web_form_decode(f, s, WEB_FORM_MAX_BYTES + 1), KITH_ETOOBIG);
	/* only len bytes are read: a NUL-free buffer with no terminator */
	TL_OK(web_form_decode(f, "a=1&b=2", 3));
	TL_EQ(f->n, (size_t)1, "fields of the first 3 bytes");
	free(s);
	free(f);
}

static void duplicates(void **state)
{
	struct web_form *f = form_new();
	const char *v;
	size_t i = 0;

	(void)state;
	TL_OK(dec(f, "csrf=good&tag=a&csrf=bad&tag=b&one=1"));
	TL_CHECK(web_form_get(f, "csrf") == NULL,
		 "a repeated csrf must read as absent");
	TL_CHECK(web_form_get(f, "tag") == NULL,
		 "a repeated tag must read as absent to web_form_get");
	TL_CHECK(!strcmp(web_form_get(f, "one"), "1"), "one: expected '1'");
	v = web_form_next(f, "tag", &i);
	TL_CHECK(v && !strcmp(v, "a"), "first tag: expected 'a'");
	v = web_form_next(f, "tag", &i);
	TL_CHECK(v && !strcmp(v, "b"), "second tag: expected 'b'");
	TL_CHECK(web_form_next(f, "tag", &i) == NULL, "expected two tags");
	free(f);
}

/* ---- web/auth.c --------------------------------------------------------- */

#define T0 1800000000

static void write_login(const char *dir, const char *text, mode_t mode)
{
	char path[TL_PATH_MAX];
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, WEB_LOGIN_FILE);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

static void login_once(void **state)
{
	struct tl_fixture *fx = *state;
	struct web_auth *a = malloc(sizeof *a);
	struct web_session *s, *again;
	char tok[WEB_TOKEN_HEX + 1], line[200], wrong[WEB_TOKEN_HEX + 1];

	assert_non_null(a);
	TL_OK(web_auth_init(a, fx->dir));
	TL_RC(web_auth_login(a, "00", T0, &s), KITH_EDENIED);
	/* no token waiting */
	memset(wrong, 'a', WEB_TOKEN_HEX);
	wrong[WEB_TOKEN_HEX] = 0;
	TL_RC(web_auth_login(a, wrong, T0, &s), KITH_EDENIED);
	TL_OK(web_auth_issue(fx->dir, T0, tok));
	TL_EQ(strlen(tok), (size_t)WEB_TOKEN_HEX, "token length");
	/* a wrong token leaves the right one working */
	TL_RC(web_auth_login(a, wrong, T0 + 1, &s), KITH_EDENIED);
	TL_OK(web_auth_login(a, tok, T0 + WEB_LOGIN_TTL_S, &s));
	TL_CHECK(s && strlen(s->id) == WEB_TOKEN_HEX &&
			 strlen(s->csrf) == WEB_TOKEN_HEX && strcmp(s->id, s->csrf),
		 "expected a session with distinct id and csrf tokens");
	/* once only */
	TL_RC(web_auth_login(a, tok, T0 + WEB_LOGIN_TTL_S + 2, &again),
	      KITH_EDENIED);
	TL_CHECK(web_auth_session(a, s->id, T0 + WEB_LOGIN_TTL_S + 3) == s,
		 "expected the cookie to find its session");
	TL_CHECK(web_auth_csrf_ok(s, s->csrf), "expected its csrf to pass");
	TL_CHECK(!web_auth_csrf_ok(s, s->id), "expected another token to fail");
	TL_CHECK(!web_auth_csrf_ok(s, NULL), "expected no csrf to fail");
	TL_CHECK(!web_auth_csrf_ok(NULL, s->csrf), "expected no session to fail");
	/* idle too long: gone */
	TL_CHECK(web_auth_session(a, s->id,
				  T0 + WEB_LOGIN_TTL_S + 4 + WEB_SESSION_IDLE_S) ==
			 NULL,
		 "expected an idle session to end");

	/* expired, and from the future */
	TL_OK(web_auth_issue(fx->dir, T0, tok));
	TL_RC(web_auth_login(a, tok, T0 + WEB_LOGIN_TTL_S + 1, &s), KITH_EDENIED);
	TL_RC(web_auth_login(a, tok, T0, &s), KITH_EDENIED); /* deleted */
	snprintf(line, sizeof line, "%s %d\n", tok, T0 + 100);
	write_login(fx->dir, line, 0600);
	TL_RC(web_auth_login(a, tok, T0, &s), KITH_EDENIED);
	/* a file others may write is not trusted */
	snprintf(line, sizeof line, "%s %d\n", tok, T0);
	write_login(fx->dir, line, 0622);
	TL_RC(web_auth_login(a, tok, T0, &s), KITH_EDENIED);
	write_login(fx->dir, line, 0600);
	TL_OK(web_auth_login(a, tok, T0, &s));
	web_auth_end(a, s);
	TL_CHECK(web_auth_session(a, tok, T0) == NULL, "expected no session");
	web_auth_release(a);
	free(a);
}

/* A session's one-time result (web/page_device.c's link codes): taken
 * once, kept from a page of another kind, refused when too long, wiped
 * with the session. */
static void once_slot(void **state)
{
	struct tl_fixture *fx = *state;
	struct web_auth *a = malloc(sizeof *a);
	struct web_session *s;
	char out[WEB_ONCE_MAX], big[WEB_ONCE_MAX + 1];
	uint8_t pk[CRDT_PK_LEN], who[CRDT_PK_LEN];

	assert_non_null(a);
	TL_OK(web_auth_init(a, fx->dir));
	TL_OK(web_auth_open(a, T0, 0, &s));
	memset(who, 7, sizeof who);
	TL_CHECK(!web_auth_once_take(s, WEB_ONCE_LINK, out, sizeof out, NULL),
		 "expected nothing to take in a new session");
	TL_OK(web_auth_once_put(s, WEB_ONCE_HANDOVER, "kithlink1abc", who));
	TL_CHECK(!web_auth_once_take(s, WEB_ONCE_LINK, out, sizeof out, NULL),
		 "expected a page of another kind to get nothing");
	TL_CHECK(web_auth_once_take(s, WEB_ONCE_HANDOVER, out, sizeof out, pk) &&
			 !strcmp(out, "kithlink1abc") &&
			 !memcmp(pk, who, sizeof pk),
		 "expected its own page to get the code and whom it is for");
	TL_CHECK(!web_auth_once_take(s, WEB_ONCE_HANDOVER, out, sizeof out, pk),
		 "expected the code once only");
	TL_CHECK(s->once_text[0] == 0, "expected the code wiped once taken");
	/* a newer one replaces an older one */
	TL_OK(web_auth_once_put(s, WEB_ONCE_LINK, "kithlink1old", NULL));
	TL_OK(web_auth_once_put(s, WEB_ONCE_LINK, "kithlink1new", NULL));
	TL_CHECK(web_auth_once_take(s, WEB_ONCE_LINK, out, sizeof out, NULL) &&
			 !strcmp(out, "kithlink1new"),
		 "expected the newer code");
	/* too long: refused, nothing kept */
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = 0;
	TL_RC(web_auth_once_put(s, WEB_ONCE_LINK, big, NULL), KITH_EINVAL);
	TL_CHECK(!web_auth_once_take(s, WEB_ONCE_LINK, out, sizeof out, NULL),
		 "expected nothing kept of a code too long");
	/* ending the session wipes it */
	TL_OK(web_auth_once_put(s, WEB_ONCE_LINK, "kithlink1xyz", NULL));
	web_auth_end(a, s);
	TL_CHECK(s->once == WEB_ONCE_NONE && s->once_text[0] == 0,
		 "expected the code wiped with the session");
	web_auth_release(a);
	free(a);
}

static void sessions_bounded(void **state)
{
	struct tl_fixture *fx = *state;
	struct web_auth *a = malloc(sizeof *a);
	struct web_session *s, *first = NULL;
	char tok[WEB_TOKEN_HEX + 1], first_id[WEB_TOKEN_HEX + 1];
	int i, live = 0;

	assert_non_null(a);
	TL_OK(web_auth_init(a, fx->dir));
	for (i = 0; i <= WEB_MAX_SESSIONS; i++) {
		TL_OK(web_auth_issue(fx->dir, T0 + i, tok));
		TL_OK(web_auth_login(a, tok, T0 + i, &s));
		if (!first) {
			first = s;
			memcpy(first_id, s->id, sizeof first_id);
		}
	}
	for (i = 0; i < WEB_MAX_SESSIONS; i++)
		live += a->s[i].used;
	TL_EQ(live, WEB_MAX_SESSIONS, "sessions held");
	TL_CHECK(web_auth_session(a, first_id, T0 + 100) == NULL,
		 "expected the oldest session pushed out");
	web_auth_release(a);
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decodes_fields),
		cmocka_unit_test(refuses_malformed),
		cmocka_unit_test(limits),
		cmocka_unit_test(duplicates),
		cmocka_unit_test_setup_teardown(login_once, tl_setup,
						tl_teardown),
		cmocka_unit_test_setup_teardown(once_slot, tl_setup,
						tl_teardown),
		cmocka_unit_test_setup_teardown(sessions_bounded, tl_setup,
						tl_teardown),
	};

	return cmocka_run_group_tests_name("form", tests, tl_group_setup, NULL);
}
