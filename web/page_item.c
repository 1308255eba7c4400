/*
 * page_item.c - the item pages (pages.h): the list with search, the form
 * of a new item, and the same form changing an item of ours.  One item's
 * page and what people do on it: page_item_one.c.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action/i18n.h"
#include "action/item.h"
#include "action/names.h"
#include "crdt/err.h"
#include "crdt/rules.h"
#include "crdt/schema.h"
#include "web/pages.h"

/* ---- GET /items ------------------------------------------------------------ */

/* The newest items the list shows: a town has tens of thousands (the
 * bench's 50,000 made a page over WEB_PAGE_MAX); a search finds the rest. */
#define ITEMS_SHOWN 100

struct cards {
	struct web_ui *u;
	int n;
};

static int item_card(void *ctx, const struct action_item_view *v)
{
	struct cards *c = ctx;
	struct web_ui *u = c->u;

	if (c->n >= ITEMS_SHOWN)
		return 1; /* enough: stop */
	if (!c->n++)
		web_html_raw(&u->b, "<ul class=\"cards\">\n");
	web_html_raw(&u->b, "<li><a href=\"/items/");
	web_html_url(&u->b, v->short_id);
	web_html_raw(&u->b, "\">");
	web_html_text(&u->b, v->title);
	web_html_raw(&u->b, "</a>");
	if (v->quantity > 1)
		web_html_fmt(&u->b, " × %lld", (long long)v->quantity);
	web_html_raw(&u->b, "<p class=\"hint\">");
	web_html_text(&u->b, web_item_kind(v->kind));
	web_html_raw(&u->b, " · ");
	web_html_text(&u->b, web_item_status(v->status));
	web_html_raw(&u->b, " · ");
	web_html_text(&u->b, v->owner_name);
	web_html_raw(&u->b, "</p>\n");
	if (*v->description) {
		web_html_raw(&u->b, "<p>");
		web_html_text(&u->b, v->description);
		web_html_raw(&u->b, "</p>\n");
	}
	web_html_raw(&u->b, "</li>\n");
	return 0;
}

int web_page_items(struct web_request *rq, struct web_reply *rp)
{
	const char *search = web_ui_field(rq->query, "q");
	const char *done = web_ui_field(rq->query, "done");
	struct action_item_filter f = { 0 };
	struct web_ui u;
	struct cards c = { &u, 0 };

	web_ui_begin(&u, rq, N_("Items"), "/items");
	if (!strcmp(done, "posted")) /* before items had a page */
		web_ui_notice(&u, _("Your item is posted. Neighbours see it "
				    "when your machines sync, and can ask you "
				    "for it."));
	web_html_raw(&u.b, "<h1>");
	web_html_text(&u.b, _("Items"));
	web_html_raw(&u.b, "</h1>\n"
			   "<p><a class=\"button\" href=\"/items/new\">");
	web_html_text(&u.b, _("Offer an item"));
	web_html_raw(&u.b, "</a></p>\n");
	web_ui_search(&u, "/items", _("Search items (English or Chinese)"),
		      search);
	f.search = *search ? search : NULL;
	if (action_item_list(u.a, &f, item_card, &c) < 0)
		web_ui_error(&u, u.a->msg);
	else if (c.n)
		web_html_raw(&u.b, "</ul>\n");
	else if (f.search)
		web_ui_notice(&u, _("No item matches your search."));
	else
		web_ui_notice(&u, _("Nobody offers an item yet."));
	if (c.n >= ITEMS_SHOWN)
		web_ui_notice(&u, f.search ?
				  _("Only the newest items that match are "
				    "shown. Add a word to find fewer.") :
				  _("Only the newest items are shown. Search "
				    "to find the others."));
	return web_ui_finish(&u, rp, MHD_HTTP_OK);
}

/* What the item form shows: the values given (a re-show), or the item's
 * (an edit), or the defaults (NULL each: empty). */
struct item_values {
	const char *title, *kind, *quantity, *location, *description;
};

static const char *val(const char *v)
{
	return v ? v : "";
}

/*
 * The form of a new item (edit_sid NULL) or of a change to item edit_sid,
 * with the values v and a refusal (or NULL), into u.
 */
