/*
 * page_wish.c - the wish pages (pages.h): the list with search, the form
 * of a new wish, one wish with its offers, and the four things people do
 * with offers: offer help, accept, deliver, confirm with hours.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "action/hours_parse.h"
#include "action/i18n.h"
#include "action/names.h"
#include "action/wish.h"
#include "crdt/err.h"
#include "crdt/rules.h"
#include "crdt/schema.h"
#include "web/pages.h"

/* ---- shared ------------------------------------------------------------- */

/* "Name", "Neighbour (via Name)" for a wish posted for someone, "Name
 * (entered by Host)" for a neighbour without a device, or "Yours". */
static void wish_who(struct web_ui *u, const struct crdt_row *r)
{
	const char *forname = action_col_text(r, "for_name");
	const char *entered = action_col_text(r, "entered_by");
	struct action_person who;

	action_person_hex(u->a, action_col_text(r, "author"), &who);
	if (*forname)
		/* TRANSLATORS: a neighbour a wish is for, via its poster */
		web_html_textf(&u->b, _("%s (via %s)"), forname, who.label);
	else if (action_is_me(u->a, who.pk))
		/* TRANSLATORS: a wish in a list that the person looking
		 * posted (or that was posted for them) */
		web_html_text(&u->b, _("Your wish"));
	else if (*entered)
		/* TRANSLATORS: a neighbour without a device, then who
		 * entered the wish for them */
		web_html_textf(&u->b, _("%s (entered by %s)"), who.label,
			       entered);
	else
		web_html_text(&u->b, who.label);
}

/* <a class="go" href="/wishes/SHORT">TITLE</a>: a big target */
static void wish_link(struct web_ui *u, const struct crdt_row *r)
{
	char sid[ACTION_SHORT_MAX];

	action_short_id(u->a, CRDT_R_WISH, action_col_text(r, "id"), sid,
			sizeof sid);
	web_html_raw(&u->b, "<a class=\"go\" href=\"/wishes/");
	web_html_url(&u->b, sid);
	web_html_raw(&u->b, "\">");
	web_html_text(&u->b, action_col_text(r, "title"));
	web_html_raw(&u->b, "</a>");
}

/* One wish as a card of a list: the title, then urgency, status, who. */
static int wish_card(void *ctx, const struct crdt_row *r)
{
	struct web_ui *u = ctx;

	web_html_raw(&u->b, "<li>");
	wish_link(u, r);
	web_html_raw(&u->b, "<p class=\"hint\">");
	web_html_text(&u->b, web_label_of(web_urgency_labels, "urgency",
				      action_col_text(r, "urgency")));
	web_html_raw(&u->b, " · ");
	web_html_text(&u->b, web_label_of(web_wish_status_labels, "status",
				      action_col_text(r, "status")));
	web_html_raw(&u->b, " · ");
	wish_who(u, r);
	web_html_raw(&u->b, "</p></li>\n");
	return 0;
}

/* Home's list of the most urgent open wishes (page_home.c). */
struct wish_cards {
	struct web_ui *u;
	int n, max;
};

static int wish_card_counted(void *ctx, const struct crdt_row *r)
{
	struct wish_cards *c = ctx;

	if (c->max && c->n >= c->max)
		return 1; /* enough: stop */
	if (!c->n)
		web_html_raw(&c->u->b, "<ul class=\"cards\">\n");
	c->n++;
	return wish_card(c->u, r);
}

int web_ui_wish_cards(struct web_ui *u, const struct action_wish_query *q,
		      int max, int *n)
{
	struct wish_cards c = { u, 0, max };
	int rc = action_wish_list(u->a, q, wish_card_counted, &c);

	if (rc == 1)
		rc = 0;
	if (c.n)
		web_html_raw(&u->b, "</ul>\n");
	*n = c.n;
	return rc;
}

