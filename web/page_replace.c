/*
 * page_replace.c - a coordinator replaces the key of a member who lost the
 * only phone or computer that held it (action/replace.h), from that
 * member's page (pages.h):
 *   on GET /members/ID      "Key replaced by NAME on DATE", for everyone
 *                           (web_ui_replaced); for a coordinator, the
 *                           section "Lost their phone or computer?": what
 *                           it does, in plain words, and the form
 *                           (web_ui_replace_form)
 *   POST /members/replace   member=HEX, key (as typed): nothing is
 *                           written; 303 to the question below
 *   GET  /members/replace   ?member=HEX&key=KEY: "Replace NAME's key?",
 *                           what will happen, the button that does it
 *                           (POST do=confirm) and the way back; a reload
 *                           asks again
 *   POST /members/replace   do=confirm: action_member_replace, 303 to
 *                           /members/SHORT?done=replaced; a refusal shows
 *                           the form again with the action's message and
 *                           the id given (422)
 *
 * Who may replace whom, and which ids are refused, is the action's to
 * say: the question is shown only while action_coord_require passes
 * (else its sentence, 403), the form only to a coordinator (the nav's
 * "Coordinate" asks the same), and the action checks both again.  The
 * new id is a public key, not a secret: it may stand in an address.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "action/coord.h"
#include "action/i18n.h"
#include "action/replace.h"
#include "crdt/err.h"
#include "crdt/schema.h"
#include "web/pages.h"

/* An id as typed: longer than this is not one (maxlength of the field) */
#define KEY_TYPED_MAX 200
/* The address of the question: the member's key and the id, encoded */
#define ASK_URL_MAX (64 + 2 * CRDT_PK_LEN + 3 * KEY_TYPED_MAX)

void web_ui_replaced(struct web_ui *u, const uint8_t pk[CRDT_PK_LEN])
{
	struct action_replaced *v = NULL;
	struct action_person by;
	size_t n = 0, i;
	char date[32];

	if (action_member_replacements(u->a, pk, &v, &n)) {
		web_ui_error(u, u->a->msg);
		return;
	}
	for (i = 0; i < n; i++) {
		time_t at = (time_t)v[i].when;
		struct tm tm;

		date[0] = 0;
		if (gmtime_r(&at, &tm))
			strftime(date, sizeof date, "%Y-%m-%d", &tm);
		by = v[i].by;
		web_html_raw(&u->b, "<p class=\"replaced\">");
		/* TRANSLATORS: on a member's page: a coordinator (%1$s) gave
		 * this member a new key because they lost their phone or
		 * computer; %2$s: the date, 2026-12-07 */
		web_html_textf(&u->b, _("Key replaced by %1$s on %2$s"),
			       by.label, date);
		web_html_raw(&u->b, "</p>\n");
	}
	free(v);
}

/* The form: member (hex), key as typed; err next to it when given. */
static void form(struct web_ui *u, const char *member, const char *key,
		 const char *err)
{
	web_html_raw(&u->b, "<form method=\"post\" action=\"/members/replace\" "
			    "class=\"replace\">\n");
	web_ui_csrf(u);
	web_ui_hidden(u, "member", member);
	if (err)
		web_ui_error(u, err);
	web_html_raw(&u->b, "<label for=\"replace-key\">");
	web_html_text(&u->b, _("The new device's id (kith whoami shows it)"));
	/* maxlength: KEY_TYPED_MAX */
	web_html_raw(&u->b, "</label>\n<textarea id=\"replace-key\" "
			    "name=\"key\" rows=\"3\" maxlength=\"200\" "
			    "autocomplete=\"off\" autocapitalize=\"off\" "
			    "spellcheck=\"false\" "
			    "aria-describedby=\"replace-key-hint\">");
	web_html_text(&u->b, key);
	web_html_raw(&u->b, "</textarea>\n<p class=\"hint\" "
			    "id=\"replace-key-hint\">");
	web_html_text(&u->b, _("64 letters and digits. Spaces do not "
			      "matter."));
	web_html_raw(&u->b, "</p>\n<button type=\"submit\">");
	web_html_text(&u->b, _("Replace their key"));
	web_html_raw(&u->b, "</button>\n</form>\n");
}

