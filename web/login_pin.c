/*
 * login_pin.c - logging in with a member's name and PIN (login.h): the
 * form of GET /login and POST /login, for the phones of a building when
 * the daemon serves the web app on its network (web/server.h).
 *
 * Who may: a member whose key this machine holds and who has a PIN
 * (action/pin.h).  Our own member gets a plain session; a hosted
 * neighbour gets one that acts for her, and only her (web/auth.h fixed,
 * web/acting.h).
 *
 * POST /login, in this order:
 *   1. login CSRF: a browser always sends Origin with a POST (as "null"
 *      under our Referrer-Policy, so its value proves nothing); when
 *      Origin is there, the form's field "login" must equal the
 *      kith_login cookie that GET /login set (HttpOnly, SameSite=Strict,
 *      32 random bytes in hex: double submit) - so another site cannot
 *      log a resident's browser in as someone else, nor spend the
 *      resident's address's tries (else 403, the CSRF page).  Without
 *      Origin the client is no browser (a script: curl, Python), which
 *      no other site can drive; it needs no token - the contract for
 *      scripts is member and pin alone;
 *   2. the address's throttle (web/throttle.h): too soon, locked, or a
 *      try of it still being checked: 429 with Retry-After, nothing
 *      counted, nothing hashed;
 *   3. a PIN that is not 6 to 12 digits, or no member: 403 at once (not
 *      counted: it cannot be right, and costs nothing to refuse);
 *   4. the member is looked up on the loop (action_pin_lookup) and the
 *      hash checked off it (web_request_work: one at a time for the
 *      whole server; the queue full: 429, not counted); a member who is
 *      not here, or has no PIN, costs one hash too and says the same;
 *   5. right: the address is forgiven, a session is made (cookie as for
 *      a login link), 303 to /; wrong: it counts against the address,
 *      403 with the form again and, when the address must now wait,
 *      for how long.
 * Every login, right or wrong, is logged for the host (action_pin_log:
 * DIR/login.log and the daemon's log) with the address it came from.
 *
 * The form says plainly whether the connection is encrypted: without TLS
 * (web/server.h) it is not, so use it only on the building's own Wi-Fi.
 *
 * In kiosk mode (a shared computer, web/server.h) the form never shows
 * the name typed before (not even after a wrong PIN: the next person
 * may be standing there), its fields carry autocomplete="off" so the
 * browser offers nobody's name to the next person, and ?idle=1 (the
 * pages' reload once a session has ended) says "You were logged out
 * after a minute without use".
 */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action/i18n.h"
#include "action/pin.h"
#include "crdt/codec.h"
#include "crdt/crypto.h"
#include "crdt/err.h"
#include "crdt/log.h"
#include "web/html.h"
#include "web/login.h"
#include "web/pages.h"
#include "web/throttle.h"

#define LOGIN_COOKIE "kith_login"
#define HTTP_TOO_MANY 429
#define ADDR_MAX 64

/* A PIN check, handed to a worker thread: only these bytes. */
struct pin_job {
	char hash[CRDT_PWHASH_STR_LEN]; /* "" when nobody was found */
	char pin[ACTION_PIN_MAX + 1];
	uint8_t pk[CRDT_PK_LEN];
	uint8_t key[WEB_THROTTLE_KEY];
	int found, hosted;
	int rc; /* the verdict: 0 or KITH_EDENIED */
};

static void pin_job_run(void *p)
{
	struct pin_job *j = p;

	j->rc = action_pin_verify(j->hash, j->pin);
	crdt_wipe(j->pin, sizeof j->pin);
}

static void pin_job_free(void *p)
{
	crdt_wipe(p, sizeof(struct pin_job));
	free(p);
}

/* The kith_login cookie's value, when it is one. */
static const char *login_cookie(const struct web_request *rq)
{
	const char *c = MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND,
						    LOGIN_COOKIE);

	return web_auth_token_shape(c) ? c : NULL;
}

