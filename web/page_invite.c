/*
 * page_invite.c - inviting a neighbour (pages.h):
 *   GET /coord/invite   the community's invite code as a QR code (SVG)
 *                       and as text in groups of four, with what a
 *                       resident does with it; printable (kith.css's
 *                       @media print drops the app around it).
 * And web_ui_qr, the QR code of any text as an <svg> (the notice sheet's
 * address uses it too).
 *
 * The code is a secret: anyone holding it reads and posts in the
 * community.  So the page is a coordinator's only (action_coord_require,
 * else its sentence and 403, and no code), the code is wiped from our
 * buffers after the page is written, and every response carries
 * Cache-Control: no-store (web/server.c).  The SVG follows the CSP: fill
 * attributes, no style attribute; its path holds only M h v z, digits and
 * spaces (action/qr.h) and is written through the attribute writer all
 * the same.
 */
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "action/community.h"
#include "action/i18n.h"
#include "action/qr.h"
#include "crdt/crypto.h"
#include "crdt/err.h"
#include "web/pages.h"

int web_ui_qr(struct web_ui *u, const char *text)
{
	struct action_qr q;
	char *d;
	int rc = action_qr_make(&q, text);

	if (rc)
		return rc;
	d = action_qr_path(&q);
	if (!d) {
		action_qr_release(&q);
		return KITH_ENOMEM;
	}
	web_html_fmt(&u->b,
		     "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" "
		     "viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\" "
		     "aria-hidden=\"true\"><rect width=\"%d\" height=\"%d\" "
		     "fill=\"#fff\"/><path fill=\"#000\"",
		     q.width, q.width, q.width, q.width);
	web_html_attr(&u->b, "d", d);
	web_html_raw(&u->b, "/></svg>\n");
	crdt_wipe(d, strlen(d));
	free(d);
	action_qr_release(&q);
	return 0;
}

/* the code in groups of four after its "kith1", for reading aloud and
 * typing (the decoder skips spaces) */
static void code_text(struct web_ui *u, const char *code)
{
	char g[PEER_INVITE_MAX * 2];

	action_invite_grouped(code, g, sizeof g);
	web_html_raw(&u->b, "<p class=\"invite-code\">");
	web_html_text(&u->b, g);
	web_html_raw(&u->b, "</p>\n");
	crdt_wipe(g, sizeof g);
}

int web_page_coord_invite(struct web_request *rq, struct web_reply *rp)
{
	struct action_community info;
	char code[PEER_INVITE_MAX];
	unsigned status = MHD_HTTP_OK;
	struct web_ui u;

	if (web_ui_coord_begin(&u, rq, N_("Invite a neighbour"),
			       WEB_COORD_NOPRINT, NULL))
		return web_ui_finish(&u, rp, MHD_HTTP_FORBIDDEN);
	web_html_raw(&u.b, "<p><a href=\"/coord\">");
	web_html_text(&u.b, _("Back to coordinating"));
	web_html_raw(&u.b, "</a></p>\n<p class=\"hint\">");
	web_html_text(&u.b, _("Show this to a neighbour you have met, or print "
			      "it and hand it over in person. Anyone "
			      "holding the code can read and post in the "
			      "community: never pin it up."));
	web_html_raw(&u.b, "</p>\n</div>\n");
	if (action_community_invite(u.a, &info, code, sizeof code)) {
		web_ui_error(&u, u.a->msg);
		return web_ui_finish(&u, rp, MHD_HTTP_INTERNAL_SERVER_ERROR);
	}
	web_html_raw(&u.b, "<section class=\"invite\">\n<h2>");
	web_html_textf(&u.b, _("Join %s on kith"),
		       *info.name ? info.name : _("Our neighbourhood"));
	web_html_raw(&u.b, "</h2>\n<p><strong>");
	web_html_text(&u.b, _("Scan it with the phone's camera and copy the "
			      "text it shows into kith's \"Join\" page, or "
			      "type the code there."));
	web_html_raw(&u.b, "</strong></p>\n");
	if (web_ui_qr(&u, code)) {
		web_ui_error(&u, _("The QR code could not be made; the code "
				   "below works the same."));
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	code_text(&u, code);
	web_html_raw(&u.b, "<p class=\"hint\">");
	web_html_text(&u.b, _("Spaces do not matter. On a computer with kith "
			      "installed: kith community join"));
	web_html_raw(&u.b, "</p>\n");
	web_html_raw(&u.b, "</section>\n");
	crdt_wipe(code, sizeof code);
	return web_ui_finish(&u, rp, status);
}
