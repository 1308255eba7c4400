/*
 * page_member.c - the people pages (pages.h): the members by building
 * with search, one member with their hours of help, and my own profile.
 *
 * Everything shown comes from action/member.h (action_member_find,
 * action_member_whoami) and action/hours.h; the profile is saved with
 * action_member_profile, whose refusals are shown as they are.  Members
 * are named as their profile names them; a short id appears only in a
 * link's URL.  Texts in the list are cut to LIST_CLIP bytes (a whole
 * character), so that a page of LIST_PAGE members of the longest texts
 * stays far below the page cap; a member's own page shows them whole, and
 * the newest LEDGER_MAX lines of their hours (a sentence says how many
 * there are when there are more), who replaced their key and when, and
 * for a coordinator the form replacing it (web/page_replace.c).
 */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "action/hours.h"
#include "action/i18n.h"
#include "action/member.h"
#include "action/names.h"
#include "crdt/codec.h"
#include "crdt/err.h"
#include "crdt/schema.h"
#include "web/pages.h"

#define LIST_PAGE 100 /* members on one page of the list */
#define LIST_CLIP 160 /* bytes of a text shown in the list */
#define LEDGER_MAX 100 /* lines of a member's hours shown, the newest */

/* ---- shared ------------------------------------------------------------- */

/* s, cut to at most max bytes on a character boundary, then "…". */
static void clip(struct web_ui *u, const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max) {
		web_html_text(&u->b, s);
		return;
	}
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	web_html_textn(&u->b, s, n);
	web_html_raw(&u->b, "…");
}

/* fmt (one %s, a whole translated sentence) with s cut as clip() cuts. */
static void clipf(struct web_ui *u, const char *fmt, const char *s,
		  size_t max)
{
	char c[LIST_CLIP + sizeof "…"];
	size_t n = strlen(s);

	if (max > LIST_CLIP)
		max = LIST_CLIP;
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	snprintf(c, sizeof c, "%.*s%s", (int)n, s, n < strlen(s) ? "…" : "");
	web_html_textf(&u->b, fmt, c);
}

/* Quarter hours as people write them: "2", "1.5", "0.25". */
static void hours_text(char *out, size_t cap, double h)
{
	long q = (long)(h * 4 + (h < 0 ? -0.5 : 0.5));
	long whole = labs(q) / 4, frac = labs(q) % 4;
	static const char *const part[] = { "", ".25", ".5", ".75" };

	snprintf(out, cap, "%s%ld%s", q < 0 ? "-" : "", whole, part[frac]);
}

/* "Helped neighbours for 2 hours" and "Was helped for 1 hour". */
static void hours_line(struct web_ui *u, double given, double received)
{
	char g[32], r[32];

	hours_text(g, sizeof g, given);
	hours_text(r, sizeof r, received);
	web_html_textf(&u->b,
		       ngettext("Helped neighbours for %s hour",
				"Helped neighbours for %s hours",
				given == 1.0 ? 1 : 2),
		       g);
	web_html_raw(&u->b, " · ");
	web_html_textf(&u->b,
		       ngettext("Was helped for %s hour",
				"Was helped for %s hours",
				received == 1.0 ? 1 : 2),
		       r);
}

/* The marks of a member: verified, roles, volunteer, hosted. */
static void marks(struct web_ui *u, const struct action_member *m)
{
	int hosted = m->host_name && *m->host_name;

	if (!m->verified && !m->coordinator && !m->head && !m->volunteer &&
	    !hosted)
		return;
	web_html_raw(&u->b, "<p class=\"marks\">");
	if (m->verified) {
		web_html_raw(&u->b, "<span class=\"mark verified\">✓ ");
		web_html_text(&u->b, _("Verified in person"));
		web_html_raw(&u->b, "</span> ");
	}
	if (m->coordinator) {
		web_html_raw(&u->b, "<span class=\"mark\">");
		web_html_text(&u->b, _("Coordinator"));
		web_html_raw(&u->b, "</span> ");
	}
	if (m->head) {
		web_html_raw(&u->b, "<span class=\"mark\">");
		web_html_text(&u->b, _("Building head"));
		web_html_raw(&u->b, "</span> ");
	}
	if (m->volunteer) {
		web_html_raw(&u->b, "<span class=\"mark\">");
		web_html_text(&u->b, _("Volunteer"));
		web_html_raw(&u->b, "</span> ");
	}
	if (hosted) {
		web_html_raw(&u->b, "<span class=\"mark\">");
		web_html_textf(&u->b, _("No device: %s enters their posts"),
			       m->host_name);
		web_html_raw(&u->b, "</span>");
	}
	web_html_raw(&u->b, "</p>\n");
}