int web_login_pin_possible(struct web_request *rq)
{
	return rq->app && action_pin_any(rq->app);
}

/* Seconds, rounded up, of ms (at least 1). */
static unsigned seconds(int64_t ms)
{
	int64_t s = (ms + 999) / 1000;

	return s < 1 ? 1 : (unsigned)s;
}

/* "Wait N seconds" or "locked for N minutes", for the form. */
static void wait_text(char *out, size_t cap, int64_t ms, int locked)
{
	unsigned s = seconds(ms);

	if (locked) {
		unsigned m = (s + 59) / 60;

		snprintf(out, cap,
			 ngettext("Too many wrong PINs were typed on this "
				  "device. It can try again in %u minute.",
				  "Too many wrong PINs were typed on this "
				  "device. It can try again in %u minutes.",
				  m),
			 m);
	} else {
		snprintf(out, cap,
			 ngettext("Please wait %u second before you try "
				  "again.",
				  "Please wait %u seconds before you try "
				  "again.",
				  s),
			 s);
	}
}

/* What the form says above it (in the page's language, so chosen here
 * and written once the page speaks it). */
enum say {
	SAY_NOTHING = 0,
	SAY_NOT_RIGHT, /* and, with wait_ms, how long to wait */
	SAY_WAIT,      /* how long to wait (429) */
	SAY_BUSY,      /* the queue is full (429) */
	SAY_IDLE,      /* kiosk: logged out after its idle time */
};

static const char *not_right(void)
{
	return _("That name and PIN do not match. Check both and try again.");
}

/*
 * The form.  member: what was typed (kept); say, wait_ms, locked: the
 * message; status: 200, 403 or 429.  The login token goes into the form
 * and, when the browser has none yet, into a new kith_login cookie.
 */
