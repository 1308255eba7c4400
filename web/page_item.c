/*
 * page_item.c - the item pages (pages.h): the list with search and the
 * form of a new item.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action/i18n.h"
#include "action/item.h"
#include "crdt/err.h"
#include "crdt/rules.h"
#include "crdt/schema.h"
#include "web/pages.h"

struct cards {
	struct web_ui *u;
	int n;
};

static int item_card(void *ctx, const struct action_item_view *v)
{
	struct cards *c = ctx;
	struct web_ui *u = c->u;

	if (!c->n++)
		web_html_raw(&u->b, "<ul class=\"cards\">\n");
	web_html_raw(&u->b, "<li><strong>");
	web_html_text(&u->b, v->title);
	web_html_raw(&u->b, "</strong>");
	if (v->quantity > 1)
		web_html_fmt(&u->b, " × %lld", (long long)v->quantity);
	web_html_raw(&u->b, "<p class=\"hint\">");
	web_html_text(&u->b, action_pgettext("kind", v->kind));
	web_html_raw(&u->b, " · ");
	web_html_text(&u->b, action_pgettext("status", v->status));
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
	if (!strcmp(done, "posted"))
		web_ui_notice(&u, _("Your item is posted. Neighbours see it "
				    "when your machines sync, and can ask you "
				    "for it."));
	web_html_raw(&u.b, "<h1>");
	web_html_text(&u.b, _("Items"));
	web_html_raw(&u.b, "</h1>\n"
			   "<p><a class=\"button\" href=\"/items/new\">");
	web_html_text(&u.b, _("Offer an item"));
	web_html_raw(&u.b, "</a></p>\n<form method=\"get\" action=\"/items\" "
			   "role=\"search\">\n<label for=\"q\">");
	web_html_text(&u.b, _("Search items (English or Chinese)"));
	web_html_raw(&u.b, "</label>\n"
			   "<input type=\"search\" id=\"q\" name=\"q\"");
	web_html_attr(&u.b, "value", search);
	web_html_raw(&u.b, ">\n<button type=\"submit\">");
	web_html_text(&u.b, _("Search"));
	web_html_raw(&u.b, "</button>\n</form>\n");
	f.search = *search ? search : NULL;
	if (action_item_list(u.a, &f, item_card, &c))
		web_ui_error(&u, u.a->msg);
	else if (c.n)
		web_html_raw(&u.b, "</ul>\n");
	else if (f.search)
		web_ui_notice(&u, _("No item matches your search."));
	else
		web_ui_notice(&u, _("Nobody offers an item yet."));
	return web_ui_finish(&u, rp, MHD_HTTP_OK);
}

/* The form, with the values of f (NULL: the defaults) and a refusal. */
static int item_form(struct web_request *rq, struct web_reply *rp,
		     const struct web_form *f, const char *err,
		     unsigned status)
{
	const char *kind = f ? web_ui_field(f, "kind") : "give";
	struct web_ui u;
	int i;

	web_ui_begin(&u, rq, N_("Offer an item"), "/items");
	web_html_raw(&u.b, "<h1>");
	web_html_text(&u.b, _("Offer an item"));
	web_html_raw(&u.b, "</h1>\n");
	if (err)
		web_ui_error(&u, err);
	web_html_raw(&u.b, "<form method=\"post\" action=\"/items\">\n");
	web_ui_csrf(&u);
	web_html_raw(&u.b, "<label for=\"title\">");
	web_html_text(&u.b, _("What do you offer?"));
	web_html_raw(&u.b, "</label>\n<input type=\"text\" id=\"title\" "
			   "name=\"title\"");
	web_html_attr(&u.b, "value", f ? web_ui_field(f, "title") : "");
	web_html_raw(&u.b, ">\n<label for=\"kind\">");
	web_html_text(&u.b, _("How do you offer it?"));
	web_html_raw(&u.b, "</label>\n<select id=\"kind\" name=\"kind\">\n");
	for (i = 0; i < CRDT_ITEM_KINDS; i++) {
		web_html_raw(&u.b, "<option");
		web_html_attr(&u.b, "value", crdt_item_kinds[i]);
		if (!strcmp(kind, crdt_item_kinds[i]))
			web_html_raw(&u.b, " selected");
		web_html_raw(&u.b, ">");
		web_html_text(&u.b,
			      action_pgettext("kind", crdt_item_kinds[i]));
		web_html_raw(&u.b, "</option>\n");
	}
	web_html_raw(&u.b, "</select>\n<label for=\"quantity\">");
	web_html_text(&u.b, _("How many (optional)"));
	web_html_raw(&u.b, "</label>\n<input type=\"text\" id=\"quantity\" "
			   "name=\"quantity\" inputmode=\"numeric\"");
	web_html_attr(&u.b, "value", f ? web_ui_field(f, "quantity") : "");
	web_html_raw(&u.b, ">\n<label for=\"description\">");
	web_html_text(&u.b, _("More about it (optional)"));
	web_html_raw(&u.b, "</label>\n<textarea id=\"description\" "
			   "name=\"description\" rows=\"4\">");
	web_html_text(&u.b, f ? web_ui_field(f, "description") : "");
	web_html_raw(&u.b, "</textarea>\n<button type=\"submit\">");
	web_html_text(&u.b, _("Post the item"));
	web_html_raw(&u.b, "</button>\n</form>\n");
	return web_ui_finish(&u, rp, status);
}

int web_page_item_new(struct web_request *rq, struct web_reply *rp)
{
	return item_form(rq, rp, NULL, NULL, MHD_HTTP_OK);
}

/* "1".."CRDT_MAX_QTY" in decimal digits only; -1 otherwise. */
static int64_t parse_quantity(const char *s)
{
	int64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > CRDT_MAX_QTY)
			return -1;
	}
	return v >= 1 ? v : -1;
}

int web_page_item_post(struct web_request *rq, struct web_reply *rp)
{
	const struct web_form *f = rq->form;
	const char *kind = web_ui_field(f, "kind");
	const char *qty = web_ui_field(f, "quantity");
	const char *desc = web_ui_field(f, "description");
	struct action *a = web_ui_quiet_begin(rq);
	struct action_item_fields it;
	struct action_item_done *done = NULL;
	char msg[ACTION_MSG_MAX];
	int rc = 0;

	memset(&it, 0, sizeof it);
	it.title = web_ui_field(f, "title");
	it.kind = *kind ? kind : NULL;
	it.description = *desc ? desc : NULL;
	if (*qty) {
		it.quantity = parse_quantity(qty);
		if (it.quantity < 0)
			rc = action_fail(a, KITH_EINVAL,
					 _("How many must be a whole number "
					   "from 1 to %d."),
					 CRDT_MAX_QTY);
	}
	if (!rc) {
		done = malloc(sizeof *done); /* holds a title: large */
		if (!done) {
			web_ui_quiet_end();
			return KITH_ENOMEM;
		}
		rc = action_item_add(a, &it, done);
		free(done);
	}
	if (rc) {
		snprintf(msg, sizeof msg, "%s", a->msg);
		web_ui_quiet_end();
		return item_form(rq, rp, f, msg, WEB_UNPROCESSABLE);
	}
	web_ui_quiet_end();
	return web_reply_redirect(rp, "/items?done=posted");
}
