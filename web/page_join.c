/*
 * page_join.c - joining a community by pasting an invite code (pages.h).
 *
 * GET /join says which community this daemon's member is in, or (when
 * a->joined is 0: no community key in the data directory) shows the form
 * of the invite code.  POST /join hands the code as pasted to
 * action_community_join, which decides everything (a code that is not a
 * kith code, is mistyped, is of another community than ours); its
 * refusal is shown with the form, status 422.  Joined, the page says what
 * comes next: neighbours and their posts appear after the next sync.
 * A code that saved a key calls web_pages_hooks.joined, so the daemon
 * that serves this page, which waited without a community, starts to
 * sync at once (peer/daemon.h).
 *
 * The code is a secret: it is never put into a URL, and the copy the
 * action layer decoded is wiped there; a refused code is shown again
 * only in the form of the person who pasted it, to be corrected.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "action/community.h"
#include "action/i18n.h"
#include "crdt/err.h"
#include "web/pages.h"

struct web_pages_hooks web_pages_hooks;

static int join_page(struct web_request *rq, struct web_reply *rp,
		     const char *code, const char *err, unsigned status)
{
	const char *done = web_ui_field(rq->query, "done");
	struct web_ui u;

	web_ui_begin(&u, rq, N_("Join a community"), NULL);
	web_html_raw(&u.b, "<h1>");
	web_html_text(&u.b, _("Join a community"));
	web_html_raw(&u.b, "</h1>\n");
	if (err)
		web_ui_error(&u, err);
	else if (u.a->joined && !strcmp(done, "joined"))
		web_ui_notice(&u, _("Welcome! You have joined the community. "
				    "Your neighbours, their wishes and items "
				    "appear here after the next sync with "
				    "them, usually within a few minutes."));
	else if (u.a->joined && !strcmp(done, "again"))
		web_ui_notice(&u, _("You are already in this community: "
				    "nothing changed."));
	if (u.a->joined && !err) {
		web_html_raw(&u.b, "<p>");
		if (*u.com.name)
			web_html_textf(&u.b, _("You are a member of %s."),
				       u.com.name);
		else
			web_html_text(&u.b, _("You are a member of a "
					      "community."));
		web_html_raw(&u.b, "</p>\n<p><a class=\"button\" "
				   "href=\"/members\">");
		web_html_text(&u.b, _("See the members"));
		web_html_raw(&u.b, "</a></p>\n<p><a class=\"button\" "
				   "href=\"/\">");
		web_html_text(&u.b, _("Go to the home page"));
		web_html_raw(&u.b, "</a></p>\n");
		return web_ui_finish(&u, rp, status);
	}
	web_html_raw(&u.b, "<p>");
	web_html_text(&u.b, _("To take part, join your neighbours' "
			      "community. Ask a neighbour or a coordinator "
			      "for the invite code, then paste it here."));
	web_html_raw(&u.b, "</p>\n<form method=\"post\" action=\"/join\"");
	web_ui_autocomplete(&u);
	web_html_raw(&u.b, ">\n");
	web_ui_csrf(&u);
	web_html_raw(&u.b, "<label for=\"code\">");
	web_html_text(&u.b, _("Invite code"));
	web_html_raw(&u.b, "</label>\n<textarea id=\"code\" name=\"code\" "
			   "rows=\"3\" autocomplete=\"off\" "
			   "autocapitalize=\"off\" spellcheck=\"false\" "
			   "aria-describedby=\"code-hint\">");
	web_html_text(&u.b, code);
	web_html_raw(&u.b, "</textarea>\n<p class=\"hint\" id=\"code-hint\">");
	web_html_text(&u.b, _("It starts with kith1. Spaces and dashes do "
			      "not matter."));
	web_html_raw(&u.b, "</p>\n<button type=\"submit\">");
	web_html_text(&u.b, _("Join"));
	web_html_raw(&u.b, "</button>\n</form>\n");
	return web_ui_finish(&u, rp, status);
}

int web_page_join(struct web_request *rq, struct web_reply *rp)
{
	return join_page(rq, rp, "", NULL, MHD_HTTP_OK);
}

int web_page_join_post(struct web_request *rq, struct web_reply *rp)
{
	const char *code = web_ui_field(rq->form, "code");
	struct action *a = web_ui_quiet_begin(rq);
	struct action_community info;
	char msg[ACTION_MSG_MAX];
	int again = 0, rc;

	rc = action_community_join(a, code, &info, &again);
	if (rc) {
		snprintf(msg, sizeof msg, "%s", a->msg);
		web_ui_quiet_end();
		return join_page(rq, rp, code, msg, WEB_UNPROCESSABLE);
	}
	web_ui_quiet_end();
	if (!again && web_pages_hooks.joined)
		web_pages_hooks.joined(web_pages_hooks.ctx);
	return web_reply_redirect(rp, again ? "/join?done=again" :
					      "/join?done=joined");
}
