/*
 * page_item_one.c - one item's page (pages.h) and what people do there:
 * ask for it (anyone but its owner); lend it, or give it away, to a
 * neighbour who asked, mark it returned, keep it listed, withdraw it (its
 * owner).  The change form is in page_item.c.
 *
 * The page shows what the action layer says (action_item_show): the
 * item, its status, who has it, and the requests that still wait; the
 * buttons follow who is looking.  Who may do what is decided by the
 * action layer alone: a button that should not have been pressed (an old
 * page, another member's item) comes back with its refusal, status 422.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "action/i18n.h"
#include "action/item.h"
#include "action/loan.h"
#include "action/names.h"
#include "crdt/err.h"
#include "crdt/schema.h"
#include "web/pages.h"

/*
 * The requests the owner's page lists at most, and how much of each note:
 * the action layer refuses a second waiting request by the same member,
 * but anyone can sign any number of them (crdt/ accepts what is signed),
 * each with a note of CRDT_MAX_TEXT bytes.  One card per member; the page
 * says how many more there are.
 */
#define REQUESTS_SHOWN 50
#define NOTE_SHOWN 300
#define MEMBER_HEX (2 * CRDT_PK_LEN + 1)

/* What the page learnt about the item while showing it. */
struct one {
	struct web_ui *u;
	const struct web_form *f; /* a refused POST's values, or NULL */
	char sid[ACTION_SHORT_MAX];
	char owner[ACTION_PERSON_MAX];
	int mine;
	int open;     /* not withdrawn (or given) */
	int lendable; /* available or requested: it may be lent or given */
	int askable;  /* available, requested or on loan */
	int on_loan;
	int to_me;    /* lent or given to the person looking */
	int give;     /* a gift kind: "Give to", not "Lend to" */
	int waiting;  /* requests shown to the owner */
	int more;     /* waiting requests not shown (REQUESTS_SHOWN) */
	char seen[REQUESTS_SHOWN][MEMBER_HEX]; /* whose requests are shown */
	int asked;    /* the person looking has a request standing */
	int said;     /* the page's notice already said they asked */
	int n_forms;  /* lend forms: unique ids */
};

/* A sentence for ?done=WORD after a POST, or NULL. */
static const char *done_text(const char *done)
{
	if (!strcmp(done, "posted"))
		return _("Your item is posted. Neighbours see it when your "
			 "machines sync, and can ask you for it.");
	if (!strcmp(done, "requested"))
		return _("You asked for it. The owner sees your request when "
			 "your machines sync, and can lend or give it to you.");
	if (!strcmp(done, "lent"))
		return _("You lent it. When it comes back, press \"Mark "
			 "returned\" on this page.");
	if (!strcmp(done, "given"))
		return _("You gave it away. It no longer shows in the lists. "
			 "Thank you for sharing.");
	if (!strcmp(done, "given_one"))
		return _("You gave one away. The rest stay listed for other "
			 "neighbours.");
	if (!strcmp(done, "returned"))
		return _("It is marked as returned. You can lend it again.");
	if (!strcmp(done, "edited"))
		return _("Your changes are saved. Neighbours see them when "
			 "your machines sync.");
	if (!strcmp(done, "renewed"))
		return _("Your item stays listed for another 90 days.");
	if (!strcmp(done, "withdrawn"))
		return _("Your item is withdrawn: it no longer shows in the "
			 "lists. This cannot be undone.");
	return NULL;
}

/* A date as people read it (the machine's time zone). */
static void day_text(char *out, size_t cap, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm) || !strftime(out, cap, "%Y-%m-%d", &tm))
		snprintf(out, cap, "?");
}