/* A sentence for ?done=WORD after a POST, or NULL. */
static const char *done_text(const char *done)
{
	if (!strcmp(done, "posted"))
		return _("Your wish is posted. Neighbours see it when your "
			 "machines sync. When someone offers help, the offer "
			 "shows here and on your home page, and you can "
			 "accept it.");
	if (!strcmp(done, "claimed"))
		return _("You offered help. The person who posted the wish "
			 "sees your offer when your machines sync, and can "
			 "accept it; your home page tells you when they do.");
	if (!strcmp(done, "accepted"))
		return _("You accepted the offer. Your helper sees it when "
			 "your machines sync. When the help is done, come "
			 "back here to confirm it and give the hours.");
	if (!strcmp(done, "delivered"))
		return _("You said you have done it. The person who posted "
			 "the wish sees it when your machines sync, and "
			 "confirms it.");
	if (!strcmp(done, "confirmed"))
		return _("The wish is confirmed as fulfilled. Thank you! The "
			 "hours credited to your helper are shown below.");
	return NULL;
}

/* ---- GET /wishes -------------------------------------------------------- */

/* The most urgent open wishes the list shows: a town has thousands (the
 * bench's 16,000 made a page over WEB_PAGE_MAX); a search finds the rest. */
#define WISHES_SHOWN 100

int web_page_wishes(struct web_request *rq, struct web_reply *rp)
{
	struct action_wish_query q = { .urgency = -1 };
	const char *search = web_ui_field(rq->query, "q");
	struct web_ui u;
	int n = 0;

	web_ui_begin(&u, rq, N_("Wishes"), "/wishes");
	web_html_raw(&u.b, "<h1>");
	web_html_text(&u.b, _("Wishes"));
	web_html_raw(&u.b, "</h1>\n"
			   "<p><a class=\"button\" href=\"/wishes/new\">");
	web_html_text(&u.b, _("Post a wish"));
	web_html_raw(&u.b, "</a></p>\n");
	web_ui_search(&u, "/wishes", _("Search wishes (English or Chinese)"),
		      search);
	q.search = *search ? search : NULL;
	if (web_ui_wish_cards(&u, &q, WISHES_SHOWN, &n))
		web_ui_error(&u, u.a->msg);
	else if (n >= WISHES_SHOWN && q.search)
		web_ui_notice(&u, _("Only the most urgent wishes that match "
				    "are shown. Add a word to find fewer."));
	else if (n >= WISHES_SHOWN)
		web_ui_notice(&u, _("Only the most urgent open wishes are "
				    "shown. Search to find the others."));
	else if (!n && q.search)
		web_ui_notice(&u, _("No open wish matches your search."));
	else if (!n)
		web_ui_notice(&u, _("There are no open wishes."));
	return web_ui_finish(&u, rp, MHD_HTTP_OK);
}

/* ---- GET /wishes/new, POST /wishes -------------------------------------- */

/* <select> of words (shown by their labels in t), with value selected. */
static void select_words(struct web_ui *u, const char *const *words, int n,
			 const struct web_label *t, const char *ctx,
			 const char *value)
{
	int i;

	for (i = 0; i < n; i++) {
		web_html_raw(&u->b, "<option");
		web_html_attr(&u->b, "value", words[i]);
		if (!strcmp(value, words[i]))
			web_html_raw(&u->b, " selected");
		web_html_raw(&u->b, ">");
		web_html_text(&u->b, web_label_of(t, ctx, words[i]));
		web_html_raw(&u->b, "</option>\n");
	}
}

/* The form, with the values of f (or the defaults when f is NULL) and a
 * refusal (or NULL). */
