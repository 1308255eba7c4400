/*
 * out.c - every byte of replica text that kith prints goes through here.
 *
 * Text in the replica comes from any member of the community (and from
 * whatever their machine was told to sign), so it may hold terminal escape
 * sequences (ESC [ ..., OSC 8 links, window titles), C1 controls (U+0080 ..
 * U+009F, which some terminals obey as ESC-sequences) or bytes that are not
 * UTF-8 at all.  The writers below are the only way such text reaches a
 * terminal or a JSON reader (cgit's html_txt is the model):
 *
 *   text   cli_txt_write / cli_txt / cli_cell / cli_show_field: C0 controls
 *          (a tab becomes a space; a newline is kept only where the layout
 *          has room for it), DEL, C1 controls and every byte of invalid
 *          UTF-8 become U+FFFD, so what shows is exactly what was posted,
 *          minus its power over the terminal.
 *   JSON   cli_json_str / cli_json_row: controls are escaped (\n, \u001b,
 *          \u009b), invalid UTF-8 becomes \ufffd: the output is valid JSON
 *          whatever the replica holds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

int cli_utf8_next(const char *s, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c, min;
	int n, i;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, c = p[0] & 0x1f, min = 0x80;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, c = p[0] & 0x0f, min = 0x800;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, c = p[0] & 0x07, min = 0x10000;
	else
		return 0; /* a continuation byte, 0xc0, 0xc1 or 0xf5.. */
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0; /* cut short (a NUL ends it too) */
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0; /* overlong, too large, a surrogate */
	*cp = c;
	return n;
}

/* A code point that must not reach a terminal as itself. */
static int is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
}

/* ---- display width ------------------------------------------------------ */

/*
 * How many terminal columns a character takes, as glibc's wcwidth() says
 * in a UTF-8 locale -- but kith may run under LANG=C, where wcwidth()
 * knows no CJK, so the tables are ours: Unicode 14.0 (Debian 12's Python
 * and glibc), assigned characters only, made with
 *
 *   import unicodedata as u
 *   wide: u.east_asian_width(c) in ('W', 'F')          (CJK, kana, Hangul
 *         syllables, fullwidth forms, emoji): 2 columns
 *   zero: u.category(c) in ('Mn', 'Me'), or 'Cf' but the soft hyphen and
 *         the prepended concatenation marks (U+0600..0605, 06DD, 070F,
 *         0890, 0891, 08E2, 110BD, 110CD), or a Hangul medial or final
 *         jamo (U+1160..11FF, D7B0..D7FF): 0 columns (they join the
 *         character before them)
 *
 * over 0..U+10FFFF, consecutive code points merged.  Everything else is
 * one column (ambiguous-width characters such as U+2026 "…" too, as in a
 * terminal that is not set to CJK-wide ambiguous characters).
 */
struct cp_range {
	uint32_t lo, hi;
};

