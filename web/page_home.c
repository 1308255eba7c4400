/*
 * page_home.c - the home page (pages.h): the emergency banner with a
 * one-button check-in, what waits for me, the most urgent open wishes;
 * and the check-in's POST.
 *
 * The heading greets the person by name (the header already names the
 * community), so whoever holds a shared phone sees whose page it is.
 * "Waiting for you" lists, one line each, what only I can move on: an
 * offer on my wish to accept, help on my wish to confirm, my offer a
 * wish's author accepted and I have to deliver (action_wish_to_deliver),
 * a loan due, a request for my item.  Every line is a link to the page
 * where I act (/wishes/ID, /items/ID) and says what to do there.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action/checkin.h"
#include "action/coord.h"
#include "action/i18n.h"
#include "action/item.h"
#include "action/loan.h"
#include "action/member.h"
#include "action/names.h"
#include "action/wish.h"
#include "crdt/err.h"
#include "crdt/schema.h"
#include "web/pages.h"

#define HOME_WISHES 10 /* the most urgent open wishes shown */

/* My own line of the roll call (action_checkin_roll of my building). */
struct my_checkin {
	struct web_ui *u;
	int status;    /* ACTION_CHECKIN_* */
	int64_t at_ms; /* 0: none */
};

static int my_checkin_row(void *ctx, const struct action_checkin_row *r)
{
	struct my_checkin *m = ctx;

	if (!action_is_me(m->u->a, r->who.pk))
		return 0;
	m->status = r->status;
	m->at_ms = r->at_ms;
	return 1; /* found: stop */
}

/* What I said since the emergency started, or nothing: the banner says
 * it, so nobody presses again wondering whether it was heard. */
static void my_checkin(struct web_ui *u, int64_t since_ms)
{
	struct my_checkin m = { .u = u, .status = ACTION_CHECKIN_UNKNOWN };
	struct action_me *me = calloc(1, sizeof *me);
	char ago[128];

	if (!me)
		return;
	if (!action_member_whoami(u->a, me) &&
	    action_checkin_roll(u->a, me->building, my_checkin_row, &m) == 1 &&
	    m.at_ms >= since_ms && m.status != ACTION_CHECKIN_UNKNOWN) {
		web_ui_ago(u, m.at_ms, ago, sizeof ago);
		web_html_raw(&u->b, "<p><strong>");
		/* TRANSLATORS: when ("5 minutes ago") */
		web_html_textf(&u->b, m.status == ACTION_CHECKIN_SAFE ?
				      _("You said you are safe (%s). If "
					"that changes, press a button below.") :
				      _("You said you need help (%s). If "
					"that changes, press a button below."),
			       ago);
		web_html_raw(&u->b, "</strong></p>\n");
	}
	action_member_me_wipe(me);
	free(me);
}

/* The banner while emergency mode is on: its reason, what I said, and
 * the check-in. */
static void emergency(struct web_ui *u)
{
	struct action_coord_emergency em;

	action_coord_emergency(u->a, &em);
	if (!em.on)
		return;
	web_html_raw(&u->b, "<section class=\"banner\" "
			    "aria-labelledby=\"emergency\">\n"
			    "<h2 id=\"emergency\">");
	web_html_text(&u->b, _("Emergency"));
	web_html_raw(&u->b, "</h2>\n<p>");
	web_html_text(&u->b, em.reason);
	web_html_raw(&u->b, "</p>\n<p>");
	web_html_text(&u->b, _("Please tell your neighbours how you are."));
	web_html_raw(&u->b, "</p>\n");
	my_checkin(u, em.since_ms);
	web_html_raw(&u->b, "<form method=\"post\" action=\"/checkin\">\n");
	web_ui_csrf(u);
	web_html_raw(&u->b, "<button type=\"submit\" name=\"status\" "
			    "value=\"safe\">");
	web_html_text(&u->b, _("I am safe"));
	web_html_raw(&u->b, "</button>\n"
			    "<button type=\"submit\" name=\"status\" "
			    "value=\"help\" class=\"secondary\">");
	web_html_text(&u->b, _("I need help"));
	web_html_raw(&u->b, "</button>\n</form>\n</section>\n");
}

/* ---- for me --------------------------------------------------------- */

