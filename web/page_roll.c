/*
 * page_roll.c - the roll call a coordinator walks through (pages.h):
 * GET /coord/roll, each building with its counts (needs help, not heard
 * from, safe) and newest check-in, linked to GET /coord/roll?building=B
 * (or ?none=1, members without a building): that building's members,
 * who needs help first, then who was not heard from, then who is safe,
 * with what they said and when ("5 minutes ago"); and web_ui_ago, those
 * words, for every page.
 *
 * The rows are action_checkin_roll's (action/checkin.h): since the
 * emergency started while one is on, else each member's latest.  The
 * page is shown only when action_coord_require passes (else its sentence,
 * 403).  Bounded on a town of thousands: ROLL_BUILDINGS buildings, and
 * ROLL_ROWS names of one building, the rest counted in a sentence.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "action/checkin.h"
#include "action/coord.h"
#include "action/i18n.h"
#include "crdt/err.h"
#include "web/pages.h"

void web_ui_ago(const struct web_ui *u, int64_t at_ms, char *out, size_t cap)
{
	int64_t d = u->rq->now - at_ms / 1000;

	if (d < 60) {
		snprintf(out, cap, "%s", _("just now"));
	} else if (d < 3600) {
		d /= 60;
		snprintf(out, cap,
			 ngettext("%d minute ago", "%d minutes ago",
				  (unsigned long)d),
			 (int)d);
	} else if (d < 86400) {
		d /= 3600;
		snprintf(out, cap,
			 ngettext("%d hour ago", "%d hours ago",
				  (unsigned long)d),
			 (int)d);
	} else {
		d /= 86400;
		if (d > 99999)
			d = 99999;
		snprintf(out, cap,
			 ngettext("%d day ago", "%d days ago",
				  (unsigned long)d),
			 (int)d);
	}
}

#define ROLL_BUILDINGS 500 /* buildings listed without ?building */
#define ROLL_ROWS 300	   /* members listed of one building */

/* One building's counts. */
struct tally {
	char building[256];
	int count[3]; /* ACTION_CHECKIN_* */
	int64_t newest_ms;
};

struct roll {
	struct web_ui *u;
	struct tally *t;
	size_t n, cap;	/* buildings, their room */
	int none;	/* only members without a building */
	int status;	/* the status listed in this pass */
	int rows;	/* rows shown of the building */
	int skipped;	/* rows not shown (past ROLL_ROWS) */
};

/* Whether row building b is t's (a name past the room kept is compared
 * by its start). */
static int same_building(const struct tally *t, const char *b)
{
	return !strncasecmp(t->building, b, sizeof t->building - 1);
}

/* Rows of one building come together: a new tally when it changes. */
static int count_row(void *ctx, const struct action_checkin_row *r)
{
	struct roll *ro = ctx;
	struct tally *t;

	if (ro->none && *r->building)
		return 0;
	if (!ro->n || !same_building(&ro->t[ro->n - 1], r->building)) {
		if (ro->n == ro->cap) {
			size_t cap = ro->cap ? 2 * ro->cap : 16;
			struct tally *nt = realloc(ro->t, cap * sizeof *nt);

			if (!nt)
				return KITH_ENOMEM;
			ro->t = nt;
			ro->cap = cap;
		}
		t = &ro->t[ro->n++];
		memset(t, 0, sizeof *t);
		snprintf(t->building, sizeof t->building, "%s", r->building);
	}
	t = &ro->t[ro->n - 1];
	t->count[r->status]++;
	if (r->at_ms > t->newest_ms)
		t->newest_ms = r->at_ms;
	return 0;
}

static const char *status_label(int status)
{
	if (status == ACTION_CHECKIN_SAFE)
		return action_pgettext("status", "safe");
	if (status == ACTION_CHECKIN_NEED_HELP)
		return action_pgettext("status", "needs help");
	return action_pgettext("status", "not heard from");
}