static int form(struct web_request *rq, struct web_reply *rp,
		const char *member, enum say say, int64_t wait_ms, int locked,
		unsigned status)
{
	char wait[256];
	const char *have = login_cookie(rq);
	char token[WEB_TOKEN_HEX + 1];
	uint8_t b[WEB_TOKEN_HEX / 2];
	int kiosk = web_request_kiosk(rq);
	struct web_bare w;
	int rc;

	if (have) {
		memcpy(token, have, sizeof token);
	} else {
		crdt_crypto_random(b, sizeof b);
		crdt_hex(token, b, sizeof b);
		crdt_wipe(b, sizeof b);
	}
	/* TRANSLATORS: the title of the page where one logs in with a
	 * name and PIN */
	rc = web_bare_begin(&w, rq, N_("Log in"));
	if (rc)
		return rc;
	if (kiosk)
		member = NULL;
	web_html_raw(&w.b, "<h1>");
	web_html_text(&w.b, _("Log in"));
	web_html_raw(&w.b, "</h1>\n");
	if (web_request_tls(rq)) {
		web_html_raw(&w.b, "<p class=\"notice secure\">");
		web_html_text(&w.b, _("This connection is encrypted: nobody "
				      "else on the network can read your PIN."));
	} else {
		web_html_raw(&w.b, "<p class=\"banner warn\">");
		web_html_text(&w.b, _("This connection is not encrypted: use "
				      "it only on your building's own Wi-Fi."));
	}
	web_html_raw(&w.b, "</p>\n");
	if (say == SAY_IDLE) {
		char idle[256];

		web_html_raw(&w.b, "<p class=\"notice\" role=\"status\">");
		web_html_text(&w.b, web_ui_kiosk_idle(web_request_kiosk(rq), 0,
						      idle, sizeof idle));
		web_html_raw(&w.b, "</p>\n");
	} else if (say) {
		web_html_raw(&w.b, "<p class=\"banner\" role=\"alert\">");
		if (say == SAY_NOT_RIGHT)
			web_html_text(&w.b, not_right());
		if (say == SAY_NOT_RIGHT && wait_ms)
			web_html_raw(&w.b, " ");
		if (say == SAY_BUSY)
			web_html_text(&w.b,
				      _("Many people are logging in right now. "
					"Please try again in a moment."));
		if (say == SAY_WAIT || (say == SAY_NOT_RIGHT && wait_ms)) {
			wait_text(wait, sizeof wait, wait_ms, locked);
			web_html_text(&w.b, wait);
		}
		web_html_raw(&w.b, "</p>\n");
	}
	web_html_raw(&w.b, "<form method=\"post\" action=\"/login\"");
	if (kiosk)
		web_html_raw(&w.b, " autocomplete=\"off\"");
	web_html_raw(&w.b, ">\n<input type=\"hidden\" name=\"login\"");
	web_html_attr(&w.b, "value", token);
	web_html_raw(&w.b, ">\n<label for=\"member\">");
	web_html_text(&w.b, _("Your name"));
	web_html_raw(&w.b, "</label>\n<input type=\"text\" id=\"member\" "
			   "name=\"member\" autocapitalize=\"words\" "
			   "spellcheck=\"false\" required "
			   "aria-describedby=\"member-hint\"");
	if (kiosk)
		web_html_raw(&w.b, " autocomplete=\"off\"");
	else
		web_html_raw(&w.b, " autocomplete=\"username\"");
	web_html_attr(&w.b, "value", member ? member : "");
	web_html_raw(&w.b, ">\n<p class=\"hint\" id=\"member-hint\">");
	web_html_text(&w.b, _("As kith knows you, or the id your helper gave "
			      "you."));
	web_html_raw(&w.b, "</p>\n<label for=\"pin\">");
	web_html_text(&w.b, _("Your PIN"));
	web_html_raw(&w.b, "</label>\n<input type=\"password\" id=\"pin\" "
			   "name=\"pin\" inputmode=\"numeric\" "
			   "pattern=\"[0-9]*\" minlength=\"6\" "
			   "maxlength=\"12\" required "
			   "aria-describedby=\"pin-hint\"");
	/* "off" for a password is not always obeyed; "new-password" keeps
	 * browsers from filling in a saved one, and from offering to save */
	if (kiosk)
		web_html_raw(&w.b, " autocomplete=\"new-password\"");
	else
		web_html_raw(&w.b, " autocomplete=\"current-password\"");
	web_html_raw(&w.b, ">\n<p class=\"hint\" id=\"pin-hint\">");
	web_html_text(&w.b, _("6 to 12 digits. You or the neighbour who "
			      "helps you set it on the building's computer."));
	web_html_raw(&w.b, "</p>\n<button type=\"submit\">");
	web_html_text(&w.b, _("Log in"));
	web_html_raw(&w.b, "</button>\n</form>\n");
	if (!kiosk) { /* no login links on a shared computer */
		web_html_raw(&w.b, "<p class=\"hint tech\">");
		web_html_text(&w.b, web_come_back_tech());
		web_html_raw(&w.b, "</p>\n");
	}
	rc = web_bare_finish(&w, rp, status);
	if (!rc && !have)
		snprintf(rp->cookie, sizeof rp->cookie,
			 "%s=%s; HttpOnly; SameSite=Strict; Path=/login",
			 LOGIN_COOKIE, token);
	crdt_wipe(token, sizeof token);
	return rc;
}

int web_login_pin_form(struct web_request *rq, struct web_reply *rp)
{
	const char *idle = web_form_get(rq->query, "idle");

	return form(rq, rp, NULL,
		    idle && !strcmp(idle, "1") ? SAY_IDLE : SAY_NOTHING, 0, 0,
		    MHD_HTTP_OK);
}

/* 429: this address must wait (or the queue is full: busy). */
static int too_many(struct web_request *rq, struct web_reply *rp,
		    const char *member, int64_t ms, int locked, int busy)
{
	int rc = form(rq, rp, member, busy ? SAY_BUSY : SAY_WAIT, ms, locked,
		      HTTP_TOO_MANY);

	if (!rc)
		rp->retry_after = seconds(ms);
	return rc;
}