static int show_item(void *ctx, const struct action_item_view *v)
{
	struct one *o = ctx;
	struct web_ui *u = o->u;
	struct action_person who;
	char qty[64], day[32];
	int available = !strcmp(v->status, "available") ||
			!strcmp(v->status, "requested");

	snprintf(o->sid, sizeof o->sid, "%s", v->short_id);
	snprintf(o->owner, sizeof o->owner, "%s", v->owner_name);
	o->mine = v->mine;
	o->open = strcmp(v->status, "withdrawn") != 0;
	o->lendable = available;
	o->askable = available || v->on_loan;
	o->on_loan = v->on_loan;
	o->give = v->givable;
	if (*v->borrower) {
		action_person_hex(u->a, v->borrower, &who);
		o->to_me = action_is_me(u->a, who.pk);
	}
	web_html_raw(&u->b, "<h1>");
	web_html_text(&u->b, v->title);
	web_html_raw(&u->b, "</h1>\n<dl class=\"facts\">\n");
	web_ui_fact(u, _("Status"),
		    v->given ? _("Given away") : web_item_status(v->status));
	web_ui_fact(u, _("Kind"), web_item_kind(v->kind));
	snprintf(qty, sizeof qty, "%lld", (long long)v->quantity);
	if (*v->unit) {
		web_html_raw(&u->b, "<dt>");
		web_html_text(&u->b, _("How many"));
		web_html_raw(&u->b, "</dt><dd>");
		/* TRANSLATORS: a quantity and its unit ("3 bags") */
		web_html_textf(&u->b, _("%s %s"), qty, v->unit);
		web_html_raw(&u->b, "</dd>\n");
	} else {
		web_ui_fact(u, _("How many"), qty);
	}
	web_ui_fact(u, _("Offered by"), v->owner_name);
	web_ui_fact(u, _("Where"), v->location);
	web_ui_fact(u, _("Condition"), v->condition);
	web_ui_fact(u, _("More about it"), v->description);
	if (v->on_loan) {
		web_ui_fact(u, _("Lent to"), v->borrower_name);
		if (v->due) {
			day_text(day, sizeof day, v->due);
			web_ui_fact(u, _("To be returned by"), day);
		}
	}
	if (v->given)
		web_ui_fact(u, _("Given to"), v->borrower_name);
	web_html_raw(&u->b, "</dl>\n");
	if (v->on_loan && v->overdue)
		web_ui_error(u, _("It should have been returned by now."));
	if (o->to_me && v->on_loan)
		web_ui_notice(u, _("It is lent to you. Please give it back "
				   "when you are done."));
	else if (o->to_me && v->given)
		web_ui_notice(u, _("It was given to you."));
	return 0;
}

/* The owner's answer to one request: lend (with how long) or give. */
static void answer_form(struct one *o,
			const struct action_item_request_view *v)
{
	static const int days[] = { 0, 7, 14, 30 };
	struct web_ui *u = o->u;
	size_t i;
	int n = ++o->n_forms;

	web_html_raw(&u->b, "<form method=\"post\"");
	web_html_attr(&u->b, "action", o->give ? "/items/give" : "/items/lend");
	web_html_raw(&u->b, ">\n");
	web_ui_csrf(u);
	web_ui_hidden(u, "item", o->sid);
	web_ui_hidden(u, "to", v->requester);
	if (!o->give) {
		web_html_fmt(&u->b, "<label for=\"days-%d\">", n);
		web_html_text(&u->b, _("For how long?"));
		web_html_fmt(&u->b, "</label>\n<select id=\"days-%d\" "
				    "name=\"days\">\n", n);
		for (i = 0; i < sizeof days / sizeof days[0]; i++) {
			web_html_fmt(&u->b, "<option value=\"%d\"%s>", days[i],
				     days[i] == 14 ? " selected" : "");
			if (!days[i])
				web_html_text(&u->b, _("No return date"));
			else if (days[i] == 7)
				web_html_text(&u->b, _("One week"));
			else if (days[i] == 14)
				web_html_text(&u->b, _("Two weeks"));
			else
				web_html_text(&u->b, _("One month"));
			web_html_raw(&u->b, "</option>\n");
		}
		web_html_raw(&u->b, "</select>\n");
	}
	web_html_raw(&u->b, "<button type=\"submit\">");
	web_html_textf(&u->b, o->give ? _("Give to %s") : _("Lend to %s"),
		       v->requester_name);
	web_html_raw(&u->b, "</button>\n</form>\n");
}

static int show_request(void *ctx, const struct action_item_request_view *v)
{
	struct one *o = ctx;
	struct web_ui *u = o->u;
	int i;

	if (v->mine && v->waiting)
		o->asked = 1;
	if (!o->mine || !v->waiting)
		return 0;
	/* one card per member, at most REQUESTS_SHOWN */
	for (i = 0; i < o->waiting; i++)
		if (!strcmp(o->seen[i], v->requester))
			break;
	if (i < o->waiting || o->waiting >= REQUESTS_SHOWN) {
		o->more++;
		return 0;
	}
	snprintf(o->seen[o->waiting], sizeof o->seen[o->waiting], "%s",
		 v->requester);
	if (!o->waiting++) {
		web_html_raw(&u->b, "<h2>");
		web_html_text(&u->b, _("Neighbours who asked for it"));
		web_html_raw(&u->b, "</h2>\n<ul class=\"cards\">\n");
	}
	web_html_raw(&u->b, "<li><p><strong>");
	web_html_text(&u->b, v->requester_name);
	web_html_raw(&u->b, "</strong></p>\n");
	if (*v->note) {
		web_html_raw(&u->b, "<p>");
		web_ui_clipped(u, v->note, NOTE_SHOWN);
		web_html_raw(&u->b, "</p>\n");
	}
	if (o->lendable)
		answer_form(o, v);
	web_html_raw(&u->b, "</li>\n");
	return 0;
}