static int wish_form(struct web_request *rq, struct web_reply *rp,
		     const struct web_form *f, const char *err,
		     unsigned status)
{
	const char *urg = f ? web_ui_field(f, "urgency") : "normal";
	const char *kind = f ? web_ui_field(f, "kind") : "material";
	struct web_ui u;

	web_ui_begin(&u, rq, N_("Post a wish"), "/wishes");
	web_html_raw(&u.b, "<h1>");
	web_html_text(&u.b, _("Post a wish"));
	web_html_raw(&u.b, "</h1>\n");
	if (err)
		web_ui_error(&u, err);
	web_html_raw(&u.b, "<form method=\"post\" action=\"/wishes\"");
	web_ui_autocomplete(&u);
	web_html_raw(&u.b, ">\n");
	web_ui_csrf(&u);
	web_html_raw(&u.b, "<label for=\"title\">");
	web_html_text(&u.b, _("What do you need?"));
	web_html_raw(&u.b, "</label>\n<input type=\"text\" id=\"title\" "
			   "name=\"title\"");
	web_html_attr(&u.b, "value", f ? web_ui_field(f, "title") : "");
	web_html_raw(&u.b, ">\n<label for=\"urgency\">");
	web_html_text(&u.b, _("How urgent is it?"));
	web_html_raw(&u.b, "</label>\n"
			   "<select id=\"urgency\" name=\"urgency\">\n");
	select_words(&u, crdt_urgencies, CRDT_URGENCIES, web_urgency_labels,
		     "urgency", urg);
	web_html_raw(&u.b, "</select>\n<label for=\"kind\">");
	web_html_text(&u.b, _("A thing or a service?"));
	web_html_raw(&u.b, "</label>\n<select id=\"kind\" name=\"kind\">\n");
	select_words(&u, crdt_wish_kinds, CRDT_WISH_KINDS,
		     web_wish_kind_labels,
		     "kind", kind);
	web_html_raw(&u.b, "</select>\n<label for=\"for\">");
	web_html_text(&u.b, _("Is it for a neighbour? Their name (optional)"));
	web_html_raw(&u.b, "</label>\n"
			   "<input type=\"text\" id=\"for\" name=\"for\" "
			   "aria-describedby=\"for-hint\"");
	web_html_attr(&u.b, "value", f ? web_ui_field(f, "for") : "");
	web_html_raw(&u.b, ">\n<p class=\"hint\" id=\"for-hint\">");
	web_html_text(&u.b, _("Leave this empty when the wish is for you. "
			      "If you ask for a neighbour who has no phone "
			      "or computer, write their name: helpers see "
			      "that the wish is for them, and you answer "
			      "the offers and confirm the help for them."));
	web_html_raw(&u.b, " ");
	web_html_text(&u.b, _("If they are a neighbour kept on this computer "
			      "(see \"Neighbours I help\"), the wish becomes "
			      "theirs: act for them to answer the offers."));
	web_html_raw(&u.b, "</p>\n<label for=\"description\">");
	web_html_text(&u.b, _("More about it (optional)"));
	web_html_raw(&u.b, "</label>\n<textarea id=\"description\" "
			   "name=\"description\" rows=\"4\">");
	web_html_text(&u.b, f ? web_ui_field(f, "description") : "");
	web_html_raw(&u.b, "</textarea>\n<button type=\"submit\">");
	web_html_text(&u.b, _("Post the wish"));
	web_html_raw(&u.b, "</button>\n</form>\n");
	return web_ui_finish(&u, rp, status);
}

int web_page_wish_new(struct web_request *rq, struct web_reply *rp)
{
	return wish_form(rq, rp, NULL, NULL, MHD_HTTP_OK);
}

int web_page_wish_post(struct web_request *rq, struct web_reply *rp)
{
	const struct web_form *f = rq->form;
	const char *urg = web_ui_field(f, "urgency");
	const char *kind = web_ui_field(f, "kind");
	const char *forname = web_ui_field(f, "for");
	const char *desc = web_ui_field(f, "description");
	char msg[ACTION_MSG_MAX], loc[ACTION_SHORT_MAX + 32];
	struct action_wish_fields w;
	struct action_wish_result res;
	struct action *a = web_ui_quiet_begin(rq);
	int rc = 0;

	action_wish_fields_init(&w);
	w.title = web_ui_field(f, "title");
	w.for_name = *forname ? forname : NULL;
	w.description = *desc ? desc : NULL;
	if (*urg) {
		w.urgency =
			crdt_enum_lookup(crdt_urgencies, CRDT_URGENCIES, urg);
		if (w.urgency < 0)
			rc = action_fail(a, KITH_EINVAL, "%s",
					 _("Choose how urgent it is from the "
					   "list."));
	}
	if (!rc && *kind) {
		w.kind = crdt_enum_lookup(crdt_wish_kinds, CRDT_WISH_KINDS,
					  kind);
		if (w.kind < 0)
			rc = action_fail(a, KITH_EINVAL, "%s",
					 _("Choose a thing or a service from "
					   "the list."));
	}
	if (!rc)
		rc = action_wish_add(a, &w, &res);
	if (rc) {
		snprintf(msg, sizeof msg, "%s", a->msg);
		web_ui_quiet_end();
		return wish_form(rq, rp, f, msg, WEB_UNPROCESSABLE);
	}
	web_ui_quiet_end();
	snprintf(loc, sizeof loc, "/wishes/%s?done=posted", res.wish_short);
	return web_reply_redirect(rp, loc);
}

