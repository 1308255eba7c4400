/*
 * test_html.c - the web app's page buffer and escaping writers
 * (web/html.c): each context with hostile input (markup, attribute
 * break-outs, javascript: URLs, NUL bytes, controls, invalid UTF-8),
 * Chinese passing unchanged, the 1 MiB cap, the sticky error, the
 * formats' allowed conversions, and the page shell.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/testlib.h"
#include "web/html.h"

#define FFFD "\xef\xbf\xbd"

static struct web_buf buf;

static int setup(void **state)
{
	(void)state;
	web_buf_init(&buf, WEB_PAGE_MAX);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	web_buf_release(&buf);
	return 0;
}

/* The buffer holds exactly want, with no error. */
static void expect(const char *what, const char *want, size_t want_len)
{
	TL_CHECK(web_buf_error(&buf) == 0, "%s: expected no error, got %d",
		 what, web_buf_error(&buf));
	TL_CHECK(buf.len == want_len && !memcmp(buf.data, want, want_len),
		 "%s: expected '%s', got '%s'", what, want,
		 buf.data ? buf.data : "(null)");
	TL_CHECK(buf.data[buf.len] == 0, "%s: NUL-terminated", what);
	web_buf_reset(&buf);
}
#define EXPECT(what, lit) expect((what), (lit), sizeof(lit) - 1)

static void text(void **state)
{
	(void)state;
	web_html_text(&buf, "<script>alert(1)</script>");
	EXPECT("script tag", "&lt;script&gt;alert(1)&lt;/script&gt;");
	web_html_text(&buf, "a & b \"c\" 'd'");
	EXPECT("the five", "a &amp; b &quot;c&quot; &#39;d&#39;");
	web_html_text(&buf, "&amp;");
	EXPECT("an entity is text", "&amp;amp;");
	web_html_text(&buf, "line\nnext\ttab\r");
	EXPECT("whitespace kept in text", "line\nnext\ttab\r");
	web_html_text(&buf, "esc\x1b[31m bel\x07 del\x7f c1\xc2\x9b");
	EXPECT("controls", "esc" FFFD "[31m bel" FFFD " del" FFFD " c1" FFFD);
	web_html_textn(&buf, "a\0b<", 4);
	EXPECT("NUL inside", "a" FFFD "b&lt;");
	web_html_text(&buf, "帮忙买菜 — 中文 ok 😀");
	EXPECT("Chinese unchanged", "帮忙买菜 — 中文 ok 😀");
	web_html_text(&buf, "");
	EXPECT("empty", "");
}

static void invalid_utf8(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "\xff", FFFD },
		{ "a\xfe" "b", "a" FFFD "b" },
		{ "\xc0\xaf", FFFD FFFD },		/* overlong '/' */
		{ "\xe0\x80\xbc", FFFD FFFD FFFD },	/* overlong '<' */
		{ "\xed\xa0\x80", FFFD FFFD FFFD },	/* a surrogate */
		{ "\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD }, /* > U+10FFFF */
		{ "\xe4\xb8", FFFD FFFD },		/* cut short */
		{ "\xe4\xb8<", FFFD FFFD "&lt;" },	/* eats no '<' */
		{ "\x80中", FFFD "中" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		web_html_text(&buf, cases[i].in);
		expect("invalid UTF-8 in text", cases[i].out,
		       strlen(cases[i].out));
		web_html_attr_value(&buf, cases[i].in);
		expect("invalid UTF-8 in an attribute", cases[i].out,
		       strlen(cases[i].out));
	}
	/* whatever goes in, what comes out is valid UTF-8 */
	for (i = 0; i < 256; i++) {
		char in[4] = { (char)i, (char)(i ^ 0x80), (char)0xbf, 0 };

		web_html_text(&buf, in);
		web_html_attr_value(&buf, in);
		web_html_url(&buf, in);
		TL_OK(web_buf_error(&buf));
		TL_OK(web_utf8_check(buf.data, buf.len));
		web_buf_reset(&buf);
	}
	web_html_url(&buf, "\xff" "a");
	EXPECT("invalid UTF-8 in a URL", "%EF%BF%BDa");
}

