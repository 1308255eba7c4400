/*
 * test_out.c - the CLI's text writers (cli/out.c): how many terminal
 * columns a character takes (wide CJK 2, combining marks 0), and table
 * cells cut or padded to a display width, cut with "…" and never inside a
 * character or between a character and its combining marks.
 *
 * cli/out.c is compiled into this test (its helpers are static, and the
 * CLI is not part of libkith).
 */
#include "cli/out.c"

#include "tests/testlib.h"

static void expect_cp(uint32_t cp, int want)
{
	TL_CHECK(cp_width(cp) == want, "U+%04X: expected %d columns, got %d",
		 (unsigned)cp, want, cp_width(cp));
}

static void char_widths(void **state)
{
	(void)state;
	expect_cp('a', 1);
	expect_cp(0xe9, 1);    /* é */
	expect_cp(0x301, 0);   /* combining acute */
	expect_cp(0x20dd, 0);  /* combining enclosing circle */
	expect_cp(0xe31, 0);   /* Thai mai han-akat */
	expect_cp(0x200b, 0);  /* zero width space */
	expect_cp(0xfe0f, 0);  /* variation selector 16 */
	expect_cp(0xad, 1);    /* soft hyphen, as glibc */
	expect_cp(0x4e2d, 2);  /* 中 */
	expect_cp(0x3000, 2);  /* ideographic space */
	expect_cp(0x3001, 2);  /* 、 */
	expect_cp(0x3042, 2);  /* あ */
	expect_cp(0xac00, 2);  /* 가 */
	expect_cp(0x1100, 2);  /* Hangul choseong */
	expect_cp(0x1160, 0);  /* Hangul jungseong filler */
	expect_cp(0xff21, 2);  /* fullwidth A */
	expect_cp(0xff61, 1);  /* halfwidth 。 */
	expect_cp(0x1f600, 2); /* 😀 */
	expect_cp(0x20000, 2); /* CJK extension B */
	expect_cp(0x2026, 1);  /* … */
	expect_cp(0xfffd, 1);
	expect_cp(0x4dc0, 1);  /* a Yijing hexagram: neutral, not wide */
}

static void text_widths(void **state)
{
	(void)state;
	TL_EQ(cli_width("帮忙买菜"), 8, "four Chinese characters");
	TL_EQ(cli_width("Crème brûlée"), 12, "precomposed accents");
	TL_EQ(cli_width("Cre\xcc\x80me"), 5, "a combining accent");
	TL_EQ(cli_width("A4纸"), 4, "mixed");
	TL_EQ(cli_width("a\x1b[31mb"), 7, "ESC shown as U+FFFD, one column");
	TL_EQ(cli_width("\xff\xfe"), 2, "each invalid byte one column");
	TL_EQ(cli_width(""), 0, "empty");
	TL_EQ(cli_width(NULL), 0, "NULL");
}

/* cell_write into a string. */
static const char *cell(const char *s, int width)
{
	static char buf[512];
	FILE *m = fmemopen(buf, sizeof buf, "w");

	TL_CHECK(m != NULL, "fmemopen");
	cell_write(m, s, width, "|");
	fclose(m);
	return buf;
}

#define EXPECT_CELL(s, width, want)                                           \
	do {                                                                  \
		const char *got_ = cell((s), (width));                        \
		TL_CHECK(!strcmp(got_, (want)),                               \
			 "cell('%s', %d): expected '%s', got '%s'", (s),      \
			 (width), (want), got_);                              \
	} while (0)