/* ---- GET /wishes/ID ----------------------------------------------------- */

/*
 * How much of the offers a wish's page shows.  Anyone can sign any number
 * of offers (the action layer refuses a second one by the same helper,
 * crdt/ accepts what is signed), each with a note of CRDT_MAX_TEXT bytes:
 * the page lists one offer per helper, at most OFFERS_SHOWN of them (past
 * that, the ones that matter - accepted, delivered, confirmed, mine - up
 * to OFFERS_SHOWN_MAX), notes cut at NOTE_SHOWN bytes, and says how many
 * more there are.
 */
#define OFFERS_SHOWN 50
#define OFFERS_SHOWN_MAX 60
#define NOTE_SHOWN 300
#define HELPER_HEX (2 * CRDT_PK_LEN + 1)

struct show {
	struct web_ui *u;
	char sid[ACTION_SHORT_MAX]; /* the wish's short id */
	char id[2 * CRDT_ID_LEN + 1]; /* its whole id, in hex */
	char status[16];
	int mine;	/* my wish */
	int offers;	/* offers shown */
	int open;	/* not withdrawn, confirmed or expired */
	int my_offer;	/* an offer of mine stands (not taken back) */
	int no_hours;	/* confirmed without hours */
	int helped;	/* an offer is confirmed: its helper can be
			 * credited */
	int more;	/* offers not shown (OFFERS_SHOWN) */
	char seen[OFFERS_SHOWN_MAX][HELPER_HEX]; /* helpers shown */
	const struct action_private_view *priv;
};

static int show_wish(void *ctx, const struct crdt_row *r)
{
	struct show *s = ctx;
	struct web_ui *u = s->u;
	const char *st = action_col_text(r, "status");
	const char *forname = action_col_text(r, "for_name");
	const struct crdt_col *hours = crdt_row_get(r, "hours");
	struct action_person who;
	char h[32];

	action_short_id(u->a, CRDT_R_WISH, action_col_text(r, "id"), s->sid,
			sizeof s->sid);
	snprintf(s->status, sizeof s->status, "%s", st);
	snprintf(s->id, sizeof s->id, "%s", action_col_text(r, "id"));
	s->open = strcmp(st, "withdrawn") && strcmp(st, "confirmed") &&
		  strcmp(st, "expired");
	action_person_hex(u->a, action_col_text(r, "author"), &who);
	s->mine = action_is_me(u->a, who.pk);
	web_html_raw(&u->b, "<h1>");
	web_html_text(&u->b, action_col_text(r, "title"));
	web_html_raw(&u->b, "</h1>\n<dl class=\"wish\">\n");
	web_ui_fact(u, _("Status"),
		    web_label_of(web_wish_status_labels, "status", st));
	/* whom the help is for: a neighbour without a device (and who
	 * posted it for them), or the poster - so no "Posted by" line
	 * saying the same again */
	web_html_raw(&u->b, "<dt>");
	web_html_text(&u->b, _("For"));
	web_html_raw(&u->b, "</dt><dd>");
	if (*forname)
		/* TRANSLATORS: a wish posted for a neighbour without a
		 * phone or computer: their name, then the poster's */
		web_html_textf(&u->b, _("%s, a neighbour; %s posted it for "
					"them and answers the offers"),
			       forname, who.label);
	else if (s->mine && u->acting && *action_col_text(r, "entered_by"))
		/* TRANSLATORS: one's own wish, entered by one's host (the
		 * web app acting for a neighbour without a device; she who
		 * logged in with her own PIN reads just "You") */
		web_html_textf(&u->b, _("You (%s entered it for you)"),
			       action_col_text(r, "entered_by"));
	else if (s->mine)
		web_html_text(&u->b, _("You"));
	else if (*action_col_text(r, "entered_by"))
		/* TRANSLATORS: a wish of a neighbour hosted on a machine
		 * (no device of their own): their name, then their host's */
		web_html_textf(&u->b, _("%s (no device: %s entered it)"),
			       who.label, action_col_text(r, "entered_by"));
	else
		web_html_text(&u->b, who.label);
	web_html_raw(&u->b, "</dd>\n");
	web_ui_fact(u, _("Urgency"),
		    web_label_of(web_urgency_labels, "urgency",
				 action_col_text(r, "urgency")));
	web_ui_fact(u, _("Kind"),
		    web_label_of(web_wish_kind_labels, "kind",
				 action_col_text(r, "kind")));
	web_ui_fact(u, _("Where"), action_col_text(r, "location"));
	web_ui_fact(u, _("More about it"), action_col_text(r, "description"));
	if (s->priv->state == ACTION_PRIV_OPEN)
		web_ui_fact(u, _("Private note (only the author and the "
				 "accepted helper read it)"),
			    s->priv->text);
	if (!strcmp(st, "confirmed")) {
		s->no_hours = !hours || hours->type != CRDT_COL_REAL;
		if (!s->no_hours) {
			snprintf(h, sizeof h, "%g", hours->d);
			web_ui_fact(u, _("Hours credited to the helper"), h);
		} else {
			web_ui_fact(u, _("Hours credited to the helper"),
				    _("none given"));
		}
	}
	web_html_raw(&u->b, "</dl>\n<h2>");
	web_html_text(&u->b, _("Offers of help"));
	web_html_raw(&u->b, "</h2>\n");
	return 0;
}