/*
 * What waits for my action, one line each, every line a link to the page
 * where I act, saying what to do: offers on my wishes to accept, help on
 * my wishes to confirm, my accepted offers to deliver, loans due, my items
 * someone asked for.
 */
struct forme {
	struct web_ui *u;
	int n;
};

/* Open the line: <li><a class="go" href="PREFIX SHORT">. */
static void forme_link(struct forme *f, const char *prefix, const char *sid)
{
	struct web_ui *u = f->u;

	if (!f->n++)
		web_html_raw(&u->b, "<ul class=\"cards\">\n");
	web_html_raw(&u->b, "<li><a class=\"go\" href=\"");
	web_html_attr_value(&u->b, prefix);
	web_html_url(&u->b, sid);
	web_html_raw(&u->b, "\">");
}

static void forme_end(struct forme *f)
{
	web_html_raw(&f->u->b, "</a></li>\n");
}

/* An item's page, by the item's full hex id. */
static void forme_item_link(struct forme *f, const char *hex)
{
	char sid[ACTION_SHORT_MAX];

	action_short_id(f->u->a, CRDT_R_ITEM, hex, sid, sizeof sid);
	forme_link(f, "/items/", sid);
}

/* My wishes with an offer to accept, or help to confirm. */
static int my_wish(void *ctx, const struct action_wish_answer *t)
{
	struct forme *f = ctx;
	struct web_ui *u = f->u;
	const char *what;

	if (t->need == ACTION_WISH_CHOOSE)
		what = _("Several neighbours offered help with your wish "
			 "\"%s\": accept one.");
	else if (t->need == ACTION_WISH_ACCEPT_ONE)
		what = _("A neighbour offered help with your wish \"%s\": "
			 "open it to accept the offer.");
	else
		what = _("Your wish \"%s\" is done, says your helper: confirm "
			 "it.");
	forme_link(f, "/wishes/", t->wish_short);
	web_html_textf(&u->b, what, action_col_text(t->wish, "title"));
	forme_end(f);
	return 0;
}

/* My offers accepted and not yet delivered. */
static int to_deliver(void *ctx, const struct action_wish_waiting *t)
{
	struct forme *f = ctx;

	forme_link(f, "/wishes/", t->wish_short);
	web_html_textf(&f->u->b,
		       _("%s accepted your offer to help with \"%s\". When "
			 "you have done it, say so here."),
		       t->author, action_col_text(t->wish, "title"));
	forme_end(f);
	return 0;
}

/* Loans due soon or overdue, lent or borrowed. */
static int loan_due(void *ctx, const struct crdt_row *r)
{
	struct forme *f = ctx;
	struct web_ui *u = f->u;
	const char *title = action_col_text(r, "title");
	int overdue = action_col_int(r, "overdue") != 0;
	int lent = !strcmp(action_col_text(r, "role"), "lent");
	struct action_person who;

	action_person_hex(u->a, action_col_text(r, "counterpart"), &who);
	forme_item_link(f, action_col_text(r, "item"));
	if (lent)
		web_html_textf(&u->b,
			       overdue ? _("%s has not yet returned \"%s\": "
					   "it is overdue.") :
					 _("%s should return \"%s\" soon."),
			       who.label, title);
	else
		web_html_textf(&u->b,
			       overdue ? _("Please return \"%s\" to %s: it is "
					   "overdue.") :
					 _("Please return \"%s\" to %s soon."),
			       title, who.label);
	forme_end(f);
	return 0;
}

/* My items someone asked for. */
static int my_item(void *ctx, const struct action_item_view *v)
{
	struct forme *f = ctx;

	if (strcmp(v->status, "requested"))
		return 0;
	forme_link(f, "/items/", v->short_id);
	web_html_textf(&f->u->b,
		       _("A neighbour asked for your item \"%s\": open it to "
			 "lend or give it."),
		       v->title);
	forme_end(f);
	return 0;
}