static void attr(void **state)
{
	(void)state;
	web_html_attr(&buf, "value", "\" onmouseover=\"alert(1)");
	EXPECT("quote break-out",
	       " value=\"&quot; onmouseover=&quot;alert(1)\"");
	web_html_attr(&buf, "title", "' onfocus='x' <b>&");
	EXPECT("single quotes, markup",
	       " title=\"&#39; onfocus=&#39;x&#39; &lt;b&gt;&amp;\"");
	web_html_attr(&buf, "title", "a\tb\nc\rd\x01" "e\x1f");
	EXPECT("below 0x20", " title=\"a&#9;b&#10;c&#13;d" FFFD "e" FFFD "\"");
	web_html_attr(&buf, "alt", "菜 ok");
	EXPECT("Chinese unchanged", " alt=\"菜 ok\"");
	web_html_attr(&buf, "alt", "");
	EXPECT("empty", " alt=\"\"");
	web_html_raw(&buf, "<input value=\"");
	web_html_attr_value(&buf, "\"><script>");
	web_html_raw(&buf, "\">");
	EXPECT("value alone", "<input value=\"&quot;&gt;&lt;script&gt;\">");
}

static void url(void **state)
{
	(void)state;
	web_html_url(&buf, "javascript:alert(1)");
	EXPECT("javascript: cannot be a scheme",
	       "javascript%3Aalert%281%29");
	web_html_url(&buf, "AZaz09-._~");
	EXPECT("unreserved", "AZaz09-._~");
	web_html_url(&buf, "a b&c=d?e#f/g+h%i\"j'k<l>");
	EXPECT("reserved and specials",
	       "a%20b%26c%3Dd%3Fe%23f%2Fg%2Bh%25i%22j%27k%3Cl%3E");
	web_html_url(&buf, "中");
	EXPECT("Chinese", "%E4%B8%AD");
	web_html_urln(&buf, "a\0b", 3);
	EXPECT("NUL", "a%00b");
	web_html_url(&buf, "\n\x7f");
	EXPECT("controls", "%0A%7F");
	/* the output needs no escaping in an attribute either */
	web_html_raw(&buf, "<a href=\"/search?q=");
	web_html_url(&buf, "\" onclick=\"x");
	web_html_raw(&buf, "\">");
	EXPECT("inside href", "<a href=\"/search?q=%22%20onclick%3D%22x\">");
}

static void formats(void **state)
{
	const char *volatile nothing = NULL; /* unknown to the compiler */
	char big[700];

	(void)state;
	web_html_fmt(&buf, "<p title=\"%s\">%s: %d %u %ld %llu %zu %jd 100%%</p>",
		     "\"><x>", "<b>", -5, 7u, -9L, 18446744073709551615ull,
		     (size_t)3, (intmax_t)-1);
	EXPECT("fmt",
	       "<p title=\"&quot;&gt;&lt;x&gt;\">&lt;b&gt;: -5 7 -9 "
	       "18446744073709551615 3 -1 100%</p>");
	web_html_fmt(&buf, "<b>%s</b>", "中文");
	EXPECT("fmt Chinese", "<b>中文</b>");

	/* conversions outside the list are refused at run time */
	web_html_fmt(&buf, "%x", 255u);
	TL_RC(web_buf_error(&buf), KITH_EINVAL);
	web_buf_reset(&buf);
	web_html_fmt(&buf, "%5d", 1);
	TL_RC(web_buf_error(&buf), KITH_EINVAL);
	web_buf_reset(&buf);
	web_html_fmt(&buf, "%c", 'x');
	TL_RC(web_buf_error(&buf), KITH_EINVAL);
	web_buf_reset(&buf);
	web_html_fmt(&buf, "%.3s", "abcdef");
	TL_RC(web_buf_error(&buf), KITH_EINVAL);
	web_buf_reset(&buf);
	web_html_fmt(&buf, "<p>%s</p>", nothing);
	TL_RC(web_buf_error(&buf), KITH_EINVAL);
	web_buf_reset(&buf);

	/* textf: a sentence escaped whole, translation and arguments */
	web_html_textf(&buf, "%s <b>said</b> %d", "<i>Ann</i>", 3);
	EXPECT("textf", "&lt;i&gt;Ann&lt;/i&gt; &lt;b&gt;said&lt;/b&gt; 3");
	web_html_textf(&buf, "%2$s %1$s", "b", "a&");
	EXPECT("textf positional (translations reorder)", "a&amp; b");
	memset(big, '<', sizeof big - 1);
	big[sizeof big - 1] = 0;
	web_html_textf(&buf, "%s", big);
	TL_OK(web_buf_error(&buf));
	TL_EQ(buf.len, 4 * (sizeof big - 1), "a long sentence, escaped");
	web_buf_reset(&buf);
	{
		char *huge = malloc(20000);

		TL_CHECK(huge != NULL, "malloc");
		memset(huge, 'a', 19999);
		huge[19999] = 0;
		web_html_textf(&buf, "%s", huge);
		free(huge);
		TL_RC(web_buf_error(&buf), KITH_ETOOBIG);
		web_buf_reset(&buf);
	}
}