static const struct cp_range zero_width[] = {
	{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd },
	{ 0x05bf, 0x05bf }, { 0x05c1, 0x05c2 }, { 0x05c4, 0x05c5 },
	{ 0x05c7, 0x05c7 }, { 0x0610, 0x061a }, { 0x061c, 0x061c },
	{ 0x064b, 0x065f }, { 0x0670, 0x0670 }, { 0x06d6, 0x06dc },
	{ 0x06df, 0x06e4 }, { 0x06e7, 0x06e8 }, { 0x06ea, 0x06ed },
	{ 0x0711, 0x0711 }, { 0x0730, 0x074a }, { 0x07a6, 0x07b0 },
	{ 0x07eb, 0x07f3 }, { 0x07fd, 0x07fd }, { 0x0816, 0x0819 },
	{ 0x081b, 0x0823 }, { 0x0825, 0x0827 }, { 0x0829, 0x082d },
	{ 0x0859, 0x085b }, { 0x0898, 0x089f }, { 0x08ca, 0x08e1 },
	{ 0x08e3, 0x0902 }, { 0x093a, 0x093a }, { 0x093c, 0x093c },
	{ 0x0941, 0x0948 }, { 0x094d, 0x094d }, { 0x0951, 0x0957 },
	{ 0x0962, 0x0963 }, { 0x0981, 0x0981 }, { 0x09bc, 0x09bc },
	{ 0x09c1, 0x09c4 }, { 0x09cd, 0x09cd }, { 0x09e2, 0x09e3 },
	{ 0x09fe, 0x0a02 }, { 0x0a3c, 0x0a3c }, { 0x0a41, 0x0a51 },
	{ 0x0a70, 0x0a71 }, { 0x0a75, 0x0a75 }, { 0x0a81, 0x0a82 },
	{ 0x0abc, 0x0abc }, { 0x0ac1, 0x0ac8 }, { 0x0acd, 0x0acd },
	{ 0x0ae2, 0x0ae3 }, { 0x0afa, 0x0b01 }, { 0x0b3c, 0x0b3c },
	{ 0x0b3f, 0x0b3f }, { 0x0b41, 0x0b44 }, { 0x0b4d, 0x0b56 },
	{ 0x0b62, 0x0b63 }, { 0x0b82, 0x0b82 }, { 0x0bc0, 0x0bc0 },
	{ 0x0bcd, 0x0bcd }, { 0x0c00, 0x0c00 }, { 0x0c04, 0x0c04 },
	{ 0x0c3c, 0x0c3c }, { 0x0c3e, 0x0c40 }, { 0x0c46, 0x0c56 },
	{ 0x0c62, 0x0c63 }, { 0x0c81, 0x0c81 }, { 0x0cbc, 0x0cbc },
	{ 0x0cbf, 0x0cbf }, { 0x0cc6, 0x0cc6 }, { 0x0ccc, 0x0ccd },
	{ 0x0ce2, 0x0ce3 }, { 0x0d00, 0x0d01 }, { 0x0d3b, 0x0d3c },
	{ 0x0d41, 0x0d44 }, { 0x0d4d, 0x0d4d }, { 0x0d62, 0x0d63 },
	{ 0x0d81, 0x0d81 }, { 0x0dca, 0x0dca }, { 0x0dd2, 0x0dd6 },
	{ 0x0e31, 0x0e31 }, { 0x0e34, 0x0e3a }, { 0x0e47, 0x0e4e },
	{ 0x0eb1, 0x0eb1 }, { 0x0eb4, 0x0ebc }, { 0x0ec8, 0x0ecd },
	{ 0x0f18, 0x0f19 }, { 0x0f35, 0x0f35 }, { 0x0f37, 0x0f37 },
	{ 0x0f39, 0x0f39 }, { 0x0f71, 0x0f7e }, { 0x0f80, 0x0f84 },
	{ 0x0f86, 0x0f87 }, { 0x0f8d, 0x0fbc }, { 0x0fc6, 0x0fc6 },
	{ 0x102d, 0x1030 }, { 0x1032, 0x1037 }, { 0x1039, 0x103a },
	{ 0x103d, 0x103e }, { 0x1058, 0x1059 }, { 0x105e, 0x1060 },
	{ 0x1071, 0x1074 }, { 0x1082, 0x1082 }, { 0x1085, 0x1086 },
	{ 0x108d, 0x108d }, { 0x109d, 0x109d }, { 0x1160, 0x11ff },
	{ 0x135d, 0x135f }, { 0x1712, 0x1714 }, { 0x1732, 0x1733 },
	{ 0x1752, 0x1753 }, { 0x1772, 0x1773 }, { 0x17b4, 0x17b5 },
	{ 0x17b7, 0x17bd }, { 0x17c6, 0x17c6 }, { 0x17c9, 0x17d3 },
	{ 0x17dd, 0x17dd }, { 0x180b, 0x180f }, { 0x1885, 0x1886 },
	{ 0x18a9, 0x18a9 }, { 0x1920, 0x1922 }, { 0x1927, 0x1928 },
	{ 0x1932, 0x1932 }, { 0x1939, 0x193b }, { 0x1a17, 0x1a18 },
	{ 0x1a1b, 0x1a1b }, { 0x1a56, 0x1a56 }, { 0x1a58, 0x1a60 },
	{ 0x1a62, 0x1a62 }, { 0x1a65, 0x1a6c }, { 0x1a73, 0x1a7f },
	{ 0x1ab0, 0x1b03 }, { 0x1b34, 0x1b34 }, { 0x1b36, 0x1b3a },
	{ 0x1b3c, 0x1b3c }, { 0x1b42, 0x1b42 }, { 0x1b6b, 0x1b73 },
	{ 0x1b80, 0x1b81 }, { 0x1ba2, 0x1ba5 }, { 0x1ba8, 0x1ba9 },
	{ 0x1bab, 0x1bad }, { 0x1be6, 0x1be6 }, { 0x1be8, 0x1be9 },
	{ 0x1bed, 0x1bed }, { 0x1bef, 0x1bf1 }, { 0x1c2c, 0x1c33 },
	{ 0x1c36, 0x1c37 }, { 0x1cd0, 0x1cd2 }, { 0x1cd4, 0x1ce0 },
	{ 0x1ce2, 0x1ce8 }, { 0x1ced, 0x1ced }, { 0x1cf4, 0x1cf4 },
	{ 0x1cf8, 0x1cf9 }, { 0x1dc0, 0x1dff }, { 0x200b, 0x200f },
	{ 0x202a, 0x202e }, { 0x2060, 0x206f }, { 0x20d0, 0x20f0 },
	{ 0x2cef, 0x2cf1 }, { 0x2d7f, 0x2d7f }, { 0x2de0, 0x2dff },
	{ 0x302a, 0x302d }, { 0x3099, 0x309a }, { 0xa66f, 0xa672 },
	{ 0xa674, 0xa67d }, { 0xa69e, 0xa69f }, { 0xa6f0, 0xa6f1 },
	{ 0xa802, 0xa802 }, { 0xa806, 0xa806 }, { 0xa80b, 0xa80b },
	{ 0xa825, 0xa826 }, { 0xa82c, 0xa82c }, { 0xa8c4, 0xa8c5 },
	{ 0xa8e0, 0xa8f1 }, { 0xa8ff, 0xa8ff }, { 0xa926, 0xa92d },
	{ 0xa947, 0xa951 }, { 0xa980, 0xa982 }, { 0xa9b3, 0xa9b3 },
	{ 0xa9b6, 0xa9b9 }, { 0xa9bc, 0xa9bd }, { 0xa9e5, 0xa9e5 },
	{ 0xaa29, 0xaa2e }, { 0xaa31, 0xaa32 }, { 0xaa35, 0xaa36 },
	{ 0xaa43, 0xaa43 }, { 0xaa4c, 0xaa4c }, { 0xaa7c, 0xaa7c },
	{ 0xaab0, 0xaab0 }, { 0xaab2, 0xaab4 }, { 0xaab7, 0xaab8 },
	{ 0xaabe, 0xaabf }, { 0xaac1, 0xaac1 }, { 0xaaec, 0xaaed },
	{ 0xaaf6, 0xaaf6 }, { 0xabe5, 0xabe5 }, { 0xabe8, 0xabe8 },
	{ 0xabed, 0xabed }, { 0xd7b0, 0xd7fb }, { 0xfb1e, 0xfb1e },
	{ 0xfe00, 0xfe0f }, { 0xfe20, 0xfe2f }, { 0xfeff, 0xfeff },
	{ 0xfff9, 0xfffb }, { 0x101fd, 0x101fd }, { 0x102e0, 0x102e0 },
	{ 0x10376, 0x1037a }, { 0x10a01, 0x10a0f }, { 0x10a38, 0x10a3f },
	{ 0x10ae5, 0x10ae6 }, { 0x10d24, 0x10d27 }, { 0x10eab, 0x10eac },
	{ 0x10f46, 0x10f50 }, { 0x10f82, 0x10f85 }, { 0x11001, 0x11001 },
	{ 0x11038, 0x11046 }, { 0x11070, 0x11070 }, { 0x11073, 0x11074 },
	{ 0x1107f, 0x11081 }, { 0x110b3, 0x110b6 }, { 0x110b9, 0x110ba },
	{ 0x110c2, 0x110c2 }, { 0x11100, 0x11102 }, { 0x11127, 0x1112b },
	{ 0x1112d, 0x11134 }, { 0x11173, 0x11173 }, { 0x11180, 0x11181 },
	{ 0x111b6, 0x111be }, { 0x111c9, 0x111cc }, { 0x111cf, 0x111cf },
	{ 0x1122f, 0x11231 }, { 0x11234, 0x11234 }, { 0x11236, 0x11237 },
	{ 0x1123e, 0x1123e }, { 0x112df, 0x112df }, { 0x112e3, 0x112ea },
	{ 0x11300, 0x11301 }, { 0x1133b, 0x1133c }, { 0x11340, 0x11340 },
	{ 0x11366, 0x11374 }, { 0x11438, 0x1143f }, { 0x11442, 0x11444 },
	{ 0x11446, 0x11446 }, { 0x1145e, 0x1145e }, { 0x114b3, 0x114b8 },
	{ 0x114ba, 0x114ba }, { 0x114bf, 0x114c0 }, { 0x114c2, 0x114c3 },
	{ 0x115b2, 0x115b5 }, { 0x115bc, 0x115bd }, { 0x115bf, 0x115c0 },
	{ 0x115dc, 0x115dd }, { 0x11633, 0x1163a }, { 0x1163d, 0x1163d },
	{ 0x1163f, 0x11640 }, { 0x116ab, 0x116ab }, { 0x116ad, 0x116ad },
	{ 0x116b0, 0x116b5 }, { 0x116b7, 0x116b7 }, { 0x1171d, 0x1171f },
	{ 0x11722, 0x11725 }, { 0x11727, 0x1172b }, { 0x1182f, 0x11837 },
	{ 0x11839, 0x1183a }, { 0x1193b, 0x1193c }, { 0x1193e, 0x1193e },
	{ 0x11943, 0x11943 }, { 0x119d4, 0x119db }, { 0x119e0, 0x119e0 },
	{ 0x11a01, 0x11a0a }, { 0x11a33, 0x11a38 }, { 0x11a3b, 0x11a3e },
	{ 0x11a47, 0x11a47 }, { 0x11a51, 0x11a56 }, { 0x11a59, 0x11a5b },
	{ 0x11a8a, 0x11a96 }, { 0x11a98, 0x11a99 }, { 0x11c30, 0x11c3d },
	{ 0x11c3f, 0x11c3f }, { 0x11c92, 0x11ca7 }, { 0x11caa, 0x11cb0 },
	{ 0x11cb2, 0x11cb3 }, { 0x11cb5, 0x11cb6 }, { 0x11d31, 0x11d45 },
	{ 0x11d47, 0x11d47 }, { 0x11d90, 0x11d91 }, { 0x11d95, 0x11d95 },
	{ 0x11d97, 0x11d97 }, { 0x11ef3, 0x11ef4 }, { 0x13430, 0x13438 },
	{ 0x16af0, 0x16af4 }, { 0x16b30, 0x16b36 }, { 0x16f4f, 0x16f4f },
	{ 0x16f8f, 0x16f92 }, { 0x16fe4, 0x16fe4 }, { 0x1bc9d, 0x1bc9e },
	{ 0x1bca0, 0x1cf46 }, { 0x1d167, 0x1d169 }, { 0x1d173, 0x1d182 },
	{ 0x1d185, 0x1d18b }, { 0x1d1aa, 0x1d1ad }, { 0x1d242, 0x1d244 },
	{ 0x1da00, 0x1da36 }, { 0x1da3b, 0x1da6c }, { 0x1da75, 0x1da75 },
	{ 0x1da84, 0x1da84 }, { 0x1da9b, 0x1daaf }, { 0x1e000, 0x1e02a },
	{ 0x1e130, 0x1e136 }, { 0x1e2ae, 0x1e2ae }, { 0x1e2ec, 0x1e2ef },
	{ 0x1e8d0, 0x1e8d6 }, { 0x1e944, 0x1e94a }, { 0xe0001, 0xe01ef },
};