static int is_me(struct web_ui *u, const char *hex)
{
	uint8_t pk[CRDT_PK_LEN];

	return !crdt_unhex(pk, CRDT_PK_LEN, hex) && action_is_me(u->a, pk);
}

/* ---- GET /members ------------------------------------------------------- */

struct list {
	struct web_ui *u;
	int n;
	/* the building of the group open, whole: compared clipped, two
	 * buildings alike in their first LIST_CLIP bytes would be one
	 * group, and a clipped copy compared whole made a new heading for
	 * every member of a building named longer */
	char building[CRDT_MAX_TEXT + 1];
	int group_open;
};

static int member_card(void *ctx, const struct action_member *m)
{
	struct list *l = ctx;
	struct web_ui *u = l->u;

	if (!l->n++ || strcasecmp(l->building, m->building)) {
		if (l->group_open)
			web_html_raw(&u->b, "</ul>\n");
		web_html_raw(&u->b, "<h2>");
		if (*m->building)
			clip(u, m->building, LIST_CLIP);
		else
			web_html_text(&u->b, _("No building given"));
		web_html_raw(&u->b, "</h2>\n<ul class=\"cards people\">\n");
		snprintf(l->building, sizeof l->building, "%s", m->building);
		l->group_open = 1;
	}
	web_html_raw(&u->b, "<li><a class=\"who\" href=\"/members/");
	web_html_url(&u->b, m->short_id);
	web_html_raw(&u->b, "\">");
	if (is_me(u, m->id))
		/* TRANSLATORS: the viewer's own name in the members list */
		clipf(u, _("%s (you)"), m->shown, LIST_CLIP);
	else
		clip(u, m->shown, LIST_CLIP);
	web_html_raw(&u->b, "</a>\n");
	marks(u, m);
	if (*m->unit) {
		web_html_raw(&u->b, "<p class=\"hint\">");
		/* TRANSLATORS: a member's flat or unit number */
		clipf(u, _("Unit: %s"), m->unit, LIST_CLIP);
		web_html_raw(&u->b, "</p>\n");
	}
	if (*m->skills) {
		web_html_raw(&u->b, "<p>");
		web_html_text(&u->b, _("Can help with:"));
		web_html_raw(&u->b, " ");
		clip(u, m->skills, LIST_CLIP);
		web_html_raw(&u->b, "</p>\n");
	}
	web_html_raw(&u->b, "<p class=\"hint\">");
	hours_line(u, m->hours, m->received);
	web_html_raw(&u->b, "</p></li>\n");
	return 0;
}

/* ?from=N: a whole number, else 0. */
static size_t parse_from(const char *s)
{
	size_t v = 0;

	for (; *s >= '0' && *s <= '9' && v < 100000000; s++)
		v = v * 10 + (size_t)(*s - '0');
	return *s ? 0 : v;
}

int web_page_members(struct web_request *rq, struct web_reply *rp)
{
	const char *search = web_ui_field(rq->query, "q");
	struct action_member_filter f = { 0 };
	struct web_ui u;
	struct list l;
	size_t total = 0;
	char next[32];
	int rc;

	memset(&l, 0, sizeof l);
	l.u = &u;
	web_ui_begin(&u, rq, N_("Members"), "/members");
	web_html_raw(&u.b, "<h1>");
	web_html_text(&u.b, _("Members"));
	web_html_raw(&u.b, "</h1>\n<p><a class=\"button\" href=\"/me\">");
	web_html_text(&u.b, _("Edit my profile"));
	web_html_raw(&u.b, "</a></p>\n");
	web_ui_search(&u, "/members", _("Search by name, building or skill"),
		      search);
	f.search = search;
	f.offset = parse_from(web_ui_field(rq->query, "from"));
	f.limit = LIST_PAGE;
	rc = action_member_find(u.a, &f, member_card, &l, &total);
	if (l.group_open)
		web_html_raw(&u.b, "</ul>\n");
	if (rc) {
		web_ui_error(&u, u.a->msg);
		return web_ui_finish(&u, rp, rc == KITH_EINVAL ?
						     WEB_UNPROCESSABLE :
						     MHD_HTTP_INTERNAL_SERVER_ERROR);
	}
	if (!l.n && *search)
		web_ui_notice(&u, _("No member matches your search."));
	else if (!l.n && !total)
		web_ui_notice(&u, _("No members yet. Neighbours appear here "
				    "after your machines sync."));
	if (f.offset + LIST_PAGE < total) {
		snprintf(next, sizeof next, "%zu", f.offset + LIST_PAGE);
		web_html_raw(&u.b, "<p><a class=\"button\" href=\"/members?q=");
		web_html_url(&u.b, search);
		web_html_raw(&u.b, "&amp;from=");
		web_html_url(&u.b, next);
		web_html_raw(&u.b, "\">");
		web_html_text(&u.b, _("More members"));
		web_html_raw(&u.b, "</a></p>\n");
	}
	return web_ui_finish(&u, rp, MHD_HTTP_OK);
}