/* A paragraph of hint, above a button. */
static void hint(struct web_ui *u, const char *text)
{
	web_html_raw(&u->b, "<p>");
	web_html_text(&u->b, text);
	web_html_raw(&u->b, "</p>\n");
}

/* What the owner can do besides answering requests. */
static void owner_part(struct one *o)
{
	struct web_ui *u = o->u;

	if (!o->waiting && o->lendable) {
		web_html_raw(&u->b, "<p>");
		web_html_text(&u->b, _("Nobody is waiting for it now."));
		web_html_raw(&u->b, "</p>\n");
	}
	if (o->on_loan) {
		web_html_raw(&u->b, "<h2>");
		web_html_text(&u->b, _("Has it come back?"));
		web_html_raw(&u->b, "</h2>\n");
		web_ui_button(u, "/items/return", "item", o->sid,
			      _("Mark returned"), NULL);
	}
	if (!o->open)
		return;
	web_html_raw(&u->b, "<h2>");
	web_html_text(&u->b, _("Your item"));
	web_html_raw(&u->b, "</h2>\n<p><a class=\"button secondary\" "
			    "href=\"/items/edit?item=");
	web_html_url(&u->b, o->sid);
	web_html_raw(&u->b, "\">");
	web_html_text(&u->b, _("Change the details"));
	web_html_raw(&u->b, "</a></p>\n");
	hint(u, _("Items stay listed for 90 days after their last change."));
	web_ui_button(u, "/items/renew", "item", o->sid, _("Keep it listed"),
		      "secondary");
	hint(u, _("When you no longer offer it, withdraw it. This cannot be "
		  "undone."));
	web_ui_button(u, "/items/withdraw", "item", o->sid, _("Withdraw it"),
		      "secondary");
}

/* What someone else can do: ask for it, with a note. */
static void other_part(struct one *o)
{
	struct web_ui *u = o->u;

	if (o->asked && !o->said) {
		web_html_raw(&u->b, "<p>");
		web_html_textf(&u->b,
			       _("You asked %s for it. They see your request "
				 "when your machines sync."),
			       o->owner);
		web_html_raw(&u->b, "</p>\n");
	}
	if (!o->askable || o->to_me || o->asked)
		return;
	web_html_raw(&u->b, "<h2>");
	web_html_text(&u->b, _("Would you like it?"));
	web_html_raw(&u->b, "</h2>\n<form method=\"post\" "
			    "action=\"/items/request\"");
	web_ui_autocomplete(u);
	web_html_raw(&u->b, ">\n");
	web_ui_csrf(u);
	web_ui_hidden(u, "item", o->sid);
	web_html_raw(&u->b, "<label for=\"note\">");
	web_html_textf(&u->b, _("A note for %s (optional)"), o->owner);
	web_html_raw(&u->b, "</label>\n<textarea id=\"note\" name=\"note\" "
			    "rows=\"3\">");
	web_html_text(&u->b, o->f ? web_ui_field(o->f, "note") : "");
	web_html_raw(&u->b, "</textarea>\n<button type=\"submit\">");
	web_html_text(&u->b, _("Ask for it"));
	web_html_raw(&u->b, "</button>\n</form>\n");
}

/* The page of item id (as typed); err: a refusal to show above it, with
 * f the values that were posted. */
