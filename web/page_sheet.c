/*
 * page_sheet.c - paper for the notice board and tables for the committee
 * (pages.h):
 *   GET /coord/sheet       an index of the buildings (how many live in
 *                          each, the first SHEET_BUILDINGS listed, a box
 *                          to type any), and a link to the whole
 *                          neighbourhood's section;
 *   GET /coord/sheet?building=B (or ?whole=1) the notice sheet of
 *                          `kith print --building B` as a page of the
 *                          app: the emergency, who to ask, open wishes,
 *                          what neighbours offer and the check-in list
 *                          with a box to tick; kith.css's @media print
 *                          drops the app around it.  With ?url=ADDR
 *                          (a form above the sheet) or, without it,
 *                          when the browser reached us by an address
 *                          that is not loopback (the Host header), a
 *                          QR code of that address, "Open kith on your
 *                          phone" (as `kith print --url`).  One building at a
 *                          time: what a coordinator prints and pins up
 *                          (the whole town at once was 12 MB).  The rows
 *                          stop when the page is full (web_buf_error);
 *   GET /coord/csv/NAME    one table of `kith report --csv` (items,
 *                          wishes, claims, checkins, hours) as a download:
 *                          the very bytes the CLI writes
 *                          (action_report_csv, formulas neutralised), up
 *                          to CSV_MAX bytes; a bigger table is refused
 *                          (422) with a sentence naming kith report.
 * Both read in one snapshot (action/sheet.h) and are shown only when
 * action_coord_require passes (else its sentence, 403).  What is printed
 * is what any member's lists show: check-in notes and private parts stay
 * off paper.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "action/coord.h"
#include "action/i18n.h"
#include "action/qr.h"
#include "action/sheet.h"
#include "crdt/err.h"
#include "crdt/schema.h"
#include "web/pages.h"

#define SHEET_BUILDINGS 500 /* buildings listed on the index */
/* A CSV table's most bytes in the daemon's memory (the body is handed to
 * MHD as it is: one copy).  Capped rather than streamed: a stream would
 * hold the replica's read snapshot open across the event loop's turns,
 * on the connection every other request uses. */
#define CSV_MAX ((size_t)8 << 20)

struct sheet {
	struct web_ui *u;
	struct action_sheet s;
	const char *community; /* its name, or "Our neighbourhood" */
	const char *building;  /* the section's; "" the neighbourhood */
	char since[32];	       /* when the emergency started */
	int n;		       /* rows of the current list */
	const char *url;       /* the building machine's address, or NULL */
};

/* A date (and time) of the server's clock, numerals only: the same in
 * every language. */
static void when(char *out, size_t cap, int64_t t, int with_time)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm) ||
	    !strftime(out, cap, with_time ? "%Y-%m-%d %H:%M" : "%Y-%m-%d",
		      &tm))
		snprintf(out, cap, "?");
}

/* "Name, unit 4", or "a neighbour" without a name. */
static void who_unit(struct web_ui *u, const char *name, const char *unit)
{
	const char *who = *name ? name : _("a neighbour");

	if (*unit)
		web_html_textf(&u->b, _("%s, unit\xc2\xa0%s"), who, unit);
	else
		web_html_text(&u->b, who);
}

static void none(struct web_ui *u, const char *text)
{
	web_html_raw(&u->b, "<p class=\"none\">");
	web_html_text(&u->b, text);
	web_html_raw(&u->b, "</p>\n");
}

static void h3(struct web_ui *u, const char *text)
{
	web_html_raw(&u->b, "<h3>");
	web_html_text(&u->b, text);
	web_html_raw(&u->b, "</h3>\n");
}

/* ---- the lists -------------------------------------------------------------- */

