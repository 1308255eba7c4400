/*
 * report.c - kith report --csv DIR: the committee's tables (items,
 * wishes, claims, check-ins, hours) as RFC 4180 CSV files.  The data comes
 * from action/sheet.h; the files are machine output: English headers, raw
 * values, only the messages around them in the reader's language.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "action/sheet.h"
#include "cli.h"
#include "crdt/err.h"
#include "fields.h"

/* ---- CSV (RFC 4180) ------------------------------------------------------- */

struct csv {
	FILE *f;
	long rows;
};

/*
 * One cell.  A committee opens these files in a spreadsheet, which runs a
 * cell that starts with = + - @ (or a tab or carriage return before one)
 * as a formula: =HYPERLINK(...) leaks data, =cmd|... runs programs.  Any
 * text cell starting so is written with a leading apostrophe, which the
 * spreadsheet shows as plain text (OWASP, "CSV Injection").  Only text
 * columns come here: numbers (quantity, hours) are written as numbers by
 * csv_line, so a negative number stays a number.
 */
static void csv_field(FILE *f, const char *s, int text)
{
	int formula = text && *s && strchr("=+-@\t\r", *s);

	if (!formula && !strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv_line(FILE *f, const struct crdt_row *r, int names)
{
	char num[64];
	int i;

	for (i = 0; i < r->n; i++) {
		const struct crdt_col *c = &r->c[i];

		if (i)
			fputc(',', f);
		if (names) {
			csv_field(f, c->name, 0);
			continue;
		}
		switch (c->type) {
		case CRDT_COL_INT:
			fprintf(f, "%lld", (long long)c->i);
			break;
		case CRDT_COL_REAL: {
			/* hours are quarters: 1.5, 0.25, 2 */
			char *e;

			snprintf(num, sizeof num, "%.2f", c->d);
			e = num + strlen(num) - 1;
			while (*e == '0')
				*e-- = 0;
			if (*e == '.')
				*e = 0;
			fputs(num, f);
			break;
		}
		case CRDT_COL_TEXT:
		case CRDT_COL_JSON:
			csv_field(f, c->s ? c->s : "", 1);
			break;
		case CRDT_COL_NULL:
			break;
		}
	}
	fputs("\r\n", f);
}

static int csv_header(void *ctx, const struct crdt_row *r)
{
	csv_line(((struct csv *)ctx)->f, r, 1);
	return 0;
}

static int csv_row(void *ctx, const struct crdt_row *r)
{
	struct csv *w = ctx;

	csv_line(w->f, r, 0);
	w->rows++;
	return 0;
}

/* One table, rendered in memory (buf, len: free buf), rows counted; 0 or
 * a KITH_E* code. */
static int csv_render(struct cli *c, enum crdt_report_table t, char **buf,
		      size_t *len, long *rows)
{
	struct csv w = { NULL, 0 };
	int err;

	*buf = NULL;
	w.f = open_memstream(buf, len);
	if (!w.f)
		return KITH_ENOMEM;
	err = action_report_table(&c->a, t, csv_header, csv_row, &w);
	if (fclose(w.f) && !err)
		err = KITH_ENOMEM;
	*rows = w.rows;
	return err;
}

/* Every table in memory first, every path checked, then the files
 * written, each through a temp file (0600: they hold personal data).
 * Returns the exit status, message printed. */
static int csv_write_all(struct cli *c,
			 char path[CRDT_REPORT_NTABLES][PEER_PATH_MAX],
			 long *rows)
{
	char *buf[CRDT_REPORT_NTABLES] = { NULL };
	size_t len[CRDT_REPORT_NTABLES];
	int i, err = 0, status = CLI_OK;

	for (i = 0; !err && i < CRDT_REPORT_NTABLES; i++)
		err = csv_render(c, (enum crdt_report_table)i, &buf[i], &len[i],
				 &rows[i]);
	if (err) {
		status = cli_fail_action(c);
		goto out;
	}
	/* an earlier report is known by its header line */
	for (i = 0; !status && i < CRDT_REPORT_NTABLES; i++)
		status = cli_output_check(c, path[i], buf[i],
					  strcspn(buf[i], "\n") + 1);
	for (i = 0; !status && i < CRDT_REPORT_NTABLES; i++) {
		err = cli_output_write(path[i], buf[i], len[i]);
		if (err)
			status = cli_fail("cannot write '%s': %s", path[i],
					  cli_output_strerror(err));
	}
out:
	for (i = 0; i < CRDT_REPORT_NTABLES; i++)
		free(buf[i]);
	return status;
}

int cli_report(struct cli *c, int argc, char **argv)
{
	static const struct cli_field opts[] = {
		CLI_OPT("csv", 0, cli_field_nonempty,
			N_("--csv needs a directory")),
	};
	static const struct cli_fields t = { opts, ARRAY_SIZE(opts), 0, NULL };
	char path[CRDT_REPORT_NTABLES][PEER_PATH_MAX];
	long rows[CRDT_REPORT_NTABLES];
	const char *dir = NULL;
	struct cli_args args;
	struct stat st;
	int status, err, i;

	status = cli_fields_parse(NULL, &t, argc, argv, &dir, &args);
	if (status)
		return status;
	if (!dir)
		return cli_usage(NULL, "--csv DIR is required");
	for (i = 0; i < CRDT_REPORT_NTABLES; i++) {
		int n = snprintf(path[i], sizeof path[i], "%s/%s.csv", dir,
				 crdt_report_tables[i]);

		if (n < 0 || (size_t)n >= sizeof path[i])
			return cli_fail("cannot write '%s': path is too long",
					dir);
	}
	status = cli_open(c, 0);
	if (status)
		return status;
	err = peer_home_ensure(dir);
	if (err)
		return cli_fail("cannot write '%s': %s", dir,
				cli_output_strerror(err));
	if (stat(dir, &st))
		return cli_fail("cannot write '%s': %s", dir, cli_oserr(errno));
	if (!S_ISDIR(st.st_mode))
		return cli_fail("cannot write '%s': %s", dir, cli_oserr(ENOTDIR));
	if (action_report_begin(&c->a))
		return cli_fail_action(c);
	status = csv_write_all(c, path, rows);
	action_report_end(&c->a);
	if (status)
		return status;
	if (c->json) {
		fputs("{\"dir\":", stdout);
		cli_json_str(stdout, dir);
		fputs(",\"files\":[", stdout);
		for (i = 0; i < CRDT_REPORT_NTABLES; i++) {
			fputs(i ? ",{\"name\":" : "{\"name\":", stdout);
			cli_json_str(stdout, crdt_report_tables[i]);
			fputs(",\"path\":", stdout);
			cli_json_str(stdout, path[i]);
			printf(",\"rows\":%ld}", rows[i]);
		}
		fputs("]}\n", stdout);
	} else {
		for (i = 0; i < CRDT_REPORT_NTABLES; i++)
			printf(ngettext("%s  (%ld row)\n", "%s  (%ld rows)\n",
					(unsigned long)rows[i]),
			       path[i], rows[i]);
		fprintf(stderr,
			_("open the files in a spreadsheet; they hold "
			  "neighbours' personal data: keep them private\n"));
	}
	return CLI_OK;
}
