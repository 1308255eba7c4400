/*
 * page_coord.c - the coordinator's hub (pages.h): emergency mode, links to
 * the roll call, inventory, notice sheet and CSV reports, inviting a
 * neighbour (a link to web/page_invite.c), members waiting
 * for verification, roles, and recent posts to hide or show again; and
 * the POSTs of those forms.
 *
 * Who may do what is the action layer's: the hub is shown only when
 * action_coord_require passes (else its sentence, status 403, and no
 * forms), and every POST calls action/coord.h, whose refusal (a member
 * who is not a coordinator, an empty reason) re-shows the hub with that
 * sentence and status 422.  Members and posts travel in the forms as
 * full hex ids (hidden fields, never shown); the page shows names and
 * titles.  Bounded on a town of thousands: the members waiting are shown
 * COORD_MEMBERS at a time (?wait=N, a link to the next ones), verified
 * members only as a search finds them (?vq=words, ?vfrom=N), a role is
 * given to a member named as typed (action_resolve: a unique name or an
 * id prefix), and COORD_POSTS wishes and items are listed to hide
 * (web/page_coord_posts.c, with its POST; web/page_coord.h: what the two
 * files share).
 */
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "action/coord.h"
#include "action/i18n.h"
#include "action/item.h"
#include "action/member.h"
#include "action/wish.h"
#include "crdt/err.h"
#include "crdt/schema.h"
#include "web/page_coord.h"
#include "web/pages.h"

#define COORD_MEMBERS 50 /* members listed at a time (waiting, found) */

/* A window of COORD_MEMBERS of a list: whether the next member of it
 * (counted in h->found) is shown. */
static int in_window(struct hub *h)
{
	size_t at = h->found++;

	return at >= h->from && at < h->from + COORD_MEMBERS;
}

/* "?wait=N": a number of members to skip, else 0. */
static size_t parse_from(const char *s)
{
	size_t v = 0;

	for (; *s >= '0' && *s <= '9' && v < 100000000; s++)
		v = v * 10 + (size_t)(*s - '0');
	return *s ? 0 : v;
}

/* A sentence for ?done=WORD after a POST, or NULL. */
static const char *done_text(const char *done)
{
	if (!strcmp(done, "verified"))
		return _("The member is verified. Hours between verified "
			 "members count from now on.");
	if (!strcmp(done, "unverified"))
		return _("The member is no longer verified. Hours they give "
			 "or receive stop counting.");
	if (!strcmp(done, "granted"))
		return _("The role is given. Everyone sees it as their "
			 "machines sync.");
	if (!strcmp(done, "revoked"))
		return _("The role is taken away. Everyone sees it as their "
			 "machines sync.");
	if (!strcmp(done, "started"))
		return _("Emergency mode is on. Neighbours see it as their "
			 "machines sync and can say how they are; watch the "
			 "roll call.");
	if (!strcmp(done, "ended"))
		return _("Emergency mode is off. The roll call shows each "
			 "member's latest check-in again.");
	if (!strcmp(done, "hidden"))
		return _("The post is hidden from everyone's lists as their "
			 "machines sync. You can show it again below.");
	if (!strcmp(done, "shown"))
		return _("The post is shown in everyone's lists again as their "
			 "machines sync.");
	return NULL;
}

/* The posted value of name when the form posted is for this record. */
const char *coord_again(const struct hub *h, const char *key,
			 const char *id, const char *name)
{
	if (!h->f || strcmp(web_ui_field(h->f, key), id))
		return "";
	return web_ui_field(h->f, name);
}

/* <label for=ID>LABEL</label><input type=text id=ID name=NAME value=V> */
void coord_text_input(struct web_ui *u, const char *id, const char *name,
		       const char *label, const char *value)
{
	web_html_raw(&u->b, "<label");
	web_html_attr(&u->b, "for", id);
	web_html_raw(&u->b, ">");
	web_html_text(&u->b, label);
	web_html_raw(&u->b, "</label>\n<input type=\"text\"");
	web_html_attr(&u->b, "id", id);
	web_html_attr(&u->b, "name", name);
	web_html_attr(&u->b, "value", value);
	web_html_raw(&u->b, ">\n");
}

