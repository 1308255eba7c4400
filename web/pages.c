/*
 * pages.c - what every page shares (see pages.h), the compiled-in files,
 * and the route table.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action/i18n.h"
#include "crdt/err.h"
#include "crdt/log.h"
#include "crdt/schema.h"
#include "web/acting.h"
#include "web/pages.h"
#include "web/static.h"

/* The request's language: the preference cookie's, else the browser's. */
static enum web_lang request_lang(const struct web_request *rq)
{
	struct web_prefs p;

	web_prefs_parse(rq->prefs, &p);
	return web_lang_choose(rq->accept_language, p.lang);
}

struct action *web_ui_quiet_begin(struct web_request *rq)
{
	struct action *a = rq->app;

	if (web_lang_use(request_lang(rq)))
		log_warnx("web: cannot switch the language of a page");
	if (action_refresh(a))
		log_warnx("web: %s", a->msg);
	return a;
}

void web_ui_quiet_end(void)
{
	web_lang_reset();
}

static void nav_add(struct web_ui *u, const char *href, const char *label,
		    int more)
{
	struct web_nav_link *l = &u->nav[u->page.n_nav++];

	l->href = href;
	l->label = label;
	l->more = more;
}

/* "You are NAME, in COMMUNITY." for the footer, when both are known;
 * NAME is the person at the keyboard, also while acting for someone. */
static void footer(struct web_ui *u)
{
	struct action_person me;

	u->page.footer = NULL; /* the community's name, or "kith" */
	if (!u->a->r.id.sk)
		return;
	/* the host at the keyboard while acting; else whoever the action
	 * is now (a neighbour logged in with her PIN is herself) */
	action_person(u->a, u->acting ? web_acting_host_pk(u->a)
				      : action_me(u->a), &me);
	if (!me.named)
		return;
	if (u->acting && u->com.name[0])
		snprintf(u->footer, sizeof u->footer,
			 /* TRANSLATORS: the page's footer while acting for a
			  * neighbour without a device: the member logged in,
			  * the neighbour, the community */
			 _("You are %s, acting for %s, in %s."), me.label,
			 u->acting_for.label, u->com.name);
	else if (u->acting)
		snprintf(u->footer, sizeof u->footer,
			 _("You are %s, acting for %s."), me.label,
			 u->acting_for.label);
	else if (u->com.name[0])
		snprintf(u->footer, sizeof u->footer,
			 /* TRANSLATORS: the page's footer: the member logged
			  * in, and their community */
			 _("You are %s, in %s."), me.label, u->com.name);
	else
		snprintf(u->footer, sizeof u->footer, _("You are %s."),
			 me.label);
	u->page.footer = u->footer;
}

const char *web_ui_kiosk_idle(int idle_s, int banner, char *buf,
			      size_t cap)
{
	char span[96];

	if (idle_s <= 0)
		idle_s = WEB_KIOSK_IDLE_S; /* not a kiosk: the default's */
	if (idle_s == 60) /* the default, as people say it */
		return banner ? _("Shared computer: you will be logged out "
				  "after one minute without use.")
			      : _("You were logged out after a minute without "
				  "use.");
	if (idle_s % 60 == 0)
		snprintf(span, sizeof span,
			 ngettext("%d minute", "%d minutes", idle_s / 60),
			 idle_s / 60);
	else
		snprintf(span, sizeof span,
			 ngettext("%d second", "%d seconds", idle_s), idle_s);
	/* TRANSLATORS: %s is a time span, "2 minutes" or "90 seconds" */
	snprintf(buf, cap,
		 banner ? _("Shared computer: you will be logged out after %s "
			    "without use.")
			: _("You were logged out after %s without use."),
		 span);
	return buf;
}

/* Kiosk mode (pages.h): the banner of a shared computer and, with a
 * session, its Log out button (a form of one button: no second page). */
static void kiosk_bar(struct web_buf *b, const struct web_session *s,
		      int idle_s)
{
	char say[256];

	web_html_raw(b, "<section class=\"kiosk\"");
	/* TRANSLATORS: the name screen readers give the band at the top of
	 * every page on a computer that many people share */
	web_html_attr(b, "aria-label", _("Shared computer"));
	web_html_raw(b, ">\n<p>");
	web_html_text(b, web_ui_kiosk_idle(idle_s, 1, say, sizeof say));
	web_html_raw(b, "</p>\n");
	if (s) {
		web_html_raw(b, "<form method=\"post\" action=\"/logout\">\n"
				"<input type=\"hidden\" name=\"csrf\"");
		web_html_attr(b, "value", s->csrf);
		web_html_raw(b, ">\n<button type=\"submit\" class=\"logout\">");
		web_html_text(b, _("Log out"));
		web_html_raw(b, "</button>\n</form>\n");
	}
	web_html_raw(b, "</section>\n");
}

