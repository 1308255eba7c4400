/*
 * page_for.c - "Neighbours I help": the members this machine hosts
 * (neighbours without a phone or computer, action/hosted.h), choosing to
 * act for one of them or as oneself, hosting a new one, and handing one
 * over to a phone of their own (GET /for, POST /for, POST /for/host,
 * POST and GET /for/handover; see pages.h).
 *
 * These pages are the host's own: they run as the host (pages.c does not
 * wrap them in web_acting_run), whomever the session acts for.  The
 * choice is the session's (web/acting.h); it is made only for a key this
 * machine hosts and whose file opens under ours, so a crafted form value
 * changes nothing.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "action/device.h"
#include "action/hosted.h"
#include "action/i18n.h"
#include "crdt/codec.h"
#include "crdt/crypto.h"
#include "crdt/err.h"
#include "web/acting.h"
#include "web/pages.h"

/* The form of a new neighbour: its fields and their labels (N_). */
static const struct {
	const char *name, *label;
} host_fields[] = {
	{ "name", N_("Their name") },
	{ "building", N_("Their building (optional)") },
	{ "unit", N_("Their unit or flat number (optional)") },
};
#define HOST_FIELDS (sizeof host_fields / sizeof host_fields[0])

struct for_list {
	struct web_ui *u;
	const uint8_t *acting; /* the session's choice, or NULL */
	size_t n;
};

/* One neighbour hosted here: name, where they live, and the button. */
static int for_row(void *ctx, const struct action_hosted *h)
{
	struct for_list *l = ctx;
	struct web_ui *u = l->u;
	int now = l->acting &&
		  crdt_equal(l->acting, h->person.pk, sizeof h->person.pk);

	if (!l->n++)
		web_html_raw(&u->b, "<ul class=\"cards\">\n");
	web_html_raw(&u->b, "<li>\n<p><strong>");
	web_html_text(&u->b, h->person.label);
	web_html_raw(&u->b, "</strong>");
	if (*h->building || *h->unit) {
		web_html_raw(&u->b, "<br>\n");
		if (*h->building && *h->unit)
			/* TRANSLATORS: where a neighbour lives: building,
			 * unit */
			web_html_textf(&u->b, _("%s, unit %s"), h->building,
				       h->unit);
		else if (*h->building)
			web_html_text(&u->b, h->building);
		else
			web_html_textf(&u->b, _("Unit: %s"), h->unit);
	}
	web_html_raw(&u->b, "</p>\n");
	if (now) {
		web_html_raw(&u->b, "<p class=\"notice\">");
		web_html_text(&u->b, _("You are acting for them now."));
		web_html_raw(&u->b, "</p>\n");
	} else {
		char label[ACTION_PERSON_MAX + 64];

		/* TRANSLATORS: a button: act for this neighbour (%s: their
		 * name) on every page, until one acts as oneself again */
		snprintf(label, sizeof label, _("Act for %s"),
			 h->person.label);
		web_ui_button(u, "/for", "member", h->person.hex, label, NULL);
	}
	/* TRANSLATORS: a button by a neighbour kept on this computer; a
	 * question follows before anything is done */
	web_ui_button(u, "/for/handover", "member", h->person.hex,
		      _("They have their own phone now: hand over"),
		      "secondary");
	web_html_raw(&u->b, "</li>\n");
	return 0;
}

/* The sentence of ?done=WORD (&who=HEX: a neighbour hosted here, named
 * from this replica, never from the request's text). */
static void done(struct web_ui *u)
{
	const char *word = web_ui_field(u->rq->query, "done");
	const char *hex = web_ui_field(u->rq->query, "who");
	uint8_t pk[CRDT_PK_LEN];
	struct action_person who;

	if (!strcmp(word, "self")) {
		web_ui_notice(u, _("You act as yourself again."));
	} else if (!strcmp(word, "hosted")) {
		if (strlen(hex) == 2 * CRDT_PK_LEN &&
		    !crdt_unhex(pk, CRDT_PK_LEN, hex) &&
		    action_hosts(u->a, pk)) {
			action_person(u->a, pk, &who);
			web_html_raw(&u->b,
				     "<p class=\"notice\" role=\"status\">");
			/* TRANSLATORS: after adding a neighbour without a
			 * device; %s: their name */
			web_html_textf(&u->b,
				       _("%s is now kept on this computer."),
				       who.label);
		} else {
			web_html_raw(&u->b,
				     "<p class=\"notice\" role=\"status\">");
			web_html_text(&u->b, _("The neighbour is now kept on "
					       "this computer."));
		}
		web_html_raw(&u->b, " ");
		web_html_text(&u->b,
			      _("What next: press \"Act for\" by their name "
				"below, then post a wish, check in or "
				"confirm help for them. Neighbours see them "
				"after your machines sync."));
		web_html_raw(&u->b, "</p>\n");
	}
}

