/*
 * page_device.c - one person on several devices (action/device.h) in the
 * web app (pages.h):
 *   GET  /devices          "Your devices": the member key and each device
 *                          linked to it, when each last wrote, a Remove
 *                          button per linked device, and the button
 *                          linking a new one; ?done=removed says one was
 *   POST /devices/add      link a new device (action_device_add); its code
 *                          goes to the session's one-time slot (web/auth.h
 *                          web_auth_once_put), 303 to /devices/new
 *   GET  /devices/new      the code, once: grouped for reading, as a QR
 *                          code, and what to do with it on the new device
 *   POST /devices/remove   key=HEX: without sure=1 the question "Remove
 *                          this device?" (nothing changes: a reload asks
 *                          again); with it, action_device_remove and 303
 *                          to /devices?done=removed
 * And web_ui_link_code, the code of a new device or of a neighbour
 * handed over (web/page_for.c) with its QR code and instructions.
 *
 * A link code is a secret like a house key: it never goes into an
 * address, lives in the session from the POST to the one GET that shows
 * it (taking it wipes it: a reload shows that it was shown), and every
 * response carries Cache-Control: no-store (web/server.c).  The pages run
 * as whom the session acts for (web/acting.h); the action layer refuses
 * to link or remove while one acts for a neighbour, and on a linked
 * device, with its own sentence (422).  A neighbour logged in with her
 * own PIN (a fixed session) gets 403 for the POSTs (pages.c) and a page
 * that says who holds her key.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action/community.h"
#include "action/device.h"
#include "action/hosted.h"
#include "action/i18n.h"
#include "crdt/crypto.h"
#include "crdt/err.h"
#include "web/pages.h"

#define TAG_LEN 8 /* hex characters of a key shown as its tag */

void web_ui_link_code(struct web_ui *u, const char *code)
{
	char g[WEB_ONCE_MAX * 2];

	web_html_raw(&u->b, "<p class=\"banner warn\" role=\"alert\">");
	web_html_text(&u->b, _("This code is like a house key: whoever has it "
			       "can post as its owner. Show it to nobody "
			       "else, never pin it up, and use it today. It "
			       "is shown only this once."));
	web_html_raw(&u->b, "</p>\n<ol class=\"steps\">\n<li>");
	web_html_text(&u->b, _("On the new phone or computer, install kith."));
	web_html_raw(&u->b, "</li>\n<li>");
	web_html_text(&u->b, _("There, run this command with the code below "
			       "(scan the square with the phone's camera to "
			       "copy the code):"));
	web_html_raw(&u->b, "<br>\n<code>kith init --link CODE</code></li>\n"
			    "<li>");
	web_html_text(&u->b, _("Start kith there while it is on the same "
			       "Wi-Fi as this computer. The two sync by "
			       "themselves; after that it is ready to use."));
	web_html_raw(&u->b, "</li>\n</ol>\n");
	if (web_ui_qr(u, code))
		web_ui_error(u, _("The QR code could not be made; the code "
				  "below works the same."));
	action_invite_grouped(code, g, sizeof g);
	web_html_raw(&u->b, "<p class=\"invite-code\">");
	web_html_text(&u->b, g);
	web_html_raw(&u->b, "</p>\n<p class=\"hint\">");
	web_html_text(&u->b, _("Spaces do not matter when the code is typed."));
	web_html_raw(&u->b, "</p>\n");
	crdt_wipe(g, sizeof g);
}

/* What a person calls this key: this computer, the first device. */
static const char *device_name(const struct action_device *d)
{
	if (d->member && d->here)
		return _("This computer (your first device: it holds your "
			 "member key)");
	if (d->member)
		return _("Your first device (holds your member key)");
	if (d->here)
		return _("This computer (linked to your first device)");
	return _("A phone or computer linked to you");
}

/* When it last wrote, in words; a linked device's first change is its
 * link, so one change means it has written nothing yet. */
static void device_when(struct web_ui *u, const struct action_device *d)
{
	char ago[64];

	web_ui_ago(u, d->last * 1000, ago, sizeof ago);
	if (!d->last)
		web_html_text(&u->b, _("Nothing posted or changed from it "
				      "yet."));
	else if (!d->member && d->changes <= 1)
		/* TRANSLATORS: %s: when, e.g. "5 minutes ago" */
		web_html_textf(&u->b, _("Linked %s; nothing posted or "
					"changed from it yet."),
			       ago);
	else
		/* TRANSLATORS: %s: when, e.g. "5 minutes ago" */
		web_html_textf(&u->b, _("Last posted or changed something "
					"%s."), ago);
}