static const struct cp_range wide[] = {
	{ 0x1100, 0x115f }, { 0x231a, 0x231b }, { 0x2329, 0x232a },
	{ 0x23e9, 0x23ec }, { 0x23f0, 0x23f0 }, { 0x23f3, 0x23f3 },
	{ 0x25fd, 0x25fe }, { 0x2614, 0x2615 }, { 0x2648, 0x2653 },
	{ 0x267f, 0x267f }, { 0x2693, 0x2693 }, { 0x26a1, 0x26a1 },
	{ 0x26aa, 0x26ab }, { 0x26bd, 0x26be }, { 0x26c4, 0x26c5 },
	{ 0x26ce, 0x26ce }, { 0x26d4, 0x26d4 }, { 0x26ea, 0x26ea },
	{ 0x26f2, 0x26f3 }, { 0x26f5, 0x26f5 }, { 0x26fa, 0x26fa },
	{ 0x26fd, 0x26fd }, { 0x2705, 0x2705 }, { 0x270a, 0x270b },
	{ 0x2728, 0x2728 }, { 0x274c, 0x274c }, { 0x274e, 0x274e },
	{ 0x2753, 0x2755 }, { 0x2757, 0x2757 }, { 0x2795, 0x2797 },
	{ 0x27b0, 0x27b0 }, { 0x27bf, 0x27bf }, { 0x2b1b, 0x2b1c },
	{ 0x2b50, 0x2b50 }, { 0x2b55, 0x2b55 }, { 0x2e80, 0x303e },
	{ 0x3041, 0x3247 }, { 0x3250, 0x4dbf }, { 0x4e00, 0xa4c6 },
	{ 0xa960, 0xa97c }, { 0xac00, 0xd7a3 }, { 0xf900, 0xfad9 },
	{ 0xfe10, 0xfe19 }, { 0xfe30, 0xfe6b }, { 0xff01, 0xff60 },
	{ 0xffe0, 0xffe6 }, { 0x16fe0, 0x1b2fb }, { 0x1f004, 0x1f004 },
	{ 0x1f0cf, 0x1f0cf }, { 0x1f18e, 0x1f18e }, { 0x1f191, 0x1f19a },
	{ 0x1f200, 0x1f320 }, { 0x1f32d, 0x1f335 }, { 0x1f337, 0x1f37c },
	{ 0x1f37e, 0x1f393 }, { 0x1f3a0, 0x1f3ca }, { 0x1f3cf, 0x1f3d3 },
	{ 0x1f3e0, 0x1f3f0 }, { 0x1f3f4, 0x1f3f4 }, { 0x1f3f8, 0x1f43e },
	{ 0x1f440, 0x1f440 }, { 0x1f442, 0x1f4fc }, { 0x1f4ff, 0x1f53d },
	{ 0x1f54b, 0x1f54e }, { 0x1f550, 0x1f567 }, { 0x1f57a, 0x1f57a },
	{ 0x1f595, 0x1f596 }, { 0x1f5a4, 0x1f5a4 }, { 0x1f5fb, 0x1f64f },
	{ 0x1f680, 0x1f6c5 }, { 0x1f6cc, 0x1f6cc }, { 0x1f6d0, 0x1f6d2 },
	{ 0x1f6d5, 0x1f6df }, { 0x1f6eb, 0x1f6ec }, { 0x1f6f4, 0x1f6fc },
	{ 0x1f7e0, 0x1f7f0 }, { 0x1f90c, 0x1f93a }, { 0x1f93c, 0x1f945 },
	{ 0x1f947, 0x1f9ff }, { 0x1fa70, 0x1faf6 }, { 0x20000, 0x3fffd },
};