static int wish_row(void *ctx, const struct crdt_row *r)
{
	struct sheet *sh = ctx;
	struct web_ui *u = sh->u;
	const char *urg = action_col_text(r, "urgency");
	const char *name = action_col_text(r, "author_name");
	const char *unit = action_col_text(r, "author_unit");
	const char *forname = action_col_text(r, "for_name");
	const char *where = action_col_text(r, "location");
	const char *desc = action_col_text(r, "description");
	const struct crdt_col *by = crdt_row_get(r, "needed_by");
	int64_t qty = action_col_int(r, "quantity");
	char day[32];

	if (!sh->n++)
		web_html_raw(&u->b, "<ol class=\"cards sheet-wishes\">\n");
	web_html_fmt(&u->b, "<li class=\"wish %s\"><p>"
			    "<span class=\"urg\">", urg);
	web_html_text(&u->b, web_wish_urgency(urg));
	web_html_raw(&u->b, "</span> <strong>");
	web_html_text(&u->b, action_col_text(r, "title"));
	web_html_raw(&u->b, "</strong>");
	if (qty > 1)
		web_html_fmt(&u->b, " × %lld", (long long)qty);
	web_html_raw(&u->b, "</p>\n<p>");
	if (*forname) {
		web_html_textf(&u->b, _("For %s."), forname);
		web_html_raw(&u->b, " ");
	}
	if (!*name)
		name = _("a neighbour");
	if (*unit)
		web_html_textf(&u->b, _("Asked by %s, unit\xc2\xa0%s."), name,
			       unit);
	else
		web_html_textf(&u->b, _("Asked by %s."), name);
	if (*where) {
		web_html_raw(&u->b, " ");
		web_html_textf(&u->b, _("Where: %s."), where);
	}
	if (by && by->type == CRDT_COL_INT) {
		when(day, sizeof day, by->i, 0);
		web_html_raw(&u->b, " <strong>");
		web_html_textf(&u->b, _("Needed by %s."), day);
		web_html_raw(&u->b, "</strong>");
	}
	web_html_raw(&u->b, "</p>\n");
	if (*desc) {
		web_html_raw(&u->b, "<p>");
		web_html_text(&u->b, desc);
		web_html_raw(&u->b, "</p>\n");
	}
	web_html_raw(&u->b, "</li>\n");
	return web_buf_error(&u->b); /* a full page: stop */
}

static int item_row(void *ctx, const struct crdt_row *r)
{
	struct sheet *sh = ctx;
	struct web_ui *u = sh->u;
	const char *unit = action_col_text(r, "unit");
	int64_t qty = action_col_int(r, "quantity");

	if (!sh->n++) {
		web_html_raw(&u->b, "<div class=\"table-wrap\">"
				    "<table class=\"sheet-items\"><thead><tr>"
				    "<th scope=\"col\">");
		web_html_text(&u->b, _("What"));
		web_html_raw(&u->b, "</th><th scope=\"col\">");
		web_html_text(&u->b, _("Where"));
		web_html_raw(&u->b, "</th><th scope=\"col\">");
		web_html_text(&u->b, _("Ask"));
		web_html_raw(&u->b, "</th></tr></thead><tbody>\n");
	}
	web_html_raw(&u->b, "<tr><td><strong>");
	web_html_text(&u->b, action_col_text(r, "title"));
	web_html_raw(&u->b, "</strong><span class=\"small\">");
	web_html_text(&u->b,
		      web_item_kind(action_col_text(r, "kind")));
	if (qty > 1 || *unit) {
		web_html_fmt(&u->b, ", %lld", (long long)qty);
		if (*unit) {
			web_html_raw(&u->b, " ");
			web_html_text(&u->b, unit);
		}
	}
	web_html_raw(&u->b, "</span></td><td>");
	web_html_text(&u->b, action_col_text(r, "location"));
	web_html_raw(&u->b, "</td><td>");
	who_unit(u, action_col_text(r, "author_name"),
		 action_col_text(r, "author_unit"));
	web_html_raw(&u->b, "</td></tr>\n");
	return web_buf_error(&u->b); /* a full page: stop */
}