static int render_item(struct web_request *rq, struct web_reply *rp,
		       const char *id, const struct web_form *f,
		       const char *err, unsigned status)
{
	const char *done = web_ui_field(rq->query, "done");
	struct web_ui u;
	struct one *o = calloc(1, sizeof *o); /* two names: not the stack */
	int rc;

	if (!o)
		return KITH_ENOMEM;
	web_ui_begin(&u, rq, N_("Item"), "/items");
	o->u = &u;
	o->f = f;
	if (err)
		web_ui_error(&u, err);
	else if (done_text(done))
		web_ui_notice(&u, done_text(done));
	o->said = !err && !strcmp(done, "requested");
	rc = action_item_show(u.a, id, show_item, show_request, o);
	if (rc) {
		if (!err)
			web_ui_error(&u, u.a->msg);
		if (!err)
			status = rc == KITH_ENOTFOUND || rc == KITH_EINVAL ?
					 MHD_HTTP_NOT_FOUND :
					 MHD_HTTP_INTERNAL_SERVER_ERROR;
	} else {
		if (o->waiting)
			web_html_raw(&u.b, "</ul>\n");
		if (o->more) {
			web_html_raw(&u.b, "<p>");
			web_html_textf(&u.b,
				       ngettext("%d more request is not "
						"shown.",
						"%d more requests are not "
						"shown.",
						(unsigned long)o->more),
				       o->more);
			web_html_raw(&u.b, "</p>\n");
		}
		if (o->mine)
			owner_part(o);
		else
			other_part(o);
	}
	web_html_raw(&u.b, "<p><a href=\"/items\">");
	web_html_text(&u.b, _("All items"));
	web_html_raw(&u.b, "</a></p>\n");
	free(o);
	return web_ui_finish(&u, rp, status);
}

int web_page_item(struct web_request *rq, struct web_reply *rp)
{
	return render_item(rq, rp, rq->path + strlen("/items/"), NULL, NULL,
			   MHD_HTTP_OK);
}

/* ---- the POSTs on an item ------------------------------------------------ */

enum verb { REQUEST, LEND, GIVE, RETURN, RENEW, WITHDRAW };

static int item_verb(struct web_request *rq, struct web_reply *rp,
		     enum verb v)
{
	static const char *const words[] = { "requested", "lent", "given",
					     "returned", "renewed",
					     "withdrawn" };
	const struct web_form *f = rq->form;
	const char *id = web_ui_field(f, "item");
	const char *to = web_ui_field(f, "to");
	const char *note = web_ui_field(f, "note");
	struct action *a = web_ui_quiet_begin(rq);
	struct action_item_done *done = calloc(1, sizeof *done); /* large */
	char msg[ACTION_MSG_MAX], loc[ACTION_SHORT_MAX + 32];
	const char *word = words[v];
	int64_t due;
	int rc = 0;

	if (!done) {
		web_ui_quiet_end();
		return KITH_ENOMEM;
	}
	switch (v) {
	case REQUEST:
		rc = action_item_request(a, id, *note ? note : NULL, done);
		break;
	case LEND:
		rc = action_loan_days_read(a, web_ui_field(f, "days"), &due);
		if (!rc)
			rc = action_loan_lend(a, id, to, due, done);
		break;
	case GIVE:
		rc = action_loan_give(a, id, to, done);
		if (!rc && done->quantity_left)
			word = "given_one";
		break;
	case RETURN:
		rc = action_loan_return(a, id, done);
		break;
	case RENEW:
		rc = action_item_renew(a, id, done);
		break;
	case WITHDRAW:
		rc = action_item_withdraw(a, id, done);
		break;
	}
	if (!rc)
		snprintf(loc, sizeof loc, "/items/%s?done=%s",
			 done->item_short_id, word);
	free(done);
	if (rc) {
		snprintf(msg, sizeof msg, "%s", a->msg);
		web_ui_quiet_end();
		return render_item(rq, rp, id, f, msg, WEB_UNPROCESSABLE);
	}
	web_ui_quiet_end();
	return web_reply_redirect(rp, loc);
}

int web_page_item_request(struct web_request *rq, struct web_reply *rp)
{
	return item_verb(rq, rp, REQUEST);
}

int web_page_item_lend(struct web_request *rq, struct web_reply *rp)
{
	return item_verb(rq, rp, LEND);
}

int web_page_item_give(struct web_request *rq, struct web_reply *rp)
{
	return item_verb(rq, rp, GIVE);
}

int web_page_item_return(struct web_request *rq, struct web_reply *rp)
{
	return item_verb(rq, rp, RETURN);
}

int web_page_item_renew(struct web_request *rq, struct web_reply *rp)
{
	return item_verb(rq, rp, RENEW);
}

int web_page_item_withdraw(struct web_request *rq, struct web_reply *rp)
{
	return item_verb(rq, rp, WITHDRAW);
}
