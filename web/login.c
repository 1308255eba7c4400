#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action/i18n.h"
#include "crdt/err.h"
#include "crdt/log.h"
#include "login.h"
#include "web/html.h"
#include "web/lang.h"
#include "web/pages.h"

const char *web_not_logged_in(void)
{
	return _("This page opens only for a member who has logged in with "
		 "this browser.");
}

const char *web_link_refused(void)
{
	return _("This login link is not valid: it is wrong, used already, or "
		 "older than 10 minutes.");
}

const char *web_kiosk_link_refused(void)
{
	return _("On this shared computer, everyone logs in with their name "
		 "and PIN. Login links do not work here.");
}

const char *web_come_back(void)
{
	return _("To come back, open kith again from the link or the icon "
		 "you were given, or ask the person who set kith up for a new "
		 "link.");
}

const char *web_come_back_tech(void)
{
	/* TRANSLATORS: for whoever knows the command line; keep the
	 * command "kith open" as it is */
	return _("On this computer: kith open");
}

/* The advice how to come back, and its smaller technical line. */
void web_come_back_html(struct web_buf *b)
{
	web_html_raw(b, "<p>");
	web_html_text(b, web_come_back());
	web_html_raw(b, "</p>\n<p class=\"hint tech\">");
	web_html_text(b, web_come_back_tech());
	web_html_raw(b, "</p>\n");
}

static int route_healthz(struct web_request *rq, struct web_reply *rp)
{
	(void)rq;
	return web_reply_bytes(rp, MHD_HTTP_OK, "text/plain; charset=utf-8",
			       "ok\n", 3);
}

static int route_login(struct web_request *rq, struct web_reply *rp)
{
	const char *token = web_form_get(rq->query, "token");
	struct web_session *s;
	int rc;

	if (!token && rq->session)
		return web_reply_redirect(rp, "/");
	if (!token && web_login_pin_possible(rq))
		return web_login_pin_form(rq, rp);
	if (!token)
		return web_reply_error(rq, rp, MHD_HTTP_FORBIDDEN,
				       WEB_WHY_LOGIN);
	/* a shared computer: a link would log in whoever holds the
	 * machine's account, so only names and PINs work (server.h) */
	if (web_request_kiosk(rq))
		return web_reply_error(rq, rp, MHD_HTTP_FORBIDDEN,
				       WEB_WHY_KIOSK);
	/* a login link is for a browser on this machine: off loopback,
	 * anyone on the network could try one copied from a screen */
	if (!web_request_local(rq))
		return web_reply_error(rq, rp, MHD_HTTP_FORBIDDEN,
				       WEB_WHY_LINK);
	rc = web_auth_login(web_server_auth(rq->srv), token, rq->now, &s);
	if (rc == KITH_EDENIED)
		return web_reply_error(rq, rp, MHD_HTTP_FORBIDDEN,
				       WEB_WHY_LINK);
	if (rc) {
		log_warnx("web: a login refused: %s", kith_strerror(rc));
		return rc;
	}
	rc = web_reply_redirect(rp, "/");
	if (rc)
		return rc;
	snprintf(rp->cookie, sizeof rp->cookie,
		 "%s=%s; HttpOnly; SameSite=Strict; Path=/", WEB_COOKIE, s->id);
	log_info("web: a new session (logged in with a one-time link)");
	return 0;
}

/* The logout form: a POST with the session's CSRF token, in the bare
 * page shell (web_bare_begin) and the request's language. */
static int route_logout_page(struct web_request *rq, struct web_reply *rp)
{
	struct web_bare w;
	int rc;

	rc = web_bare_begin(&w, rq, N_("Log out"));
	if (rc)
		return rc;
	web_html_raw(&w.b, "<h1>");
	web_html_text(&w.b, _("Log out"));
	web_html_raw(&w.b, "</h1>\n<form method=\"post\" action=\"/logout\">\n"
			   "<input type=\"hidden\" name=\"csrf\"");
	web_html_attr(&w.b, "value", rq->session->csrf);
	web_html_raw(&w.b, ">\n<p>");
	web_html_text(&w.b, _("Log out of kith in this browser?"));
	web_html_raw(&w.b, "</p>\n<button type=\"submit\">");
	web_html_text(&w.b, _("Log out"));
	web_html_raw(&w.b, "</button>\n</form>\n");
	return web_bare_finish(&w, rp, MHD_HTTP_OK);
}

/* Where logging out lands (POST /logout's 303): no session needed, the
 * bare shell, how to come back. With a session (someone opened the
 * address while logged in) it would not be true: home instead. */
static int route_logged_out(struct web_request *rq, struct web_reply *rp)
{
	struct web_bare w;
	int rc;

	if (rq->session)
		return web_reply_redirect(rp, "/");
	rc = web_bare_begin(&w, rq, N_("You are logged out"));
	if (rc)
		return rc;
	web_html_raw(&w.b, "<div class=\"oops\">\n<h1>");
	web_html_text(&w.b, _("You are logged out"));
	web_html_raw(&w.b, "</h1>\n<p>");
	web_html_text(&w.b, _("kith is closed in this browser. Nobody using "
			      "it after you can see your page."));
	web_html_raw(&w.b, "</p>\n");
	if (web_request_kiosk(rq)) {
		/* the next person logs in here, with their own PIN */
		web_html_raw(&w.b, "<p><a class=\"button\" href=\"/login\">");
		web_html_text(&w.b, _("Log in"));
		web_html_raw(&w.b, "</a></p>\n");
	} else {
		web_come_back_html(&w.b);
	}
	web_html_raw(&w.b, "</div>\n");
	return web_bare_finish(&w, rp, MHD_HTTP_OK);
}

static int route_logout(struct web_request *rq, struct web_reply *rp)
{
	int rc = web_reply_redirect(rp, "/logged-out");

	if (rc)
		return rc;
	web_auth_end(web_server_auth(rq->srv), rq->session);
	rq->session = NULL;
	snprintf(rp->cookie, sizeof rp->cookie,
		 "%s=; Max-Age=0; HttpOnly; SameSite=Strict; Path=/",
		 WEB_COOKIE);
	return 0;
}

const struct web_route web_login_routes[] = {
	{ "GET", "/healthz", route_healthz, 0, 0 },
	{ "GET", "/login", route_login, 0, 0 },
	{ "POST", "/login", web_login_pin_post, 0, 1 },
	{ "GET", "/logout", route_logout_page, 1, 0 },
	{ "POST", "/logout", route_logout, 1, 0 },
	{ "GET", "/logged-out", route_logged_out, 0, 0 },
};

const size_t web_login_nroutes =
	sizeof web_login_routes / sizeof web_login_routes[0];
