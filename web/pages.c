/*
 * pages.c - what every page shares (see pages.h), the compiled-in files,
 * and the route table.
 */
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "action/i18n.h"
#include "crdt/err.h"
#include "crdt/log.h"
#include "web/pages.h"
#include "web/static.h"

struct action *web_ui_quiet_begin(struct web_request *rq)
{
	struct action *a = rq->app;

	if (web_lang_use(web_lang_choose(rq->accept_language, NULL)))
		log_warnx("web: cannot switch the language of a page");
	if (action_refresh(a))
		log_warnx("web: %s", a->msg);
	return a;
}

void web_ui_quiet_end(void)
{
	web_lang_reset();
}

void web_ui_begin(struct web_ui *u, struct web_request *rq, const char *title,
		  const char *current)
{
	memset(u, 0, sizeof *u);
	u->rq = rq;
	u->a = web_ui_quiet_begin(rq);
	u->lang_used = 1;
	web_buf_init(&u->b, WEB_PAGE_MAX);
	if (action_community_about(u->a, &u->com))
		u->com.name[0] = 0;
	u->page.lang = web_lang_choose(rq->accept_language, NULL);
	u->page.title = _(title);
	u->page.site = u->com.name;
	u->page.current = current;
	/* the labels in the request's language, now that it is spoken */
	u->nav[0].href = "/";
	u->nav[0].label = _("Home");
	u->nav[1].href = "/wishes";
	u->nav[1].label = _("Wishes");
	u->nav[2].href = "/items";
	u->nav[2].label = _("Items");
	u->page.nav = u->nav;
	u->page.n_nav = 3;
	web_page_begin(&u->b, &u->page);
}

int web_ui_finish(struct web_ui *u, struct web_reply *rp, unsigned status)
{
	int rc;

	web_page_end(&u->b, &u->page);
	rc = web_buf_error(&u->b);
	if (!rc) {
		web_reply_take(rp, status, "text/html; charset=utf-8",
			       u->b.data, u->b.len);
		u->b.data = NULL; /* the reply's now */
	}
	web_buf_release(&u->b);
	if (u->lang_used)
		web_ui_quiet_end();
	return rc;
}

void web_ui_csrf(struct web_ui *u)
{
	web_html_raw(&u->b, "<input type=\"hidden\" name=\"csrf\"");
	web_html_attr(&u->b, "value", u->rq->session->csrf);
	web_html_raw(&u->b, ">\n");
}

void web_ui_notice(struct web_ui *u, const char *text)
{
	web_html_raw(&u->b, "<p class=\"notice\" role=\"status\">");
	web_html_text(&u->b, text);
	web_html_raw(&u->b, "</p>\n");
}

void web_ui_error(struct web_ui *u, const char *text)
{
	web_html_raw(&u->b, "<p class=\"banner\" role=\"alert\">");
	web_html_text(&u->b, text);
	web_html_raw(&u->b, "</p>\n");
}

const char *web_ui_field(const struct web_form *f, const char *name)
{
	const char *v = web_form_get(f, name);

	return v ? v : "";
}

/* GET /static/NAME: the compiled-in file, or 404. */
static int route_static(struct web_request *rq, struct web_reply *rp)
{
	const struct web_static *st = web_static_find(rq->path);

	if (!st)
		return web_reply_text(rp, MHD_HTTP_NOT_FOUND,
				      _("There is no such page."));
	return web_reply_bytes(rp, MHD_HTTP_OK, st->type, st->data, st->len);
}

const struct web_route web_pages_routes[] = {
	{ "GET", "/", web_page_home, 1 },
	{ "POST", "/checkin", web_page_checkin, 1 },
	{ "GET", "/wishes", web_page_wishes, 1 },
	{ "POST", "/wishes", web_page_wish_post, 1 },
	{ "GET", "/wishes/new", web_page_wish_new, 1 },
	{ "POST", "/wishes/claim", web_page_wish_claim, 1 },
	{ "POST", "/wishes/accept", web_page_wish_accept, 1 },
	{ "POST", "/wishes/deliver", web_page_wish_deliver, 1 },
	{ "POST", "/wishes/confirm", web_page_wish_confirm, 1 },
	{ "GET", "/wishes/:id", web_page_wish, 1 },
	{ "GET", "/items", web_page_items, 1 },
	{ "POST", "/items", web_page_item_post, 1 },
	{ "GET", "/items/new", web_page_item_new, 1 },
	{ "GET", "/items/edit", web_page_item_edit, 1 },
	{ "POST", "/items/edit", web_page_item_edit_post, 1 },
	{ "POST", "/items/request", web_page_item_request, 1 },
	{ "POST", "/items/lend", web_page_item_lend, 1 },
	{ "POST", "/items/give", web_page_item_give, 1 },
	{ "POST", "/items/return", web_page_item_return, 1 },
	{ "POST", "/items/renew", web_page_item_renew, 1 },
	{ "POST", "/items/withdraw", web_page_item_withdraw, 1 },
	{ "GET", "/items/:id", web_page_item, 1 },
	{ "GET", "/static/:file", route_static, 0 },
};

const size_t web_pages_nroutes =
	sizeof web_pages_routes / sizeof web_pages_routes[0];