static int roll_row(void *ctx, const struct crdt_row *r)
{
	struct sheet *sh = ctx;
	struct web_ui *u = sh->u;
	const char *st = action_col_text(r, "status");
	int64_t at = action_col_int(r, "at_ms");
	char t[32];

	if (!sh->n++) {
		web_html_raw(&u->b, "<div class=\"table-wrap\">"
				    "<table class=\"sheet-roll\"><thead><tr>"
				    "<th scope=\"col\">");
		web_html_text(&u->b, _("Unit"));
		web_html_raw(&u->b, "</th><th scope=\"col\">");
		web_html_text(&u->b, _("Name"));
		web_html_raw(&u->b, "</th><th scope=\"col\">");
		web_html_text(&u->b, _("Status"));
		web_html_raw(&u->b, "</th><th scope=\"col\" class=\"tick\">");
		web_html_text(&u->b, _("Seen"));
		web_html_raw(&u->b, "</th></tr></thead><tbody>\n");
	}
	web_html_raw(&u->b, "<tr><td>");
	web_html_text(&u->b, action_col_text(r, "unit"));
	web_html_raw(&u->b, "</td><td>");
	web_html_text(&u->b, action_col_text(r, "name"));
	if (!strcmp(st, "need-help")) {
		web_html_raw(&u->b, "</td><td class=\"help\">");
		web_html_text(&u->b, _("NEEDS HELP"));
	} else {
		web_html_raw(&u->b, "</td><td>");
		web_html_text(&u->b, !strcmp(st, "safe") ? _("Safe") :
				     sh->s.emergency ? _("Not checked in") :
						       _("No check-in yet"));
	}
	if (at) {
		when(t, sizeof t, at / 1000, 1);
		web_html_raw(&u->b, " <span class=\"small\">");
		web_html_text(&u->b, t);
		if (strcmp(action_col_text(r, "reporter"),
			   action_col_text(r, "member"))) {
			web_html_raw(&u->b, ", ");
			web_html_textf(&u->b, _("by %s"),
				       action_col_text(r, "reported_by"));
		}
		web_html_raw(&u->b, "</span>");
	}
	web_html_raw(&u->b, "</td><td class=\"tick\"><span class=\"box\">"
			    "</span></td></tr>\n");
	return web_buf_error(&u->b); /* a full page: stop */
}

/* ---- who to ask ------------------------------------------------------------- */

static void ask_row(void *ctx, const char *who)
{
	struct sheet *sh = ctx;
	struct web_ui *u = sh->u;

	if (sh->n++) {
		web_html_raw(&u->b, "; ");
	} else {
		web_html_raw(&u->b, "<strong>");
		web_html_text(&u->b, _("Who to ask:"));
		web_html_raw(&u->b, "</strong> ");
	}
	web_html_text(&u->b, who);
}

/* Who to ask (action_sheet_ask), and how to take part without a
 * computer. */
static void contacts(struct sheet *sh)
{
	size_t n;

	web_html_raw(&sh->u->b, "<p class=\"ask\">");
	sh->n = 0;
	n = action_sheet_ask(&sh->s, sh->building, ask_row, sh);
	web_html_text(&sh->u->b, action_sheet_ask_tail(n));
	web_html_raw(&sh->u->b, "</p>\n");
}

/* ---- the building machine's address ----------------------------------------- */

/* Whether a Host value names this machine only from itself. */
static int loopback(const char *host)
{
	return !strncmp(host, "127.", 4) || !strncasecmp(host, "localhost", 9) ||
	       !strncmp(host, "[::1]", 5);
}

/* The address a phone on the building's Wi-Fi opens, into out: ?url= as
 * typed (checked by action_qr_url_check: refused, its sentence is on the
 * page and *bad is set), else the address the browser used when it is
 * not loopback (https:// when the server speaks TLS); NULL when there is
 * none. */
static const char *sheet_url(struct web_ui *u, struct web_request *rq,
			     char *out, size_t cap, int *bad)
{
	const char *url = web_ui_field(rq->query, "url");

	if (*url) {
		if (action_qr_url_check(u->a, url)) {
			web_ui_error(u, u->a->msg);
			*bad = 1;
			return NULL;
		}
		snprintf(out, cap, "%s", url);
		return out;
	}
	if (!rq->host || !*rq->host || loopback(rq->host))
		return NULL;
	snprintf(out, cap, "%s://%s/", web_request_tls(rq) ? "https" : "http",
		 rq->host);
	return out;
}

