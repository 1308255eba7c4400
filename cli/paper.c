/*
 * paper.c - kith print (a notice sheet: HTML for the notice board and for
 * residents without a device) and kith report --csv (the committee's
 * tables).  The data comes from crdt/report.h; this file only lays it out.
 *
 * The sheet is one self-contained HTML file: inline CSS, no scripts, no
 * external resources, large type and black on white, A4 print CSS with one
 * page per building (the whole neighbourhood last).  Every text from the
 * replica is escaped.  What is printed is what any member's lists show;
 * sealed private parts and check-in notes (often about someone's health)
 * stay off paper that hangs in a hallway.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "crdt/err.h"
#include "crdt/report.h"
#include "crdt/schema.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define DESC_MAX 240 /* bytes of a description on paper */

static void fmt_time(char *out, size_t cap, const char *fmt, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm) || !strftime(out, cap, fmt, &tm))
		snprintf(out, cap, "?");
}

/* ---- HTML ---------------------------------------------------------------- */

/* Escape s for HTML text and attributes; at most max bytes (cut on a
 * character boundary, then an ellipsis); newlines become <br> when br.
 * Controls (C0, DEL, C1) and invalid UTF-8 never pass: the sheet may go to
 * a terminal (no --out) as well as to a browser (see cli/out.c). */
static void esc_n(FILE *f, const char *s, size_t max, int br)
{
	const char *p = s ? s : "", *start = p;
	uint32_t cp;
	int n;

	while (*p) {
		if ((size_t)(p - start) >= max) {
			fputs("\xe2\x80\xa6", f); /* … */
			return;
		}
		n = cli_utf8_next(p, &cp);
		if (!n) {
			fputs("\xef\xbf\xbd", f); /* U+FFFD */
			p++;
			continue;
		}
		switch (cp) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		case '\n':
			fputs(br ? "<br>" : " ", f);
			break;
		default:
			if (cp < 0x20 || cp == 0x7f)
				fputc(' ', f);
			else if (cp >= 0x80 && cp <= 0x9f)
				fputs("\xef\xbf\xbd", f);
			else
				fwrite(p, 1, (size_t)n, f);
		}
		p += n;
	}
}

static void esc(FILE *f, const char *s)
{
	esc_n(f, s, (size_t)-1, 0);
}

/* before, then text escaped, then after */
static void put(FILE *f, const char *before, const char *text,
		const char *after)
{
	fputs(before, f);
	esc(f, text);
	fputs(after, f);
}

static const char sheet_css[] =
	"@page{size:A4;margin:12mm 13mm 12mm}"
	"*{box-sizing:border-box}"
	"html{background:#fff}"
	"body{margin:0 auto;max-width:210mm;padding:0;color:#000;"
	"background:#fff;font-family:'DejaVu Sans',Verdana,'Liberation Sans',"
	"Arial,sans-serif;font-size:16pt;line-height:1.3;"
	"-webkit-print-color-adjust:exact;print-color-adjust:exact}"
	".page{padding:10mm 12mm}"
	".page+.page{break-before:page;page-break-before:always}"
	"@media screen{.page+.page{border-top:2pt dashed #000}}"
	"@media print{.page{padding:0}}"
	"header{border-bottom:3pt solid #000;margin-bottom:6pt;"
	"padding-bottom:3pt}"
	"h1{font-size:30pt;line-height:1.1;margin:0}"
	".sub{margin:2pt 0 0}"
	"h2{font-size:22pt;line-height:1.2;margin:12pt 0 5pt;"
	"border-bottom:1.5pt solid #000;break-after:avoid;"
	"page-break-after:avoid}"
	".emergency{border:5pt solid #000;padding:5pt 10pt;margin:8pt 0;"
	"break-inside:avoid}"
	".emergency p{margin:0}"
	".emergency .what{font-size:20pt;font-weight:bold}"
	"ol.wishes{list-style:none;margin:0;padding:0}"
	".wish{border-left:6pt solid #000;padding:0 0 0 9pt;margin:0 0 8pt;"
	"break-inside:avoid;page-break-inside:avoid}"
	".wish.normal,.wish.low{border-left-width:2pt}"
	".wish p{margin:0}"
	".urg{display:inline-block;font-weight:bold;font-size:13pt;"
	"line-height:1.2;letter-spacing:.5pt;text-transform:uppercase;"
	"border:2pt solid #000;padding:0 4pt;margin-right:6pt;"
	"vertical-align:2pt}"
	".critical .urg{background:#000;color:#fff}"
	".title{font-weight:bold}"
	"table{border-collapse:collapse;width:100%}"
	"th{text-align:left;border-bottom:2pt solid #000;"
	"padding:2pt 8pt 2pt 0}"
	"td{vertical-align:top;border-bottom:1pt solid #000;"
	"padding:4pt 8pt 4pt 0}"
	"tr{break-inside:avoid;page-break-inside:avoid}"
	".items tr>:first-child{width:40%}"
	".items tr>:nth-child(2){width:26%}"
	".small{display:block;font-weight:normal}"
	".roll td{height:11mm;vertical-align:middle;padding-top:2pt;"
	"padding-bottom:2pt}"
	".roll{table-layout:fixed}"
	".roll tr>:first-child{width:13%}"
	".roll tr>:nth-child(2){width:44%}"
	".help{font-weight:bold}"
	".tick{width:18mm;text-align:center;padding-right:0}"
	".box{display:inline-block;width:9mm;height:9mm;border:2pt solid #000;"
	"vertical-align:middle}"
	".none{font-style:italic;margin:3pt 0}"
	".note{margin:0 0 4pt}"
	".ask{margin:6pt 0}";