/* The page, with err (a refusal, or NULL) and the new neighbour's form
 * filled from f (or empty). */
static int render(struct web_request *rq, struct web_reply *rp,
		  const struct web_form *f, const char *err, unsigned status)
{
	struct for_list l = { NULL, NULL, 0 };
	struct web_ui u;
	size_t i;
	int rc;

	web_ui_begin(&u, rq, N_("Neighbours I help"), NULL);
	l.u = &u;
	l.acting = rq->session->acting ? rq->session->acting_pk : NULL;
	web_html_raw(&u.b, "<h1>");
	web_html_text(&u.b, _("Neighbours I help"));
	web_html_raw(&u.b, "</h1>\n");
	if (err)
		web_ui_error(&u, err);
	else
		done(&u);
	web_html_raw(&u.b, "<p>");
	web_html_text(&u.b,
		      _("Some neighbours have no phone or computer. You can "
			"keep them on this computer and act for them: post "
			"a wish, check in or confirm help as them. What you "
			"do for them is theirs, and shows that you entered "
			"it."));
	web_html_raw(&u.b, "</p>\n<h2>");
	web_html_text(&u.b, _("Neighbours kept on this computer"));
	web_html_raw(&u.b, "</h2>\n");
	rc = action_hosted_list(u.a, for_row, &l);
	if (l.n)
		web_html_raw(&u.b, "</ul>\n");
	if (rc)
		web_ui_error(&u, u.a->msg);
	else if (!l.n)
		web_ui_notice(&u, _("Nobody is kept on this computer yet."));
	if (u.acting)
		web_ui_button(&u, "/for", "do", "self",
			      /* TRANSLATORS: a button: stop acting for a
			       * neighbour */
			      _("Act as myself"), "secondary");
	web_html_raw(&u.b, "<h2 id=\"add\">");
	web_html_text(&u.b, _("Add a neighbour without a device"));
	web_html_raw(&u.b, "</h2>\n"
			   "<form method=\"post\" action=\"/for/host\"");
	web_ui_autocomplete(&u);
	web_html_raw(&u.b, ">\n");
	web_ui_csrf(&u);
	for (i = 0; i < HOST_FIELDS; i++) {
		web_html_fmt(&u.b, "<label for=\"%s\">", host_fields[i].name);
		web_html_text(&u.b, _(host_fields[i].label));
		web_html_fmt(&u.b, "</label>\n<input type=\"text\" id=\"%s\" "
				   "name=\"%s\"",
			     host_fields[i].name, host_fields[i].name);
		web_html_attr(&u.b, "value",
			      f ? web_ui_field(f, host_fields[i].name) : "");
		web_html_raw(&u.b, ">\n");
	}
	web_html_raw(&u.b, "<p class=\"hint\">");
	web_html_text(&u.b,
		      _("Ask them first. Only you can act for them, and "
			"only on this computer."));
	web_html_raw(&u.b, "</p>\n<button type=\"submit\">");
	web_html_text(&u.b, _("Add this neighbour"));
	web_html_raw(&u.b, "</button>\n</form>\n");
	return web_ui_finish(&u, rp, status);
}

int web_page_for(struct web_request *rq, struct web_reply *rp)
{
	return render(rq, rp, NULL, NULL, MHD_HTTP_OK);
}

/* The sentence refusing a key this machine does not host. */
static const char *not_hosted(void)
{
	return _("That neighbour is not kept on this computer, so you cannot "
		 "act for them here. Nothing was changed.");
}