/* The box of the sheet: the address as a QR code, and what to do. */
static void phone(struct sheet *sh)
{
	struct web_ui *u = sh->u;

	if (!sh->url)
		return;
	web_html_raw(&u->b, "<div class=\"phone\">\n");
	if (web_ui_qr(u, sh->url)) /* checked to fit: out of memory */
		web_ui_error(u, _("The QR code could not be made."));
	web_html_raw(&u->b, "<div><p><strong>");
	web_html_text(&u->b, _("Open kith on your phone: scan this, on the "
			       "building's Wi-Fi."));
	web_html_raw(&u->b, "</strong></p>\n<p class=\"url\">");
	web_html_text(&u->b, sh->url);
	web_html_raw(&u->b, "</p></div>\n</div>\n");
}

/* The form that puts the address on the sheet (not printed). */
static void url_form(struct web_ui *u, const char *building, int whole,
		     const char *url)
{
	web_html_raw(&u->b, "<form method=\"get\" action=\"/coord/sheet\">\n");
	if (whole)
		web_ui_hidden(u, "whole", "1");
	else
		web_ui_hidden(u, "building", building);
	web_html_raw(&u->b, "<label for=\"url\">");
	web_html_text(&u->b, _("The address phones open on the building's "
			       "Wi-Fi (shown as a QR code on the sheet)"));
	web_html_raw(&u->b, "</label>\n<input type=\"url\" id=\"url\" "
			    "name=\"url\" placeholder=\"http://192.168.1.20:7474\"");
	web_html_attr(&u->b, "value", url ? url : "");
	web_html_raw(&u->b, ">\n<button type=\"submit\">");
	web_html_text(&u->b, _("Add the QR code"));
	web_html_raw(&u->b, "</button>\n</form>\n");
}

/* ---- one building ----------------------------------------------------------- */

static int section_row(void *ctx, const struct crdt_row *r)
{
	struct sheet *sh = ctx;
	struct web_ui *u = sh->u;
	struct action *a = u->a;
	char date[32];
	int rc;

	sh->building = action_col_text(r, "building");
	when(date, sizeof date, a->now, 0);
	web_html_raw(&u->b, "<section class=\"sheet\">\n<h2>");
	web_html_text(&u->b, *sh->building ? sh->building :
					     _("Whole neighbourhood"));
	web_html_raw(&u->b, "</h2>\n<p class=\"hint\">");
	web_html_textf(&u->b, _("%s, notice board of %s"), sh->community,
		       date);
	web_html_raw(&u->b, "</p>\n");
	if (sh->s.emergency) {
		web_html_raw(&u->b, "<div class=\"banner sheet-emergency\">"
				    "<p><strong>");
		web_html_textf(&u->b, _("EMERGENCY: %s"),
			       *sh->s.reason ? sh->s.reason :
					       _("emergency mode is on"));
		web_html_raw(&u->b, "</strong></p>\n<p>");
		web_html_textf(&u->b,
			       _("Since %s. The most urgent needs come first. "
				 "If you are safe, tell your building head."),
			       sh->since);
		web_html_raw(&u->b, "</p></div>\n");
	}
	contacts(sh);
	phone(sh);

	h3(u, _("Neighbours need help"));
	sh->n = 0;
	rc = action_sheet_wishes(a, sh->building, wish_row, sh);
	if (rc)
		return rc;
	if (sh->n)
		web_html_raw(&u->b, "</ol>\n");
	else
		none(u, _("No open wishes."));

	h3(u, _("Offered by neighbours"));
	sh->n = 0;
	rc = action_sheet_items(a, sh->building, item_row, sh);
	if (rc)
		return rc;
	if (sh->n)
		web_html_raw(&u->b, "</tbody></table></div>\n");
	else
		none(u, _("Nothing offered right now."));

	h3(u, _("Check-in list"));
	web_html_raw(&u->b, "<p>");
	if (sh->s.emergency)
		web_html_textf(&u->b,
			       _("Status since the emergency started (%s). "
				 "Tick the box when you have seen the "
				 "person."),
			       sh->since);
	else
		web_html_text(&u->b, _("Latest check-in of each household. "
				       "Tick the box when you have seen the "
				       "person."));
	web_html_raw(&u->b, "</p>\n");
	sh->n = 0;
	rc = action_sheet_roll(a, sh->building, roll_row, sh);
	if (rc)
		return rc;
	if (sh->n)
		web_html_raw(&u->b, "</tbody></table></div>\n");
	else
		none(u, _("No members listed here."));
	web_html_raw(&u->b, "</section>\n");
	return 0;
}