void coord_open_form(struct web_ui *u, const char *action)
{
	web_html_raw(&u->b, "<form method=\"post\"");
	web_html_attr(&u->b, "action", action);
	web_ui_autocomplete(u);
	web_html_raw(&u->b, ">\n");
	web_ui_csrf(u);
}

void coord_submit(struct web_ui *u, const char *name, const char *value,
		   const char *label, int secondary)
{
	web_html_raw(&u->b, "<button type=\"submit\"");
	web_html_attr(&u->b, "name", name);
	web_html_attr(&u->b, "value", value);
	if (secondary)
		web_html_raw(&u->b, " class=\"secondary\"");
	web_html_raw(&u->b, ">");
	web_html_text(&u->b, label);
	web_html_raw(&u->b, "</button>\n</form>\n");
}

void coord_section(struct web_ui *u, const char *id, const char *title)
{
	web_html_fmt(&u->b, "<section aria-labelledby=\"%s\">\n<h2 id=\"%s\">",
		     id, id);
	web_html_text(&u->b, title);
	web_html_raw(&u->b, "</h2>\n");
}

/* ---- emergency ------------------------------------------------------------ */

static void emergency(struct hub *h)
{
	struct web_ui *u = h->u;
	struct action_coord_emergency em;
	char ago[128];

	action_coord_emergency(u->a, &em);
	web_ui_ago(u, em.since_ms, ago, sizeof ago);
	coord_section(u, "emergency", _("Emergency mode"));
	if (em.on) {
		web_html_raw(&u->b, "<p class=\"banner\">");
		/* TRANSLATORS: when emergency mode started (words such as
		 * "5 minutes ago"), who started it, and why */
		web_html_textf(&u->b, _("Emergency mode is on (started %s by "
					"%s): %s"),
			       ago, em.by.label,
			       em.reason);
		web_html_raw(&u->b, "</p>\n");
		coord_open_form(u, "/coord/emergency");
		coord_submit(u, "do", "end", _("End emergency mode"), 0);
	} else {
		web_html_raw(&u->b, "<p>");
		web_html_text(&u->b, _("Emergency mode is off. Start it when "
				       "something happens: every neighbour "
				       "is asked to say whether they are safe "
				       "or need help."));
		web_html_raw(&u->b, "</p>\n");
		coord_open_form(u, "/coord/emergency");
		web_html_raw(&u->b, "<label for=\"reason\">");
		web_html_text(&u->b, _("What happened?"));
		web_html_raw(&u->b, "</label>\n<textarea id=\"reason\" "
				    "name=\"reason\" rows=\"2\">");
		web_html_text(&u->b, h->f ? web_ui_field(h->f, "reason") : "");
		web_html_raw(&u->b, "</textarea>\n");
		coord_submit(u, "do", "start", _("Start emergency mode"), 0);
	}
	web_html_raw(&u->b, "</section>\n");
}

/* ---- links ---------------------------------------------------------------- */

static void links(struct web_ui *u)
{
	static const char *const csv[][2] = {
		{ "items", N_("Items (CSV)") },
		{ "wishes", N_("Wishes (CSV)") },
		{ "claims", N_("Offers of help (CSV)") },
		{ "checkins", N_("Check-ins (CSV)") },
		{ "hours", N_("Hours of help (CSV)") },
	};
	size_t i;

	coord_section(u, "look", _("Look and print"));
	web_html_raw(&u->b, "<ul class=\"links\">\n"
			    "<li><a href=\"/coord/roll\">");
	web_html_text(&u->b, _("Roll call by building"));
	web_html_raw(&u->b, "</a></li>\n<li><a href=\"/coord/inventory\">");
	web_html_text(&u->b, _("Supplies and who can help"));
	web_html_raw(&u->b, "</a></li>\n<li><a href=\"/coord/sheet\">");
	web_html_text(&u->b, _("Notice sheet to print"));
	web_html_raw(&u->b, "</a></li>\n</ul>\n<h3>");
	web_html_text(&u->b, _("Tables for a spreadsheet"));
	web_html_raw(&u->b, "</h3>\n<p class=\"hint\">");
	web_html_text(&u->b, _("They hold neighbours' personal data: keep "
			       "the files private."));
	web_html_raw(&u->b, "</p>\n<ul class=\"links\">\n");
	for (i = 0; i < sizeof csv / sizeof csv[0]; i++) {
		web_html_fmt(&u->b, "<li><a href=\"/coord/csv/%s\" download>",
			     csv[i][0]);
		web_html_text(&u->b, _(csv[i][1]));
		web_html_raw(&u->b, "</a></li>\n");
	}
	web_html_raw(&u->b, "</ul>\n</section>\n");
}