/* The counts of building t, and its newest check-in. */
static void counts(struct web_ui *u, const struct tally *t)
{
	char ago[128];

	web_html_raw(&u->b, "<p class=\"counts\">");
	/* TRANSLATORS: the counts of one building in the roll call */
	web_html_textf(&u->b, _("Needs help: %d · Not heard from: %d · "
				"Safe: %d"),
		       t->count[ACTION_CHECKIN_NEED_HELP],
		       t->count[ACTION_CHECKIN_UNKNOWN],
		       t->count[ACTION_CHECKIN_SAFE]);
	web_html_raw(&u->b, "</p>\n<p class=\"hint\">");
	if (t->newest_ms) {
		web_ui_ago(u, t->newest_ms, ago, sizeof ago);
		web_html_textf(&u->b, _("Newest check-in: %s."), ago);
	} else {
		web_html_text(&u->b, _("Nobody here has checked in yet."));
	}
	web_html_raw(&u->b, "</p>\n");
}

/* ---- without ?building: the buildings and their counts ------------------ */

static void buildings(struct roll *ro)
{
	struct web_ui *u = ro->u;
	size_t i;

	web_html_raw(&u->b, "<ul class=\"cards\">\n");
	for (i = 0; i < ro->n && i < ROLL_BUILDINGS; i++) {
		const struct tally *t = &ro->t[i];

		web_html_fmt(&u->b, "<li class=\"%s\"><h2>",
			     t->count[ACTION_CHECKIN_NEED_HELP] ? "help"
								: "roll");
		if (*t->building) {
			web_html_raw(&u->b, "<a href=\"/coord/roll?building=");
			web_html_url(&u->b, t->building);
			web_html_raw(&u->b, "\">");
			web_html_text(&u->b, t->building);
		} else {
			web_html_raw(&u->b, "<a href=\"/coord/roll?none=1\">");
			web_html_text(&u->b, _("No building"));
		}
		web_html_raw(&u->b, "</a></h2>\n");
		counts(u, t);
		web_html_raw(&u->b, "</li>\n");
	}
	web_html_raw(&u->b, "</ul>\n");
	if (ro->n > ROLL_BUILDINGS) {
		web_html_raw(&u->b, "<p class=\"hint\">");
		web_html_textf(&u->b,
			       ngettext("%zu more building is not listed: "
					"type its name above.",
					"%zu more buildings are not listed: "
					"type a name above.",
					(unsigned long)(ro->n -
							ROLL_BUILDINGS)),
			       ro->n - ROLL_BUILDINGS);
		web_html_raw(&u->b, "</p>\n");
	}
}

/* ---- one building: its names, who needs help first ---------------------- */

static int show_row(void *ctx, const struct action_checkin_row *r)
{
	struct roll *ro = ctx;
	struct web_ui *u = ro->u;
	static const char *const cls[] = { "safe", "help", "silent" };
	char ago[128];

	if ((ro->none && *r->building) || r->status != ro->status)
		return 0;
	if (ro->rows >= ROLL_ROWS) {
		ro->skipped++;
		return 0;
	}
	ro->rows++;
	web_html_fmt(&u->b, "<li class=\"%s\"><p><strong class=\"state\">",
		     cls[r->status]);
	web_html_text(&u->b, status_label(r->status));
	web_html_raw(&u->b, "</strong> ");
	if (*r->unit)
		/* TRANSLATORS: a member and their unit (flat) */
		web_html_textf(&u->b, _("%s, unit\xc2\xa0%s"), r->who.label,
			       r->unit);
	else
		web_html_text(&u->b, r->who.label);
	web_html_raw(&u->b, "</p>\n");
	if (r->at_ms) {
		web_ui_ago(u, r->at_ms, ago, sizeof ago);
		web_html_raw(&u->b, "<p class=\"hint\">");
		if (memcmp(r->by.pk, r->who.pk, sizeof r->by.pk))
			/* TRANSLATORS: when a neighbour checked someone in,
			 * and who */
			web_html_textf(&u->b, _("%s, said by %s"), ago,
				       r->by.label);
		else
			web_html_text(&u->b, ago);
		if (*r->note) {
			web_html_raw(&u->b, ": ");
			web_html_text(&u->b, r->note);
		}
		web_html_raw(&u->b, "</p>\n");
	}
	web_html_raw(&u->b, "</li>\n");
	return web_buf_error(&u->b); /* a full page: stop */
}

/* The building's names: a pass per status, who needs help first, then
 * who was not heard from, then who is safe; at most ROLL_ROWS. */