/* ---- GET /members/ID ---------------------------------------------------- */

/* What member_show keeps for the page after it: the member's key and
 * name (the replacements and the replace form follow the profile). */
struct shown {
	struct web_ui *u;
	char id[2 * CRDT_PK_LEN + 1];
	char name[ACTION_NAME_MAX];
	int me;
};

static int member_show(void *ctx, const struct action_member *m)
{
	struct shown *s = ctx;
	struct web_ui *u = s->u;

	snprintf(s->id, sizeof s->id, "%s", m->id);
	snprintf(s->name, sizeof s->name, "%s", m->shown);
	s->me = is_me(u, m->id);
	web_html_raw(&u->b, "<h1>");
	web_html_text(&u->b, m->shown);
	web_html_raw(&u->b, "</h1>\n");
	if (!strcmp(web_ui_field(u->rq->query, "done"), "replaced"))
		web_ui_notice(u, _("Their key is replaced. Their new phone or "
				   "computer now writes as them, and what "
				   "their old one writes is ignored "
				   "everywhere once the machines have synced. "
				   "Ask them to link their other devices again "
				   "from the new one."));
	marks(u, m);
	web_html_raw(&u->b, "<dl class=\"profile\">\n");
	web_ui_fact(u, _("Building"), m->building);
	web_ui_fact(u, _("Unit"), m->unit);
	web_ui_fact(u, _("Can help with"), m->skills);
	web_ui_fact(u, _("When they can help"), m->available);
	web_html_raw(&u->b, "</dl>\n");
	if (s->me) {
		web_html_raw(&u->b, "<p><a class=\"button\" href=\"/me\">");
		web_html_text(&u->b, _("Edit my profile"));
		web_html_raw(&u->b, "</a></p>\n");
	}
	if (m->forked)
		web_ui_error(u, _("Two devices have written as this member. "
				  "Ask a coordinator before trusting new "
				  "posts from them."));
	return 0;
}

/* The ledger of one member, oldest first: the newest LEDGER_MAX lines of
 * it, after a sentence with how many there are when some are left out
 * (read twice: counted, then shown). */
struct ledger {
	struct web_ui *u;
	const struct action_hours *h;
	size_t total; /* lines in all */
	size_t skip;  /* the oldest, not shown */
	size_t seen;
	int n; /* lines shown */
};

static int ledger_count(void *ctx, const struct crdt_row *r)
{
	(void)r;
	((struct ledger *)ctx)->total++;
	return 0;
}

static int ledger_row(void *ctx, const struct crdt_row *r)
{
	struct ledger *l = ctx;
	struct web_ui *u = l->u;
	struct action_person other;
	const struct crdt_col *hc = crdt_row_get(r, "hours");
	double h = hc ? (hc->type == CRDT_COL_REAL ? hc->d : (double)hc->i) :
			0;
	time_t at = (time_t)(action_col_int(r, "at_ms") / 1000);
	char date[32] = "", amount[32];
	const char *fmt;
	struct tm tm;

	if (l->seen++ < l->skip)
		return 0;
	if (gmtime_r(&at, &tm))
		strftime(date, sizeof date, "%Y-%m-%d", &tm);
	hours_text(amount, sizeof amount, h < 0 ? -h : h);
	action_person_hex(u->a, action_col_text(r, "counterpart"), &other);
	if (!l->n++)
		web_html_raw(&u->b, "<ul class=\"cards\">\n");
	/* TRANSLATORS: a line of the time bank: who helped, whom, the
	 * wish's title, how many hours ("1.5") */
	fmt = ngettext("%1$s helped %2$s with \"%3$s\" for %4$s hour",
		       "%1$s helped %2$s with \"%3$s\" for %4$s hours",
		       h == 1.0 || h == -1.0 ? 1 : 2);
	web_html_raw(&u->b, "<li><p>");
	if (!strcmp(action_col_text(r, "direction"), "earned"))
		web_html_textf(&u->b, fmt, l->h->shown, other.label,
			       action_col_text(r, "title"), amount);
	else
		web_html_textf(&u->b, fmt, other.label, l->h->shown,
			       action_col_text(r, "title"), amount);
	web_html_raw(&u->b, "</p>\n<p class=\"hint\">");
	web_html_text(&u->b, date);
	web_html_raw(&u->b, "</p></li>\n");
	return 0;
}