/* ---- inviting --------------------------------------------------------------- */

/* A link to the invite (web/page_invite.c): the code itself stays off the
 * hub, which is open often and on screens others see. */
static void invite(struct web_ui *u)
{
	coord_section(u, "invite", _("Invite a neighbour"));
	web_html_raw(&u->b, "<p>");
	web_html_text(&u->b, _("A neighbour joins by scanning a QR code with "
			       "their phone's camera, or by typing the code. "
			       "Give it in person: anyone holding it can read "
			       "and post in the community."));
	web_html_raw(&u->b, "</p>\n<ul class=\"links\">\n"
			    "<li><a href=\"/coord/invite\">");
	web_html_text(&u->b, _("Show the invite code and its QR code"));
	web_html_raw(&u->b, "</a></li>\n</ul>\n</section>\n");
}

/* ---- members -------------------------------------------------------------- */

static int member_waiting(void *ctx, const struct action_member *m)
{
	struct hub *h = ctx;
	struct web_ui *u = h->u;
	const char *b = coord_again(h, "member", m->id, "building");
	const char *un = coord_again(h, "member", m->id, "unit");
	char id[32];

	if (!in_window(h))
		return 0;
	if (!h->n++)
		web_html_raw(&u->b, "<ul class=\"cards\">\n");
	web_html_raw(&u->b, "<li><h3>");
	web_html_text(&u->b, m->shown);
	web_html_raw(&u->b, "</h3>\n");
	coord_open_form(u, "/coord/verify");
	web_ui_hidden(u, "member", m->id);
	snprintf(id, sizeof id, "vb%d", h->n);
	coord_text_input(u, id, "building", _("Building"),
		   *b || *un ? b : m->building);
	snprintf(id, sizeof id, "vu%d", h->n);
	coord_text_input(u, id, "unit", _("Unit"), *b || *un ? un : m->unit);
	coord_submit(u, "do", "verify", _("Verify: I met them at home"), 0);
	web_html_raw(&u->b, "</li>\n");
	return 0;
}

static int member_verified(void *ctx, const struct action_member *m)
{
	struct hub *h = ctx;
	struct web_ui *u = h->u;

	if (!m->verified || !in_window(h))
		return 0;
	if (!h->n++)
		web_html_raw(&u->b, "<ul class=\"cards\">\n");
	web_html_raw(&u->b, "<li><p>");
	if (*m->unit)
		/* TRANSLATORS: a member, their building and unit */
		web_html_textf(&u->b, _("%s, %s, unit %s"), m->shown,
			       m->building, m->unit);
	else if (*m->building)
		/* TRANSLATORS: a member and their building */
		web_html_textf(&u->b, _("%s, %s"), m->shown, m->building);
	else
		web_html_text(&u->b, m->shown);
	web_html_raw(&u->b, "</p>\n");
	coord_open_form(u, "/coord/verify");
	web_ui_hidden(u, "member", m->id);
	coord_submit(u, "do", "unverify", _("Withdraw verification"), 1);
	web_html_raw(&u->b, "</li>\n");
	return 0;
}