static void item_form_body(struct web_ui *u, const struct item_values *v,
			   const char *err, const char *edit_sid)
{
	const char *kind = v->kind && *v->kind ? v->kind : "give";
	int i;

	web_html_raw(&u->b, "<h1>");
	web_html_text(&u->b, edit_sid ? _("Change your item") :
					_("Offer an item"));
	web_html_raw(&u->b, "</h1>\n");
	if (err)
		web_ui_error(u, err);
	if (edit_sid)
		web_html_raw(&u->b, "<form method=\"post\" "
				    "action=\"/items/edit\"");
	else
		web_html_raw(&u->b, "<form method=\"post\" action=\"/items\"");
	web_ui_autocomplete(u);
	web_html_raw(&u->b, ">\n");
	web_ui_csrf(u);
	if (edit_sid) {
		web_html_raw(&u->b, "<input type=\"hidden\" name=\"item\"");
		web_html_attr(&u->b, "value", edit_sid);
		web_html_raw(&u->b, ">\n");
	}
	web_html_raw(&u->b, "<label for=\"title\">");
	web_html_text(&u->b, _("What do you offer?"));
	web_html_raw(&u->b, "</label>\n<input type=\"text\" id=\"title\" "
			    "name=\"title\"");
	web_html_attr(&u->b, "value", val(v->title));
	web_html_raw(&u->b, ">\n<label for=\"kind\">");
	web_html_text(&u->b, _("How do you offer it?"));
	web_html_raw(&u->b, "</label>\n<select id=\"kind\" name=\"kind\">\n");
	for (i = 0; i < CRDT_ITEM_KINDS; i++) {
		web_html_raw(&u->b, "<option");
		web_html_attr(&u->b, "value", crdt_item_kinds[i]);
		if (!strcmp(kind, crdt_item_kinds[i]))
			web_html_raw(&u->b, " selected");
		web_html_raw(&u->b, ">");
		web_html_text(&u->b, web_item_kind(crdt_item_kinds[i]));
		web_html_raw(&u->b, "</option>\n");
	}
	web_html_raw(&u->b, "</select>\n<label for=\"quantity\">");
	web_html_text(&u->b, _("How many (optional)"));
	web_html_raw(&u->b, "</label>\n<input type=\"text\" id=\"quantity\" "
			    "name=\"quantity\" inputmode=\"numeric\"");
	web_html_attr(&u->b, "value", val(v->quantity));
	web_html_raw(&u->b, ">\n<label for=\"location\">");
	web_html_text(&u->b, _("Where can it be picked up? (optional)"));
	web_html_raw(&u->b, "</label>\n<input type=\"text\" id=\"location\" "
			    "name=\"location\"");
	web_html_attr(&u->b, "value", val(v->location));
	web_html_raw(&u->b, ">\n<label for=\"description\">");
	web_html_text(&u->b, _("More about it (optional)"));
	web_html_raw(&u->b, "</label>\n<textarea id=\"description\" "
			    "name=\"description\" rows=\"4\">");
	web_html_text(&u->b, val(v->description));
	web_html_raw(&u->b, "</textarea>\n<button type=\"submit\">");
	web_html_text(&u->b, edit_sid ? _("Save the changes") :
					_("Post the item"));
	web_html_raw(&u->b, "</button>\n</form>\n");
	if (edit_sid) {
		web_html_raw(&u->b, "<p><a href=\"/items/");
		web_html_url(&u->b, edit_sid);
		web_html_raw(&u->b, "\">");
		web_html_text(&u->b, _("Back to the item"));
		web_html_raw(&u->b, "</a></p>\n");
	}
}

/* The values a form posted. */
static void form_values(const struct web_form *f, struct item_values *v)
{
	v->title = web_form_get(f, "title");
	v->kind = web_form_get(f, "kind");
	v->quantity = web_form_get(f, "quantity");
	v->location = web_form_get(f, "location");
	v->description = web_form_get(f, "description");
}

/* The form of a new item, with the values of f (NULL: the defaults) and a
 * refusal. */
static int item_form(struct web_request *rq, struct web_reply *rp,
		     const struct web_form *f, const char *err,
		     unsigned status)
{
	struct item_values v = { 0 };
	struct web_ui u;

	if (f)
		form_values(f, &v);
	web_ui_begin(&u, rq, N_("Offer an item"), "/items");
	item_form_body(&u, &v, err, NULL);
	return web_ui_finish(&u, rp, status);
}

int web_page_item_new(struct web_request *rq, struct web_reply *rp)
{
	return item_form(rq, rp, NULL, NULL, MHD_HTTP_OK);
}

/* The posted fields into it (absent ones stay NULL or 0; with adding, an
 * empty optional one too).  0, or the refusal of a bad quantity. */