void web_ui_replace_form(struct web_ui *u, const char *member,
			 const char *name)
{
	web_html_raw(&u->b, "<section class=\"replace\" id=\"replace\">\n"
			    "<h2>");
	web_html_text(&u->b, _("Lost their phone or computer?"));
	web_html_raw(&u->b, "</h2>\n<p>");
	/* TRANSLATORS: %s: the member's name; for coordinators */
	web_html_textf(&u->b, _("If %s lost the only phone or computer that "
				"had kith, you can move them to a new one. "
				"Their name, posts and hours stay theirs."),
		       name);
	web_html_raw(&u->b, "</p>\n<ol class=\"steps\">\n<li>");
	web_html_text(&u->b, _("They install kith on the new phone or "
			      "computer and join the community there."));
	web_html_raw(&u->b, "</li>\n<li>");
	web_html_text(&u->b, _("There they run kith whoami and read you the "
			      "id it shows. Check it with them in person."));
	web_html_raw(&u->b, "</li>\n<li>");
	web_html_text(&u->b, _("Type the id below. You will be asked once "
			      "more before anything changes."));
	web_html_raw(&u->b, "</li>\n</ol>\n");
	form(u, member, "", NULL);
	web_html_raw(&u->b, "</section>\n");
}

/* "/members/replace?member=HEX&key=KEY" into b; its error. */
static int ask_url(struct web_buf *b, const char *member, const char *key)
{
	web_html_raw(b, "/members/replace?member=");
	web_html_url(b, member);
	web_html_raw(b, "&key=");
	return web_html_url(b, key);
}

/* The page that re-shows the form with a refusal (status), or only the
 * refusal when the acting identity is no coordinator. */
static int refused(struct web_request *rq, struct web_reply *rp,
		   const char *member, const char *key, const char *err,
		   unsigned status)
{
	struct action_person who;
	struct web_ui u;

	web_ui_begin(&u, rq, N_("Replace their key"), "/members");
	action_person_hex(u.a, member, &who);
	web_html_raw(&u.b, "<h1>");
	/* TRANSLATORS: %s: the member whose phone or computer was lost */
	web_html_textf(&u.b, _("Replace the key of %s"), who.label);
	web_html_raw(&u.b, "</h1>\n");
	if (u.coordinator)
		form(&u, member, key, err);
	else
		web_ui_error(&u, err);
	web_html_raw(&u.b, "<p><a href=\"/members/");
	web_html_url(&u.b, member);
	web_html_raw(&u.b, "\">");
	web_html_text(&u.b, _("Back to their page"));
	web_html_raw(&u.b, "</a></p>\n");
	return web_ui_finish(&u, rp, status);
}

/* The id as typed, without spaces, in groups of eight for reading. */
static void key_grouped(struct web_ui *u, const char *key)
{
	char g[KEY_TYPED_MAX + KEY_TYPED_MAX / 8 + 2];
	size_t n = 0, k = 0;

	for (; *key && n + 2 < sizeof g; key++) {
		if (*key == ' ' || *key == '\t' || *key == '\r' ||
		    *key == '\n')
			continue;
		if (k && k % 8 == 0)
			g[n++] = ' ';
		g[n++] = *key;
		k++;
	}
	g[n] = 0;
	web_html_raw(&u->b, "<p class=\"invite-code\">");
	web_html_text(&u->b, g);
	web_html_raw(&u->b, "</p>\n");
}