/* kind words of crdt_item_kinds, for people */
static const char *kind_label(const char *kind)
{
	static const char *const k[][2] = {
		{ "give", "to give away" },  { "lend", "to borrow" },
		{ "share", "to share" },     { "skill", "help with a skill" },
		{ "service", "a service" },  { "space", "a room or space" },
		{ "resource", "emergency supply" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(k); i++)
		if (!strcmp(kind, k[i][0]))
			return k[i][1];
	return kind;
}

struct contact {
	uint8_t member[32];
	char name[128];
	char building[128];
	char unit[64];
	int role;
};

struct sheet {
	struct cli *c;
	FILE *f;
	char community[PEER_NAME_MAX + 1];
	struct contact *contacts;
	size_t ncontacts;
	const char *building; /* section being written; "" = neighbourhood */
	int n;		      /* rows written in the current list */
	int sections;
};

static void who_unit(FILE *f, const char *name, const char *unit)
{
	esc(f, *name ? name : "a neighbour");
	if (*unit) {
		fputs(", unit&nbsp;", f);
		esc(f, unit);
	}
}

static int wish_row(void *ctx, const struct crdt_row *r)
{
	struct sheet *sh = ctx;
	FILE *f = sh->f;
	const char *urg = cli_col_text(r, "urgency");
	const struct crdt_col *by = crdt_row_get(r, "needed_by");
	int64_t qty = cli_col_int(r, "quantity");
	char when[40];

	if (!sh->n++)
		fputs("<ol class=\"wishes\">\n", f);
	put(f, "<li class=\"wish ", urg, "\"><p>");
	put(f, "<span class=\"urg\">", urg, "</span>");
	put(f, "<span class=\"title\">", cli_col_text(r, "title"), "</span>");
	if (qty > 1)
		fprintf(f, " &times; %lld", (long long)qty);
	fputs("</p>\n<p>", f);
	if (*cli_col_text(r, "for_name"))
		put(f, "For <b>", cli_col_text(r, "for_name"), "</b>. ");
	fputs("Asked by ", f);
	who_unit(f, cli_col_text(r, "author_name"), cli_col_text(r, "author_unit"));
	fputs(".", f);
	if (*cli_col_text(r, "location"))
		put(f, " Where: ", cli_col_text(r, "location"), ".");
	if (by && by->type == CRDT_COL_INT) {
		fmt_time(when, sizeof when, "%A %-d %B", by->i);
		put(f, " <b>Needed by ", when, "</b>.");
	}
	fputs("</p>\n", f);
	if (*cli_col_text(r, "description")) {
		fputs("<p>", f);
		esc_n(f, cli_col_text(r, "description"), DESC_MAX, 1);
		fputs("</p>\n", f);
	}
	fputs("</li>\n", f);
	return 0;
}

static int item_row(void *ctx, const struct crdt_row *r)
{
	struct sheet *sh = ctx;
	FILE *f = sh->f;
	const char *unit = cli_col_text(r, "unit");
	int64_t qty = cli_col_int(r, "quantity");

	if (!sh->n++)
		fputs("<table class=\"items\"><thead><tr><th>What</th>"
		      "<th>Where</th><th>Ask</th></tr></thead><tbody>\n",
		      f);
	put(f, "<tr><td><span class=\"title\">", cli_col_text(r, "title"),
	    "</span>");
	put(f, "<span class=\"small\">", kind_label(cli_col_text(r, "kind")),
	    "");
	if (qty > 1 || *unit) {
		fprintf(f, ", %lld", (long long)qty);
		put(f, *unit ? " " : "", unit, "");
	}
	put(f, "</span></td><td>", cli_col_text(r, "location"), "</td><td>");
	who_unit(f, cli_col_text(r, "author_name"), cli_col_text(r, "author_unit"));
	fputs("</td></tr>\n", f);
	return 0;
}

static int roll_row(void *ctx, const struct crdt_row *r)
{
	struct sheet *sh = ctx;
	FILE *f = sh->f;
	const char *st = cli_col_text(r, "status");
	char when[40];

	if (!sh->n++)
		fputs("<table class=\"roll\"><thead><tr><th>Unit</th>"
		      "<th>Name</th><th>Status</th><th class=\"tick\">Seen"
		      "</th></tr></thead><tbody>\n",
		      f);
	put(f, "<tr><td>", cli_col_text(r, "unit"), "</td>");
	put(f, "<td>", cli_col_text(r, "name"), "</td>");
	if (!strcmp(st, "need-help"))
		fputs("<td class=\"help\">NEEDS HELP", f);
	else if (!strcmp(st, "safe"))
		fputs("<td>Safe", f);
	else
		fputs(sh->c->a.roles.emergency ? "<td>Not checked in"
					     : "<td>No check-in yet",
		      f);
	if (cli_col_int(r, "at_ms")) {
		fmt_time(when, sizeof when, "%-d %b %H:%M",
			 cli_col_int(r, "at_ms") / 1000);
		put(f, " <span class=\"small\">", when, "");
		/* someone else checked them in: say who */
		if (strcmp(cli_col_text(r, "reporter"),
			   cli_col_text(r, "member")))
			put(f, ", by ", cli_col_text(r, "reported_by"), "");
		fputs("</span>", f);
	}
	fputs("</td><td class=\"tick\"><span class=\"box\"></span></td></tr>\n",
	      f);
	return 0;
}

static void emergency_banner(struct sheet *sh)
{
	struct crdt_roles *ro = &sh->c->a.roles;
	char when[64];

	if (!ro->emergency)
		return;
	fmt_time(when, sizeof when, "%A %-d %B, %H:%M", ro->since_ms / 1000);
	put(sh->f, "<div class=\"emergency\"><p class=\"what\">EMERGENCY: ",
	    ro->reason[0] ? ro->reason : "emergency mode is on", "</p>\n");
	put(sh->f, "<p>Since ", when,
	    ". The most urgent needs come first. If you are safe, tell your "
	    "building head.</p></div>\n");
}

static int heads_here(const struct sheet *sh, const struct contact *k)
{
	return k->role == CRDT_ROLE_BUILDING_HEAD && *sh->building &&
	       !strcasecmp(k->building, sh->building);
}

static void contact(struct sheet *sh, const struct contact *k, int *n)
{
	FILE *f = sh->f;
	int head = heads_here(sh, k);

	put(f, (*n)++ ? "; " : "<b>Who to ask:</b> ", k->name,
	    head ? " (building head" : " (coordinator");
	if (*k->building && !head)
		put(f, ", ", k->building, "");
	if (*k->unit)
		put(f, head || !*k->building ? ", unit&nbsp;" : " unit&nbsp;",
		    k->unit, "");
	fputs(")", f);
}

/* Who to ask, and how to take part without a device: the building's
 * heads first, then the coordinators (each person once). */
static void contacts(struct sheet *sh)
{
	FILE *f = sh->f;
	size_t i, j;
	int n = 0;

	fputs("<p class=\"ask\">", f);
	for (i = 0; i < sh->ncontacts; i++)
		if (heads_here(sh, &sh->contacts[i]))
			contact(sh, &sh->contacts[i], &n);
	for (i = 0; i < sh->ncontacts; i++) {
		const struct contact *k = &sh->contacts[i];

		if (k->role != CRDT_ROLE_COORDINATOR)
			continue;
		for (j = 0; j < sh->ncontacts; j++)
			if (heads_here(sh, &sh->contacts[j]) &&
			    !memcmp(sh->contacts[j].member, k->member, 32))
				break;
		if (j == sh->ncontacts)
			contact(sh, k, &n);
	}
	fputs(n ? ". No computer? They or a neighbour can post a wish or "
		  "check you in for you.</p>\n"
		: "No computer? A neighbour can post a wish or check you in "
		  "for you.</p>\n",
	      f);
}

static int section_row(void *ctx, const struct crdt_row *r)
{
	struct sheet *sh = ctx;
	struct cli *c = sh->c;
	FILE *f = sh->f;
	char date[64], since[64];
	int rc;

	sh->building = cli_col_text(r, "building");
	sh->sections++;
	fmt_time(date, sizeof date, "%A %-d %B %Y", c->a.now);
	put(f, "<section class=\"page\">\n<header><h1>",
	    *sh->building ? sh->building : "Whole neighbourhood", "</h1>\n");
	put(f, "<p class=\"sub\"><b>", sh->community, "</b>, ");
	put(f, "notice board of ", date, "</p></header>\n");
	emergency_banner(sh);
	contacts(sh);

	fputs("<h2>Neighbours need help</h2>\n", f);
	sh->n = 0;
	rc = crdt_report_wishes(c->a.r.store, sh->building, wish_row, sh);
	if (rc)
		return rc;
	fputs(sh->n ? "</ol>\n" : "<p class=\"none\">No open wishes.</p>\n", f);

	fputs("<h2>Offered by neighbours</h2>\n", f);
	sh->n = 0;
	rc = crdt_report_items(c->a.r.store, sh->building, item_row, sh);
	if (rc)
		return rc;
	fputs(sh->n ? "</tbody></table>\n"
		    : "<p class=\"none\">Nothing offered right now.</p>\n",
	      f);

	fputs("<h2>Check-in list</h2>\n<p class=\"note\">", f);
	if (c->a.roles.emergency) {
		fmt_time(since, sizeof since, "%A %-d %B, %H:%M",
			 c->a.roles.since_ms / 1000);
		put(f, "Status since the emergency started (", since,
		    "). Tick the box when you have seen the person.</p>\n");
	} else {
		fputs("Latest check-in of each household. Tick the box when you "
		      "have seen the person.</p>\n",
		      f);
	}
	sh->n = 0;
	rc = crdt_report_roll(c->a.r.store, sh->building,
			      c->a.roles.emergency ? c->a.roles.since_ms : 0,
			      roll_row, sh);
	if (rc)
		return rc;
	fputs(sh->n ? "</tbody></table>\n"
		    : "<p class=\"none\">No members listed here.</p>\n",
	      f);

	fputs("</section>\n", f);
	return 0;
}

static int contact_row(void *ctx, const struct crdt_row *r)
{
	struct contact *k = ctx;

	snprintf(k->name, sizeof k->name, "%s", cli_col_text(r, "name"));
	snprintf(k->building, sizeof k->building, "%s",
		 cli_col_text(r, "building"));
	snprintf(k->unit, sizeof k->unit, "%s", cli_col_text(r, "unit"));
	return 0;
}

/* Coordinators and building heads, with their homes. */
static int load_contacts(struct sheet *sh)
{
	struct crdt_roles *ro = &sh->c->a.roles;
	size_t i;
	int rc;

	if (!ro->n)
		return 0;
	sh->contacts = calloc(ro->n, sizeof *sh->contacts);
	if (!sh->contacts)
		return KITH_ENOMEM;
	for (i = 0; i < ro->n; i++) {
		struct contact *k = &sh->contacts[sh->ncontacts];

		rc = crdt_query_members(sh->c->a.r.store, ro->v[i].member,
					contact_row, k);
		if (rc)
			return rc;
		if (!k->name[0])
			continue; /* no profile: nobody to name */
		k->role = ro->v[i].role;
		if (k->role == CRDT_ROLE_BUILDING_HEAD)
			snprintf(k->building, sizeof k->building, "%s",
				 ro->v[i].building); /* the one they head */
		memcpy(k->member, ro->v[i].member, 32);
		sh->ncontacts++;
	}
	return 0;
}

static void sheet_head(struct sheet *sh)
{
	char date[32];

	fmt_time(date, sizeof date, "%Y-%m-%d", sh->c->a.now);
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
	      "charset=\"utf-8\">\n<meta name=\"viewport\" "
	      "content=\"width=device-width, initial-scale=1\">\n<title>",
	      sh->f);
	esc(sh->f, sh->community);
	fprintf(sh->f, ": notice board %s</title>\n<style>%s</style>\n"
		       "</head>\n<body>\n",
		date, sheet_css);
}