/* The viewer's own offer, one whole sentence per status. */
static const char *my_offer_status(const char *st)
{
	if (!strcmp(st, "accepted"))
		return _("You are helping (your offer is accepted)");
	if (!strcmp(st, "delivered"))
		return _("You said it is done");
	if (!strcmp(st, "confirmed"))
		return _("You helped (confirmed)");
	if (!strcmp(st, "cancelled"))
		return _("You took your offer back");
	return _("You offered to help");
}

static int show_offer(void *ctx, const struct crdt_row *r)
{
	struct show *s = ctx;
	struct web_ui *u = s->u;
	const char *st = action_col_text(r, "status");
	const char *note = action_col_text(r, "note");
	char cid[ACTION_SHORT_MAX];
	struct action_person who;

	const char *helper = action_col_text(r, "claimant");
	int mine, i;

	action_person_hex(u->a, helper, &who);
	mine = action_is_me(u->a, who.pk);
	if (mine && strcmp(st, "cancelled"))
		s->my_offer = 1;
	if (!strcmp(st, "confirmed"))
		s->helped = 1;
	/* one offer per helper; the first OFFERS_SHOWN helpers, then only
	 * what matters */
	for (i = 0; i < s->offers && i < OFFERS_SHOWN_MAX; i++)
		if (!strcmp(s->seen[i], helper))
			break;
	if ((i < s->offers && strcmp(st, "accepted") &&
	     strcmp(st, "delivered") && strcmp(st, "confirmed")) ||
	    s->offers >= OFFERS_SHOWN_MAX ||
	    (s->offers >= OFFERS_SHOWN && !mine &&
	     (!strcmp(st, "active") || !strcmp(st, "cancelled")))) {
		s->more++;
		return 0;
	}
	snprintf(s->seen[s->offers], sizeof s->seen[s->offers], "%s", helper);
	action_short_id(u->a, CRDT_R_CLAIM, action_col_text(r, "id"), cid,
			sizeof cid);
	if (!s->offers++)
		web_html_raw(&u->b, "<ul class=\"cards\">\n");
	web_html_raw(&u->b, "<li><p>");
	if (mine)
		web_html_text(&u->b, my_offer_status(st));
	else
		/* TRANSLATORS: an offer of help: who offers it, and its
		 * status ("Ben: accepted") */
		web_html_textf(&u->b, _("%s: %s"), who.label,
			       web_label_of(web_offer_status_labels, "status",
					    st));
	web_html_raw(&u->b, "</p>\n");
	if (*note) {
		/* the helper's own words, quoted (the browser's quotation
		 * marks of the page's language), clipped on a page that a
		 * member may have filled with offers */
		web_html_raw(&u->b, "<p><q>");
		web_ui_clipped(u, note, NOTE_SHOWN);
		web_html_raw(&u->b, "</q></p>\n");
	}
	if (s->open && s->mine && !strcmp(st, "active"))
		web_ui_button(u, "/wishes/accept", "offer", cid,
			      _("Accept this offer"), NULL);
	if (s->open && mine &&
	    (!strcmp(st, "active") || !strcmp(st, "accepted"))) {
		web_html_raw(&u->b, "<p class=\"hint\">");
		web_html_text(&u->b,
			      !strcmp(st, "accepted") ?
				      _("Your offer is accepted. When you "
					"have helped, press \"I have done "
					"it\".") :
				      _("Your offer waits to be accepted. If "
					"you have already helped, you can "
					"say so now."));
		web_html_raw(&u->b, "</p>\n");
		web_ui_button(u, "/wishes/deliver", "offer", cid,
			      _("I have done it"), NULL);
	}
	web_html_raw(&u->b, "</li>\n");
	return 0;
}