int web_page_member_replace_ask(struct web_request *rq, struct web_reply *rp)
{
	const char *member = web_ui_field(rq->query, "member");
	const char *key = web_ui_field(rq->query, "key");
	struct action_person who;
	struct web_ui u;

	web_ui_begin(&u, rq, N_("Replace their key?"), "/members");
	action_person_hex(u.a, member, &who);
	web_html_raw(&u.b, "<h1>");
	/* TRANSLATORS: %s: the member whose phone or computer was lost */
	web_html_textf(&u.b, _("Replace the key of %s?"), who.label);
	web_html_raw(&u.b, "</h1>\n");
	if (action_coord_require(u.a)) {
		web_ui_error(&u, u.a->msg);
		return web_ui_finish(&u, rp, MHD_HTTP_FORBIDDEN);
	}
	web_html_raw(&u.b, "<p>");
	web_html_text(&u.b, _("Their new phone or computer has this id:"));
	web_html_raw(&u.b, "</p>\n");
	key_grouped(&u, key);
	web_html_raw(&u.b, "<ul class=\"steps\">\n<li>");
	/* TRANSLATORS: %s: the member */
	web_html_textf(&u.b, _("From now on it writes as %s. Their name, posts "
			       "and hours stay theirs."),
		       who.label);
	web_html_raw(&u.b, "</li>\n<li>");
	web_html_text(&u.b, _("Anything their old phone or computer writes "
			      "from now on is ignored everywhere, once the "
			      "machines have synced."));
	web_html_raw(&u.b, "</li>\n<li>");
	web_html_text(&u.b, _("They link their other devices again from the "
			      "new one."));
	web_html_raw(&u.b, "</li>\n<li>");
	web_html_text(&u.b, _("Everyone can see on their page that you "
			      "replaced their key."));
	web_html_raw(&u.b, "</li>\n</ul>\n<p><strong>");
	web_html_text(&u.b, _("Do this only if you checked the id with them "
			      "in person."));
	web_html_raw(&u.b, "</strong></p>\n<form method=\"post\" "
			   "action=\"/members/replace\">\n");
	web_ui_csrf(&u);
	web_ui_hidden(&u, "member", member);
	web_ui_hidden(&u, "key", key);
	web_ui_hidden(&u, "do", "confirm");
	web_html_raw(&u.b, "<button type=\"submit\">");
	web_html_text(&u.b, _("Yes, replace their key"));
	web_html_raw(&u.b, "</button>\n</form>\n<p><a href=\"/members/");
	web_html_url(&u.b, member);
	web_html_raw(&u.b, "\">");
	web_html_text(&u.b, _("No, go back"));
	web_html_raw(&u.b, "</a></p>\n");
	return web_ui_finish(&u, rp, MHD_HTTP_OK);
}

int web_page_member_replace(struct web_request *rq, struct web_reply *rp)
{
	const char *member = web_ui_field(rq->form, "member");
	const char *key = web_ui_field(rq->form, "key");
	char sid[ACTION_SHORT_MAX], msg[ACTION_MSG_MAX];
	char loc[sizeof "/members/?done=replaced" + ACTION_SHORT_MAX];
	struct action_replace r;
	struct web_buf b;
	struct action *a;
	int rc;

	if (strcmp(web_ui_field(rq->form, "do"), "confirm")) {
		web_buf_init(&b, ASK_URL_MAX);
		rc = ask_url(&b, member, key);
		if (!rc)
			rc = web_reply_redirect(rp, b.data);
		web_buf_release(&b);
		if (rc == KITH_ETOOBIG)
			return web_reply_error(rq, rp,
					       MHD_HTTP_CONTENT_TOO_LARGE,
					       WEB_WHY_STATUS);
		return rc;
	}
	a = web_ui_quiet_begin(rq);
	rc = action_member_replace(a, member, key, &r);
	if (rc) {
		snprintf(msg, sizeof msg, "%s", a->msg);
		web_ui_quiet_end();
		return refused(rq, rp, member, key, msg, WEB_UNPROCESSABLE);
	}
	action_short_id(a, CRDT_R_MEMBER, r.who.hex, sid, sizeof sid);
	web_ui_quiet_end();
	snprintf(loc, sizeof loc, "/members/%s?done=replaced", sid);
	return web_reply_redirect(rp, loc);
}