int web_page_member(struct web_request *rq, struct web_reply *rp)
{
	const char *id = rq->path + strlen("/members/");
	struct action_member_filter f = { 0 };
	struct action_hours h;
	struct web_ui u;
	struct ledger l = { &u, &h, 0, 0, 0, 0 };
	struct shown s = { &u, "", "", 0 };
	uint8_t pk[CRDT_PK_LEN];
	size_t total = 0;
	int rc;

	web_ui_begin(&u, rq, N_("Member"), "/members");
	f.member = id;
	f.limit = 1;
	rc = action_member_find(u.a, &f, member_show, &s, &total);
	if (!rc && total && !crdt_unhex(pk, CRDT_PK_LEN, s.id))
		web_ui_replaced(&u, pk);
	if (!rc && !total)
		rc = action_fail(u.a, KITH_ENOTFOUND, "%s",
				 _("This member has not published a profile "
				   "yet."));
	if (!rc)
		rc = action_hours_of(u.a, id, &h);
	if (rc) {
		web_ui_error(&u, u.a->msg);
		web_html_raw(&u.b, "<p><a href=\"/members\">");
		web_html_text(&u.b, _("All members"));
		web_html_raw(&u.b, "</a></p>\n");
		return web_ui_finish(&u, rp,
				     rc == KITH_ENOTFOUND || rc == KITH_EINVAL ||
						     rc == KITH_EAMBIGUOUS ?
					     MHD_HTTP_NOT_FOUND :
					     MHD_HTTP_INTERNAL_SERVER_ERROR);
	}
	web_html_raw(&u.b, "<h2>");
	web_html_text(&u.b, _("Hours of help"));
	web_html_raw(&u.b, "</h2>\n<p>");
	hours_line(&u, h.earned_q / 4.0, h.given_q / 4.0);
	web_html_raw(&u.b, "</p>\n");
	rc = action_hours_ledger(u.a, &h, ledger_count, &l);
	if (!rc && l.total > LEDGER_MAX) {
		l.skip = l.total - LEDGER_MAX;
		web_html_raw(&u.b, "<p class=\"hint\">");
		/* TRANSLATORS: %1$d is 100, %2$zu how many lines the member's
		 * time bank has in all (more than 100) */
		web_html_textf(&u.b,
			       ngettext("Only the newest %1$d of %2$zu line is "
					"shown.",
					"Only the newest %1$d of %2$zu lines "
					"are shown.",
					l.total),
			       LEDGER_MAX, l.total);
		web_html_raw(&u.b, "</p>\n");
	}
	if (!rc)
		rc = action_hours_ledger(u.a, &h, ledger_row, &l);
	if (rc)
		web_ui_error(&u, u.a->msg);
	else if (l.n)
		web_html_raw(&u.b, "</ul>\n");
	else
		web_ui_notice(&u, _("No hours yet. Hours count when the "
				    "author of a wish confirms the help."));
	web_html_raw(&u.b, "<p><a href=\"/members\">");
	web_html_text(&u.b, _("All members"));
	web_html_raw(&u.b, "</a></p>\n");
	/* last, apart from the profile: a coordinator's (the action checks
	 * again) */
	if (u.coordinator && !s.me)
		web_ui_replace_form(&u, s.id, s.name);
	return web_ui_finish(&u, rp, MHD_HTTP_OK);
}

/* ---- GET /me, POST /me -------------------------------------------------- */

static const struct {
	const char *name;  /* the form field */
	const char *label; /* N_ */
	int area;	   /* a textarea */
} me_fields[] = {
	{ "name", N_("Your name"), 0 },
	{ "building", N_("Your building"), 0 },
	{ "unit", N_("Your unit or flat number"), 0 },
	{ "skills", N_("What you can help with (optional)"), 1 },
	{ "available", N_("When you can help (optional)"), 0 },
};
#define ME_FIELDS (sizeof me_fields / sizeof me_fields[0])

/* The current value of me_fields[i]. */
static const char *me_value(const struct action_me *me, size_t i)
{
	const char *v[ME_FIELDS] = { me->name, me->building, me->unit,
				     me->skills, me->available };

	return v[i];
}

