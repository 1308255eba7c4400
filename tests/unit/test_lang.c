/*
 * test_lang.c - the web app's language (web/lang.h): Accept-Language with
 * q-values, wildcards, Traditional Chinese, malformed and empty headers,
 * the setting that overrides; and switching gettext's language for one
 * request and back, with real messages of po/zh_CN.po from the build
 * tree's catalogue (BUILD/locale, next to BUILD/tests/).
 */
#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crdt/err.h"
#include "tests/testlib.h"
#include "web/html.h"
#include "web/lang.h"
#include "web/pages.h"

#define EN WEB_LANG_EN
#define ZH WEB_LANG_ZH_CN

static void expect_header(const char *h, enum web_lang want)
{
	enum web_lang got = web_lang_from_header(h);

	TL_CHECK(got == want, "Accept-Language '%s': expected %s, got %s",
		 h ? h : "(null)", web_lang_code(want), web_lang_code(got));
}

static void headers(void **state)
{
	(void)state;
	/* what browsers send */
	expect_header("zh-CN,zh;q=0.9,en;q=0.8", ZH);
	expect_header("en-US,en;q=0.9", EN);
	expect_header("en-GB,en;q=0.9,zh-CN;q=0.8", EN);
	expect_header("zh", ZH);
	expect_header("zh-Hans", ZH);
	expect_header("zh-Hans-CN", ZH);
	expect_header("zh-SG", ZH);
	expect_header("ZH-cn", ZH);
	expect_header("zh-CN;q=1.0", ZH);
	/* Traditional Chinese: not served Simplified unasked */
	expect_header("zh-TW", EN);
	expect_header("zh-HK,zh-TW;q=0.9", EN);
	expect_header("zh-Hant", EN);
	expect_header("zh-Hant-TW", EN);
	expect_header("zh-MO", EN);
	expect_header("zh-TW,zh;q=0.8", ZH);
	expect_header("zh-TW,zh;q=0.8,en;q=0.9", EN);
	/* q-values decide, not order */
	expect_header("en;q=0.5,zh;q=0.8", ZH);
	expect_header("en;q=0.5, zh-CN;q=0.501", ZH);
	expect_header("en;q=0.501, zh-CN;q=0.5", EN);
	expect_header("en;q=0.001,zh;q=0", EN);
	expect_header("zh;q=0.7,en;q=0.7", ZH); /* a tie: the first listed */
	expect_header("en;q=0.7,zh;q=0.7", EN);
	expect_header("zh ; q=0.8 , en;Q=0.3", ZH);
	expect_header("zh\t;\tq=0.8,\ten;q=0.3", ZH);
	/* the first range naming a language gives its q */
	expect_header("zh;q=0.1,en;q=0.5,zh-CN;q=0.9", EN);
	/* q=0: not acceptable */
	expect_header("en;q=0,zh", ZH);
	expect_header("zh;q=0", EN);
	expect_header("zh;q=0.000,en;q=0", EN);
	/* wildcards: every language no other range names */
	expect_header("*", EN);
	expect_header("fr,*;q=0.5", EN);
	expect_header("en;q=0,*", ZH);
	expect_header("en;q=0.1,*;q=0.9", ZH);
	expect_header("zh;q=0.2,*;q=0.9", EN);
	expect_header("*;q=0,zh;q=0.1", ZH);
	expect_header("*;q=0", EN);
	/* languages kith does not speak */
	expect_header("fr-FR,de;q=0.9", EN);
	expect_header("fr,zh;q=0.1", ZH);
	expect_header("zh-Latn", EN);
	expect_header("yue,zh;q=0.5", ZH);
	/* empty and malformed */
	expect_header(NULL, EN);
	expect_header("", EN);
	expect_header(" ", EN);
	expect_header(",,, ,", EN);
	expect_header(";q=0.9", EN);
	expect_header("zh;q=2", EN);
	expect_header("zh;q=1.5", EN);
	expect_header("zh;q=1.001", EN);
	expect_header("zh;q=0.1234", EN);
	expect_header("zh;q=", EN);
	expect_header("zh;q=.5", EN);
	expect_header("zh;q=-1", EN);
	expect_header("zh;level=1", EN);
	expect_header("zh;q=0.5;q=0.9", EN);
	expect_header("zh-", EN);
	expect_header("-zh", EN);
	expect_header("zh--CN", EN);
	expect_header("z1", EN);
	expect_header("zh-abcdefghi", EN); /* a subtag of 9 */
	expect_header("zh_CN", EN);	   /* not a language tag */
	expect_header("\xe4\xb8\xad", EN);
	expect_header("zh<script>", EN);
	expect_header("zh;q=bad,en;q=0.1", EN);
	expect_header("zh;q=0.9;,en;q=0.1", EN);
	expect_header("garbage!!,zh;q=0.5", ZH);
	expect_header("en;q=0.5 x,zh;q=0.2", ZH);
	{
		/* past WEB_LANG_HEADER_MAX: ignored whole */
		char h[WEB_LANG_HEADER_MAX + 32];

		memset(h, ' ', sizeof h);
		memcpy(h, "zh", 2);
		h[sizeof h - 1] = 0;
		expect_header(h, EN);
		h[WEB_LANG_HEADER_MAX] = 0;
		expect_header(h, ZH);
	}
}

