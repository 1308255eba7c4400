/*
 * page_needs.c - where help is needed and what there is to send (pages.h):
 * GET /coord/inventory, the emergency supplies of each building and all of
 * them together, then the most urgent open wishes each with the items and
 * volunteers that might answer it (action/needs.h: the same read models as
 * `kith inventory` and `kith match`).
 *
 * Shown only when action_coord_require passes (else its sentence, 403).
 * A supplies table shows its first SUPPLY_ROWS rows and says how many
 * more there are.
 * Wishes link to their pages by short id; people are named.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "action/coord.h"
#include "action/i18n.h"
#include "action/needs.h"
#include "crdt/schema.h"
#include "web/pages.h"

#define NEEDS_WISHES 10 /* wishes matched on the page */
/* rows of a supplies table shown (categories are free text: a town can
 * have thousands); the rest are counted */
#define SUPPLY_ROWS 200

struct needs {
	struct web_ui *u;
	int n;	    /* rows of the current table or list */
	int items;  /* items of the current wish */
	int people; /* volunteers of the current wish */
	int list;   /* a <ul> of the current wish is open */
};

/* ---- inventory ------------------------------------------------------------ */

static void table_head(struct web_ui *u, int with_building)
{
	web_html_raw(&u->b, "<div class=\"table-wrap\"><table>\n<thead><tr>");
	if (with_building) {
		web_html_raw(&u->b, "<th scope=\"col\">");
		web_html_text(&u->b, _("Building"));
		web_html_raw(&u->b, "</th>");
	}
	web_html_raw(&u->b, "<th scope=\"col\">");
	web_html_text(&u->b, _("Supply"));
	web_html_raw(&u->b, "</th><th scope=\"col\">");
	web_html_text(&u->b, _("How much"));
	web_html_raw(&u->b, "</th></tr></thead>\n<tbody>\n");
}

static void supply_row(struct needs *nd, const struct crdt_row *r,
		       int with_building)
{
	struct web_ui *u = nd->u;
	const char *b = action_col_text(r, "building");
	const char *cat = action_col_text(r, "category");
	const char *unit = action_col_text(r, "unit");

	if (nd->n++ >= SUPPLY_ROWS) /* counted, not shown */
		return;
	if (nd->n == 1)
		table_head(u, with_building);
	web_html_raw(&u->b, "<tr>");
	if (with_building) {
		web_html_raw(&u->b, "<td>");
		web_html_text(&u->b, strcmp(b, "(no building)") ?
					     b : _("No building"));
		web_html_raw(&u->b, "</td>");
	}
	web_html_raw(&u->b, "<td>");
	web_html_text(&u->b, strcmp(cat, "(none)") ? cat : _("Other"));
	web_html_raw(&u->b, "</td><td>");
	if (*unit)
		/* TRANSLATORS: a quantity and its unit ("12 litres") */
		web_html_textf(&u->b, _("%lld %s"),
			       (long long)action_col_int(r, "quantity"), unit);
	else
		web_html_fmt(&u->b, "%lld",
			     (long long)action_col_int(r, "quantity"));
	web_html_raw(&u->b, "</td></tr>\n");
}

static int per_building(void *ctx, const struct crdt_row *r)
{
	supply_row(ctx, r, 1);
	return web_buf_error(&((struct needs *)ctx)->u->b);
}

static int totals(void *ctx, const struct crdt_row *r)
{
	supply_row(ctx, r, 0);
	return web_buf_error(&((struct needs *)ctx)->u->b);
}

static void table_end(struct needs *nd, const char *none)
{
	if (nd->n) {
		web_html_raw(&nd->u->b, "</tbody></table></div>\n");
		if (nd->n > SUPPLY_ROWS) {
			web_html_raw(&nd->u->b, "<p class=\"hint\">");
			web_html_textf(&nd->u->b,
				       ngettext("%d more row is not shown: "
						"kith inventory in a terminal, "
						"or the items table for a "
						"spreadsheet, has them all.",
						"%d more rows are not shown: "
						"kith inventory in a terminal, "
						"or the items table for a "
						"spreadsheet, has them all.",
						(unsigned long)(nd->n -
								SUPPLY_ROWS)),
				       nd->n - SUPPLY_ROWS);
			web_html_raw(&nd->u->b, "</p>\n");
		}
	} else {
		web_html_raw(&nd->u->b, "<p>");
		web_html_text(&nd->u->b, none);
		web_html_raw(&nd->u->b, "</p>\n");
	}
}

static void inventory(struct needs *nd)
{
	struct web_ui *u = nd->u;

	web_html_raw(&u->b, "<section aria-labelledby=\"supplies\">\n"
			    "<h2 id=\"supplies\">");
	web_html_text(&u->b, _("Emergency supplies by building"));
	web_html_raw(&u->b, "</h2>\n");
	nd->n = 0;
	if (action_needs_inventory(u->a, NULL, per_building, nd))
		web_ui_error(u, u->a->msg);
	table_end(nd, _("Nobody has posted emergency supplies yet."));
	web_html_raw(&u->b, "<h3>");
	web_html_text(&u->b, _("All buildings together"));
	web_html_raw(&u->b, "</h3>\n");
	nd->n = 0;
	if (action_needs_inventory_totals(u->a, totals, nd))
		web_ui_error(u, u->a->msg);
	table_end(nd, _("Nothing yet."));
	web_html_raw(&u->b, "</section>\n");
}