/* The sheet: every section (or one building's), in one read snapshot. */
static int render(struct sheet *sh, const char *building)
{
	struct crdt_store *s = sh->c->a.r.store;
	int rc = load_contacts(sh);

	if (rc)
		return rc;
	rc = crdt_report_begin(s, sh->c->a.now);
	if (rc)
		return rc;
	sheet_head(sh);
	rc = crdt_report_sections(s, building, section_row, sh);
	if (!rc && !sh->sections && !building) {
		/* nobody and nothing yet: one empty page rather than none */
		struct crdt_row empty = { 1, { { "building", CRDT_COL_TEXT, 0, 0,
						 "" } } };

		rc = section_row(sh, &empty);
	}
	crdt_report_end(s);
	fputs("</body>\n</html>\n", sh->f);
	return rc;
}

/* Write buf to path (NULL: stdout): through a temp file, never over
 * kith's own files (cli/outfile.c). */
static int write_out(struct cli *c, const char *path, const char *buf,
		     size_t len)
{
	static const char magic[] = "<!DOCTYPE html>";
	int rc;

	if (!path) {
		fwrite(buf, 1, len, stdout);
		return CLI_OK;
	}
	if (cli_output_check(c, path, magic, sizeof magic - 1))
		return CLI_FAIL;
	rc = cli_output_write(path, buf, len);
	if (rc)
		return cli_fail("cannot write '%s': %s", path,
				cli_output_strerror(rc));
	return CLI_OK;
}