static void setting(void **state)
{
	(void)state;
	TL_CHECK(web_lang_choose("en", "zh_CN") == ZH, "the setting wins");
	TL_CHECK(web_lang_choose("zh-CN", "en") == EN, "the setting wins");
	TL_CHECK(web_lang_choose("zh-CN", NULL) == ZH, "no setting");
	TL_CHECK(web_lang_choose("zh-CN", "") == ZH, "empty setting");
	TL_CHECK(web_lang_choose("zh-CN", "fr") == ZH, "unknown setting");
	TL_CHECK(web_lang_choose(NULL, "ZH_cn") == EN,
		 "settings are exact values");
	TL_CHECK(web_lang_choose(NULL, NULL) == EN, "nothing: English");
	TL_CHECK(!strcmp(web_lang_code(ZH), "zh_CN") &&
		 !strcmp(web_lang_code(EN), "en"), "codes");
	TL_CHECK(!strcmp(web_lang_tag(ZH), "zh-Hans") &&
		 !strcmp(web_lang_tag(EN), "en"), "tags");
}

/* The preference cookie value c parses to lang (NULL: automatic) and
 * easy. */
static void expect_prefs(const char *c, const char *lang, int easy)
{
	struct web_prefs p = { "junk", 7 };

	web_prefs_parse(c, &p);
	TL_CHECK(((!lang && !p.lang) ||
		  (lang && p.lang && !strcmp(lang, p.lang))) &&
			 p.easy == easy,
		 "kith_prefs '%s': expected lang %s easy %d, got %s %d",
		 c ? c : "(null)", lang ? lang : "(auto)", easy,
		 p.lang ? p.lang : "(auto)", p.easy);
}