/* ---- the index ---------------------------------------------------------- */

static int building_link(void *ctx, const struct crdt_row *r)
{
	struct sheet *sh = ctx;
	struct web_ui *u = sh->u;
	int64_t n = action_col_int(r, "members");

	if (sh->n++ >= SHEET_BUILDINGS)
		return 0; /* counted, not shown */
	web_html_raw(&u->b, "<li><a href=\"/coord/sheet?building=");
	web_html_url(&u->b, action_col_text(r, "building"));
	web_html_raw(&u->b, "\">");
	web_html_text(&u->b, action_col_text(r, "building"));
	web_html_raw(&u->b, "</a> <span class=\"small\">");
	web_html_textf(&u->b,
		       ngettext("%lld member", "%lld members",
				(unsigned long)n),
		       (long long)n);
	web_html_raw(&u->b, "</span></li>\n");
	return web_buf_error(&u->b);
}

static void sheet_index(struct sheet *sh)
{
	struct web_ui *u = sh->u;

	web_html_raw(&u->b, "<p>");
	web_html_text(&u->b, _("Choose a building: its sheet opens, ready to "
			       "print (Ctrl+P) and hang where neighbours "
			       "pass."));
	web_html_raw(&u->b, "</p>\n<ul class=\"links\">\n");
	sh->n = 0;
	if (action_sheet_buildings(u->a, building_link, sh))
		web_ui_error(u, u->a->msg);
	web_html_raw(&u->b, "<li><a href=\"/coord/sheet?whole=1\">");
	web_html_text(&u->b, _("Whole neighbourhood"));
	web_html_raw(&u->b, "</a> <span class=\"small\">");
	web_html_text(&u->b, _("members without a building, and posts of "
			       "no building"));
	web_html_raw(&u->b, "</span></li>\n</ul>\n");
	if (sh->n > SHEET_BUILDINGS) {
		web_html_raw(&u->b, "<p class=\"hint\">");
		web_html_textf(&u->b,
			       ngettext("%d more building is not listed: "
					"type its name below.",
					"%d more buildings are not listed: "
					"type a name below.",
					(unsigned long)(sh->n -
							SHEET_BUILDINGS)),
			       sh->n - SHEET_BUILDINGS);
		web_html_raw(&u->b, "</p>\n");
	}
	web_html_raw(&u->b, "<form method=\"get\" action=\"/coord/sheet\" "
			    "role=\"search\">\n<label for=\"building\">");
	web_html_text(&u->b, _("Building"));
	web_html_raw(&u->b, "</label>\n<input type=\"text\" id=\"building\" "
			    "name=\"building\">\n<button type=\"submit\">");
	web_html_text(&u->b, _("Show its sheet"));
	web_html_raw(&u->b, "</button>\n</form>\n");
}

/* ---- GET /coord/sheet --------------------------------------------------- */

