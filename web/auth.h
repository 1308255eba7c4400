/*
 * auth.h - who may use the web app: the one-time login token, the
 * sessions, and the CSRF token of each session.
 *
 * Login (Syncthing's GUI is the floor): `kith open` calls web_auth_issue,
 * which writes DIR/web-login (WEB_LOGIN_FILE in the data directory, mode
 * 0600 through a temp file and rename) holding one line
 *
 *   TOKEN CREATED\n        TOKEN: 32 random bytes in hex (64 characters)
 *                          CREATED: unix seconds
 *
 * and prints http://HOST:PORT/login?token=TOKEN.  The daemon's web server
 * redeems it with web_auth_login: the file must be a regular file owned by
 * this user that nobody else can write (else it is ignored), the token
 * must match (constant-time comparison) and be at most WEB_LOGIN_TTL_S
 * old (and not from the future).  A matching token is deleted before the
 * session is made, so it works once; an expired one is deleted too.  A
 * wrong token leaves the file alone (the right one still works).  A new
 * `kith open` replaces the previous token: only the newest link works.
 *
 * Sessions live in the server's memory only (a restarted daemon forgets
 * them): at most WEB_MAX_SESSIONS (a new login pushes out the session
 * seen longest ago), each ending after WEB_SESSION_IDLE_S without a
 * request.  A session made by a PIN (web_auth_open with pin 1: someone's
 * phone on the building's network, web/login.c) ends sooner: after
 * WEB_PIN_IDLE_S without a request, and WEB_PIN_MAX_S after its login
 * whatever happens (a phone left logged in on a shared table).  In kiosk
 * mode (web_auth.kiosk: a shared computer, web/server.h) every session
 * ends after the kiosk's idle seconds (WEB_KIOSK_IDLE_S unless `kith
 * daemon --kiosk-idle` says otherwise) without a request, however it
 * was made.
 * A session has an id (the kith_session cookie) and a CSRF token
 * (in every form; every POST must carry it as field "csrf"), both 32
 * random bytes in hex, both compared in constant time.
 *
 * A session also keeps whom it acts for (a hosted neighbour's public key,
 * web/acting.h); a new session acts for nobody, and ending one forgets
 * it with the rest.  A hosted neighbour who logs in with her own PIN gets
 * a session that acts for her and only her (fixed): it cannot act as
 * the host or choose anyone else (web/page_for.c refuses it).
 *
 * A session also carries one result to show once (web_auth_once_put,
 * web_auth_once_take): the link code a POST made (web/page_device.c:
 * linking a device, handing a neighbour over), kept from the POST to the
 * GET its 303 leads to, never in an address.  Taking it wipes it, so a
 * reload, the back button or the next person at a shared computer finds
 * nothing; a new result replaces an older one, and ending the session
 * wipes it with the rest.  A handed-over neighbour's code is the only
 * copy of her key: its page peeks (a reload shows it again) until the
 * host says it reached her.
 *
 * Ownership: struct web_auth is embedded in its owner (the server);
 * web_auth_release wipes every session.  Time comes in as an argument
 * (unix seconds), so tests choose it.
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_WEB_AUTH_H
#define KITH_WEB_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "crdt/crypto.h"

#define WEB_LOGIN_FILE "web-login"
#define WEB_LOGIN_TTL_S 600
#define WEB_TOKEN_HEX 64 /* 32 random bytes in hex */

/* 1 when s (may be NULL) has the shape of a token: exactly WEB_TOKEN_HEX
 * lowercase hex characters (login links, cookies, CSRF fields). */
int web_auth_token_shape(const char *s);
#define WEB_MAX_SESSIONS 256 /* a building's phones, and then some */
#define WEB_SESSION_IDLE_S (12 * 3600)
#define WEB_PIN_IDLE_S (30 * 60)
#define WEB_PIN_MAX_S (12 * 3600)
#define WEB_KIOSK_IDLE_S 60 /* by default (kith daemon --kiosk-idle) */
#define WEB_KIOSK_IDLE_MIN_S 10
#define WEB_KIOSK_IDLE_MAX_S 3600
#define WEB_COOKIE "kith_session"
#define WEB_ONCE_MAX 1024 /* a link code (peer/keystore.h), and room */