static int one_building(struct roll *ro, const char *building)
{
	static const int order[] = { ACTION_CHECKIN_NEED_HELP,
				     ACTION_CHECKIN_UNKNOWN,
				     ACTION_CHECKIN_SAFE };
	struct web_ui *u = ro->u;
	size_t i;
	int rc = 0;

	web_html_raw(&u->b, "<section class=\"roll\" aria-labelledby=\"b0\">"
			    "\n<h2 id=\"b0\">");
	web_html_text(&u->b, *building ? ro->t[0].building : _("No building"));
	web_html_raw(&u->b, "</h2>\n");
	counts(u, &ro->t[0]);
	web_html_raw(&u->b, "<ul class=\"cards\">\n");
	for (i = 0; !rc && i < sizeof order / sizeof order[0]; i++) {
		ro->status = order[i];
		rc = action_checkin_roll(u->a, *building ? building : NULL,
					 show_row, ro);
	}
	web_html_raw(&u->b, "</ul>\n");
	if (ro->skipped) {
		web_html_raw(&u->b, "<p class=\"hint\">");
		web_html_textf(&u->b,
			       ngettext("%d more member is not shown here: "
					"kith checkins in a terminal, or the "
					"notice sheet, lists everyone.",
					"%d more members are not shown here: "
					"kith checkins in a terminal, or the "
					"notice sheet, lists everyone.",
					(unsigned long)ro->skipped),
			       ro->skipped);
		web_html_raw(&u->b, "</p>\n");
	}
	web_html_raw(&u->b, "</section>\n");
	return rc;
}

/* The form that chooses a building. */
static void choose(struct web_ui *u, const char *building)
{
	web_html_raw(&u->b, "<form method=\"get\" action=\"/coord/roll\" "
			    "role=\"search\">\n<label for=\"building\">");
	web_html_text(&u->b, _("Only one building (leave empty for all)"));
	web_html_raw(&u->b, "</label>\n<input type=\"text\" id=\"building\" "
			    "name=\"building\"");
	web_html_attr(&u->b, "value", building);
	web_html_raw(&u->b, ">\n<button type=\"submit\">");
	web_html_text(&u->b, _("Show"));
	web_html_raw(&u->b, "</button>\n</form>\n");
}

int web_page_coord_roll(struct web_request *rq, struct web_reply *rp)
{
	const char *building = web_ui_field(rq->query, "building");
	struct action_coord_emergency em;
	struct roll ro;
	struct web_ui u;
	char ago[128];
	int rc;

	memset(&ro, 0, sizeof ro);
	ro.u = &u;
	ro.none = !*building && !strcmp(web_ui_field(rq->query, "none"), "1");
	if (web_ui_coord_begin(&u, rq, N_("Roll call"), WEB_COORD_BACK, NULL))
		return web_ui_finish(&u, rp, MHD_HTTP_FORBIDDEN);
	action_coord_emergency(u.a, &em);
	if (em.on) {
		web_ui_ago(&u, em.since_ms, ago, sizeof ago);
		web_html_raw(&u.b, "<p class=\"banner\">");
		/* TRANSLATORS: when the emergency started ("5 minutes
		 * ago"), and why */
		web_html_textf(&u.b, _("What each neighbour said since the "
				       "emergency started (%s): %s"),
			       ago, em.reason);
		web_html_raw(&u.b, "</p>\n");
	} else {
		web_ui_notice(&u, _("There is no emergency now: this is the "
				    "latest check-in of each member."));
	}
	choose(&u, building);
	rc = action_checkin_roll(u.a, *building ? building : NULL, count_row,
				 &ro);
	if (!rc && ro.n && (*building || ro.none)) {
		web_html_raw(&u.b, "<p><a href=\"/coord/roll\">");
		web_html_text(&u.b, _("Back to all buildings"));
		web_html_raw(&u.b, "</a></p>\n");
		rc = one_building(&ro, building);
	} else if (!rc && ro.n) {
		buildings(&ro);
	}
	if (rc == KITH_ENOMEM)
		web_ui_error(&u, _("The page is too big to show."));
	else if (rc)
		web_ui_error(&u, u.a->msg);
	else if (!ro.n && *building)
		web_ui_notice(&u, _("Nobody in the roll call lives in that "
				    "building. Check the spelling, or leave "
				    "it empty to see everyone."));
	else if (!ro.n)
		web_ui_notice(&u, _("There are no members yet."));
	free(ro.t);
	return web_ui_finish(&u, rp, MHD_HTTP_OK);
}