/* One card: what it is, its tag, when it wrote; buttons: the Remove
 * form (with_remove). */
static void device_card(struct web_ui *u, const struct action_device *d,
			int with_remove)
{
	web_html_raw(&u->b, "<li>\n<p><strong>");
	web_html_text(&u->b, device_name(d));
	web_html_raw(&u->b, "</strong><br>\n");
	/* TRANSLATORS: the first characters of a device's key, to tell two
	 * devices apart; %.8s: eight letters and digits */
	web_html_textf(&u->b, _("Key tag: %.8s"), d->key);
	web_html_raw(&u->b, "<br>\n");
	device_when(u, d);
	web_html_raw(&u->b, "</p>\n");
	if (with_remove && !d->member && !d->here)
		web_ui_button(u, "/devices/remove", "key", d->key,
			      /* TRANSLATORS: a button by a linked phone or
			       * computer; a question follows */
			      _("Remove this device"), "secondary");
	web_html_raw(&u->b, "</li>\n");
}

/* The page; err: a refusal to show (422), else ?done= says what
 * happened. */
static int render(struct web_request *rq, struct web_reply *rp, const char *err,
		  unsigned status)
{
	struct action_device *v = NULL;
	struct web_ui u;
	size_t n = 0, i;
	int acting, fixed = rq->session && rq->session->fixed;

	web_ui_begin(&u, rq, N_("Your devices"), NULL);
	acting = action_acting_as(u.a);
	web_html_raw(&u.b, "<h1>");
	web_html_text(&u.b, _("Your devices"));
	web_html_raw(&u.b, "</h1>\n");
	if (err)
		web_ui_error(&u, err);
	else if (!strcmp(web_ui_field(rq->query, "done"), "removed"))
		web_ui_notice(&u, _("The device is removed. What it wrote "
				    "before stays; anything it writes from now "
				    "on is ignored everywhere, once your "
				    "computers have synced."));
	web_html_raw(&u.b, "<p>");
	web_html_text(&u.b, _("You can use kith as yourself on more than one "
			      "phone or computer. Each one linked here posts "
			      "as you."));
	web_html_raw(&u.b, "</p>\n");
	if (action_device_list(u.a, &v, &n)) {
		web_ui_error(&u, u.a->msg);
	} else if (n) {
		web_html_raw(&u.b, "<ul class=\"cards\">\n");
		for (i = 0; i < n; i++)
			device_card(&u, &v[i], !acting && !u.a->linked);
		web_html_raw(&u.b, "</ul>\n");
	}
	free(v);
	web_html_raw(&u.b, "<h2>");
	web_html_text(&u.b, _("Link a new device"));
	web_html_raw(&u.b, "</h2>\n<p>");
	if (fixed) {
		web_html_text(&u.b, _("Your key is kept on this computer by the "
				      "neighbour who helps you. When you have "
				      "a phone of your own, ask them to hand "
				      "you over to it."));
		web_html_raw(&u.b, "</p>\n");
	} else if (acting) {
		web_html_text(&u.b, _("Only the neighbour you act for can link "
				      "a device of theirs. When they have a "
				      "phone of their own, hand them over on "
				      "the page \"Neighbours I help\"."));
		web_html_raw(&u.b, "</p>\n<p><a href=\"/for\">");
		web_html_text(&u.b, _("Neighbours I help"));
		web_html_raw(&u.b, "</a></p>\n");
	} else if (u.a->linked) {
		web_html_text(&u.b, _("This computer is linked to your first "
				      "device. To link another phone or "
				      "computer, or to remove one, use your "
				      "first device: the one that holds your "
				      "member key."));
		web_html_raw(&u.b, "</p>\n");
	} else {
		web_html_text(&u.b, _("Link a phone or computer you use: you "
				      "get a code to type or scan on it, shown "
				      "once. Then it posts as you."));
		web_html_raw(&u.b, "</p>\n");
		web_ui_button(&u, "/devices/add", "do", "link",
			      _("Link a new device"), NULL);
	}
	return web_ui_finish(&u, rp, status);
}

int web_page_devices(struct web_request *rq, struct web_reply *rp)
{
	return render(rq, rp, NULL, MHD_HTTP_OK);
}

int web_page_devices_add(struct web_request *rq, struct web_reply *rp)
{
	char code[PEER_LINK_MAX * 2], key[2 * CRDT_PK_LEN + 1];
	char msg[ACTION_MSG_MAX];
	struct action *a = web_ui_quiet_begin(rq);
	int rc = action_device_add(a, code, sizeof code, key);

	if (!rc) {
		rc = web_auth_once_put(rq->session, WEB_ONCE_LINK, code, NULL);
		crdt_wipe(code, sizeof code);
		web_ui_quiet_end();
		return rc ? rc : web_reply_redirect(rp, "/devices/new");
	}
	snprintf(msg, sizeof msg, "%s", a->msg);
	web_ui_quiet_end();
	return render(rq, rp, msg, WEB_UNPROCESSABLE);
}

