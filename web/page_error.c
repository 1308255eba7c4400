/*
 * page_error.c - the web app's refusals as pages (pages.h: web_page_error,
 * the server's web_server_cfg.error_page; web/server.h says when each is
 * given).
 *
 * Each page keeps the status the server chose and says, in large type and
 * the request's language (the kith_prefs cookie, else Accept-Language):
 * a heading naming what happened, the server's sentence of what went
 * wrong (web_error_text), what to do now, and a link to the home page
 * where going there helps.
 *
 * What a page may show depends on who may be asking:
 *   - a wrong Host (WEB_WHY_HOST) may be another site reading us through
 *     DNS rebinding: the bare shell ("kith", no nav, no footer links),
 *     nothing of the community, the session or the replica;
 *   - without a session (not logged in, or refused before the session is
 *     read: a bad method, a body too large), and for a refused login
 *     link: the bare shell too;
 *   - with a session: the whole shell (web_ui_begin: the community's
 *     name, the nav, the footer), as on every other page.
 */
#include <microhttpd.h>
#include <string.h>

#include "action/i18n.h"
#include "web/login.h"
#include "web/pages.h"

/* The heading and the advice of an error: msgids (N_), translated where
 * they are written, once the request's language is spoken. */
struct advice {
	const char *title; /* also the <title> */
	const char *advice; /* NULL: the sentence says it all */
	int home;	   /* a link home helps */
	int back;	   /* how to come back (web_come_back_html) */
};

static struct advice advice(unsigned status, enum web_why why)
{
	struct advice a = { NULL, NULL, 1, 0 };

	switch (why) {
	case WEB_WHY_HOST:
		/* TRANSLATORS: the heading of the page for a request that
		 * used another name for this computer than kith's */
		a.title = N_("Wrong address");
		a.home = 0;
		return a;
	case WEB_WHY_CSRF:
		a.title = N_("This form could not be sent");
		return a;
	case WEB_WHY_LOGIN:
		a.title = N_("You are not logged in");
		a.home = 0;
		a.back = 1;
		return a;
	case WEB_WHY_LINK:
		a.title = N_("This login link does not work");
		a.home = 0;
		a.back = 1;
		return a;
	case WEB_WHY_KIOSK:
		a.title = N_("This login link does not work");
		a.home = 0;
		a.back = 1;
		return a;
	case WEB_WHY_STATUS:
		break;
	}
	switch (status) {
	case MHD_HTTP_NOT_FOUND:
		a.title = N_("Page not found");
		a.advice = N_("Check the address, or start again from the home "
			   "page.");
		break;
	case MHD_HTTP_METHOD_NOT_ALLOWED:
	case MHD_HTTP_UNSUPPORTED_MEDIA_TYPE:
	case MHD_HTTP_BAD_REQUEST:
	case MHD_HTTP_URI_TOO_LONG:
		a.title = N_("This cannot be done here");
		a.advice = N_("Go back to the page you came from and use its "
			   "buttons.");
		break;
	case MHD_HTTP_CONTENT_TOO_LARGE:
		a.title = N_("Too much to send");
		a.advice = N_("Go back, make the text shorter and send it "
			   "again.");
		break;
	case MHD_HTTP_FORBIDDEN:
		a.title = N_("Not allowed");
		break;
	default:
		a.title = N_("Something went wrong");
		a.advice = N_("Try again in a moment. If it happens again, tell "
			   "whoever looks after this computer.");
		break;
	}
	return a;
}

/* kiosk: a shared computer (web/server.h), where the way back is the
 * name and PIN form, never a login link. */
static void body(struct web_buf *b, unsigned status, enum web_why why,
		 const struct advice *a, int kiosk)
{
	web_html_raw(b, "<div class=\"oops\">\n<h1>");
	web_html_text(b, _(a->title));
	web_html_raw(b, "</h1>\n<p>");
	web_html_text(b, web_error_text(status, why));
	web_html_raw(b, "</p>\n");
	if (a->advice) {
		web_html_raw(b, "<p>");
		web_html_text(b, _(a->advice));
		web_html_raw(b, "</p>\n");
	}
	if (a->back && kiosk) {
		web_html_raw(b, "<p><a class=\"button\" href=\"/login\">");
		web_html_text(b, _("Log in"));
		web_html_raw(b, "</a></p>\n");
	} else if (a->back) {
		web_come_back_html(b);
	}
	if (a->home) {
		web_html_raw(b, "<p><a class=\"button\" href=\"/\">");
		web_html_text(b, _("Go to the home page"));
		web_html_raw(b, "</a></p>\n");
	}
	web_html_raw(b, "</div>\n");
}

/* The bare shell: the language, nothing else of the request. */
static int bare(struct web_request *rq, unsigned status, enum web_why why,
		struct web_reply *rp)
{
	struct advice a = advice(status, why);
	struct web_bare w;
	int rc;

	rc = web_bare_begin(&w, rq, a.title);
	if (rc)
		return rc;
	body(&w.b, status, why, &a, web_request_kiosk(rq));
	return web_bare_finish(&w, rp, status);
}

int web_page_error(struct web_request *rq, unsigned status, enum web_why why,
		   struct web_reply *rp)
{
	struct advice a = advice(status, why);
	struct web_ui u;

	/* a login refused: whatever session the browser has besides, the
	 * page is about not being logged in with this link */
	if (why == WEB_WHY_HOST || why == WEB_WHY_LOGIN ||
	    why == WEB_WHY_LINK || why == WEB_WHY_KIOSK || !rq->session ||
	    !rq->app)
		return bare(rq, status, why, rp);
	web_ui_begin(&u, rq, a.title, NULL);
	body(&u.b, status, why, &a, web_request_kiosk(rq));
	return web_ui_finish(&u, rp, status);
}