static void cells(void **state)
{
	(void)state;
	EXPECT_CELL("ladder", 8, "ladder  |");
	EXPECT_CELL("帮忙", 6, "帮忙  |");
	EXPECT_CELL("帮忙买", 6, "帮忙买|");
	/* longer: cut to width - 1 and "…" */
	EXPECT_CELL("帮忙买菜", 6, "帮忙… |");
	EXPECT_CELL("Aluminium ladder", 8, "Alumini…|");
	/* a wide character never straddles the edge */
	EXPECT_CELL("a帮忙买", 6, "a帮忙…|");
	EXPECT_CELL("ab帮忙买", 6, "ab帮… |");
	/* combining marks stay with their character, or go with it */
	EXPECT_CELL("Cre\xcc\x80me", 5, "Cre\xcc\x80me|");
	EXPECT_CELL("e\xcc\x81" "e\xcc\x81" "e\xcc\x81", 2, "e\xcc\x81…|");
	EXPECT_CELL("e\xcc\x81" "e\xcc\x81", 2, "e\xcc\x81" "e\xcc\x81|");
	/* controls and invalid bytes replaced, one column each */
	EXPECT_CELL("a\x1b" "b", 5, "a\xef\xbf\xbd" "b  |");
	EXPECT_CELL("a\tb\nc", 6, "a b c |");
	/* tiny cells */
	EXPECT_CELL("ab", 1, "…|");
	EXPECT_CELL("帮", 1, "…|");
	EXPECT_CELL("ab", 0, "|");
	EXPECT_CELL("", 3, "   |");
	EXPECT_CELL(NULL, 3, "   |");
}

/* Any text in any width: exactly width columns of valid UTF-8, a prefix of
 * what the text writer prints, ending in "…" when (and only when) cut. */
static void cells_random(void **state)
{
	static const char *const pieces[] = {
		"a", "Z", " ", "é", "e\xcc\x81", "中", "菜", "あ", "가",
		"\xcc\x81", "\xff", "\x1b", "😀", "Ａ", "…", "\xe4\xb8",
	};
	struct tl_env e;
	int round;

	(void)state;
	tl_env_init(&e, 8);
	for (round = 0; round < 3000; round++) {
		char s[256], full[1024];
		const char *got;
		int width = (int)tl_rand_below(&e, 12), n, i, cols = 0;
		size_t len;
		uint32_t cp;
		FILE *m;

		s[0] = 0;
		n = (int)tl_rand_below(&e, 12);
		for (i = 0; i < n; i++)
			strcat(s, pieces[tl_rand_below(&e, sizeof pieces /
							      sizeof pieces[0])]);
		got = cell(s, width);
		len = strlen(got);
		TL_CHECK(len && got[len - 1] == '|', "separator at the end");
		memset(full, 0, sizeof full);
		m = fmemopen(full, sizeof full, "w");
		TL_CHECK(m != NULL, "fmemopen");
		txt_write(m, s, 0, NULL);
		fclose(m);
		for (i = 0; i < (int)len - 1;) {
			int k = cli_utf8_next(got + i, &cp);

			TL_CHECK(k > 0, "cell('%s', %d) = '%s': invalid UTF-8 at "
				 "byte %d", s, width, got, i);
			cols += cp_width(cp);
			i += k;
		}
		TL_CHECK(cols == width, "cell('%s', %d) = '%s': %d columns", s,
			 width, got, cols);
		if (cli_width(s) <= width) {
			TL_CHECK(!strncmp(got, full, strlen(full)),
				 "cell('%s', %d) = '%s': the whole text", s,
				 width, got);
		} else if (width > 0) {
			const char *ell = strstr(got, ELLIPSIS);
			size_t keep;

			TL_CHECK(ell != NULL, "cell('%s', %d) = '%s': cut with "
				 "an ellipsis", s, width, got);
			keep = (size_t)(ell - got);
			/* the last ellipsis is the one we added */
			while (strstr(ell + 1, ELLIPSIS)) {
				ell = strstr(ell + 1, ELLIPSIS);
				keep = (size_t)(ell - got);
			}
			TL_CHECK(!strncmp(got, full, keep),
				 "cell('%s', %d) = '%s': a prefix of the text",
				 s, width, got);
			TL_CHECK(cli_width(full) > width, "only cut when too long");
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(char_widths),
		cmocka_unit_test(text_widths),
		cmocka_unit_test(cells),
		cmocka_unit_test(cells_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