int cli_print(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "building", required_argument, NULL, 'b' },
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct cli_cmd cmd = {
		"print", cli_print, "print [--building B] [--out FILE.html]",
		N_("a notice sheet to print, one page per building"), 0
	};
	struct peer_community com;
	struct sheet sh;
	const char *building = NULL, *out = NULL;
	char *buf = NULL;
	size_t len = 0;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "-:", opts, NULL)) != -1) {
		if (ch == 'b' && *optarg)
			building = optarg;
		else if (ch == 'b')
			return cli_usage(&cmd, "--building cannot be empty");
		else if (ch == 'o' && *optarg)
			out = optarg;
		else if (ch == 'o')
			return cli_usage(&cmd, "--out needs a file name");
		else
			return cli_bad_option(&cmd, argv, ch);
	}
	rc = cli_open(c, 0);
	if (rc)
		return rc;
	memset(&sh, 0, sizeof sh);
	sh.c = c;
	snprintf(sh.community, sizeof sh.community, "Our neighbourhood");
	if (peer_community_load(c->a.home, &com) == 0) {
		if (com.name[0])
			snprintf(sh.community, sizeof sh.community, "%s",
				 com.name);
		peer_community_wipe(&com);
	}
	/* the whole sheet in memory first: a failure leaves no half file
	 * and nothing on stdout */
	sh.f = open_memstream(&buf, &len);
	if (!sh.f)
		return cli_fail("cannot print: %s", cli_oserr(errno));
	rc = render(&sh, building);
	if (fclose(sh.f) && !rc)
		rc = KITH_ENOMEM;
	free(sh.contacts);
	if (rc)
		rc = cli_fail_rc(c, rc, "cannot print");
	else if (!sh.sections)
		rc = cli_fail("no building '%s' (see 'kith members')", building);
	else
		rc = write_out(c, out, buf, len);
	free(buf);
	if (rc || !out)
		return rc;
	if (c->json) {
		fputs("{\"path\":", stdout);
		cli_json_str(stdout, out);
		printf(",\"sections\":%d}\n", sh.sections);
	} else {
		fprintf(stderr, "wrote '%s' (%d section%s, one per building)\n",
			out, sh.sections, sh.sections == 1 ? "" : "s");
	}
	return CLI_OK;
}

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