/* A link to the next window of a list, when there is more. */
static void more_link(struct hub *h, const char *key, const char *search,
		      const char *anchor, const char *label)
{
	struct web_ui *u = h->u;
	char next[32];

	if (h->from + COORD_MEMBERS >= h->found)
		return;
	snprintf(next, sizeof next, "%zu", h->from + COORD_MEMBERS);
	web_html_raw(&u->b, "<p>");
	web_html_textf(&u->b,
		       ngettext("%zu more member is not shown here.",
				"%zu more members are not shown here.",
				(unsigned long)(h->found - h->from -
						COORD_MEMBERS)),
		       h->found - h->from - COORD_MEMBERS);
	web_html_raw(&u->b, " <a href=\"/coord?");
	web_html_url(&u->b, key);
	web_html_raw(&u->b, "=");
	web_html_url(&u->b, next);
	if (search) {
		web_html_raw(&u->b, "&amp;vq=");
		web_html_url(&u->b, search);
	}
	web_html_raw(&u->b, "#");
	web_html_url(&u->b, anchor);
	web_html_raw(&u->b, "\">");
	web_html_text(&u->b, label);
	web_html_raw(&u->b, "</a></p>\n");
}

/* The verified members matching the search typed (none without one):
 * a town has thousands, so they are found, not listed. */
static void verified_found(struct hub *h)
{
	struct web_ui *u = h->u;
	const char *vq = web_ui_field(u->rq->query, "vq");
	struct action_member_filter f = { 0 };
	int rc;

	web_html_raw(&u->b, "<h3 id=\"verified\">");
	web_html_text(&u->b, _("Verified members"));
	web_html_raw(&u->b, "</h3>\n<form method=\"get\" action=\"/coord\" "
			    "role=\"search\">\n<label for=\"vq\">");
	web_html_text(&u->b, _("Find a verified member by name, building "
			       "or unit"));
	web_html_raw(&u->b, "</label>\n<input type=\"search\" id=\"vq\" "
			    "name=\"vq\"");
	web_html_attr(&u->b, "value", vq);
	web_html_raw(&u->b, ">\n<button type=\"submit\">");
	web_html_text(&u->b, _("Search"));
	web_html_raw(&u->b, "</button>\n</form>\n");
	if (!*vq)
		return;
	h->n = 0;
	h->found = 0;
	h->from = parse_from(web_ui_field(u->rq->query, "vfrom"));
	f.search = vq;
	rc = action_member_find(u->a, &f, member_verified, h, NULL);
	if (h->n)
		web_html_raw(&u->b, "</ul>\n");
	if (rc)
		web_ui_error(u, u->a->msg);
	else if (!h->found)
		web_ui_notice(u, _("No verified member matches your search."));
	more_link(h, "vfrom", vq, "verified", _("Show the next ones"));
}

static void members(struct hub *h)
{
	struct web_ui *u = h->u;

	coord_section(u, "verify", _("Members waiting for verification"));
	web_html_raw(&u->b, "<p class=\"hint\">");
	web_html_text(&u->b, _("Verify a member once you have met them where "
			       "they live. Hours of help count only between "
			       "verified members."));
	web_html_raw(&u->b, "</p>\n");
	h->n = 0;
	h->found = 0;
	h->from = parse_from(web_ui_field(u->rq->query, "wait"));
	if (action_coord_waiting(u->a, member_waiting, h))
		web_ui_error(u, u->a->msg);
	if (h->n) {
		web_html_raw(&u->b, "</ul>\n");
	} else {
		web_html_raw(&u->b, "<p>");
		web_html_text(&u->b, _("Nobody is waiting."));
		web_html_raw(&u->b, "</p>\n");
	}
	more_link(h, "wait", NULL, "verify", _("Show the next ones"));
	verified_found(h);
	web_html_raw(&u->b, "</section>\n");
}

/* ---- roles ---------------------------------------------------------------- */

static const char *role_label(int role)
{
	return role == CRDT_ROLE_COORDINATOR
		       ? action_pgettext("role", "coordinator")
		       : action_pgettext("role", "building head");
}

