/*
 * paper.c - kith print: a notice sheet, HTML for the notice board and for
 * residents without a device (kith report --csv, the committee's tables,
 * is in report.c).  The data comes from action/sheet.h; this file only
 * lays it out, in the reader's language.
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
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "action/qr.h"
#include "action/sheet.h"
#include "cli.h"
#include "crdt/err.h"
#include "crdt/schema.h"
#include "fields.h"
#include "web_service.h"

#define DESC_MAX 240 /* bytes of a description on paper */

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

void cli_html_text(FILE *f, const char *s)
{
	esc(f, s);
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
	".ask{margin:6pt 0}"
	".phone{display:flex;align-items:center;gap:10pt;margin:6pt 0;"
	"break-inside:avoid;page-break-inside:avoid}"
	".phone svg{width:38mm;height:38mm;flex:none}"
	".phone p{margin:0}"
	".phone .url{font-weight:bold;word-break:break-all}";

/*
 * A translated sentence into HTML: fmt (already translated) and each
 * argument are escaped; %s takes the next argument, %1$s .. %3$s one by
 * position (translators may reorder), %% is a percent sign.  With bold,
 * each argument is set in <b>.  Markup never sits in a translatable
 * string: callers put it around the whole sentence.
 */
static void tr(FILE *f, int bold, const char *fmt, const char *a1,
	       const char *a2, const char *a3)
{
	const char *args[3] = { a1, a2, a3 };
	char lit[1024];
	size_t n = 0;
	const char *p = fmt;
	int next = 0, idx;

	while (*p) {
		if (*p != '%' || !p[1]) {
			/* flush a long literal on a character boundary */
			if (n >= sizeof lit - 8 &&
			    ((unsigned char)*p & 0xc0) != 0x80) {
				lit[n] = 0;
				esc(f, lit);
				n = 0;
			}
			lit[n++] = *p++;
			continue;
		}
		if (p[1] == '%') {
			lit[n++] = '%';
			p += 2;
			continue;
		}
		idx = -1;
		if (p[1] == 's') {
			idx = next++;
			p += 2;
		} else if (p[1] >= '1' && p[1] <= '3' && p[2] == '$' &&
			   p[3] == 's') {
			idx = p[1] - '1';
			p += 4;
		} else {
			lit[n++] = *p++;
			continue;
		}
		lit[n] = 0;
		esc(f, lit);
		n = 0;
		if (idx < 0 || idx > 2)
			continue;
		fputs(bold ? "<b>" : "", f);
		esc(f, args[idx]);
		fputs(bold ? "</b>" : "", f);
	}
	lit[n] = 0;
	esc(f, lit);
}

/* kind words of crdt_item_kinds, for people */
static const char *kind_label(const char *kind)
{
	static const char *const k[][2] = {
		{ "give", N_("to give away") },
		{ "lend", N_("to borrow") },
		{ "share", N_("to share") },
		{ "skill", N_("help with a skill") },
		{ "service", N_("a service") },
		{ "space", N_("a room or space") },
		{ "resource", N_("emergency supply") },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(k); i++)
		if (!strcmp(kind, k[i][0]))
			return _(k[i][1]);
	return kind;
}

struct sheet {
	struct cli *c;
	FILE *f;
	struct action_sheet s; /* community, contacts (action/sheet.h) */
	const char *community; /* its name, or "Our neighbourhood" */
	const char *building; /* section being written; "" = neighbourhood */
	int n;		      /* rows written in the current list */
	const char *url;      /* --url: the building machine's web address */
	struct action_qr qr;  /* ...as a QR code (width 0: no --url) */
};

/* "Name, unit 4" (a neighbour without a name: "a neighbour") */
static void who_unit(FILE *f, const char *name, const char *unit)
{
	const char *who = *name ? name : _("a neighbour");

	if (*unit)
		/* TRANSLATORS: a neighbour's name and their flat; keep the
		 * no-break space before the unit */
		tr(f, 0, _("%s, unit\xc2\xa0%s"), who, unit, NULL);
	else
		esc(f, who);
}

static int wish_row(void *ctx, const struct crdt_row *r)
{
	struct sheet *sh = ctx;
	FILE *f = sh->f;
	const char *urg = cli_col_text(r, "urgency");
	const char *unit = cli_col_text(r, "author_unit");
	const char *name = cli_col_text(r, "author_name");
	const struct crdt_col *by = crdt_row_get(r, "needed_by");
	int64_t qty = cli_col_int(r, "quantity");
	char when[40];

	if (!sh->n++)
		fputs("<ol class=\"wishes\">\n", f);
	put(f, "<li class=\"wish ", urg, "\"><p>");
	put(f, "<span class=\"urg\">", action_pgettext("urgency", urg),
	    "</span>");
	put(f, "<span class=\"title\">", cli_col_text(r, "title"), "</span>");
	if (qty > 1)
		fprintf(f, " &times; %lld", (long long)qty);
	fputs("</p>\n<p>", f);
	if (*cli_col_text(r, "for_name")) {
		/* TRANSLATORS: a wish posted for a neighbour without a
		 * device; %s is their name */
		tr(f, 1, _("For %s."), cli_col_text(r, "for_name"), NULL, NULL);
		fputs(" ", f);
	}
	if (!*name)
		name = _("a neighbour");
	if (*unit)
		tr(f, 0, _("Asked by %s, unit\xc2\xa0%s."), name, unit, NULL);
	else
		tr(f, 0, _("Asked by %s."), name, NULL, NULL);
	if (*cli_col_text(r, "location")) {
		fputs(" ", f);
		tr(f, 0, _("Where: %s."), cli_col_text(r, "location"), NULL,
		   NULL);
	}
	if (by && by->type == CRDT_COL_INT) {
		/* TRANSLATORS: strftime format of a day on the notice sheet */
		cli_format_time(when, sizeof when, _("%A %-d %B"), by->i);
		fputs(" <b>", f);
		tr(f, 0, _("Needed by %s."), when, NULL, NULL);
		fputs("</b>", f);
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

	if (!sh->n++) {
		/* TRANSLATORS: column headers of the offers on the sheet */
		put(f, "<table class=\"items\"><thead><tr><th>", _("What"),
		    "</th>");
		put(f, "<th>", _("Where"), "</th>");
		put(f, "<th>", _("Ask"), "</th></tr></thead><tbody>\n");
	}
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

	if (!sh->n++) {
		/* TRANSLATORS: column headers of the check-in list */
		put(f, "<table class=\"roll\"><thead><tr><th>", _("Unit"),
		    "</th>");
		put(f, "<th>", _("Name"), "</th>");
		put(f, "<th>", _("Status"), "</th>");
		put(f, "<th class=\"tick\">", _("Seen"),
		    "</th></tr></thead><tbody>\n");
	}
	put(f, "<tr><td>", cli_col_text(r, "unit"), "</td>");
	put(f, "<td>", cli_col_text(r, "name"), "</td>");
	if (!strcmp(st, "need-help"))
		put(f, "<td class=\"help\">", _("NEEDS HELP"), "");
	else if (!strcmp(st, "safe"))
		put(f, "<td>", _("Safe"), "");
	else
		put(f, "<td>",
		    sh->s.emergency ? _("Not checked in") : _("No check-in yet"),
		    "");
	if (cli_col_int(r, "at_ms")) {
		cli_format_time(when, sizeof when, _("%-d %b %H:%M"),
			 cli_col_int(r, "at_ms") / 1000);
		put(f, " <span class=\"small\">", when, "");
		/* someone else checked them in: say who */
		if (strcmp(cli_col_text(r, "reporter"),
			   cli_col_text(r, "member"))) {
			fputs(", ", f);
			/* TRANSLATORS: who checked a neighbour in */
			tr(f, 0, _("by %s"), cli_col_text(r, "reported_by"),
			   NULL, NULL);
		}
		fputs("</span>", f);
	}
	fputs("</td><td class=\"tick\"><span class=\"box\"></span></td></tr>\n",
	      f);
	return 0;
}

static void emergency_banner(struct sheet *sh)
{
	char when[64];

	if (!sh->s.emergency)
		return;
	/* TRANSLATORS: strftime format of a day and time on the sheet */
	cli_format_time(when, sizeof when, _("%A %-d %B, %H:%M"),
		 sh->s.since_ms / 1000);
	fputs("<div class=\"emergency\"><p class=\"what\">", sh->f);
	tr(sh->f, 0, _("EMERGENCY: %s"),
	   *sh->s.reason ? sh->s.reason : _("emergency mode is on"), NULL,
	   NULL);
	fputs("</p>\n<p>", sh->f);
	tr(sh->f, 0,
	   _("Since %s. The most urgent needs come first. If you are safe, "
	     "tell your building head."),
	   when, NULL, NULL);
	fputs("</p></div>\n", sh->f);
}

struct ask {
	FILE *f;
	int n;
};

static void ask_row(void *ctx, const char *who)
{
	struct ask *k = ctx;

	if (k->n++)
		fputs("; ", k->f);
	else
		put(k->f, "<b>", _("Who to ask:"), "</b> ");
	esc(k->f, who);
}

/* Who to ask (action_sheet_ask), and how to take part without a
 * device. */
static void contacts(struct sheet *sh)
{
	struct ask k = { sh->f, 0 };
	size_t n;

	fputs("<p class=\"ask\">", sh->f);
	n = action_sheet_ask(&sh->s, sh->building, ask_row, &k);
	esc(sh->f, action_sheet_ask_tail(n));
	fputs("</p>\n", sh->f);
}

/* The building machine's address as a QR code, with how to use it. */
static int phone(struct sheet *sh)
{
	if (!sh->qr.width)
		return 0;
	fputs("<div class=\"phone\">", sh->f);
	if (action_qr_svg(&sh->qr, sh->f))
		return action_fail_rc(&sh->c->a, KITH_ENOMEM, _("cannot print"));
	put(sh->f, "<div><p><b>",
	    _("Open kith on your phone: scan this, on the building's Wi-Fi."),
	    "</b></p>\n");
	put(sh->f, "<p class=\"url\">", sh->url, "</p></div></div>\n");
	return 0;
}

static void h2(FILE *f, const char *text)
{
	put(f, "<h2>", text, "</h2>\n");
}

static void none(FILE *f, const char *text)
{
	put(f, "<p class=\"none\">", text, "</p>\n");
}

static int section_row(void *ctx, const struct crdt_row *r)
{
	struct sheet *sh = ctx;
	struct action *a = &sh->c->a;
	FILE *f = sh->f;
	char date[64], since[64];
	int err;

	sh->building = cli_col_text(r, "building");
	/* TRANSLATORS: strftime format of the sheet's date */
	cli_format_time(date, sizeof date, _("%A %-d %B %Y"), a->now);
	put(f, "<section class=\"page\">\n<header><h1>",
	    *sh->building ? sh->building : _("Whole neighbourhood"),
	    "</h1>\n");
	fputs("<p class=\"sub\">", f);
	/* TRANSLATORS: the community's name, then a date */
	tr(f, 1, _("%s, notice board of %s"), sh->community, date, NULL);
	fputs("</p></header>\n", f);
	emergency_banner(sh);
	contacts(sh);
	err = phone(sh);
	if (err)
		return err;

	h2(f, _("Neighbours need help"));
	sh->n = 0;
	err = action_sheet_wishes(a, sh->building, wish_row, sh);
	if (err)
		return err;
	if (sh->n)
		fputs("</ol>\n", f);
	else
		none(f, _("No open wishes."));

	h2(f, _("Offered by neighbours"));
	sh->n = 0;
	err = action_sheet_items(a, sh->building, item_row, sh);
	if (err)
		return err;
	if (sh->n)
		fputs("</tbody></table>\n", f);
	else
		none(f, _("Nothing offered right now."));

	h2(f, _("Check-in list"));
	fputs("<p class=\"note\">", f);
	if (sh->s.emergency) {
		cli_format_time(since, sizeof since, _("%A %-d %B, %H:%M"),
			 sh->s.since_ms / 1000);
		tr(f, 0,
		   _("Status since the emergency started (%s). Tick the box "
		     "when you have seen the person."),
		   since, NULL, NULL);
	} else {
		esc(f, _("Latest check-in of each household. Tick the box when "
			 "you have seen the person."));
	}
	fputs("</p>\n", f);
	sh->n = 0;
	err = action_sheet_roll(a, sh->building, roll_row, sh);
	if (err)
		return err;
	if (sh->n)
		fputs("</tbody></table>\n", f);
	else
		none(f, _("No members listed here."));

	fputs("</section>\n", f);
	return 0;
}

static void sheet_head(struct sheet *sh)
{
	char date[32];

	cli_format_time(date, sizeof date, "%Y-%m-%d", sh->c->a.now);
	/* TRANSLATORS: the language code of this translation (HTML lang) */
	fprintf(sh->f, "<!DOCTYPE html>\n<html lang=\"%s\">\n", _("en"));
	fputs("<head>\n<meta "
	      "charset=\"utf-8\">\n<meta name=\"viewport\" "
	      "content=\"width=device-width, initial-scale=1\">\n<title>",
	      sh->f);
	/* TRANSLATORS: the sheet's title: the community's name, a date */
	tr(sh->f, 0, _("%s: notice board %s"), sh->community, date, NULL);
	fprintf(sh->f, "</title>\n<style>%s</style>\n</head>\n<body>\n",
		sheet_css);
}

/* The sheet: every section (or one building's), in one read snapshot. */
static int render(struct sheet *sh, const char *building)
{
	struct action *a = &sh->c->a;
	int err = action_sheet_begin_section(a, &sh->s, building);

	if (err)
		return err;
	sh->community = *sh->s.community ? sh->s.community
					 : _("Our neighbourhood");
	sheet_head(sh);
	err = action_sheet_sections(a, &sh->s, building, section_row, sh);
	action_sheet_end(a, &sh->s);
	fputs("</body>\n</html>\n", sh->f);
	return err;
}

/* Write buf to path (NULL: stdout): through a temp file, never over
 * kith's own files (cli/outfile.c). */
static int write_out(struct cli *c, const char *path, const char *buf,
		     size_t len)
{
	static const char magic[] = "<!DOCTYPE html>";
	int err;

	if (!path) {
		fwrite(buf, 1, len, stdout);
		return CLI_OK;
	}
	if (cli_output_check(c, path, magic, sizeof magic - 1))
		return CLI_FAIL;
	err = cli_output_write(path, buf, len);
	if (err)
		return cli_fail("cannot write '%s': %s", path,
				cli_output_strerror(err));
	return CLI_OK;
}

/* kith print [--building B] [--out FILE.html] [--url URL] */
struct print_opts {
	const char *building, *out, *url;
};

int cli_print(struct cli *c, int argc, char **argv)
{
	static const struct cli_field opts[] = {
		CLI_OPT("building", offsetof(struct print_opts, building),
			cli_field_nonempty, N_("--building cannot be empty")),
		CLI_OPT("out", offsetof(struct print_opts, out),
			cli_field_nonempty, N_("--out needs a file name")),
		CLI_OPT("url", offsetof(struct print_opts, url),
			cli_field_nonempty, N_("--url needs a web address")),
	};
	static const struct cli_fields t = { opts, ARRAY_SIZE(opts), 0, NULL };
	struct print_opts o = { NULL, NULL, NULL };
	struct cli_args args;
	struct sheet sh;
	char *buf = NULL;
	size_t len = 0;
	int status, err;

	status = cli_fields_open(c, NULL, &t, argc, argv, &o, &args,
				 0);
	if (status)
		return status;
	memset(&sh, 0, sizeof sh);
	sh.c = c;
	if (o.url) {
		err = action_qr_url_check(&c->a, o.url);
		if (err)
			return cli_refused(c, NULL, err);
		if (action_qr_make(&sh.qr, o.url))
			return cli_fail("cannot print: out of memory");
		sh.url = o.url;
		/* this machine's daemon answers HTTPS only: a phone that
		 * scans an http:// address of it gets nothing */
		if (!strncasecmp(o.url, "http://", 7) &&
		    cli_web_daemon_tls(c->a.home))
			fprintf(stderr, "kith: %s %s\n", _("warning:"),
				_("the daemon serves the web app over HTTPS "
				  "(--web-cert): an address on the sheet "
				  "should start with https://"));
	}
	/* the whole sheet in memory first: a failure leaves no half file
	 * and nothing on stdout */
	sh.f = open_memstream(&buf, &len);
	if (!sh.f) {
		action_qr_release(&sh.qr);
		return cli_fail("cannot print: %s", cli_oserr(errno));
	}
	err = render(&sh, o.building);
	if (fclose(sh.f) && !err)
		err = action_fail_rc(&c->a, KITH_ENOMEM, _("cannot print"));
	if (err)
		status = cli_fail_action(c);
	else
		status = write_out(c, o.out, buf, len);
	free(buf);
	action_qr_release(&sh.qr);
	if (status || !o.out)
		return status;
	if (c->json) {
		fputs("{\"path\":", stdout);
		cli_json_str(stdout, o.out);
		printf(",\"sections\":%d}\n", sh.s.sections);
	} else {
		fprintf(stderr,
			ngettext("wrote '%s' (%d section, one per building); "
				 "print it on A4 paper and hang it where "
				 "neighbours pass\n",
				 "wrote '%s' (%d sections, one per building); "
				 "print it on A4 paper and hang it where "
				 "neighbours pass\n",
				 (unsigned long)sh.s.sections),
			o.out, sh.s.sections);
	}
	return CLI_OK;
}