/* One table, rendered in memory (buf, len: free buf), rows counted. */
static int csv_render(struct cli *c, enum crdt_report_table t, char **buf,
		      size_t *len, long *rows)
{
	struct csv w = { NULL, 0 };
	int rc;

	*buf = NULL;
	w.f = open_memstream(buf, len);
	if (!w.f)
		return KITH_ENOMEM;
	rc = crdt_report_table(c->a.r.store, t, csv_header, csv_row, &w);
	if (fclose(w.f) && !rc)
		rc = KITH_ENOMEM;
	*rows = w.rows;
	return rc;
}

/* Every table in memory first, every path checked, then the files
 * written, each through a temp file (0600: they hold personal data). */
static int csv_write_all(struct cli *c,
			 char path[CRDT_REPORT_NTABLES][PEER_PATH_MAX],
			 long *rows)
{
	char *buf[CRDT_REPORT_NTABLES] = { NULL };
	size_t len[CRDT_REPORT_NTABLES];
	int i, rc = 0;

	for (i = 0; !rc && i < CRDT_REPORT_NTABLES; i++)
		rc = csv_render(c, (enum crdt_report_table)i, &buf[i], &len[i],
				&rows[i]);
	if (rc)
		rc = cli_fail_rc(c, rc, "cannot read the replica");
	/* an earlier report is known by its header line */
	for (i = 0; !rc && i < CRDT_REPORT_NTABLES; i++)
		rc = cli_output_check(c, path[i], buf[i],
				      strcspn(buf[i], "\n") + 1);
	for (i = 0; !rc && i < CRDT_REPORT_NTABLES; i++) {
		rc = cli_output_write(path[i], buf[i], len[i]);
		if (rc)
			rc = cli_fail("cannot write '%s': %s", path[i],
				      cli_output_strerror(rc));
	}
	for (i = 0; i < CRDT_REPORT_NTABLES; i++)
		free(buf[i]);
	return rc;
}