static int role_row(void *ctx, const struct action_coord_role *r)
{
	struct hub *h = ctx;
	struct web_ui *u = h->u;

	if (!h->n++)
		web_html_raw(&u->b, "<ul class=\"cards\">\n");
	web_html_raw(&u->b, "<li><p>");
	if (*r->building)
		/* TRANSLATORS: a member, their role, the building */
		web_html_textf(&u->b, _("%s: %s of %s"), r->who.label,
			       role_label(r->role), r->building);
	else
		web_html_textf(&u->b, _("%s: %s"), r->who.label,
			       role_label(r->role));
	web_html_raw(&u->b, "</p>\n");
	coord_open_form(u, "/coord/role");
	web_ui_hidden(u, "member", r->who.hex);
	web_ui_hidden(u, "role", r->word);
	web_ui_hidden(u, "building", r->building);
	coord_submit(u, "do", "revoke", _("Take this role away"), 1);
	web_html_raw(&u->b, "</li>\n");
	return 0;
}

static void roles(struct hub *h)
{
	struct web_ui *u = h->u;
	const char *role = h->f ? web_ui_field(h->f, "role") : "";
	int i;

	coord_section(u, "roles", _("Roles"));
	h->n = 0;
	if (action_coord_roles(u->a, role_row, h))
		web_ui_error(u, u->a->msg);
	if (h->n)
		web_html_raw(&u->b, "</ul>\n");
	web_html_raw(&u->b, "<h3>");
	web_html_text(&u->b, _("Give a role"));
	web_html_raw(&u->b, "</h3>\n");
	coord_open_form(u, "/coord/role");
	web_html_raw(&u->b, "<label for=\"gm\">");
	web_html_text(&u->b, _("Member (their name as the members list "
			       "shows it)"));
	web_html_raw(&u->b, "</label>\n<input type=\"text\" id=\"gm\" "
			    "name=\"member\" required");
	web_html_attr(&u->b, "value",
		      h->f && !strcmp(web_ui_field(h->f, "do"), "grant") ?
			      web_ui_field(h->f, "member") : "");
	web_html_raw(&u->b, ">\n<label for=\"gr\">");
	web_html_text(&u->b, _("Role"));
	web_html_raw(&u->b, "</label>\n<select id=\"gr\" name=\"role\">\n");
	for (i = 0; i < CRDT_ROLES; i++) {
		web_html_raw(&u->b, "<option");
		web_html_attr(&u->b, "value", crdt_roles[i]);
		if (!strcmp(role, crdt_roles[i]))
			web_html_raw(&u->b, " selected");
		web_html_raw(&u->b, ">");
		web_html_text(&u->b, role_label(i));
		web_html_raw(&u->b, "</option>\n");
	}
	web_html_raw(&u->b, "</select>\n<label for=\"gb\">");
	web_html_text(&u->b, _("Building (for a building head only)"));
	web_html_raw(&u->b, "</label>\n"
			    "<input type=\"text\" id=\"gb\" name=\"building\"");
	web_html_attr(&u->b, "value",
		      h->f ? web_ui_field(h->f, "building") : "");
	web_html_raw(&u->b, ">\n");
	coord_submit(u, "do", "grant", _("Give the role"), 0);
	web_html_raw(&u->b, "</section>\n");
}

/* ---- GET /coord ----------------------------------------------------------- */

int web_ui_coord_begin(struct web_ui *u, struct web_request *rq,
		       const char *title, unsigned flags, const char *err)
{
	web_ui_begin(u, rq, title, "/coord");
	if (flags & WEB_COORD_NOPRINT)
		web_html_raw(&u->b, "<div class=\"noprint\">");
	web_html_raw(&u->b, "<h1>");
	web_html_text(&u->b, _(title));
	web_html_raw(&u->b, "</h1>\n");
	if (err)
		web_ui_error(u, err);
	if (action_coord_require(u->a)) {
		if (!err)
			web_ui_error(u, u->a->msg);
		if (flags & WEB_COORD_NOPRINT)
			web_html_raw(&u->b, "</div>\n");
		return -1;
	}
	if (flags & WEB_COORD_BACK) {
		web_html_raw(&u->b, "<p><a href=\"/coord\">");
		web_html_text(&u->b, _("Back to coordinating"));
		web_html_raw(&u->b, "</a></p>\n");
	}
	return 0;
}