int web_page_for_post(struct web_request *rq, struct web_reply *rp)
{
	const char *hex = web_ui_field(rq->form, "member");
	struct web_session *s = rq->session;
	struct action *a = web_ui_quiet_begin(rq);
	char msg[ACTION_MSG_MAX];
	uint8_t pk[CRDT_PK_LEN];
	int rc;

	if (!strcmp(web_ui_field(rq->form, "do"), "self")) {
		s->acting = 0;
		crdt_wipe(s->acting_pk, sizeof s->acting_pk);
		web_ui_quiet_end();
		return web_reply_redirect(rp, "/for?done=self");
	}
	/* a key this machine hosts, whose file opens under ours; anything
	 * else (a crafted value, another member) changes nothing */
	if (strlen(hex) != 2 * CRDT_PK_LEN || crdt_unhex(pk, CRDT_PK_LEN, hex) ||
	    !action_hosts(a, pk)) {
		rc = action_fail(a, KITH_ENOTFOUND, "%s", not_hosted());
	} else {
		rc = action_act_as_pk(a, pk);
		action_act_self(a);
	}
	if (rc) {
		snprintf(msg, sizeof msg, "%s", a->msg);
		web_ui_quiet_end();
		return render(rq, rp, NULL, msg, WEB_UNPROCESSABLE);
	}
	s->acting = 1;
	memcpy(s->acting_pk, pk, CRDT_PK_LEN);
	s->lost = WEB_ACTING_KEPT;
	web_ui_quiet_end();
	return web_reply_redirect(rp, "/");
}

int web_page_for_host(struct web_request *rq, struct web_reply *rp)
{
	const struct web_form *f = rq->form;
	const char *name = web_ui_field(f, "name");
	const char *building = web_ui_field(f, "building");
	const char *unit = web_ui_field(f, "unit");
	struct action *a = web_ui_quiet_begin(rq);
	struct action_profile p = { 0 };
	struct action_person who;
	char msg[ACTION_MSG_MAX], loc[64 + 2 * CRDT_PK_LEN];
	int rc;

	p.name = name;
	p.building = *building ? building : NULL;
	p.unit = *unit ? unit : NULL;
	if (!*name)
		rc = action_fail(a, KITH_EINVAL, "%s",
				 _("Write the neighbour's name."));
	else
		rc = action_member_host(a, &p, &who);
	if (rc) {
		snprintf(msg, sizeof msg, "%s", a->msg);
		web_ui_quiet_end();
		return render(rq, rp, f, msg, WEB_UNPROCESSABLE);
	}
	web_ui_quiet_end();
	snprintf(loc, sizeof loc, "/for?done=hosted&who=%s", who.hex);
	return web_reply_redirect(rp, loc);
}

/* "Hand them over to their own phone?" for pk, hosted here. */
static int ask_handover(struct web_request *rq, struct web_reply *rp,
			const uint8_t pk[CRDT_PK_LEN], const char *hex)
{
	struct action_person who;
	struct web_ui u;

	web_ui_begin(&u, rq, N_("Hand over to their own phone?"), NULL);
	action_person(u.a, pk, &who);
	web_html_raw(&u.b, "<h1>");
	/* TRANSLATORS: %s: the name of a neighbour kept on this computer */
	web_html_textf(&u.b, _("Hand %s over to their own phone?"), who.label);
	web_html_raw(&u.b, "</h1>\n<p>");
	web_html_text(&u.b, _("Do this when they are here with their own "
			      "phone or computer. You get a code for it, "
			      "shown only once: it is the only copy of their "
			      "key."));
	web_html_raw(&u.b, "</p>\n<p>");
	web_html_text(&u.b, _("This computer then forgets their key and PIN: "
			      "you can no longer act for them here. Their "
			      "wishes, items and hours stay theirs."));
	web_html_raw(&u.b, "</p>\n<form method=\"post\" "
			   "action=\"/for/handover\">\n");
	web_ui_csrf(&u);
	web_ui_hidden(&u, "member", hex);
	web_ui_hidden(&u, "sure", "1");
	web_html_raw(&u.b, "<button type=\"submit\">");
	web_html_text(&u.b, _("Yes, hand over now"));
	web_html_raw(&u.b, "</button>\n</form>\n<p><a href=\"/for\">");
	web_html_text(&u.b, _("No, not now"));
	web_html_raw(&u.b, "</a></p>\n");
	return web_ui_finish(&u, rp, MHD_HTTP_OK);
}

