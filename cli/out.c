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

/*
 * The text writer: s (NULL: nothing) to f, at most maxcols code points (-1:
 * all), each control or invalid byte replaced (see the top).  With nl,
 * newlines are kept and indent follows each.  Returns the columns written.
 */
static int txt_write(FILE *f, const char *s, int maxcols, int nl,
		     const char *indent)
{
	uint32_t cp;
	int cols = 0, n;

	if (!s)
		return 0;
	while (*s && (maxcols < 0 || cols < maxcols)) {
		n = cli_utf8_next(s, &cp);
		if (!n) {
			fputs(REPLACEMENT, f);
			s++;
		} else if (cp == '\n' && nl) {
			fputc('\n', f);
			fputs(indent ? indent : "", f);
			s += n;
			continue; /* a new line: no column used */
		} else if (cp == '\t' || cp == '\n') {
			fputc(' ', f);
			s += n;
		} else if (is_control(cp)) {
			fputs(REPLACEMENT, f);
			s += n;
		} else {
			fwrite(s, 1, (size_t)n, f);
			s += n;
		}
		cols++;
	}
	return cols;
}

void cli_txt_write(FILE *f, const char *s)
{
	txt_write(f, s, -1, 0, NULL);
}

void cli_txt_write_ml(FILE *f, const char *s, const char *indent)
{
	txt_write(f, s, -1, 1, indent);
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
	txt_write(m, s, -1, 0, NULL);
	fclose(m);
	return ring[i];
}

void cli_show_field(const char *label, const char *v)
{
	static const char indent[] = "             "; /* under the values */

	if (!v || !*v)
		return;
	printf("%-12s ", label);
	txt_write(stdout, v, -1, 1, indent);
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

/* Print s in exactly width columns (counting UTF-8 code points, not bytes),
 * cut or padded with spaces, then sep; sanitised as cli_txt. */
void cli_cell(const char *s, int width, const char *sep)
{
	int cols = txt_write(stdout, s, width, 0, NULL);

	for (; cols < width; cols++)
		fputc(' ', stdout);
	fputs(sep, stdout);
}