/* The verdict is in (the handler's second call). */
static int finish(struct web_request *rq, struct web_reply *rp,
		  struct pin_job *j, const char *member)
{
	struct web_throttle *t = web_server_throttle(rq->srv);
	int64_t now = web_server_now_ms(rq->srv);
	char from[ADDR_MAX];
	struct web_session *s;
	int ok = j->found && j->rc == 0, rc;

	web_request_addr(rq, from, sizeof from);
	web_throttle_done(t, j->key, now, ok);
	action_pin_log(rq->app, ok ? "login ok" : "login refused",
		       j->found ? j->pk : NULL, member, from);
	if (!ok) {
		int64_t ms = web_throttle_wait(t, j->key, now);
		int locked = ms > (int64_t)WEB_THROTTLE_DELAY_MAX_S * 1000;

		return form(rq, rp, member, SAY_NOT_RIGHT, ms, locked,
			    MHD_HTTP_FORBIDDEN);
	}
	rc = web_auth_open(web_server_auth(rq->srv), rq->now, 1, &s);
	if (rc)
		return rc;
	if (j->hosted) {
		s->acting = 1;
		s->fixed = 1;
		memcpy(s->acting_pk, j->pk, CRDT_PK_LEN);
	}
	rc = web_reply_redirect(rp, "/");
	if (rc) {
		web_auth_end(web_server_auth(rq->srv), s);
		return rc;
	}
	snprintf(rp->cookie, sizeof rp->cookie,
		 "%s=%s; HttpOnly; SameSite=Strict; Path=/", WEB_COOKIE, s->id);
	return 0;
}

int web_login_pin_post(struct web_request *rq, struct web_reply *rp)
{
	const char *member = web_form_get(rq->form, "member");
	const char *pin = web_form_get(rq->form, "pin");
	const char *origin = MHD_lookup_connection_value(
		rq->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ORIGIN);
	const char *token = web_form_get(rq->form, "login");
	const char *cookie = login_cookie(rq);
	struct web_throttle *t;
	struct pin_job *j;
	int64_t wait_ms;
	int locked, rc;

	if (!member)
		member = "";
	if (rq->job)
		return finish(rq, rp, rq->job, member);
	if (!rq->app)
		return web_reply_error(rq, rp, MHD_HTTP_FORBIDDEN, WEB_WHY_LOGIN);
	/* 1. login CSRF (above) */
	if (origin && (!cookie || !web_auth_token_shape(token) ||
		       !crdt_equal(cookie, token, WEB_TOKEN_HEX)))
		return web_reply_error(rq, rp, MHD_HTTP_FORBIDDEN, WEB_WHY_CSRF);
	/* 2. */
	t = web_server_throttle(rq->srv);
	j = calloc(1, sizeof *j);
	if (!j)
		return KITH_ENOMEM;
	web_throttle_key(rq->client, j->key);
	if (web_throttle_begin(t, j->key, web_server_now_ms(rq->srv), &wait_ms,
			       &locked)) {
		pin_job_free(j);
		return too_many(rq, rp, member, wait_ms, locked, 0);
	}
	/* 3. cannot be right, costs nothing: not a try */
	if (!*member || !action_pin_ok(pin)) {
		web_throttle_cancel(t, j->key);
		pin_job_free(j);
		return form(rq, rp, member, SAY_NOT_RIGHT, 0, 0,
			    MHD_HTTP_FORBIDDEN);
	}
	/* 4. */
	j->found = !action_pin_lookup(rq->app, member, j->pk, &j->hosted,
				      j->hash);
	snprintf(j->pin, sizeof j->pin, "%s", pin);
	{
		uint8_t key[WEB_THROTTLE_KEY];

		memcpy(key, j->key, sizeof key);
		rc = web_request_work(rq, pin_job_run, j, pin_job_free);
		if (rc) {
			pin_job_free(j);
			/* not a try: the address is as it was */
			web_throttle_cancel(t, key);
			return too_many(rq, rp, member, 2000, 0, 1);
		}
	}
	return 0;
}