static void cap(void **state)
{
	struct web_buf small;
	char *s;
	size_t n = 2 * WEB_PAGE_MAX;

	(void)state;
	web_buf_init(&small, 10);
	web_html_raw(&small, "0123456789");
	TL_OK(web_buf_error(&small));
	TL_EQ(small.len, 10, "exactly the cap fits");
	web_html_raw(&small, "x");
	TL_RC(web_buf_error(&small), KITH_ETOOBIG);
	TL_EQ(small.len, 10, "nothing written past the cap");
	web_html_raw(&small, "");
	web_html_text(&small, "y");
	TL_RC(web_buf_error(&small), KITH_ETOOBIG);
	TL_CHECK(!strcmp(small.data, "0123456789"), "sticky: '%s'",
		 small.data);
	TL_CHECK(small.alloc <= 11, "never allocated past the cap (%zu)",
		 small.alloc);
	web_buf_reset(&small);
	TL_OK(web_buf_error(&small));
	web_html_text(&small, "<<<");
	TL_RC(web_buf_error(&small), KITH_ETOOBIG);
	web_buf_release(&small);

	/* a page: 2 MiB of text, and escaping that grows 1 byte into 4 */
	s = malloc(n + 1);
	TL_CHECK(s != NULL, "malloc");
	memset(s, 'a', n);
	s[n] = 0;
	web_html_text(&buf, s);
	TL_RC(web_buf_error(&buf), KITH_ETOOBIG);
	TL_CHECK(buf.len <= WEB_PAGE_MAX && buf.alloc <= WEB_PAGE_MAX + 1,
		 "within the cap: len %zu alloc %zu", buf.len, buf.alloc);
	web_buf_reset(&buf);
	memset(s, '<', WEB_PAGE_MAX / 3);
	s[WEB_PAGE_MAX / 3] = 0;
	web_html_text(&buf, s);
	TL_RC(web_buf_error(&buf), KITH_ETOOBIG);
	TL_CHECK(buf.len <= WEB_PAGE_MAX, "within the cap");
	web_buf_reset(&buf);
	s[WEB_PAGE_MAX / 5] = 0;
	web_html_text(&buf, s);
	TL_OK(web_buf_error(&buf));
	TL_EQ(buf.len, 4 * (WEB_PAGE_MAX / 5), "under the cap after escaping");
	web_buf_reset(&buf);
	free(s);
}

static void utf8_check(void **state)
{
	(void)state;
	TL_OK(web_utf8_check("", 0));
	TL_OK(web_utf8_check("abc 中文 😀\n\t\r", strlen("abc 中文 😀\n\t\r")));
	TL_RC(web_utf8_check("a\0b", 3), KITH_EDECODE);
	TL_RC(web_utf8_check("\xff", 1), KITH_EDECODE);
	TL_RC(web_utf8_check("\xc0\xaf", 2), KITH_EDECODE);
	TL_RC(web_utf8_check("\xed\xa0\x80", 3), KITH_EDECODE);
	TL_RC(web_utf8_check("中", 2), KITH_EDECODE); /* cut by n */
	TL_RC(web_utf8_check("a\x1b", 2), KITH_EDECODE);
	TL_RC(web_utf8_check("\xc2\x85", 2), KITH_EDECODE); /* NEL, C1 */
	TL_RC(web_utf8_check("\x7f", 1), KITH_EDECODE);
}

