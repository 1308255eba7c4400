#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action/i18n.h"
#include "crdt/err.h"
#include "crdt/log.h"
#include "login.h"

const char *web_not_logged_in(void)
{
	return _("You are not logged in. On this computer, run 'kith open' "
		 "and open the link it prints (each link works once, for 10 "
		 "minutes).");
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
	if (!token)
		return web_reply_text(rp, MHD_HTTP_FORBIDDEN,
				      web_not_logged_in());
	rc = web_auth_login(web_server_auth(rq->srv), token, rq->now, &s);
	if (rc == KITH_EDENIED)
		return web_reply_text(rp, MHD_HTTP_FORBIDDEN,
				      _("This login link is not valid: it is "
					"wrong, used already, or older than "
					"10 minutes. On this computer, run "
					"'kith open' again."));
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

/* s with & < > " ' as character references (text and attribute values). */
static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
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
		default:
			fputc(*s, f);
		}
	}
}

/* The logout form: a POST with the session's CSRF token. */
static int route_logout_page(struct web_request *rq, struct web_reply *rp)
{
	char *body = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&body, &len);

	if (!f)
		return KITH_ENOMEM;
	fputs("<!DOCTYPE html>\n<html lang=\"", f);
	/* TRANSLATORS: the language code of this translation (BCP 47),
	 * written into web pages: "zh-CN" for Simplified Chinese */
	esc(f, action_pgettext("html lang", "en"));
	fputs("\">\n<head><meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	      "content=\"width=device-width, initial-scale=1\">\n<title>",
	      f);
	esc(f, _("Log out - kith"));
	fputs("</title></head>\n<body><main>\n<h1>", f);
	esc(f, _("Log out"));
	fputs("</h1>\n<form method=\"post\" action=\"/logout\">\n"
	      "<input type=\"hidden\" name=\"csrf\" value=\"",
	      f);
	esc(f, rq->session->csrf);
	fputs("\">\n<p>", f);
	esc(f, _("Log out of kith in this browser? To come back, run 'kith "
		 "open' on this computer."));
	fputs("</p>\n<button type=\"submit\">", f);
	esc(f, _("Log out"));
	fputs("</button>\n</form>\n</main></body>\n</html>\n", f);
	if (fclose(f)) {
		free(body);
		return KITH_ENOMEM;
	}
	web_reply_take(rp, MHD_HTTP_OK, "text/html; charset=utf-8", body, len);
	return 0;
}

static int route_logout(struct web_request *rq, struct web_reply *rp)
{
	int rc = web_reply_redirect(rp, "/login");

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
	{ "GET", "/healthz", route_healthz, 0 },
	{ "GET", "/login", route_login, 0 },
	{ "GET", "/logout", route_logout_page, 1 },
	{ "POST", "/logout", route_logout, 1 },
};

const size_t web_login_nroutes =
	sizeof web_login_routes / sizeof web_login_routes[0];