int web_page_for_handover(struct web_request *rq, struct web_reply *rp)
{
	const char *hex = web_ui_field(rq->form, "member");
	struct web_session *s = rq->session;
	char code[PEER_LINK_MAX * 2], msg[ACTION_MSG_MAX];
	struct action *a;
	struct action_person who;
	uint8_t pk[CRDT_PK_LEN];
	int rc;

	/* the host says the code reached them: it is shown no more */
	if (!strcmp(web_ui_field(rq->form, "do"), "done")) {
		char gone[WEB_ONCE_MAX];

		if (web_auth_once_take(s, WEB_ONCE_HANDOVER, gone,
				       sizeof gone, NULL))
			crdt_wipe(gone, sizeof gone);
		return web_reply_redirect(rp, "/for");
	}
	a = web_ui_quiet_begin(rq);

	/* only a key hosted here is asked about or handed over: a crafted
	 * value never reaches the action as a name */
	if (strlen(hex) != 2 * CRDT_PK_LEN || crdt_unhex(pk, CRDT_PK_LEN, hex) ||
	    !action_hosts(a, pk)) {
		web_ui_quiet_end();
		return render(rq, rp, NULL, not_hosted(), WEB_UNPROCESSABLE);
	}
	if (strcmp(web_ui_field(rq->form, "sure"), "1")) {
		web_ui_quiet_end();
		return ask_handover(rq, rp, pk, hex);
	}
	rc = action_member_handover(a, hex, code, sizeof code, &who);
	if (rc) {
		snprintf(msg, sizeof msg, "%s", a->msg);
		web_ui_quiet_end();
		return render(rq, rp, NULL, msg, WEB_UNPROCESSABLE);
	}
	/* her key is gone from here: the session acts for her no more */
	if (s->acting && crdt_equal(s->acting_pk, who.pk, CRDT_PK_LEN)) {
		s->acting = 0;
		crdt_wipe(s->acting_pk, sizeof s->acting_pk);
	}
	rc = web_auth_once_put(s, WEB_ONCE_HANDOVER, code, who.pk);
	crdt_wipe(code, sizeof code);
	web_ui_quiet_end();
	return rc ? rc : web_reply_redirect(rp, "/for/handover");
}

int web_page_for_handed(struct web_request *rq, struct web_reply *rp)
{
	char code[WEB_ONCE_MAX];
	struct action_person who;
	uint8_t pk[CRDT_PK_LEN];
	struct web_ui u;
	int got = web_auth_once_peek(rq->session, WEB_ONCE_HANDOVER, code,
				     sizeof code, pk);

	web_ui_begin(&u, rq, N_("Handed over"), NULL);
	if (got) {
		action_person(u.a, pk, &who);
		web_html_raw(&u.b, "<h1>");
		/* TRANSLATORS: %s: the neighbour just handed over to a phone
		 * of their own */
		web_html_textf(&u.b, _("The code for %s's own phone"),
			       who.label);
		web_html_raw(&u.b, "</h1>\n<p><strong>");
		web_html_textf(&u.b, _("This computer no longer keeps the key "
				       "of %s. This code is now the only copy "
				       "of it: give it to them now, on their "
				       "own phone or computer."),
			       who.label);
		web_html_raw(&u.b, "</strong></p>\n");
		web_ui_link_code(&u, code);
		crdt_wipe(code, sizeof code);
		/* shown again on a reload, until the host says so */
		web_html_raw(&u.b, "<form method=\"post\" "
				   "action=\"/for/handover\">\n");
		web_ui_csrf(&u);
		web_html_raw(&u.b, "<input type=\"hidden\" name=\"do\" "
				   "value=\"done\">\n<button type=\"submit\">");
		web_html_text(&u.b, _("Done: the code is on their phone"));
		web_html_raw(&u.b, "</button>\n</form>\n");
	} else {
		web_html_raw(&u.b, "<h1>");
		web_html_text(&u.b, _("Handed over"));
		web_html_raw(&u.b, "</h1>\n");
		web_ui_notice(&u, _("Nothing to show here: the code of the "
				    "neighbour you handed over reached their "
				    "phone."));
	}
	web_html_raw(&u.b, "<p><a href=\"/for\">");
	web_html_text(&u.b, _("Back to Neighbours I help"));
	web_html_raw(&u.b, "</a></p>\n");
	return web_ui_finish(&u, rp, MHD_HTTP_OK);
}
