/*
 * page_settings.c - the person's own settings (pages.h): which language
 * the pages speak and easy mode for elders.
 *
 *   GET  /settings   the form; ?done=saved says they are saved
 *   POST /settings   lang=auto|en|zh_CN, easy=1 (absent: off), csrf;
 *                    sets the kith_prefs cookie and answers 303 to
 *                    /settings?done=saved
 *
 * The page ends with a link to "Your devices" (web/page_device.c).
 *
 * Where they live: in the browser, in the kith_prefs cookie (web/lang.h
 * has its format and parser).  They are a person's taste, not a secret
 * and not a fact of the community, so they are neither in the replica
 * (which every member syncs) nor in the session (which a logout or a
 * restarted daemon forgets).  The cookie is SameSite=Strict, Path=/,
 * kept a year (Max-Age), readable by every page and by the error pages
 * (which are answered before a session is looked at); the defaults
 * (automatic language, no easy mode) clear it.  Only whitelisted words
 * are ever written or read back.
 *
 * The POST changes no replica, so there is no action to call: a value
 * outside the lists is refused here with 422 and the form shown again.
 *
 * Kiosk mode (web/server.h): easy mode is always on, so the page says so
 * instead of offering the box; a POST keeps the language only.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "action/i18n.h"
#include "web/pages.h"

#define PREFS_AGE_S (365 * 24 * 3600)

/* One radio button of the language. */
static void lang_choice(struct web_ui *u, const char *value, const char *tag,
			const char *label, int checked)
{
	web_html_raw(&u->b, "<label class=\"choice\"><input type=\"radio\" "
			    "name=\"lang\"");
	web_html_attr(&u->b, "value", value);
	if (checked)
		web_html_raw(&u->b, " checked");
	web_html_raw(&u->b, "><span");
	if (tag)
		web_html_attr(&u->b, "lang", tag);
	web_html_raw(&u->b, ">");
	web_html_text(&u->b, label);
	web_html_raw(&u->b, "</span></label>\n");
}

/* The easy mode box, ticked when on, and its hint (open: the caller
 * closes the hint's </p>). */
static void easy_box(struct web_ui *u, int on)
{
	web_html_raw(&u->b, "<label class=\"choice\">"
			    "<input type=\"checkbox\" name=\"easy\" value=\"1\"");
	if (on)
		web_html_raw(&u->b, " checked");
	web_html_raw(&u->b, " aria-describedby=\"easy-hint\"><span>");
	web_html_text(&u->b, _("Bigger buttons and text, fewer choices"));
	web_html_raw(&u->b, "</span></label>\n<p class=\"hint\" id=\"easy-hint\">");
	web_html_text(&u->b, _("For anyone who finds small buttons or many "
			       "choices hard. You can turn it off here at any "
			       "time."));
}

/* The page, its form showing p; refused: say the values sent were not
 * among the choices (422). */
static int render(struct web_request *rq, struct web_reply *rp,
		  const struct web_prefs *p, int refused, unsigned status)
{
	const char *done = web_ui_field(rq->query, "done");
	const char *lang = p->lang ? p->lang : "";
	struct web_ui u;

	web_ui_begin(&u, rq, N_("Settings"), "/settings");
	web_html_raw(&u.b, "<h1>");
	web_html_text(&u.b, _("Settings"));
	web_html_raw(&u.b, "</h1>\n");
	if (refused)
		web_ui_error(&u, _("Choose one of the languages shown, and "
				   "tick easy mode or leave it empty."));
	else if (!strcmp(done, "saved"))
		web_ui_notice(&u, _("Your settings are saved. Every page now "
				    "uses them, in this browser."));
	web_html_raw(&u.b, "<form method=\"post\" action=\"/settings\" "
			   "class=\"settings\">\n");
	web_ui_csrf(&u);
	web_html_raw(&u.b, "<fieldset>\n<legend>");
	web_html_text(&u.b, _("Language"));
	web_html_raw(&u.b, "</legend>\n");
	lang_choice(&u, "auto", NULL,
		    /* TRANSLATORS: the language setting's first choice: the
		     * language the browser asks for */
		    _("Automatic (the browser's language)"), !*lang);
	/* Each language is named in itself, untranslated, so a person who
	 * cannot read the page's language still finds their own. */
	lang_choice(&u, "en", "en", "English", !strcmp(lang, "en"));
	lang_choice(&u, "zh_CN", "zh-Hans", "简体中文",
		    !strcmp(lang, "zh_CN"));
	web_html_raw(&u.b, "</fieldset>\n<fieldset>\n<legend>");
	web_html_text(&u.b, _("Easy mode"));
	web_html_raw(&u.b, "</legend>\n");
	if (u.kiosk) {
		/* kiosk mode: always on, nothing to choose (server.h) */
		web_html_raw(&u.b, "<p class=\"hint\" id=\"easy-kiosk\">");
		web_html_text(&u.b, _("On this shared computer, easy mode is "
				      "always on."));
	} else {
		easy_box(&u, p->easy);
	}
	web_html_raw(&u.b, "</p>\n</fieldset>\n");
	web_html_raw(&u.b, "<button type=\"submit\">");
	web_html_text(&u.b, _("Save"));
	web_html_raw(&u.b, "</button>\n</form>\n<p class=\"hint\">");
	web_html_text(&u.b, _("These settings are kept in this browser only. "
			      "On another phone or computer, choose them "
			      "there."));
	web_html_raw(&u.b, "</p>\n<h2>");
	web_html_text(&u.b, _("Your devices"));
	web_html_raw(&u.b, "</h2>\n<p>");
	web_html_text(&u.b, _("You can use kith as yourself on your phone and "
			      "on your computer. See which ones are linked to "
			      "you, link a new one, or remove a lost one."));
	web_html_raw(&u.b, "</p>\n<p><a href=\"/devices\">");
	web_html_text(&u.b, _("Your phones and computers"));
	web_html_raw(&u.b, "</a></p>\n");
	return web_ui_finish(&u, rp, status);
}

int web_page_settings(struct web_request *rq, struct web_reply *rp)
{
	struct web_prefs p;

	web_prefs_parse(rq->prefs, &p);
	return render(rq, rp, &p, 0, MHD_HTTP_OK);
}

int web_page_settings_post(struct web_request *rq, struct web_reply *rp)
{
	const char *lang = web_ui_field(rq->form, "lang");
	const char *easy = web_form_get(rq->form, "easy");
	char value[WEB_PREFS_MAX + 1];
	struct web_prefs p = { NULL, 0 };
	int rc;

	if (!strcmp(lang, "en") || !strcmp(lang, "zh_CN"))
		p.lang = lang;
	else if (*lang && strcmp(lang, "auto"))
		goto refuse;
	if (easy && strcmp(easy, "1"))
		goto refuse;
	p.easy = easy != NULL;
	if (web_prefs_format(&p, value, sizeof value))
		goto refuse;
	rc = web_reply_redirect(rp, "/settings?done=saved");
	if (rc)
		return rc;
	if (*value)
		snprintf(rp->cookie, sizeof rp->cookie,
			 "%s=%s; HttpOnly; SameSite=Strict; Path=/; "
			 "Max-Age=%d",
			 WEB_PREFS_COOKIE, value, PREFS_AGE_S);
	else
		snprintf(rp->cookie, sizeof rp->cookie,
			 "%s=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0",
			 WEB_PREFS_COOKIE);
	return 0;
refuse:
	/* the form as it was: the cookie's values, in its language */
	web_prefs_parse(rq->prefs, &p);
	return render(rq, rp, &p, 1, WEB_UNPROCESSABLE);
}