static void prefs(void **state)
{
	struct web_prefs p;
	char out[WEB_PREFS_MAX + 1], small[6];

	(void)state;
	/* what /settings writes */
	expect_prefs("zh_CN", "zh_CN", 0);
	expect_prefs("en", "en", 0);
	expect_prefs("easy", NULL, 1);
	expect_prefs("zh_CN.easy", "zh_CN", 1);
	expect_prefs("easy.en", "en", 1);
	/* none, empty, unknown words skipped, the first language counts */
	expect_prefs(NULL, NULL, 0);
	expect_prefs("", NULL, 0);
	expect_prefs("fr", NULL, 0);
	expect_prefs("fr.easy", NULL, 1);
	expect_prefs("en.zh_CN", "en", 0);
	expect_prefs("..zh_CN..", "zh_CN", 0);
	/* words match whole and exactly */
	expect_prefs("EN", NULL, 0);
	expect_prefs("zh_cn", NULL, 0);
	expect_prefs("zh", NULL, 0);
	expect_prefs("zh-CN", NULL, 0);
	expect_prefs("enx", NULL, 0);
	expect_prefs("easy1", NULL, 0);
	expect_prefs("easyeasy", NULL, 0);
	/* a byte outside [A-Za-z0-9_.] anywhere: no cookie at all */
	expect_prefs("zh_CN.easy<script>", NULL, 0);
	expect_prefs("zh_CN easy", NULL, 0);
	expect_prefs("zh_CN;easy", NULL, 0);
	expect_prefs("zh_CN=easy", NULL, 0);
	expect_prefs("\"zh_CN\"", NULL, 0);
	expect_prefs("zh_CN\xe4\xb8\xad", NULL, 0);
	expect_prefs("zh_CN\n", NULL, 0);
	{
		/* past WEB_PREFS_MAX: ignored whole */
		char c[WEB_PREFS_MAX + 8];

		memset(c, '.', sizeof c);
		memcpy(c, "zh_CN", 5);
		c[WEB_PREFS_MAX + 1] = 0;
		expect_prefs(c, NULL, 0);
		c[WEB_PREFS_MAX] = 0;
		expect_prefs(c, "zh_CN", 0);
	}

	/* formatting: canonical, and parsed back the same */
	p.lang = NULL;
	p.easy = 0;
	TL_OK(web_prefs_format(&p, out, sizeof out));
	TL_CHECK(!strcmp(out, ""), "the defaults: '', got '%s'", out);
	p.easy = 1;
	TL_OK(web_prefs_format(&p, out, sizeof out));
	TL_CHECK(!strcmp(out, "easy"), "easy alone: got '%s'", out);
	p.lang = "zh_CN";
	TL_OK(web_prefs_format(&p, out, sizeof out));
	TL_CHECK(!strcmp(out, "zh_CN.easy"), "both: got '%s'", out);
	expect_prefs(out, "zh_CN", 1);
	p.lang = "en";
	p.easy = 0;
	TL_OK(web_prefs_format(&p, out, sizeof out));
	TL_CHECK(!strcmp(out, "en"), "en: got '%s'", out);
	p.lang = "fr<x>"; /* not a value: automatic */
	TL_OK(web_prefs_format(&p, out, sizeof out));
	TL_CHECK(!strcmp(out, ""), "an unknown language is not written: '%s'",
		 out);
	p.lang = "zh_CN";
	p.easy = 1;
	TL_RC(web_prefs_format(&p, small, sizeof small), KITH_EINVAL);
	TL_CHECK(small[0] == 0, "too small: empty, got '%s'", small);
}

/* gettext of msgid is want. */
static void expect_tr(const char *msgid, const char *want, const char *when)
{
	const char *got = gettext(msgid);

	TL_CHECK(!strcmp(got, want), "%s: '%s' as '%s', got '%s'", when,
		 msgid, want, got);
}