int web_page_devices_new(struct web_request *rq, struct web_reply *rp)
{
	char code[WEB_ONCE_MAX];
	struct web_ui u;
	int got = web_auth_once_take(rq->session, WEB_ONCE_LINK, code,
				     sizeof code, NULL);

	web_ui_begin(&u, rq, N_("Link a new device"), NULL);
	web_html_raw(&u.b, "<h1>");
	web_html_text(&u.b, _("Link a new device"));
	web_html_raw(&u.b, "</h1>\n");
	if (got) {
		web_html_raw(&u.b, "<p><strong>");
		web_html_text(&u.b, _("Your new device is ready to link. Do "
				      "this on it now:"));
		web_html_raw(&u.b, "</strong></p>\n");
		web_ui_link_code(&u, code);
		crdt_wipe(code, sizeof code);
		web_html_raw(&u.b, "<p>");
		web_html_text(&u.b, _("If that phone or computer is lost, or "
				      "the code reached someone else, remove "
				      "it on \"Your devices\"."));
		web_html_raw(&u.b, "</p>\n");
	} else {
		web_ui_notice(&u, _("The code of a new device is shown only "
				    "once, and it has been shown. If it was "
				    "not used, link the device again for a "
				    "new code, and remove the unused one."));
	}
	web_html_raw(&u.b, "<p><a href=\"/devices\">");
	web_html_text(&u.b, _("Back to your devices"));
	web_html_raw(&u.b, "</a></p>\n");
	return web_ui_finish(&u, rp, MHD_HTTP_OK);
}

/* "Remove this device?" for key (as the list shows it, when it is one of
 * ours), with the button that does it. */
static int ask_remove(struct web_request *rq, struct web_reply *rp,
		      const char *key)
{
	struct action_device *v = NULL;
	struct web_ui u;
	size_t n = 0, i;

	web_ui_begin(&u, rq, N_("Remove this device?"), NULL);
	web_html_raw(&u.b, "<h1>");
	web_html_text(&u.b, _("Remove this device?"));
	web_html_raw(&u.b, "</h1>\n");
	if (!action_device_list(u.a, &v, &n))
		for (i = 0; i < n; i++)
			if (!strcmp(v[i].key, key)) {
				web_html_raw(&u.b, "<ul class=\"cards\">\n");
				device_card(&u, &v[i], 0);
				web_html_raw(&u.b, "</ul>\n");
			}
	free(v);
	u.a->msg[0] = 0;
	web_html_raw(&u.b, "<p>");
	web_html_text(&u.b, _("Anything it writes from now on is ignored "
			      "everywhere. What it wrote before stays. Do "
			      "this when the phone or computer is lost, "
			      "stolen or no longer yours."));
	web_html_raw(&u.b, "</p>\n<form method=\"post\" "
			   "action=\"/devices/remove\">\n");
	web_ui_csrf(&u);
	web_ui_hidden(&u, "key", key);
	web_ui_hidden(&u, "sure", "1");
	web_html_raw(&u.b, "<button type=\"submit\">");
	web_html_text(&u.b, _("Yes, remove this device"));
	web_html_raw(&u.b, "</button>\n</form>\n<p><a href=\"/devices\">");
	web_html_text(&u.b, _("No, keep it"));
	web_html_raw(&u.b, "</a></p>\n");
	return web_ui_finish(&u, rp, MHD_HTTP_OK);
}

int web_page_devices_remove(struct web_request *rq, struct web_reply *rp)
{
	const char *key = web_ui_field(rq->form, "key");
	char removed[2 * CRDT_PK_LEN + 1], msg[ACTION_MSG_MAX];
	struct action *a;
	uint64_t after = 0;
	int rc;

	if (strcmp(web_ui_field(rq->form, "sure"), "1"))
		return ask_remove(rq, rp, key);
	a = web_ui_quiet_begin(rq);
	rc = action_device_remove(a, key, removed, &after);
	if (!rc) {
		web_ui_quiet_end();
		return web_reply_redirect(rp, "/devices?done=removed");
	}
	snprintf(msg, sizeof msg, "%s", a->msg);
	web_ui_quiet_end();
	return render(rq, rp, msg, WEB_UNPROCESSABLE);
}