static int form_fields(struct action *a, const struct web_form *f,
		       int adding, struct action_item_fields *it)
{
	const char *kind = web_form_get(f, "kind");
	const char *qty = web_ui_field(f, "quantity");
	const char *loc = web_form_get(f, "location");
	const char *desc = web_form_get(f, "description");

	memset(it, 0, sizeof *it);
	it->title = adding ? web_ui_field(f, "title") : web_form_get(f, "title");
	it->kind = kind && *kind ? kind : NULL;
	it->location = loc && (*loc || !adding) ? loc : NULL;
	it->description = desc && (*desc || !adding) ? desc : NULL;
	if (*qty)
		return action_item_quantity_read(a, qty, &it->quantity);
	return 0;
}

int web_page_item_post(struct web_request *rq, struct web_reply *rp)
{
	const struct web_form *f = rq->form;
	struct action *a = web_ui_quiet_begin(rq);
	struct action_item_fields it;
	struct action_item_done *done = NULL;
	char msg[ACTION_MSG_MAX], loc[ACTION_SHORT_MAX + 32];
	int rc = form_fields(a, f, 1, &it);

	if (!rc) {
		done = malloc(sizeof *done); /* holds a title: large */
		if (!done) {
			web_ui_quiet_end();
			return KITH_ENOMEM;
		}
		rc = action_item_add(a, &it, done);
		snprintf(loc, sizeof loc, "/items/%s?done=posted",
			 done->short_id);
		free(done);
	}
	if (rc) {
		snprintf(msg, sizeof msg, "%s", a->msg);
		web_ui_quiet_end();
		return item_form(rq, rp, f, msg, WEB_UNPROCESSABLE);
	}
	web_ui_quiet_end();
	return web_reply_redirect(rp, loc);
}

/* ---- GET /items/edit?item=ID, POST /items/edit --------------------------- */

struct edit {
	struct web_ui *u;
	const struct web_form *f; /* the values posted, or NULL */
	const char *err;
};

static int edit_item(void *ctx, const struct action_item_view *v)
{
	struct edit *e = ctx;
	struct item_values iv;
	char qty[24];

	if (e->f) {
		form_values(e->f, &iv);
	} else {
		snprintf(qty, sizeof qty, "%lld", (long long)v->quantity);
		iv.title = v->title;
		iv.kind = v->kind;
		iv.quantity = qty;
		iv.location = v->location;
		iv.description = v->description;
	}
	item_form_body(e->u, &iv, e->err, v->short_id);
	return 0;
}

/* The edit form of item id (as typed), with f's values and err when a
 * change was refused. */
static int edit_form(struct web_request *rq, struct web_reply *rp,
		     const char *id, const struct web_form *f, const char *err,
		     unsigned status)
{
	struct web_ui u;
	struct edit e = { &u, f, err };
	int rc;

	web_ui_begin(&u, rq, N_("Change your item"), "/items");
	rc = action_item_show(u.a, id, edit_item, NULL, &e);
	if (rc) {
		web_ui_error(&u, err ? err : u.a->msg);
		web_html_raw(&u.b, "<p><a href=\"/items\">");
		web_html_text(&u.b, _("All items"));
		web_html_raw(&u.b, "</a></p>\n");
		if (!err)
			status = rc == KITH_ENOTFOUND || rc == KITH_EINVAL ?
					 MHD_HTTP_NOT_FOUND :
					 MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	return web_ui_finish(&u, rp, status);
}

int web_page_item_edit(struct web_request *rq, struct web_reply *rp)
{
	return edit_form(rq, rp, web_ui_field(rq->query, "item"), NULL, NULL,
			 MHD_HTTP_OK);
}

int web_page_item_edit_post(struct web_request *rq, struct web_reply *rp)
{
	const struct web_form *f = rq->form;
	const char *id = web_ui_field(f, "item");
	struct action *a = web_ui_quiet_begin(rq);
	struct action_item_fields it;
	struct action_item_done *done = NULL;
	char msg[ACTION_MSG_MAX], loc[ACTION_SHORT_MAX + 32];
	int rc = form_fields(a, f, 0, &it);

	if (!rc) {
		done = malloc(sizeof *done);
		if (!done) {
			web_ui_quiet_end();
			return KITH_ENOMEM;
		}
		rc = action_item_edit(a, id, &it, done);
		snprintf(loc, sizeof loc, "/items/%s?done=edited",
			 done->short_id);
		free(done);
	}
	if (rc) {
		snprintf(msg, sizeof msg, "%s", a->msg);
		web_ui_quiet_end();
		return edit_form(rq, rp, id, f, msg, WEB_UNPROCESSABLE);
	}
	web_ui_quiet_end();
	return web_reply_redirect(rp, loc);
}