/* The form with the values of f, or (f NULL) of me (NULL: empty). */
static int me_form(struct web_request *rq, struct web_reply *rp,
		   const struct web_form *f, const char *err, unsigned status)
{
	const char *done = web_ui_field(rq->query, "done");
	struct action_me *me = calloc(1, sizeof *me);
	char sid[ACTION_SHORT_MAX];
	struct web_ui u;
	size_t i;
	int rc;

	if (!me)
		return KITH_ENOMEM;
	web_ui_begin(&u, rq, N_("My profile"), "/members");
	web_html_raw(&u.b, "<h1>");
	web_html_text(&u.b, _("My profile"));
	web_html_raw(&u.b, "</h1>\n");
	rc = action_member_whoami(u.a, me);
	if (err)
		web_ui_error(&u, err);
	else if (rc)
		web_ui_error(&u, u.a->msg);
	else if (!strcmp(done, "saved"))
		web_ui_notice(&u, _("Your profile is saved. Neighbours see "
				    "the change after your machines sync."));
	web_html_raw(&u.b, "<form method=\"post\" action=\"/me\"");
	web_ui_autocomplete(&u);
	web_html_raw(&u.b, ">\n");
	web_ui_csrf(&u);
	for (i = 0; i < ME_FIELDS; i++) {
		const char *v = f ? web_ui_field(f, me_fields[i].name) :
			        rc ? "" : me_value(me, i);

		web_html_fmt(&u.b, "<label for=\"%s\">", me_fields[i].name);
		web_html_text(&u.b, _(me_fields[i].label));
		web_html_raw(&u.b, "</label>\n");
		if (me_fields[i].area) {
			web_html_fmt(&u.b, "<textarea id=\"%s\" name=\"%s\" "
					   "rows=\"3\">",
				     me_fields[i].name, me_fields[i].name);
			web_html_text(&u.b, v);
			web_html_raw(&u.b, "</textarea>\n");
		} else {
			web_html_fmt(&u.b, "<input type=\"text\" id=\"%s\" "
					   "name=\"%s\"",
				     me_fields[i].name, me_fields[i].name);
			web_html_attr(&u.b, "value", v);
			web_html_raw(&u.b, ">\n");
		}
	}
	web_html_raw(&u.b, "<button type=\"submit\">");
	web_html_text(&u.b, _("Save my profile"));
	web_html_raw(&u.b, "</button>\n</form>\n");
	/* on a shared computer the browser's history must not hold whose
	 * profile this was (pages.h) */
	if (!rc && !u.kiosk) {
		action_short_id(u.a, CRDT_R_MEMBER, me->id, sid, sizeof sid);
		web_html_raw(&u.b, "<p><a href=\"/members/");
		web_html_url(&u.b, sid);
		web_html_raw(&u.b, "\">");
		web_html_text(&u.b, _("See my hours of help"));
		web_html_raw(&u.b, "</a></p>\n");
	}
	action_member_me_wipe(me);
	free(me);
	return web_ui_finish(&u, rp, status);
}

int web_page_me(struct web_request *rq, struct web_reply *rp)
{
	return me_form(rq, rp, NULL, NULL, MHD_HTTP_OK);
}

int web_page_me_post(struct web_request *rq, struct web_reply *rp)
{
	const struct web_form *f = rq->form;
	struct action *a = web_ui_quiet_begin(rq);
	struct action_me *me = calloc(1, sizeof *me);
	const char *given[ME_FIELDS];
	struct action_profile p;
	char msg[ACTION_MSG_MAX];
	size_t i;
	int rc;

	if (!me) {
		web_ui_quiet_end();
		return KITH_ENOMEM;
	}
	/* what changed: a field left as it was is not written again (and
	 * nothing changed at all is the action's refusal); a field not in
	 * the form is left alone */
	rc = action_member_whoami(a, me);
	for (i = 0; i < ME_FIELDS; i++) {
		given[i] = web_form_get(f, me_fields[i].name);
		if (given[i] && !rc && !strcmp(given[i], me_value(me, i)))
			given[i] = NULL;
	}
	action_member_me_wipe(me);
	free(me);
	p.name = given[0];
	p.building = given[1];
	p.unit = given[2];
	p.skills = given[3];
	p.available = given[4];
	rc = action_member_profile(a, &p, NULL);
	if (rc) {
		snprintf(msg, sizeof msg, "%s", a->msg);
		web_ui_quiet_end();
		return me_form(rq, rp, f, msg, WEB_UNPROCESSABLE);
	}
	web_ui_quiet_end();
	return web_reply_redirect(rp, "/me?done=saved");
}