static void shell(void **state)
{
	static const struct web_nav_link nav[] = {
		{ "/", "Home", 0 },
		{ "/wishes", "Wishes", 0 },
		{ "/items", "Items & <things>", 0 },
		{ "/members", "Members", 1 },
	};
	static const struct web_nav_link foot[] = {
		{ "/settings", "Settings", 0 },
		{ "/logout", "Log <out>", 0 },
	};
	struct web_page p = {
		.lang = WEB_LANG_ZH_CN,
		.title = "Wishes <b>\"x\"",
		.easy = 1,
		.nav = nav,
		.n_nav = 4,
		.current = "/wishes",
		.footer = NULL,
		.links = foot,
		.n_links = 2,
	};
	static const char *const want[] = {
		"<!doctype html>\n<html lang=\"zh-Hans\">",
		"<meta charset=\"utf-8\">",
		"<meta name=\"viewport\" content=\"width=device-width, "
		"initial-scale=1\">",
		"<title>Wishes &lt;b&gt;&quot;x&quot; - kith</title>",
		"<link rel=\"stylesheet\" href=\"/static/kith.css\">",
		"<body class=\"easy\">",
		"<a class=\"skip\" href=\"#main\">",
		"<header class=\"top\">",
		"<nav aria-label=\"",
		"<li><a href=\"/wishes\" aria-current=\"page\">Wishes</a></li>",
		"<li><a href=\"/\">Home</a></li>",
		"Items &amp; &lt;things&gt;",
		"</header>\n<main id=\"main\" tabindex=\"-1\">\n<p>content</p>",
		"<li class=\"more\"><a href=\"/members\">Members</a></li>",
		"</main>\n<footer>\n<p>kith</p>\n<ul class=\"links\">\n"
		"<li><a href=\"/settings\">Settings</a></li>\n"
		"<li><a href=\"/logout\">Log &lt;out&gt;</a></li>\n</ul>\n"
		"</footer>\n</body>\n</html>\n",
	};
	static const char *const never[] = {
		"<script", "<style", "style=", "onclick", "onload",
		"onerror", "javascript:",
	};
	size_t i;

	(void)state;
	TL_OK(web_page_begin(&buf, &p));
	web_html_raw(&buf, "<p>content</p>\n");
	TL_OK(web_page_end(&buf, &p));
	for (i = 0; i < sizeof want / sizeof want[0]; i++)
		TL_CHECK(strstr(buf.data, want[i]) != NULL,
			 "the shell holds '%s':\n%s", want[i], buf.data);
	for (i = 0; i < sizeof never / sizeof never[0]; i++)
		TL_CHECK(strstr(buf.data, never[i]) == NULL,
			 "no inline script or style ('%s'):\n%s", never[i],
			 buf.data);
	TL_OK(web_utf8_check(buf.data, buf.len));
	web_buf_reset(&buf);

	/* English, not easy, no nav: no class, no nav landmark, no
	 * aria-current */
	p.lang = WEB_LANG_EN;
	p.easy = 0;
	p.n_nav = 0;
	p.footer = "Made by <neighbours>";
	TL_OK(web_page_begin(&buf, &p));
	TL_OK(web_page_end(&buf, &p));
	TL_CHECK(strstr(buf.data, "<html lang=\"en\">") != NULL, "lang en");
	TL_CHECK(strstr(buf.data, "<body>") != NULL, "no easy class");
	TL_CHECK(strstr(buf.data, "<nav") == NULL, "no nav");
	TL_CHECK(strstr(buf.data, "<footer>\n<p>Made by &lt;neighbours&gt;</p>"),
		 "footer text escaped:\n%s", buf.data);
	TL_CHECK(strstr(buf.data, "aria-current") == NULL,
		 "no aria-current without a nav:\n%s", buf.data);
	TL_CHECK(strstr(buf.data, "class=\"brand\" href=\"/\">kith</a>"),
		 "no site name: kith:\n%s", buf.data);
	web_buf_reset(&buf);

	/* the community's name in the header, escaped */
	p.site = "Oak <Lane>";
	TL_OK(web_page_begin(&buf, &p));
	TL_CHECK(strstr(buf.data,
			"class=\"brand\" href=\"/\">Oak &lt;Lane&gt;</a>"),
		 "the site name, escaped:\n%s", buf.data);
	web_buf_reset(&buf);

	/* no footer text: the site's name, escaped; the current page's
	 * footer link is aria-current too */
	p.footer = NULL;
	p.n_links = 2;
	p.current = "/settings";
	TL_OK(web_page_end(&buf, &p));
	TL_CHECK(strstr(buf.data, "<footer>\n<p>Oak &lt;Lane&gt;</p>") != NULL,
		 "the footer names the community:\n%s", buf.data);
	TL_CHECK(strstr(buf.data, "<a href=\"/settings\" aria-current=\"page\">"
				  "Settings</a>") != NULL,
		 "the footer's current link:\n%s", buf.data);
	TL_CHECK(strstr(buf.data, "http-equiv") == NULL,
		 "no reload unless asked for:\n%s", buf.data);
	web_buf_reset(&buf);

	/* kiosk mode's reload (web/pages.h): in the head, before the title */
	p.refresh_s = 62;
	p.refresh_to = "/login?idle=1";
	TL_OK(web_page_begin(&buf, &p));
	TL_CHECK(strstr(buf.data, "<meta http-equiv=\"refresh\" "
				  "content=\"62;url=/login?idle=1\">\n<title>") !=
			 NULL,
		 "the reload, before the title:\n%s", buf.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(text, setup, teardown),
		cmocka_unit_test_setup_teardown(invalid_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(attr, setup, teardown),
		cmocka_unit_test_setup_teardown(url, setup, teardown),
		cmocka_unit_test_setup_teardown(formats, setup, teardown),
		cmocka_unit_test_setup_teardown(cap, setup, teardown),
		cmocka_unit_test(utf8_check),
		cmocka_unit_test_setup_teardown(shell, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