/* The confirm form: hours for the helper, optional; hours: the value
 * given when the form comes back refused.  late: the wish is confirmed
 * without hours, which may be added once (action/wish.h). */
static void confirm_form(struct web_ui *u, const char *sid, const char *hours,
			 int late)
{
	web_html_raw(&u->b, "<h2>");
	web_html_text(&u->b, late ? _("Add the hours of help?") :
				    _("Was your wish fulfilled?"));
	web_html_raw(&u->b, "</h2>\n<form method=\"post\" "
			    "action=\"/wishes/confirm\"");
	web_ui_autocomplete(u);
	web_html_raw(&u->b, ">\n");
	web_ui_csrf(u);
	web_html_raw(&u->b, "<input type=\"hidden\" name=\"wish\"");
	web_html_attr(&u->b, "value", sid);
	web_html_raw(&u->b, ">\n<label for=\"hours\">");
	web_html_text(&u->b, _("How many hours did your helper give? "
			       "(optional)"));
	web_html_raw(&u->b, "</label>\n<input type=\"text\" id=\"hours\" "
			    "name=\"hours\" inputmode=\"decimal\" "
			    "aria-describedby=\"hours-hint\"");
	web_html_attr(&u->b, "value", hours);
	web_html_raw(&u->b, ">\n<p class=\"hint\" id=\"hours-hint\">");
	web_html_textf(&u->b, _("For example 1.5 for an hour and a half, "
				"from 0 to %d. They go to your helper in the "
				"time bank. Leave it empty to count none."),
		       CRDT_MAX_HOURS);
	web_html_raw(&u->b, "</p>\n<button type=\"submit\">");
	web_html_text(&u->b, late ? _("Add the hours") :
				    _("Confirm it was done"));
	web_html_raw(&u->b, "</button>\n</form>\n");
}

static int render_wish(struct web_request *rq, struct web_reply *rp,
		       const char *id, const char *err, unsigned status)
{
	const char *done = web_ui_field(rq->query, "done");
	struct action_private_view priv;
	uint8_t wid[CRDT_ID_LEN];
	struct web_ui u;
	struct show s;
	int rc;

	memset(&s, 0, sizeof s);
	memset(&priv, 0, sizeof priv);
	web_ui_begin(&u, rq, N_("Wish"), "/wishes");
	s.u = &u;
	s.priv = &priv;
	if (err)
		web_ui_error(&u, err);
	else if (done_text(done))
		web_ui_notice(&u, done_text(done));
	rc = action_wish_show(u.a, id, &priv, show_wish, show_offer, &s, wid);
	action_private_view_wipe(&priv);
	if (rc) {
		web_ui_error(&u, u.a->msg);
		web_html_raw(&u.b, "<p><a href=\"/wishes\">");
		web_html_text(&u.b, _("All wishes"));
		web_html_raw(&u.b, "</a></p>\n");
		return web_ui_finish(&u, rp,
				     rc == KITH_ENOTFOUND || rc == KITH_EINVAL ?
					     MHD_HTTP_NOT_FOUND :
					     MHD_HTTP_INTERNAL_SERVER_ERROR);
	}
	if (s.offers) {
		web_html_raw(&u.b, "</ul>\n");
		if (s.more) {
			web_html_raw(&u.b, "<p>");
			web_html_textf(&u.b,
				       ngettext("%d more offer is not shown.",
						"%d more offers are not shown.",
						(unsigned long)s.more),
				       s.more);
			web_html_raw(&u.b, "</p>\n");
		}
	} else {
		web_html_raw(&u.b, "<p>");
		web_html_text(&u.b, _("Nobody has offered help yet."));
		web_html_raw(&u.b, "</p>\n");
	}
	if (s.open && !s.mine && !s.my_offer)
		web_ui_button(&u, "/wishes/claim", "wish", s.sid,
			      _("Offer help"), NULL);
	/* asked once the help is under way (action/wish.h) */
	if (s.open && s.mine && action_wish_confirm_due(u.a, s.id))
		confirm_form(&u, s.sid, web_ui_field(rq->form, "hours"), 0);
	else if (s.mine && s.no_hours && s.helped)
		confirm_form(&u, s.sid, web_ui_field(rq->form, "hours"), 1);
	/* the way back, as an item's page has it */
	web_html_raw(&u.b, "<p><a href=\"/wishes\">");
	web_html_text(&u.b, _("All wishes"));
	web_html_raw(&u.b, "</a></p>\n");
	return web_ui_finish(&u, rp, status);
}