static int in_table(uint32_t cp, const struct cp_range *t, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cp < t[mid].lo)
			hi = mid;
		else if (cp > t[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

/* Columns of a printable code point: 0, 1 or 2. */
static int cp_width(uint32_t cp)
{
	if (cp < 0x300)
		return 1;
	if (in_table(cp, zero_width, sizeof zero_width / sizeof zero_width[0]))
		return 0;
	if (cp >= 0x1100 && in_table(cp, wide, sizeof wide / sizeof wide[0]))
		return 2;
	return 1;
}

/*
 * One character of s as the text writer shows it: *out and *olen the bytes
 * to print, *cols their columns; returns how many bytes of s it stands for
 * (a control or an invalid byte becomes U+FFFD, a tab or newline a space).
 * *nl is set for a newline.
 */
static int txt_char(const char *s, const char **out, int *olen, int *cols,
		    int *nl)
{
	uint32_t cp;
	int n = cli_utf8_next(s, &cp);

	*nl = 0;
	*cols = 1;
	if (!n) {
		*out = REPLACEMENT;
		*olen = 3;
		return 1;
	}
	if (cp == '\t' || cp == '\n') {
		*nl = cp == '\n';
		*out = " ";
		*olen = 1;
	} else if (is_control(cp)) {
		*out = REPLACEMENT;
		*olen = 3;
	} else {
		*out = s;
		*olen = n;
		*cols = cp_width(cp);
	}
	return n;
}

/* Columns s takes on a terminal, as the text writer prints it on one
 * line (NULL: 0). */
int cli_width(const char *s)
{
	const char *out;
	int cols = 0, olen, w, nl;

	while (s && *s) {
		s += txt_char(s, &out, &olen, &w, &nl);
		cols += w;
	}
	return cols;
}

/*
 * The text writer: s (NULL: nothing) to f, each control or invalid byte
 * replaced (see the top).  With nl, newlines are kept and indent follows
 * each.
 */
static void txt_write(FILE *f, const char *s, int nl, const char *indent)
{
	const char *out;
	int olen, w, isnl;

	while (s && *s) {
		s += txt_char(s, &out, &olen, &w, &isnl);
		if (isnl && nl) {
			fputc('\n', f);
			fputs(indent ? indent : "", f);
		} else {
			fwrite(out, 1, (size_t)olen, f);
		}
	}
}

void cli_txt_write(FILE *f, const char *s)
{
	txt_write(f, s, 0, NULL);
}

void cli_txt_write_ml(FILE *f, const char *s, const char *indent)
{
	txt_write(f, s, 1, indent);
}

/* Ring of buffers for cli_txt, as git's find_unique_abbrev: a printf with
 * up to CLI_TXT_RING sanitised arguments needs no temporaries. */
#define CLI_TXT_RING 8

const char *cli_txt(const char *s)
{
	static char *ring[CLI_TXT_RING];
	static size_t cap[CLI_TXT_RING];
	static unsigned next;
	unsigned i = next++ % CLI_TXT_RING;
	size_t need;
	FILE *m;

	if (!s || !*s)
		return "";
	/* at worst every byte becomes U+FFFD (3 bytes), plus the NUL */
	need = strlen(s) * 3 + 1;
	if (cap[i] < need) {
		char *p = realloc(ring[i], need);

		if (!p)
			return REPLACEMENT;
		ring[i] = p;
		cap[i] = need;
	}
	m = fmemopen(ring[i], cap[i], "w");
	if (!m)
		return REPLACEMENT;
	setbuf(m, NULL);
	txt_write(m, s, 0, NULL);
	fclose(m);
	return ring[i];
}

void cli_show_field(const char *label, const char *v)
{
	static const char indent[] = "             "; /* under the values */

	if (!v || !*v)
		return;
	cli_cell(label, 12, " "); /* by display width: labels are translated */
	txt_write(stdout, v, 1, indent);
	fputc('\n', stdout);
}

/* s as the inside of a JSON string: raw is 1 for text that is already
 * JSON (from SQLite's json functions): only its non-ASCII bytes, which
 * can only be inside its strings, are checked then. */
static void json_chars(FILE *f, const char *s, int raw)
{
	uint32_t cp;
	int n;

	while (*s) {
		n = cli_utf8_next(s, &cp);
		if (!n) {
			fputs("\\ufffd", f);
			s++;
			continue;
		}
		if (raw && cp < 0x80) {
			fputc(*s, f);
		} else if (cp == '"') {
			fputs("\\\"", f);
		} else if (cp == '\\') {
			fputs("\\\\", f);
		} else if (cp == '\n') {
			fputs("\\n", f);
		} else if (cp == '\r') {
			fputs("\\r", f);
		} else if (cp == '\t') {
			fputs("\\t", f);
		} else if (is_control(cp) || cp == 0x2028 || cp == 0x2029) {
			fprintf(f, "\\u%04x", (unsigned)cp);
		} else {
			fwrite(s, 1, (size_t)n, f);
		}
		s += n;
	}
}

void cli_json_raw(FILE *f, const char *json)
{
	json_chars(f, json ? json : "null", 1);
}

void cli_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	json_chars(f, s ? s : "", 0);
	fputc('"', f);
}

void cli_json_row(FILE *f, const struct crdt_row *r)
{
	int i;

	fputc('{', f);
	for (i = 0; i < r->n; i++) {
		const struct crdt_col *c = &r->c[i];

		if (i)
			fputc(',', f);
		cli_json_str(f, c->name);
		fputc(':', f);
		switch (c->type) {
		case CRDT_COL_NULL:
			fputs("null", f);
			break;
		case CRDT_COL_INT:
			fprintf(f, "%lld", (long long)c->i);
			break;
		case CRDT_COL_REAL:
			fprintf(f, "%g", c->d);
			break;
		case CRDT_COL_JSON:
			json_chars(f, c->s ? c->s : "[]", 1);
			break;
		case CRDT_COL_TEXT:
			cli_json_str(f, c->s ? c->s : "");
			break;
		}
	}
	fputc('}', f);
}

int cli_json_list_row(void *ctx, const struct crdt_row *r)
{
	struct cli_json_list *l = ctx;

	fputs(l->n++ ? ",\n " : "[", stdout);
	cli_json_row(stdout, r);
	return 0;
}

const char *cli_col_text(const struct crdt_row *r, const char *name)
{
	const struct crdt_col *c = crdt_row_get(r, name);

	return c && c->type == CRDT_COL_TEXT && c->s ? c->s : "";
}

int64_t cli_col_int(const struct crdt_row *r, const char *name)
{
	const struct crdt_col *c = crdt_row_get(r, name);

	return c && c->type == CRDT_COL_INT ? c->i : 0;
}

void cli_short_id(char *out, const char *hex)
{
	snprintf(out, 9, "%s", hex);
}

#define ELLIPSIS "\xe2\x80\xa6" /* U+2026, one column */

/*
 * s in exactly width columns of a terminal (display width: CJK and other
 * wide characters take two, combining marks none), then sep; sanitised as
 * cli_txt.  Text that does not fit is cut to width - 1 columns, never
 * inside a character (nor between a character and its combining marks),
 * and ends in "…"; a wide character that would straddle the edge is left
 * out and the gap padded.
 */
static void cell_write(FILE *f, const char *s, int width, const char *sep)
{
	const char *out;
	int cols = 0, olen, w, nl, limit = width, cut;

	if (!s)
		s = "";
	cut = cli_width(s) > width;
	if (cut)
		limit = width - 1; /* room for the ellipsis */
	while (*s) {
		int n = txt_char(s, &out, &olen, &w, &nl);

		if (cols + w > limit)
			break;
		fwrite(out, 1, (size_t)olen, f);
		cols += w;
		s += n;
	}
	if (cut && width > 0) {
		fputs(ELLIPSIS, f);
		cols++;
	}
	for (; cols < width; cols++)
		fputc(' ', f);
	fputs(sep, f);
}

void cli_cell(const char *s, int width, const char *sep)
{
	cell_write(stdout, s, width, sep);
}

void cli_cell_right(const char *s, int width, const char *sep)
{
	int w = cli_width(s ? s : "");

	if (w < width)
		printf("%*s", width - w, "");
	cli_cell(s, w < width ? w : width, sep);
}