int web_page_coord_sheet(struct web_request *rq, struct web_reply *rp)
{
	const char *building = web_ui_field(rq->query, "building");
	int whole = !strcmp(web_ui_field(rq->query, "whole"), "1");
	unsigned status = MHD_HTTP_OK;
	char url[ACTION_QR_URL_MAX + 16];
	struct web_ui u;
	struct sheet sh;
	int rc, bad = 0;

	memset(&sh, 0, sizeof sh);
	sh.u = &u;
	if (web_ui_coord_begin(&u, rq, N_("Notice sheet"),
			       WEB_COORD_NOPRINT, NULL))
		return web_ui_finish(&u, rp, MHD_HTTP_FORBIDDEN);
	if (!*building && !whole) {
		web_html_raw(&u.b, "<p><a href=\"/coord\">");
		web_html_text(&u.b, _("Back to coordinating"));
		web_html_raw(&u.b, "</a></p>\n");
		sheet_index(&sh);
		web_html_raw(&u.b, "</div>\n");
		return web_ui_finish(&u, rp, MHD_HTTP_OK);
	}
	web_html_raw(&u.b, "<p><a href=\"/coord/sheet\">");
	web_html_text(&u.b, _("Back to the list of buildings"));
	web_html_raw(&u.b, "</a></p>\n<p>");
	web_html_text(&u.b, _("Print this page with your browser's Print "
			      "command (Ctrl+P). Hang it where neighbours "
			      "pass."));
	web_html_raw(&u.b, "</p>\n");
	sh.url = sheet_url(&u, rq, url, sizeof url, &bad);
	url_form(&u, building, whole, web_ui_field(rq->query, "url"));
	web_html_raw(&u.b, "</div>\n");
	if (bad)
		status = WEB_UNPROCESSABLE;
	rc = action_sheet_begin_section(u.a, &sh.s, building);
	if (rc) {
		web_ui_error(&u, u.a->msg);
		return web_ui_finish(&u, rp, MHD_HTTP_INTERNAL_SERVER_ERROR);
	}
	sh.community = *sh.s.community ? sh.s.community :
					 _("Our neighbourhood");
	if (sh.s.emergency)
		when(sh.since, sizeof sh.since, sh.s.since_ms / 1000, 1);
	if (*building)
		rc = action_sheet_sections(u.a, &sh.s, building, section_row,
					   &sh);
	else
		rc = action_sheet_whole(u.a, &sh.s, section_row, &sh);
	action_sheet_end(u.a, &sh.s);
	if (rc == KITH_ENOTFOUND)
		status = MHD_HTTP_NOT_FOUND;
	else if (rc)
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
	if (rc)
		web_ui_error(&u, u.a->msg);
	return web_ui_finish(&u, rp, status);
}

/* ---- GET /coord/csv/NAME ---------------------------------------------------- */

int web_page_coord_csv(struct web_request *rq, struct web_reply *rp)
{
	const char *name = rq->path + strlen("/coord/csv/");
	struct action *a = web_ui_quiet_begin(rq);
	char msg[ACTION_MSG_MAX];
	unsigned status;
	char *buf = NULL;
	size_t len = 0;
	int t = -1, rc;

	rc = action_coord_require(a);
	status = MHD_HTTP_FORBIDDEN;
	if (!rc) {
		t = action_report_lookup(name);
		status = MHD_HTTP_NOT_FOUND;
		rc = t < 0 ? action_fail(a, KITH_ENOTFOUND, "%s",
					 _("There is no such table.")) :
			     action_report_begin(a);
		if (!rc) {
			rc = action_report_csv_max(a,
						   (enum crdt_report_table)t,
						   CSV_MAX, &buf, &len, NULL);
			action_report_end(a);
			status = rc == KITH_ETOOBIG ?
					 WEB_UNPROCESSABLE :
					 MHD_HTTP_INTERNAL_SERVER_ERROR;
		}
	}
	if (rc) {
		snprintf(msg, sizeof msg, "%s", a->msg);
		web_ui_quiet_end();
		return web_reply_text(rp, status, msg);
	}
	web_ui_quiet_end();
	/* name is one of crdt_report_tables: letters only */
	snprintf(rp->disposition, sizeof rp->disposition,
		 "attachment; filename=\"%s.csv\"", crdt_report_tables[t]);
	web_reply_take(rp, MHD_HTTP_OK, "text/csv; charset=utf-8", buf, len);
	return 0;
}