static void use(void **state)
{
	char exe[PATH_MAX], dir[PATH_MAX + 16], *slash;
	ssize_t n;

	(void)state;
	/* the daemon under a unit without LANG: the C locale */
	unsetenv("LANGUAGE");
	setenv("LC_ALL", "C", 1);
	TL_CHECK(setlocale(LC_ALL, "") != NULL, "setlocale");
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	TL_CHECK(n > 0, "readlink /proc/self/exe");
	exe[n] = 0;
	slash = strrchr(exe, '/'); /* BUILD/tests/test_lang */
	TL_CHECK(slash != NULL, "exe path");
	*slash = 0;
	slash = strrchr(exe, '/');
	TL_CHECK(slash != NULL, "exe path");
	*slash = 0;
	snprintf(dir, sizeof dir, "%s/locale", exe);
	TL_CHECK(access(dir, R_OK) == 0, "the build tree's catalogues in %s",
		 dir);
	bindtextdomain("kith", dir);
	bind_textdomain_codeset("kith", "UTF-8");
	textdomain("kith");

	expect_tr("out of memory", "out of memory", "before");
	TL_OK(web_lang_use(ZH));
	TL_CHECK(!strcmp(getenv("LANGUAGE"), "zh_CN"), "LANGUAGE set");
	expect_tr("out of memory", "内存不足", "Chinese");
	expect_tr("no identity", "还没有身份", "Chinese");
	/* the same message again after each switch: gettext's cache of
	 * found translations must not answer in the old language */
	TL_OK(web_lang_use(EN));
	expect_tr("out of memory", "out of memory", "English after Chinese");
	expect_tr("no identity", "no identity", "English after Chinese");
	{
		/* kiosk mode's sentences, for its idle time (kith daemon
		 * --kiosk-idle; 60 s by default) */
		static const struct {
			int s, banner;
			const char *en, *zh;
		} k[] = {
			{ 60, 1, "Shared computer: you will be logged out after"
				 " one minute without use.",
			  "这是共用电脑：一分钟不用，就会自动退出登录。" },
			{ 0, 0, "You were logged out after a minute without use.",
			  "一分钟没有使用，已经帮你退出登录了。" },
			{ 20, 1, "Shared computer: you will be logged out after"
				 " 20 seconds without use.",
			  "这是共用电脑：20 秒不用，就会自动退出登录。" },
			{ 120, 0, "You were logged out after 2 minutes without"
				  " use.",
			  "2 分钟没有使用，已经帮你退出登录了。" },
			{ 90, 0, "You were logged out after 90 seconds without"
				 " use.",
			  "90 秒没有使用，已经帮你退出登录了。" },
		};
		char buf[256];
		size_t i;

		for (i = 0; i < sizeof k / sizeof k[0]; i++) {
			TL_OK(web_lang_use(EN));
			TL_CHECK(!strcmp(web_ui_kiosk_idle(k[i].s, k[i].banner,
							   buf, sizeof buf),
					 k[i].en),
				 "kiosk %d s: '%s'", k[i].s, buf);
			TL_OK(web_lang_use(ZH));
			TL_CHECK(!strcmp(web_ui_kiosk_idle(k[i].s, k[i].banner,
							   buf, sizeof buf),
					 k[i].zh),
				 "kiosk %d s in Chinese: '%s'", k[i].s, buf);
		}
	}
	TL_OK(web_lang_use(ZH));
	expect_tr("out of memory", "内存不足", "Chinese again");
	{
		/* the page shell speaks the request's language */
		static const struct web_nav_link nav[] = { { "/", "x", 0 } };
		struct web_page p = { .lang = ZH, .title = "t", .nav = nav,
				      .n_nav = 1 };
		struct web_buf b;

		web_buf_init(&b, WEB_PAGE_MAX);
		TL_OK(web_page_begin(&b, &p));
		TL_CHECK(strstr(b.data, ">跳到正文</a>") &&
			 strstr(b.data, "aria-label=\"主菜单\""),
			 "the shell in Chinese:\n%s", b.data);
		web_buf_release(&b);
	}
	web_lang_reset();
	TL_CHECK(getenv("LANGUAGE") == NULL, "LANGUAGE unset again");
	TL_CHECK(!strcmp(setlocale(LC_MESSAGES, NULL), "C"),
		 "LC_MESSAGES back to C");
	expect_tr("out of memory", "out of memory", "after reset");

	/* a daemon started with LANGUAGE gets it back */
	setenv("LANGUAGE", "zh_CN", 1);
	setlocale(LC_ALL, "C.UTF-8");
	web_lang_reset(); /* the first saved state stays the one restored */
	TL_CHECK(getenv("LANGUAGE") == NULL, "reset restores the first state");
	unsetenv("LC_ALL");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(headers),
		cmocka_unit_test(setting),
		cmocka_unit_test(prefs),
		cmocka_unit_test(use),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
