/*
 * acting.c - acting for a neighbour without a device in the web app (see
 * acting.h).
 */
#include <microhttpd.h>
#include <string.h>

#include "action/hosted.h"
#include "action/i18n.h"
#include "crdt/crypto.h"
#include "crdt/err.h"
#include "crdt/log.h"
#include "web/acting.h"
#include "web/pages.h"

/* Forget the session's choice; the next page says why. */
static void drop(struct web_session *s, enum web_acting_lost why)
{
	s->acting = 0;
	crdt_wipe(s->acting_pk, sizeof s->acting_pk);
	s->lost = why;
}

int web_acting_run(struct web_request *rq, struct web_reply *rp,
		   web_page_fn fn)
{
	struct web_session *s = rq->session;
	struct action *a = rq->app;
	int post, rc;

	if (!s || !s->acting || !a)
		return fn(rq, rp);
	post = !strcmp(rq->method, "POST");
	/* still hosted here, and her key opens under ours */
	rc = action_hosts(a, s->acting_pk) ? action_act_as_pk(a, s->acting_pk)
					   : KITH_ENOTFOUND;
	if (rc && s->fixed) {
		/* her own login: never the host instead */
		log_warnx("web: a member logged in with a PIN whose key this "
			  "machine cannot open now (%s); the session ends",
			  kith_strerror(rc));
		a->msg[0] = 0;
		web_auth_end(web_server_auth(rq->srv), s);
		rq->session = NULL;
		return web_reply_error(rq, rp, MHD_HTTP_FORBIDDEN,
				       WEB_WHY_LOGIN);
	}
	if (rc) {
		log_warnx("web: a session acted for a member whose key this "
			  "machine cannot open now (%s); it acts for itself "
			  "again",
			  kith_strerror(rc));
		a->msg[0] = 0;
		drop(s, post ? WEB_ACTING_LOST_POST : WEB_ACTING_LOST_GET);
		if (post) /* meant for her: never done as the host */
			return web_reply_redirect(rp, "/for");
		return fn(rq, rp);
	}
	rc = fn(rq, rp);
	action_act_self(a);
	return rc;
}

int web_acting_who(struct web_request *rq, struct action_person *who)
{
	struct action *a = rq->app;

	/* a neighbour logged in as herself acts for nobody: she is she */
	if (!rq->session || !rq->session->acting || rq->session->fixed || !a)
		return 0;
	action_person(a, rq->session->acting_pk, who);
	return 1;
}

const uint8_t *web_acting_host_pk(const struct action *a)
{
	return a->self.sk ? a->self.pk : action_me(a);
}

void web_acting_banner(struct web_buf *b, void *ctx)
{
	struct web_ui *u = ctx;

	if (!u->acting)
		return;
	web_html_raw(b, "<section class=\"acting\"");
	/* TRANSLATORS: the name screen readers give the banner shown on
	 * every page while one acts for a neighbour without a device */
	web_html_attr(b, "aria-label", _("Acting for a neighbour"));
	web_html_raw(b, ">\n<div class=\"acting-in\">\n<p><strong>");
	/* TRANSLATORS: the banner on every page while the person at the
	 * keyboard acts for a neighbour without a phone or computer; %s is
	 * the neighbour's name */
	web_html_textf(b, _("You are acting for %s"), u->acting_for.label);
	web_html_raw(b, "</strong> ");
	web_html_text(b, _("(a neighbour without a phone or computer). What "
			   "you do now is theirs, entered by you."));
	web_html_raw(b, "</p>\n<form method=\"post\" action=\"/for\">\n"
			"<input type=\"hidden\" name=\"csrf\"");
	web_html_attr(b, "value", u->rq->session->csrf);
	web_html_raw(b, ">\n<input type=\"hidden\" name=\"do\" value=\"self\">\n"
			"<button type=\"submit\">");
	/* TRANSLATORS: the banner's button: stop acting for the neighbour */
	web_html_text(b, _("Act as yourself"));
	web_html_raw(b, "</button>\n</form>\n</div>\n</section>\n");
}