/* The top of a page (web_page.top): kiosk mode's bar, the banner of
 * acting for a neighbour. */
static void ui_top(struct web_buf *b, void *ctx)
{
	struct web_ui *u = ctx;

	if (u->kiosk)
		kiosk_bar(b, u->rq->session, u->kiosk);
	web_acting_banner(b, ctx);
}

/* The top of a bare page in kiosk mode (ctx: the request): the banner
 * alone. */
static void bare_top(struct web_buf *b, void *ctx)
{
	kiosk_bar(b, NULL, web_request_kiosk(ctx));
}

void web_ui_autocomplete(struct web_ui *u)
{
	if (u->kiosk)
		web_html_raw(&u->b, " autocomplete=\"off\"");
}

/* The choice of whom to act for was dropped (web/acting.h): say so on
 * this page, once. */
static void lost(struct web_ui *u)
{
	struct web_session *s = u->rq->session;

	if (!s || s->lost == WEB_ACTING_KEPT)
		return;
	web_html_raw(&u->b, "<p class=\"banner warn\" role=\"alert\">");
	web_html_text(&u->b,
		      s->lost == WEB_ACTING_LOST_POST ?
			      _("This computer cannot open the key of the "
				"neighbour you were acting for any more, so "
				"nothing was saved. You act as yourself now.") :
			      _("This computer cannot open the key of the "
				"neighbour you were acting for any more. You "
				"act as yourself now."));
	web_html_raw(&u->b, "</p>\n");
	s->lost = WEB_ACTING_KEPT;
}