static void for_me(struct web_ui *u)
{
	struct action_item_filter iq = { .mine = 1 };
	struct forme f = { u, 0 };

	web_html_raw(&u->b, "<section aria-labelledby=\"forme\">\n"
			    "<h2 id=\"forme\">");
	web_html_text(&u->b, _("Waiting for you"));
	web_html_raw(&u->b, "</h2>\n");
	if (action_wish_to_answer(u->a, my_wish, &f) ||
	    action_wish_to_deliver(u->a, to_deliver, &f) ||
	    action_loan_due(u->a, loan_due, &f) ||
	    action_item_list(u->a, &iq, my_item, &f)) {
		if (f.n)
			web_html_raw(&u->b, "</ul>\n");
		web_ui_error(u, u->a->msg);
		web_html_raw(&u->b, "</section>\n");
		return;
	}
	if (f.n) {
		web_html_raw(&u->b, "</ul>\n");
	} else {
		web_html_raw(&u->b, "<p>");
		web_html_text(&u->b, _("Nothing waits for you now."));
		web_html_raw(&u->b, "</p>\n");
	}
	web_html_raw(&u->b, "</section>\n");
}

/* ---- GET / -------------------------------------------------------------- */

static int render_home(struct web_request *rq, struct web_reply *rp,
		       const char *err, unsigned status)
{
	struct action_wish_query q = { .status = "open", .urgency = -1 };
	const char *done = web_ui_field(rq->query, "done");
	struct action_person me;
	struct web_ui u;
	int n = 0;

	web_ui_begin(&u, rq, N_("Home"), "/");
	if (err)
		web_ui_error(&u, err);
	else if (!strcmp(done, "safe"))
		web_ui_notice(&u, _("Thank you: your neighbours will see that "
				    "you are safe."));
	else if (!strcmp(done, "help"))
		web_ui_notice(&u, _("Your neighbours will see that you need "
				    "help. If you can, also call someone "
				    "nearby."));
	emergency(&u);
	/* the header names the community; the heading greets the person,
	 * so whoever uses a shared phone sees whose page it is */
	web_html_raw(&u.b, "<h1>");
	if (u.a->r.id.sk) {
		action_person(u.a, action_me(u.a), &me);
		/* TRANSLATORS: the home page's heading, with the person's
		 * name */
		web_html_textf(&u.b, _("Hello, %s"), me.label);
	} else {
		web_html_text(&u.b, _("Home"));
	}
	web_html_raw(&u.b, "</h1>\n");
	for_me(&u);
	web_html_raw(&u.b, "<section aria-labelledby=\"urgent\">\n"
			   "<h2 id=\"urgent\">");
	web_html_text(&u.b, _("Most urgent wishes"));
	web_html_raw(&u.b, "</h2>\n");
	if (web_ui_wish_cards(&u, &q, HOME_WISHES, &n)) {
		web_ui_error(&u, u.a->msg);
	} else if (!n) {
		web_html_raw(&u.b, "<p>");
		web_html_text(&u.b, _("There are no open wishes."));
		web_html_raw(&u.b, "</p>\n");
	}
	web_html_raw(&u.b, "<p><a class=\"button\" href=\"/wishes/new\">");
	web_html_text(&u.b, _("Post a wish"));
	web_html_raw(&u.b, "</a> "
			   "<a class=\"button secondary\" href=\"/wishes\">");
	web_html_text(&u.b, _("All wishes"));
	web_html_raw(&u.b, "</a></p>\n</section>\n");
	return web_ui_finish(&u, rp, status);
}

int web_page_home(struct web_request *rq, struct web_reply *rp)
{
	return render_home(rq, rp, NULL, MHD_HTTP_OK);
}

/* ---- POST /checkin ------------------------------------------------------ */

int web_page_checkin(struct web_request *rq, struct web_reply *rp)
{
	const char *st = web_ui_field(rq->form, "status");
	struct action *a = web_ui_quiet_begin(rq);
	char msg[ACTION_MSG_MAX];
	struct action_person who;
	int rc, help = !strcmp(st, "help");

	if (!help && strcmp(st, "safe"))
		rc = action_fail(a, KITH_EINVAL, "%s",
				 _("Choose \"I am safe\" or \"I need help\"."));
	else
		rc = action_checkin(a, help ? ACTION_CHECKIN_NEED_HELP :
					      ACTION_CHECKIN_SAFE,
				    NULL, NULL, &who);
	if (rc) {
		snprintf(msg, sizeof msg, "%s", a->msg);
		web_ui_quiet_end();
		return render_home(rq, rp, msg, WEB_UNPROCESSABLE);
	}
	web_ui_quiet_end();
	return web_reply_redirect(rp, help ? "/?done=help" : "/?done=safe");
}
