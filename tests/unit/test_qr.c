/*
 * test_qr.c - QR codes (action/qr.c): the matrix's size and quiet zone,
 * the finder patterns where a scanner looks for them, the terminal
 * rendering (lines, half blocks, colour), the SVG path drawing exactly the
 * dark modules, a well-formed <svg> without a style attribute, refusals of
 * empty and too long text, and the web address check of the notice sheet.
 */
#include <stdlib.h>
#include <string.h>

#include "action/qr.h"
#include "tests/testlib.h"

#define CODE "kith1ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ2345"

/* A finder pattern with its top-left module at x, y: a dark 7x7 ring, a
 * light ring, a dark 3x3 centre. */
static void finder(const struct action_qr *q, int x0, int y0)
{
	int x, y, ring, want;

	for (y = 0; y < 7; y++)
		for (x = 0; x < 7; x++) {
			ring = x < y ? x : y;
			ring = ring < 6 - x ? ring : 6 - x;
			ring = ring < 6 - y ? ring : 6 - y;
			want = ring != 1;
			TL_CHECK(action_qr_dark(q, x0 + x, y0 + y) == want,
				 "finder at %d,%d: module %d,%d should be %s",
				 x0, y0, x, y, want ? "dark" : "light");
		}
}

static void matrix(void **state)
{
	struct action_qr q, r;
	int x, y, n, dark = 0;

	(void)state;
	TL_OK(action_qr_make(&q, CODE));
	n = q.width - 2 * ACTION_QR_QUIET;
	TL_CHECK(n >= 21 && n <= 177 && (n - 21) % 4 == 0,
		 "a symbol is 21 + 4k modules wide, got %d", n);
	/* the smallest version: 68 bytes at level M fit version 5 (37) as
	 * bytes, or 4 (33) when the encoder packs the capitals and digits */
	TL_CHECK(n == 33 || n == 37,
		 "68 bytes at level M: version 4 or 5, got %d modules", n);
	for (y = 0; y < q.width; y++)
		for (x = 0; x < q.width; x++) {
			if (x < ACTION_QR_QUIET || y < ACTION_QR_QUIET ||
			    x >= q.width - ACTION_QR_QUIET ||
			    y >= q.width - ACTION_QR_QUIET)
				TL_CHECK(!action_qr_dark(&q, x, y),
					 "quiet zone: %d,%d should be light", x,
					 y);
			dark += action_qr_dark(&q, x, y);
		}
	TL_CHECK(dark > n * n / 4 && dark < n * n * 3 / 4,
		 "about half the modules dark, got %d of %d", dark, n * n);
	finder(&q, ACTION_QR_QUIET, ACTION_QR_QUIET);
	finder(&q, q.width - ACTION_QR_QUIET - 7, ACTION_QR_QUIET);
	finder(&q, ACTION_QR_QUIET, q.width - ACTION_QR_QUIET - 7);
	TL_CHECK(!action_qr_dark(&q, -1, 0) && !action_qr_dark(&q, q.width, 0),
		 "outside the matrix is light");

	/* the same text, the same code; another text, another code */
	TL_OK(action_qr_make(&r, CODE));
	TL_CHECK(r.width == q.width &&
			 !memcmp(r.dark, q.dark, (size_t)q.width * q.width),
		 "the same text gives the same matrix");
	action_qr_release(&r);
	TL_OK(action_qr_make(&r, "kith1ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJ"
				 "KLMNOPQRSTUVWXYZ2346"));
	TL_CHECK(r.width == q.width &&
			 memcmp(r.dark, q.dark, (size_t)q.width * q.width),
		 "another text gives another matrix");
	action_qr_release(&r);
	action_qr_release(&q);
	action_qr_release(&q); /* twice is fine */
	TL_CHECK(!q.dark && !q.width, "released");
}

static void refused(void **state)
{
	struct action_qr q;
	char *big = malloc(ACTION_QR_TEXT_MAX + 2);

	(void)state;
	assert_non_null(big);
	TL_RC(action_qr_make(&q, ""), KITH_EINVAL);
	TL_CHECK(!q.dark, "nothing made of empty text");
	memset(big, 'a', ACTION_QR_TEXT_MAX + 1);
	big[ACTION_QR_TEXT_MAX + 1] = 0;
	TL_RC(action_qr_make(&q, big), KITH_EINVAL);
	big[ACTION_QR_TEXT_MAX] = 0;
	TL_OK(action_qr_make(&q, big));
	action_qr_release(&q);
	free(big);
}