void web_ui_begin(struct web_ui *u, struct web_request *rq, const char *title,
		  const char *current)
{
	memset(u, 0, sizeof *u);
	u->rq = rq;
	web_prefs_parse(rq->prefs, &u->prefs);
	u->kiosk = web_request_kiosk(rq);
	u->easy = u->prefs.easy || u->kiosk;
	u->lang = request_lang(rq);
	u->a = web_ui_quiet_begin(rq);
	u->lang_used = 1;
	web_buf_init(&u->b, WEB_PAGE_MAX);
	if (action_community_about(u->a, &u->com))
		u->com.name[0] = 0;
	/* asked of the action layer, never decided here */
	u->coordinator = !action_require_role(u->a, CRDT_ROLE_COORDINATOR, "");
	u->a->msg[0] = 0;
	u->page.lang = u->lang;
	u->page.easy = u->easy;
	u->page.title = _(title);
	u->page.site = u->com.name;
	u->page.current = current;
	/* the labels in the request's language, now that it is spoken */
	u->page.nav = u->nav;
	nav_add(u, "/", _("Home"), 0);
	nav_add(u, "/wishes", _("Wishes"), 0);
	nav_add(u, "/items", _("Items"), 0);
	/* TRANSLATORS: the menu's link to the list of the community's
	 * members */
	nav_add(u, "/members", _("Members"), 1);
	nav_add(u, "/settings", _("Settings"), 0);
	if (u->coordinator)
		/* TRANSLATORS: the menu's link to the coordinators' pages
		 * (roll call, roles, emergency) */
		nav_add(u, "/coord", _("Coordinate"), 0);
	/* TRANSLATORS: the footer's link to the page of neighbours without
	 * a phone or computer whom one helps (acts for) on this machine */
	u->links[0].href = "/for";
	u->links[0].label = _("Neighbours I help");
	u->links[1].href = "/settings";
	u->links[1].label = _("Settings");
	u->links[2].href = "/logout";
	u->links[2].label = _("Log out");
	u->page.links = u->links;
	u->page.n_links = 3;
	if (rq->session && rq->session->fixed) { /* no /for: web/acting.h */
		u->page.links = u->links + 1;
		u->page.n_links = 2;
	}
	u->acting = web_acting_who(rq, &u->acting_for);
	u->page.top = ui_top;
	u->page.top_ctx = u;
	if (u->kiosk && rq->session) {
		u->page.refresh_s = u->kiosk + WEB_KIOSK_RELOAD_AFTER_S;
		u->page.refresh_to = WEB_KIOSK_RELOAD_TO;
	}
	footer(u);
	web_page_begin(&u->b, &u->page);
	lost(u);
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

/* ---- pieces of pages ----------------------------------------------------- */

void web_ui_fact(struct web_ui *u, const char *label, const char *value)
{
	if (!*value)
		return;
	web_html_raw(&u->b, "<dt>");
	web_html_text(&u->b, label);
	web_html_raw(&u->b, "</dt><dd>");
	web_html_text(&u->b, value);
	web_html_raw(&u->b, "</dd>\n");
}

void web_ui_hidden(struct web_ui *u, const char *name, const char *value)
{
	web_html_raw(&u->b, "<input type=\"hidden\"");
	web_html_attr(&u->b, "name", name);
	web_html_attr(&u->b, "value", value);
	web_html_raw(&u->b, ">\n");
}

void web_ui_button(struct web_ui *u, const char *action, const char *name,
		   const char *value, const char *label, const char *cls)
{
	web_html_raw(&u->b, "<form method=\"post\"");
	web_html_attr(&u->b, "action", action);
	web_html_raw(&u->b, ">\n");
	web_ui_csrf(u);
	web_ui_hidden(u, name, value);
	web_html_raw(&u->b, "<button type=\"submit\"");
	if (cls)
		web_html_attr(&u->b, "class", cls);
	web_html_raw(&u->b, ">");
	web_html_text(&u->b, label);
	web_html_raw(&u->b, "</button>\n</form>\n");
}

void web_ui_search(struct web_ui *u, const char *action, const char *label,
		   const char *value)
{
	web_html_raw(&u->b, "<form method=\"get\"");
	web_html_attr(&u->b, "action", action);
	web_html_raw(&u->b, " role=\"search\"");
	web_ui_autocomplete(u);
	web_html_raw(&u->b, ">\n<label for=\"q\">");
	web_html_text(&u->b, label);
	web_html_raw(&u->b, "</label>\n"
			    "<input type=\"search\" id=\"q\" name=\"q\"");
	web_html_attr(&u->b, "value", value);
	web_html_raw(&u->b, ">\n<button type=\"submit\">");
	web_html_text(&u->b, _("Search"));
	web_html_raw(&u->b, "</button>\n</form>\n");
}

void web_ui_clipped(struct web_ui *u, const char *text, size_t max)
{
	size_t n = strlen(text);

	if (n <= max) {
		web_html_text(&u->b, text);
		return;
	}
	/* back to the start of a character: never half of one */
	n = max;
	while (n && ((unsigned char)text[n] & 0xc0) == 0x80)
		n--;
	web_html_textn(&u->b, text, n);
	web_html_raw(&u->b, "…");
}

/* ---- words as people read them ------------------------------------------ */

/*
 * The words crdt/ stores (kinds, urgencies, statuses) and what the pages
 * say for them: action_pgettext(ctx, word) gives the bare word in English
 * ("on_loan", "normal"), which is no label for a person.  Urgency follows
 * docs/DESIGN.md s2 (critical: a life, urgent: health, normal: hardship).
 */
static const struct web_label item_kind_labels[] = {
	{ "give", N_("To give away") },	 { "lend", N_("To lend") },
	{ "share", N_("To share") },	 { "skill", N_("A skill") },
	{ "service", N_("A service") },	 { "space", N_("A space") },
	{ "resource", N_("Emergency supplies") },
	{ NULL, NULL },
};

static const struct web_label item_status_labels[] = {
	{ "available", N_("Available") },
	{ "requested", N_("Someone asked for it") },
	{ "on_loan", N_("Lent out") },
	{ "expired", N_("Expired") },
	{ "withdrawn", N_("Withdrawn") },
	{ NULL, NULL },
};

const struct web_label web_urgency_labels[] = {
	{ "critical", N_("Life in danger") },
	{ "urgent", N_("Health at risk") },
	{ "normal", N_("Makes daily life hard") },
	{ "low", N_("Can wait") },
	{ NULL, NULL },
};

const struct web_label web_wish_kind_labels[] = {
	{ "material", N_("A thing") },
	{ "service", N_("A service (someone's time)") },
	{ NULL, NULL },
};

const struct web_label web_wish_status_labels[] = {
	{ "open", N_("Waiting for help") },
	{ "claimed", N_("A neighbour offered help") },
	{ "contested", N_("Several neighbours offered help") },
	{ "delivered", N_("Done, waiting to be confirmed") },
	{ "confirmed", N_("Fulfilled") },
	{ "withdrawn", N_("Taken back by its author") },
	{ "expired", N_("No longer listed (too old)") },
	{ NULL, NULL },
};

const struct web_label web_offer_status_labels[] = {
	/* TRANSLATORS: an offer of help nobody has accepted yet */
	{ "active", N_("offers to help") },
	{ "accepted", N_("is helping (offer accepted)") },
	{ "delivered", N_("says it is done") },
	{ "confirmed", N_("helped (confirmed)") },
	{ "cancelled", N_("took the offer back") },
	{ NULL, NULL },
};

const char *web_label_of(const struct web_label *t, const char *ctx,
			 const char *word)
{
	for (; t->word; t++)
		if (!strcmp(t->word, word))
			return _(t->label);
	return action_pgettext(ctx, word); /* a word newer than the table */
}

const char *web_item_kind(const char *word)
{
	return web_label_of(item_kind_labels, "kind", word);
}

const char *web_item_status(const char *word)
{
	return web_label_of(item_status_labels, "status", word);
}

const char *web_wish_urgency(const char *word)
{
	return web_label_of(web_urgency_labels, "urgency", word);
}

const char *web_wish_status(const char *word)
{
	return web_label_of(web_wish_status_labels, "status", word);
}

/* GET /static/NAME: the compiled-in file, or 404. */
static int route_static(struct web_request *rq, struct web_reply *rp)
{
	const struct web_static *st = web_static_find(rq->path);

	if (!st)
		return web_reply_error(rq, rp, MHD_HTTP_NOT_FOUND,
				       WEB_WHY_STATUS);
	return web_reply_bytes(rp, MHD_HTTP_OK, st->type, st->data, st->len);
}

/*
 * The pages that run as the neighbour the session acts for
 * (web/acting.h): each is wrapped in web_acting_run, here and only here.
 */
#define ACTING_PAGES(R) \
	R("GET", "/", web_page_home) \
	R("POST", "/checkin", web_page_checkin) \
	R("GET", "/wishes", web_page_wishes) \
	R("POST", "/wishes", web_page_wish_post) \
	R("GET", "/wishes/new", web_page_wish_new) \
	R("POST", "/wishes/claim", web_page_wish_claim) \
	R("POST", "/wishes/accept", web_page_wish_accept) \
	R("POST", "/wishes/deliver", web_page_wish_deliver) \
	R("POST", "/wishes/confirm", web_page_wish_confirm) \
	R("GET", "/wishes/:id", web_page_wish) \
	R("GET", "/items", web_page_items) \
	R("POST", "/items", web_page_item_post) \
	R("GET", "/items/new", web_page_item_new) \
	R("GET", "/members", web_page_members) \
	R("GET", "/members/replace", web_page_member_replace_ask) \
	R("POST", "/members/replace", web_page_member_replace) \
	R("GET", "/members/:id", web_page_member) \
	R("GET", "/me", web_page_me) \
	R("POST", "/me", web_page_me_post) \
	R("GET", "/join", web_page_join) \
	R("POST", "/join", web_page_join_post) \
	R("GET", "/settings", web_page_settings) \
	R("POST", "/settings", web_page_settings_post) \
	R("GET", "/coord", web_page_coord) \
	R("POST", "/coord/verify", web_page_coord_verify) \
	R("POST", "/coord/role", web_page_coord_role) \
	R("POST", "/coord/emergency", web_page_coord_emergency) \
	R("POST", "/coord/hide", web_page_coord_hide) \
	R("GET", "/coord/roll", web_page_coord_roll) \
	R("GET", "/coord/inventory", web_page_coord_inventory) \
	R("GET", "/coord/sheet", web_page_coord_sheet) \
	R("GET", "/coord/csv/:name", web_page_coord_csv) \
	R("GET", "/coord/invite", web_page_coord_invite) \
	R("GET", "/items/edit", web_page_item_edit) \
	R("POST", "/items/edit", web_page_item_edit_post) \
	R("POST", "/items/request", web_page_item_request) \
	R("POST", "/items/lend", web_page_item_lend) \
	R("POST", "/items/give", web_page_item_give) \
	R("POST", "/items/return", web_page_item_return) \
	R("POST", "/items/renew", web_page_item_renew) \
	R("POST", "/items/withdraw", web_page_item_withdraw) \
	R("GET", "/items/:id", web_page_item) \
	R("GET", "/devices", web_page_devices) \
	R("GET", "/devices/new", web_page_devices_new)

#define ACTING_WRAP(method, path, fn)                                         \
	static int fn##_acting(struct web_request *rq, struct web_reply *rp) \
	{                                                                     \
		return web_acting_run(rq, rp, fn);                            \
	}
ACTING_PAGES(ACTING_WRAP)
#undef ACTING_WRAP

/* The pages of /for, closed to a fixed session (web/acting.h). */
#define OWN_ONLY(fn)                                                          \
	static int fn##_own(struct web_request *rq, struct web_reply *rp)    \
	{                                                                     \
		if (rq->session && rq->session->fixed)                        \
			return web_reply_error(rq, rp, MHD_HTTP_FORBIDDEN,    \
					       WEB_WHY_STATUS);               \
		return fn(rq, rp);                                            \
	}
OWN_ONLY(web_page_for)
OWN_ONLY(web_page_for_post)
OWN_ONLY(web_page_for_host)
OWN_ONLY(web_page_for_handover)
OWN_ONLY(web_page_for_handed)
#undef OWN_ONLY

/* Linking and removing devices: closed to a fixed session (she holds no
 * key of her own here to link from), else as every page, for whom the
 * session acts (the action layer refuses that with its sentence). */
#define MINE(fn)                                                              \
	static int fn##_mine(struct web_request *rq, struct web_reply *rp)   \
	{                                                                     \
		if (rq->session && rq->session->fixed)                        \
			return web_reply_error(rq, rp, MHD_HTTP_FORBIDDEN,    \
					       WEB_WHY_STATUS);               \
		return web_acting_run(rq, rp, fn);                            \
	}
MINE(web_page_devices_add)
MINE(web_page_devices_remove)
#undef MINE

#define ACTING_ROUTE(method, path, fn) { method, path, fn##_acting, 1, 0 },
const struct web_route web_pages_routes[] = {
	ACTING_PAGES(ACTING_ROUTE)
	/* the host's own: whom they help, and acting as themselves again
	 * (never for a neighbour logged in as herself: web/acting.h) */
	{ "GET", "/for", web_page_for_own, 1, 0 },
	{ "POST", "/for", web_page_for_post_own, 1, 0 },
	{ "POST", "/for/host", web_page_for_host_own, 1, 0 },
	{ "POST", "/for/handover", web_page_for_handover_own, 1, 0 },
	{ "GET", "/for/handover", web_page_for_handed_own, 1, 0 },
	{ "POST", "/devices/add", web_page_devices_add_mine, 1, 0 },
	{ "POST", "/devices/remove", web_page_devices_remove_mine, 1, 0 },
	{ "GET", "/static/:file", route_static, 0, 0 },
};
#undef ACTING_ROUTE

const size_t web_pages_nroutes =
	sizeof web_pages_routes / sizeof web_pages_routes[0];

/* ---- the bare shell (pages.h) ------------------------------------------- */

int web_bare_begin(struct web_bare *w, struct web_request *rq,
		   const char *title)
{
	struct web_prefs prefs;
	int rc;

	memset(w, 0, sizeof *w);
	web_prefs_parse(rq->prefs, &prefs);
	w->page.lang = web_lang_choose(rq->accept_language, prefs.lang);
	w->page.easy = prefs.easy || web_request_kiosk(rq);
	if (web_request_kiosk(rq)) {
		w->page.top = bare_top;
		w->page.top_ctx = rq;
	}
	rc = web_lang_use(w->page.lang);
	if (rc)
		return rc;
	w->page.title = _(title);
	web_buf_init(&w->b, WEB_PAGE_MAX);
	web_page_begin(&w->b, &w->page);
	return 0;
}

int web_bare_finish(struct web_bare *w, struct web_reply *rp, unsigned status)
{
	int rc;

	web_page_end(&w->b, &w->page);
	web_lang_reset();
	rc = web_buf_error(&w->b);
	if (!rc) {
		web_reply_take(rp, status, "text/html; charset=utf-8",
			       w->b.data, w->b.len);
		w->b.data = NULL; /* the reply's now */
	}
	web_buf_release(&w->b);
	return rc;
}