/* ---- match ---------------------------------------------------------------- */

/* Close the open list of the wish, start one after the sentence. */
static void new_list(struct needs *nd, const char *sentence)
{
	if (nd->list)
		web_html_raw(&nd->u->b, "</ul>\n");
	nd->list = sentence != NULL;
	if (!sentence)
		return;
	web_html_raw(&nd->u->b, "<p>");
	web_html_text(&nd->u->b, sentence);
	web_html_raw(&nd->u->b, "</p>\n<ul>\n");
}

static int match_wish(void *ctx, const struct crdt_row *r)
{
	struct needs *nd = ctx;
	struct web_ui *u = nd->u;
	const char *forname = action_col_text(r, "for_name");
	const char *b = action_col_text(r, "building");
	char sid[ACTION_SHORT_MAX];

	nd->n++;
	nd->items = nd->people = nd->list = 0;
	action_short_id(u->a, CRDT_R_WISH, action_col_text(r, "id"), sid,
			sizeof sid);
	web_html_raw(&u->b, "<li><h3><a href=\"/wishes/");
	web_html_url(&u->b, sid);
	web_html_raw(&u->b, "\">");
	web_html_text(&u->b, action_col_text(r, "title"));
	web_html_raw(&u->b, "</a></h3>\n<p class=\"hint\">");
	web_html_text(&u->b,
		      web_wish_urgency(action_col_text(r, "urgency")));
	web_html_raw(&u->b, " · ");
	if (*forname)
		web_html_textf(&u->b, _("%s (via %s)"), forname,
			       action_col_text(r, "author_name"));
	else
		web_html_text(&u->b, action_col_text(r, "author_name"));
	if (*b && strcmp(b, "(no building)")) {
		web_html_raw(&u->b, " · ");
		web_html_text(&u->b, b);
	}
	web_html_raw(&u->b, "</p>\n");
	return 0;
}

static int match_item(void *ctx, const struct crdt_row *r)
{
	struct needs *nd = ctx;
	struct web_ui *u = nd->u;
	const char *b = action_col_text(r, "building");

	if (!nd->items++)
		new_list(nd, _("Items that might help:"));
	web_html_raw(&u->b, "<li>");
	if (*b && strcmp(b, "(no building)"))
		/* TRANSLATORS: an item, who offers it, their building */
		web_html_textf(&u->b, _("%s, from %s (%s)"),
			       action_col_text(r, "title"),
			       action_col_text(r, "author_name"), b);
	else
		web_html_textf(&u->b, _("%s, from %s"),
			       action_col_text(r, "title"),
			       action_col_text(r, "author_name"));
	web_html_raw(&u->b, "</li>\n");
	return 0;
}

static int match_volunteer(void *ctx, const struct crdt_row *r)
{
	struct needs *nd = ctx;
	struct web_ui *u = nd->u;

	if (!nd->people++)
		new_list(nd, _("Neighbours who might help:"));
	web_html_raw(&u->b, "<li>");
	/* TRANSLATORS: a volunteer and their skills */
	web_html_textf(&u->b, _("%s: %s"), action_col_text(r, "name"),
		       action_col_text(r, "skills"));
	web_html_raw(&u->b, "</li>\n");
	return 0;
}

static int match_end(void *ctx)
{
	struct needs *nd = ctx;

	if (!nd->items && !nd->people) {
		web_html_raw(&nd->u->b, "<p>");
		web_html_text(&nd->u->b, _("Nothing and nobody found for it "
					   "yet."));
		web_html_raw(&nd->u->b, "</p>\n");
	}
	new_list(nd, NULL);
	web_html_raw(&nd->u->b, "</li>\n");
	return 0;
}

static void match(struct needs *nd)
{
	struct web_ui *u = nd->u;
	struct crdt_match_out out = { match_wish, match_item, match_volunteer,
				      match_end, nd };

	web_html_raw(&u->b, "<section aria-labelledby=\"match\">\n"
			    "<h2 id=\"match\">");
	web_html_text(&u->b, _("The most urgent wishes, and who might help"));
	web_html_raw(&u->b, "</h2>\n<ul class=\"cards\">\n");
	nd->n = 0;
	if (action_needs_match(u->a, NULL, NEEDS_WISHES, &out))
		web_ui_error(u, u->a->msg);
	web_html_raw(&u->b, "</ul>\n");
	if (!nd->n) {
		web_html_raw(&u->b, "<p>");
		web_html_text(&u->b, _("There are no open wishes."));
		web_html_raw(&u->b, "</p>\n");
	}
	web_html_raw(&u->b, "</section>\n");
}

int web_page_coord_inventory(struct web_request *rq, struct web_reply *rp)
{
	struct web_ui u;
	struct needs nd;

	memset(&nd, 0, sizeof nd);
	nd.u = &u;
	if (web_ui_coord_begin(&u, rq, N_("Supplies and who can help"),
			       WEB_COORD_BACK, NULL))
		return web_ui_finish(&u, rp, MHD_HTTP_FORBIDDEN);
	inventory(&nd);
	match(&nd);
	return web_ui_finish(&u, rp, MHD_HTTP_OK);
}