static int render_hub(struct web_request *rq, struct web_reply *rp,
		      const struct web_form *f, const char *err,
		      unsigned status)
{
	const char *done = web_ui_field(rq->query, "done");
	struct web_ui u;
	struct hub h = { &u, f, 0, 0, 0 };

	if (web_ui_coord_begin(&u, rq, N_("Coordinate"), 0, err))
		return web_ui_finish(&u, rp, err ? status : MHD_HTTP_FORBIDDEN);
	if (!err && done_text(done))
		web_ui_notice(&u, done_text(done));
	emergency(&h);
	invite(&u);
	links(&u);
	members(&h);
	roles(&h);
	coord_posts(&h);
	return web_ui_finish(&u, rp, status);
}

int web_page_coord(struct web_request *rq, struct web_reply *rp)
{
	return render_hub(rq, rp, NULL, NULL, MHD_HTTP_OK);
}

/* ---- the POSTs ------------------------------------------------------------ */

/* The action's refusal on the hub, with the values given (422). */
int coord_refused(struct web_request *rq, struct web_reply *rp)
{
	struct action *a = rq->app;
	char msg[ACTION_MSG_MAX];

	snprintf(msg, sizeof msg, "%s", a->msg);
	web_ui_quiet_end();
	return render_hub(rq, rp, rq->form, msg, WEB_UNPROCESSABLE);
}

int coord_done(struct web_reply *rp, const char *word)
{
	char loc[64];

	web_ui_quiet_end();
	snprintf(loc, sizeof loc, "/coord?done=%s", word);
	return web_reply_redirect(rp, loc);
}

/* A form field that is not one of the choices the page offers. */
int coord_unknown_choice(struct action *a)
{
	return action_fail(a, KITH_EINVAL, "%s",
			   _("That is not one of the choices on the page; "
			     "please use the buttons of the page."));
}

int web_page_coord_verify(struct web_request *rq, struct web_reply *rp)
{
	const struct web_form *f = rq->form;
	const char *op = web_ui_field(f, "do");
	const char *member = web_ui_field(f, "member");
	struct action *a = web_ui_quiet_begin(rq);
	struct action_person who;
	int rc;

	if (!strcmp(op, "verify"))
		rc = action_coord_verify(a, member, web_ui_field(f, "building"),
					 web_ui_field(f, "unit"), &who);
	else if (!strcmp(op, "unverify"))
		rc = action_coord_unverify(a, member, &who, NULL);
	else
		rc = coord_unknown_choice(a);
	if (rc)
		return coord_refused(rq, rp);
	return coord_done(rp, !strcmp(op, "verify") ? "verified" : "unverified");
}

int web_page_coord_role(struct web_request *rq, struct web_reply *rp)
{
	const struct web_form *f = rq->form;
	const char *op = web_ui_field(f, "do");
	const char *member = web_ui_field(f, "member");
	const char *building = web_ui_field(f, "building");
	struct action *a = web_ui_quiet_begin(rq);
	struct action_person who;
	int role, rc, grant = !strcmp(op, "grant");

	role = crdt_enum_lookup(crdt_roles, CRDT_ROLES,
				web_ui_field(f, "role"));
	if (role < 0 || (!grant && strcmp(op, "revoke")))
		rc = coord_unknown_choice(a);
	else if (grant)
		rc = action_coord_role_grant(a, member, role,
					     *building ? building : NULL, &who);
	else
		rc = action_coord_role_revoke(a, member, role,
					      *building ? building : NULL,
					      &who);
	if (rc)
		return coord_refused(rq, rp);
	return coord_done(rp, grant ? "granted" : "revoked");
}

int web_page_coord_emergency(struct web_request *rq, struct web_reply *rp)
{
	const char *op = web_ui_field(rq->form, "do");
	struct action *a = web_ui_quiet_begin(rq);
	struct action_coord_emergency em;
	int rc;

	if (!strcmp(op, "start"))
		rc = action_coord_emergency_start(
			a, web_ui_field(rq->form, "reason"), &em);
	else if (!strcmp(op, "end"))
		rc = action_coord_emergency_end(a, &em);
	else
		rc = coord_unknown_choice(a);
	if (rc)
		return coord_refused(rq, rp);
	return coord_done(rp, !strcmp(op, "start") ? "started" : "ended");
}
