/*
 * page_coord_posts.c - the hub's posts section (web/page_coord.h): the
 * COORD_POSTS most recent open or hidden wishes, then items, each with a
 * folded "Hide this post" form (a reason) or "Show it again"; and POST
 * /coord/hide.  Whether a member may hide, and that a reason is given,
 * is action/coord.h's (action_coord_hide, action_coord_unhide); a refusal
 * re-shows the hub with its sentence (422).
 */
#include <stdio.h>
#include <string.h>

#include "action/coord.h"
#include "action/i18n.h"
#include "action/item.h"
#include "action/wish.h"
#include "web/page_coord.h"
#include "web/pages.h"

/* ---- posts ---------------------------------------------------------------- */

/* One post with its Hide (a reason) or Show again button. */
static void post_card(struct hub *h, const char *id, const char *title,
		      const char *what, const char *by, int hidden_now,
		      char kind)
{
	struct web_ui *u = h->u;
	char fid[32];

	if (!h->n++)
		web_html_raw(&u->b, "<ul class=\"cards\">\n");
	web_html_raw(&u->b, "<li><p><strong>");
	web_html_text(&u->b, title);
	web_html_raw(&u->b, "</strong></p>\n<p class=\"hint\">");
	if (hidden_now)
		/* TRANSLATORS: a post's kind and status, then that a
		 * coordinator hid it */
		web_html_textf(&u->b, _("%s · hidden from everyone"), what);
	else
		web_html_text(&u->b, what);
	web_html_raw(&u->b, " · ");
	/* TRANSLATORS: who posted it, after its kind and status */
	web_html_textf(&u->b, _("posted by %s"), by);
	web_html_raw(&u->b, "</p>\n");
	if (hidden_now) {
		coord_open_form(u, "/coord/hide");
		web_ui_hidden(u, "post", id);
		coord_submit(u, "do", "unhide", _("Show it again"), 1);
	} else {
		/* folded: the hub lists many posts and hiding one is rare;
		 * open when this post's form comes back refused */
		if (h->f && !strcmp(web_ui_field(h->f, "post"), id))
			web_html_raw(&u->b, "<details open>\n<summary>");
		else
			web_html_raw(&u->b, "<details>\n<summary>");
		web_html_text(&u->b, _("Hide this post (it breaks the rules)"));
		web_html_raw(&u->b, "</summary>\n");
		coord_open_form(u, "/coord/hide");
		web_ui_hidden(u, "post", id);
		/* ids unique on the page: "hw3" (a wish), "hi3" (an item) */
		snprintf(fid, sizeof fid, "h%c%d", kind, h->n);
		coord_text_input(u, fid, "reason", _("Why hide it?"),
			   coord_again(h, "post", id, "reason"));
		coord_submit(u, "do", "hide", _("Hide this post"), 1);
		web_html_raw(&u->b, "</details>\n");
	}
	web_html_raw(&u->b, "</li>\n");
}

static int open_status(const char *st)
{
	return strcmp(st, "withdrawn") && strcmp(st, "expired") &&
	       strcmp(st, "confirmed");
}

static int wish_post(void *ctx, const struct crdt_row *r)
{
	struct hub *h = ctx;
	const char *st = action_col_text(r, "status");
	int hid = action_col_int(r, "hidden") != 0;
	struct action_person who;
	char what[256];

	if (!hid && !open_status(st))
		return 0;
	if (h->n >= COORD_POSTS)
		return 1;
	/* TRANSLATORS: "Wish · open" */
	snprintf(what, sizeof what, _("Wish · %s"), web_wish_status(st));
	action_person_hex(h->u->a, action_col_text(r, "author"), &who);
	post_card(h, action_col_text(r, "id"), action_col_text(r, "title"),
		  what, who.label, hid, 'w');
	return 0;
}

static int item_post(void *ctx, const struct action_item_view *v)
{
	struct hub *h = ctx;
	int hid = action_col_int(v->row, "hidden") != 0;
	char what[256];

	if (!hid && !open_status(v->status))
		return 0;
	if (h->n >= COORD_POSTS)
		return 1;
	/* TRANSLATORS: "Item · available" */
	snprintf(what, sizeof what, _("Item · %s"),
		 web_item_status(v->status));
	post_card(h, v->id, v->title, what, v->owner_name, hid, 'i');
	return 0;
}

void coord_posts(struct hub *h)
{
	struct web_ui *u = h->u;
	struct action_wish_query wq = { .urgency = -1, .all = 1 };
	struct action_item_filter iq = { .all = 1 };
	int rc;

	coord_section(u, "posts", _("Posts"));
	web_html_raw(&u->b, "<p class=\"hint\">");
	web_html_text(&u->b, _("Hide a post that breaks the community's "
			       "rules. Everyone stops seeing it; its author "
			       "is not told."));
	web_html_raw(&u->b, "</p>\n<h3>");
	web_html_text(&u->b, _("Wishes"));
	web_html_raw(&u->b, "</h3>\n");
	h->n = 0;
	rc = action_wish_list(u->a, &wq, wish_post, h);
	if (h->n)
		web_html_raw(&u->b, "</ul>\n");
	if (rc < 0)
		web_ui_error(u, u->a->msg);
	web_html_raw(&u->b, "<h3>");
	web_html_text(&u->b, _("Items"));
	web_html_raw(&u->b, "</h3>\n");
	h->n = 0;
	rc = action_item_list(u->a, &iq, item_post, h);
	if (h->n)
		web_html_raw(&u->b, "</ul>\n");
	if (rc < 0)
		web_ui_error(u, u->a->msg);
	web_html_raw(&u->b, "</section>\n");
}


int web_page_coord_hide(struct web_request *rq, struct web_reply *rp)
{
	const char *op = web_ui_field(rq->form, "do");
	const char *post = web_ui_field(rq->form, "post");
	const char *reason = web_ui_field(rq->form, "reason");
	struct action *a = web_ui_quiet_begin(rq);
	struct action_coord_post p;
	int rc;

	if (!strcmp(op, "hide"))
		rc = action_coord_hide(a, post, reason, &p);
	else if (!strcmp(op, "unhide"))
		rc = action_coord_unhide(a, post, reason, &p);
	else
		rc = coord_unknown_choice(a);
	if (rc)
		return coord_refused(rq, rp);
	return coord_done(rp, !strcmp(op, "hide") ? "hidden" : "shown");
}
