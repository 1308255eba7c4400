#include <stdio.h>
#include <string.h>

#include "cli.h"

void cli_json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
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
			fputs(c->s ? c->s : "[]", f);
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
 * cut or padded with spaces, then sep. */
void cli_cell(const char *s, int width, const char *sep)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	int cols = 0;

	while (*p && cols < width) {
		const unsigned char *q = p + 1;

		while ((*q & 0xc0) == 0x80)
			q++;
		if (*p < 0x20 || *p == 0x7f)
			fputc(' ', stdout); /* a newline in a title */
		else
			fwrite(p, 1, (size_t)(q - p), stdout);
		p = q;
		cols++;
	}
	for (; cols < width; cols++)
		fputc(' ', stdout);
	fputs(sep, stdout);
}