/* The neighbour a session acts for (web/acting.h). */
enum web_acting_lost {
	WEB_ACTING_KEPT = 0, /* nothing to tell */
	WEB_ACTING_LOST_GET, /* the choice was dropped on a page */
	WEB_ACTING_LOST_POST /* ... on a form, which was not run */
};

/* What a session's one-time result is, so that only its own page shows
 * it. */
enum web_once {
	WEB_ONCE_NONE = 0,
	WEB_ONCE_LINK,	   /* a new device's link code (GET /devices/new) */
	WEB_ONCE_HANDOVER  /* a neighbour's own code (GET /for/handover) */
};

struct web_session {
	int used;
	char id[WEB_TOKEN_HEX + 1];
	char csrf[WEB_TOKEN_HEX + 1];
	int64_t seen;	 /* unix seconds of its last request */
	int64_t created; /* unix seconds of its login */
	int pin;	 /* made by a PIN: the shorter lifetimes */
	int fixed;	 /* acts for acting_pk and nobody else */
	/* acting for a member this machine hosts (web/acting.h): acting
	 * is 1 and acting_pk their public key, or acting is 0 (ourselves);
	 * lost: the choice was dropped and the next page says so once */
	int acting;
	uint8_t acting_pk[CRDT_PK_LEN];
	enum web_acting_lost lost;
	/* the result to show once: its kind, text and whom it is about
	 * (the neighbour handed over; zero for a link code) */
	enum web_once once;
	char once_text[WEB_ONCE_MAX];
	uint8_t once_pk[CRDT_PK_LEN];
};

struct web_auth {
	char path[4096]; /* DIR/web-login */
	int kiosk;	 /* 0, or every session's idle seconds (kiosk) */
	struct web_session s[WEB_MAX_SESSIONS];
};

/* KITH_EINVAL when home is too long for a path. */
__attribute__((warn_unused_result)) int
web_auth_init(struct web_auth *a, const char *home);
void web_auth_release(struct web_auth *a);

/* Write a new login token for the data directory home (kith open); token
 * gets its hex.  0 or a negative errno / KITH_E* code. */
__attribute__((warn_unused_result)) int
web_auth_issue(const char *home, int64_t now, char token[WEB_TOKEN_HEX + 1]);

/* Redeem token (the login link's): 0 and *out a new session, or
 * KITH_EDENIED (no token waiting, wrong, expired or already used; the
 * person runs `kith open` again) or another error (the file could not be
 * removed: refused too, or it would work twice). */
__attribute__((warn_unused_result)) int
web_auth_login(struct web_auth *a, const char *token, int64_t now,
	       struct web_session **out);

/* A new session (a PIN login, web/login.c, whose checks are done):
 * 0 and *out, acting for nobody; pin 1 gives it the PIN lifetimes. */
__attribute__((warn_unused_result)) int
web_auth_open(struct web_auth *a, int64_t now, int pin,
	      struct web_session **out);

/* The live session whose id is cookie (NULL, malformed, unknown or idle
 * too long: NULL); a live one is marked seen at now. */
struct web_session *web_auth_session(struct web_auth *a, const char *cookie,
				     int64_t now);

/* End a session (logout). */
void web_auth_end(struct web_auth *a, struct web_session *s);

/* Keep text (a secret, NUL-terminated) as s's result of kind, about pk
 * (or NULL), replacing any earlier one.  KITH_EINVAL when it does not
 * fit (nothing is kept then). */
__attribute__((warn_unused_result)) int
web_auth_once_put(struct web_session *s, enum web_once kind, const char *text,
		  const uint8_t *pk);
/* Hand out s's result when it is of kind: 1 with text in out (cap bytes)
 * and its pk in pk (may be NULL), and the session keeps it no more; 0
 * when there is none of kind (one of another kind stays; one too long
 * for cap is wiped). */
int web_auth_once_take(struct web_session *s, enum web_once kind, char *out,
		       size_t cap, uint8_t pk[CRDT_PK_LEN]);
/* The same, but the session keeps it (a handed-over neighbour's code
 * stays until the host says it reached them). */
int web_auth_once_peek(const struct web_session *s, enum web_once kind,
		       char *out, size_t cap, uint8_t pk[CRDT_PK_LEN]);

/* 1 if csrf (a form's field, may be NULL) is the session's token. */
int web_auth_csrf_ok(const struct web_session *s, const char *csrf);

#endif