/* The text rendering of q (colour or not) in a malloc'd string. */
static char *render(const struct action_qr *q, int colour)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	action_qr_text(q, f, colour);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void text(void **state)
{
	static const char *const cell[4] = {
		" ", "\xe2\x96\x80", "\xe2\x96\x84", "\xe2\x96\x88"
	};
	struct action_qr q;
	char *t, *c, *line, *save = NULL, *p;
	int y = 0, x, k;

	(void)state;
	TL_OK(action_qr_make(&q, CODE));
	t = render(&q, 0);
	TL_CHECK(!strchr(t, '\033'), "no escapes without colour");
	/* each line: width cells, each the half block of its two rows */
	for (line = strtok_r(t, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), y += 2) {
		p = line;
		for (x = 0; x < q.width; x++) {
			k = action_qr_dark(&q, x, y) +
			    2 * action_qr_dark(&q, x, y + 1);
			TL_CHECK(!strncmp(p, cell[k], strlen(cell[k])),
				 "line %d, column %d: expected cell %d", y / 2,
				 x, k);
			p += strlen(cell[k]);
		}
		TL_CHECK(!*p, "line %d ends after %d cells", y / 2, q.width);
		if (y == 0)
			TL_CHECK(strspn(line, " ") == (size_t)q.width,
				 "the first line is quiet zone");
	}
	TL_CHECK(y / 2 == (q.width + 1) / 2, "%d lines for %d rows, got %d",
		 (q.width + 1) / 2, q.width, y / 2);
	free(t);

	c = render(&q, 1);
	for (line = strtok_r(c, "\n", &save), y = 0; line;
	     line = strtok_r(NULL, "\n", &save), y++) {
		TL_CHECK(!strncmp(line, "\033[30;47;107m", 12),
			 "line %d sets black on white first", y);
		TL_CHECK(strlen(line) > 4 &&
				 !strcmp(line + strlen(line) - 4, "\033[0m"),
			 "line %d resets at its end", y);
	}
	TL_CHECK(y == (q.width + 1) / 2, "as many lines in colour");
	free(c);
	action_qr_release(&q);
}

/* Draw path d (runs "Mx yhNv1h-Nz") into a width x width grid: 0, or -1
 * on anything else. */
static int draw(const char *d, int width, uint8_t *grid)
{
	const char *p = d;
	int x, y, n, m, used, i;

	memset(grid, 0, (size_t)width * width);
	while (*p) {
		if (sscanf(p, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &m, &used) != 4 ||
		    n != m || n < 1 || x < 0 || y < 0 || y >= width ||
		    x + n > width)
			return -1;
		for (i = 0; i < n; i++) {
			if (grid[y * width + x + i])
				return -1; /* drawn twice */
			grid[y * width + x + i] = 1;
		}
		p += used;
		if (*p == ' ')
			p++;
	}
	return 0;
}

static void svg(void **state)
{
	struct action_qr q;
	char *d, *s = NULL, want[128];
	size_t len = 0;
	uint8_t *grid;
	FILE *f;

	(void)state;
	TL_OK(action_qr_make(&q, CODE));
	d = action_qr_path(&q);
	assert_non_null(d);
	TL_CHECK(strspn(d, "Mhvz0123456789- ") == strlen(d),
		 "the path holds only M h v z, digits, '-' and spaces");
	grid = malloc((size_t)q.width * q.width);
	assert_non_null(grid);
	TL_CHECK(draw(d, q.width, grid) == 0, "the path is runs of rows: %s",
		 d);
	TL_CHECK(!memcmp(grid, q.dark, (size_t)q.width * q.width),
		 "the path draws exactly the dark modules");
	free(grid);

	f = open_memstream(&s, &len);
	assert_non_null(f);
	TL_OK(action_qr_svg(&q, f));
	assert_int_equal(fclose(f), 0);
	TL_CHECK(!strncmp(s, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39),
		 "an svg element with its namespace: %.60s", s);
	snprintf(want, sizeof want, "viewBox=\"0 0 %d %d\"", q.width,
		 q.width);
	TL_CHECK(strstr(s, want) != NULL, "the viewBox is the matrix: %s",
		 want);
	TL_CHECK(strstr(s, d) != NULL, "the path is in the svg");
	TL_CHECK(!strstr(s, "style"), "no style attribute (CSP)");
	TL_CHECK(strstr(s, "fill=\"#fff\"") && strstr(s, "fill=\"#000\""),
		 "colours are fill attributes");
	TL_CHECK(len > 6 && !strcmp(s + len - 6, "</svg>"), "closed: %s",
		 s + (len > 20 ? len - 20 : 0));
	/* well-formed: every < opens a tag that closes */
	TL_CHECK(strstr(s, "/>") && strstr(s, "<path ") &&
			 strstr(s, "<rect "),
		 "self-closed rect and path");
	free(s);
	free(d);
	action_qr_release(&q);
}

static void url(void **state)
{
	struct action a;

	(void)state;
	memset(&a, 0, sizeof a);
	TL_OK(action_qr_url_check(&a, "http://192.168.1.20:7474"));
	TL_OK(action_qr_url_check(&a, "HTTPS://kith.example/coord"));
	TL_RC(action_qr_url_check(&a, "192.168.1.20:7474"), KITH_EINVAL);
	TL_CHECK(strstr(a.msg, "http://") != NULL, "says how: %s", a.msg);
	TL_RC(action_qr_url_check(&a, "javascript:alert(1)"), KITH_EINVAL);
	TL_RC(action_qr_url_check(&a, "http://"), KITH_EINVAL);
	TL_RC(action_qr_url_check(&a, "http:///x"), KITH_EINVAL);
	TL_RC(action_qr_url_check(&a, "http://a b"), KITH_EINVAL);
	TL_RC(action_qr_url_check(&a, "http://a\033[2J"), KITH_EINVAL);
	TL_CHECK(!strchr(a.msg, '\033'), "the message quotes no control");
	TL_RC(action_qr_url_check(&a, "http://\xe4\xb8\xad"), KITH_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(matrix),
		cmocka_unit_test(refused),
		cmocka_unit_test(text),
		cmocka_unit_test(svg),
		cmocka_unit_test(url),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