int web_page_wish(struct web_request *rq, struct web_reply *rp)
{
	return render_wish(rq, rp, rq->path + strlen("/wishes/"), NULL,
			   MHD_HTTP_OK);
}

/* ---- the POSTs on a wish ------------------------------------------------ */

/* A refusal about an offer whose wish is unknown. */
static int message_page(struct web_request *rq, struct web_reply *rp,
			const char *msg, unsigned status)
{
	struct web_ui u;

	web_ui_begin(&u, rq, N_("Wishes"), "/wishes");
	web_ui_error(&u, msg);
	web_html_raw(&u.b, "<p><a href=\"/wishes\">");
	web_html_text(&u.b, _("All wishes"));
	web_html_raw(&u.b, "</a></p>\n");
	return web_ui_finish(&u, rp, status);
}

enum verb { CLAIM, ACCEPT, DELIVER, CONFIRM };

static int wish_verb(struct web_request *rq, struct web_reply *rp,
		     enum verb v)
{
	static const char *const done[] = { "claimed", "accepted",
					    "delivered", "confirmed" };
	const char *arg = web_ui_field(rq->form, v == CLAIM || v == CONFIRM ?
							 "wish" : "offer");
	const char *hours = web_ui_field(rq->form, "hours");
	char msg[ACTION_MSG_MAX], loc[ACTION_SHORT_MAX + 32];
	struct action_wish_result res;
	struct action *a = web_ui_quiet_begin(rq);
	int64_t quarters = -1;
	int rc = 0;

	memset(&res, 0, sizeof res);
	if (v == CONFIRM && *hours)
		rc = action_hours_read(a, hours, &quarters);
	if (!rc && v == CLAIM)
		rc = action_wish_claim(a, arg, 1, NULL, &res);
	else if (!rc && v == ACCEPT)
		rc = action_wish_accept(a, arg, &res);
	else if (!rc && v == DELIVER)
		rc = action_wish_deliver(a, arg, &res);
	else if (!rc)
		rc = action_wish_confirm(a, arg, quarters, &res);
	if (rc) {
		snprintf(msg, sizeof msg, "%s", a->msg);
		web_ui_quiet_end();
		/* shown on the wish's page: the wish as typed, or the
		 * offer's wish when the action found it */
		if (v == CLAIM || v == CONFIRM)
			return render_wish(rq, rp, arg, msg, WEB_UNPROCESSABLE);
		if (res.wish_short[0])
			return render_wish(rq, rp, res.wish_short, msg,
					   WEB_UNPROCESSABLE);
		return message_page(rq, rp, msg, WEB_UNPROCESSABLE);
	}
	web_ui_quiet_end();
	snprintf(loc, sizeof loc, "/wishes/%s?done=%s", res.wish_short,
		 done[v]);
	return web_reply_redirect(rp, loc);
}

int web_page_wish_claim(struct web_request *rq, struct web_reply *rp)
{
	return wish_verb(rq, rp, CLAIM);
}

int web_page_wish_accept(struct web_request *rq, struct web_reply *rp)
{
	return wish_verb(rq, rp, ACCEPT);
}

int web_page_wish_deliver(struct web_request *rq, struct web_reply *rp)
{
	return wish_verb(rq, rp, DELIVER);
}

int web_page_wish_confirm(struct web_request *rq, struct web_reply *rp)
{
	return wish_verb(rq, rp, CONFIRM);
}