int cli_report(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "csv", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct cli_cmd cmd = {
		"report", cli_report, "report --csv DIR",
		N_("CSV files of items, wishes, claims, check-ins, hours"), 0
	};
	char path[CRDT_REPORT_NTABLES][PEER_PATH_MAX];
	long rows[CRDT_REPORT_NTABLES];
	const char *dir = NULL;
	struct stat st;
	int ch, rc, i;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "-:", opts, NULL)) != -1) {
		if (ch == 'c' && *optarg)
			dir = optarg;
		else if (ch == 'c')
			return cli_usage(&cmd, "--csv needs a directory");
		else
			return cli_bad_option(&cmd, argv, ch);
	}
	if (!dir)
		return cli_usage(&cmd, "--csv DIR is required");
	for (i = 0; i < CRDT_REPORT_NTABLES; i++) {
		int n = snprintf(path[i], sizeof path[i], "%s/%s.csv", dir,
				 crdt_report_tables[i]);

		if (n < 0 || (size_t)n >= sizeof path[i])
			return cli_fail("cannot write '%s': path is too long",
					dir);
	}
	rc = cli_open(c, 0);
	if (rc)
		return rc;
	rc = peer_home_ensure(dir);
	if (rc)
		return cli_fail("cannot write '%s': %s", dir,
				cli_output_strerror(rc));
	if (stat(dir, &st))
		return cli_fail("cannot write '%s': %s", dir, cli_oserr(errno));
	if (!S_ISDIR(st.st_mode))
		return cli_fail("cannot write '%s': %s", dir, cli_oserr(ENOTDIR));
	rc = crdt_report_begin(c->a.r.store, c->a.now);
	if (rc)
		return cli_fail_rc(c, rc, "cannot read the replica");
	rc = csv_write_all(c, path, rows);
	crdt_report_end(c->a.r.store);
	if (rc)
		return rc;
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
			printf("%s  (%ld row%s)\n", path[i], rows[i],
			       rows[i] == 1 ? "" : "s");
	}
	return CLI_OK;
}
