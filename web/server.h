/*
 * server.h - the web app's HTTP server: GNU libmicrohttpd driven from the
 * daemon's libuv loop, and what every request goes through before a page
 * sees it.
 *
 * The loop: libmicrohttpd runs in its "external" mode with epoll and no
 * thread of its own.  Its epoll descriptor (MHD_DAEMON_INFO_EPOLL_FD) is
 * watched by a uv_poll_t and its next deadline (MHD_get_timeout) by a
 * uv_timer_t; either one calls MHD_run, after which the timer is armed
 * again.  Pages run on the loop thread, one request at a time.
 *
 * Where it listens: 127.0.0.1:WEB_DEFAULT_PORT by default; any address
 * --web gives (0.0.0.0:7474 serves the building's network).  Off
 * loopback, only a PIN logs in (web/login.c, action/pin.h): a one-time
 * link of `kith open` works only for a client on this machine
 * (web_request_local), and `kith open` prints a loopback URL for a
 * wildcard address (web_server_url).  At most WEB_MAX_CONNECTIONS connections,
 * each closed after WEB_IDLE_S idle, each holding at most
 * WEB_CONN_MEMORY bytes of request line and headers (libmicrohttpd
 * answers larger ones itself).
 *
 * Every request, in this order:
 *   1. Host must name this server: 127.0.0.1:PORT, localhost:PORT,
 *      [::1]:PORT or the address it is bound to, with its port (letters
 *      in any case); off loopback also any IP literal with the port
 *      (192.168.1.10:7474, [fe80::1]:7474) and this machine's host name
 *      and NAME.local with it: a DNS rebinding attack needs a name of the
 *      attacker's in Host, and an address or our own name is none;
 *      anything else, or none, is 403;
 *   2. methods GET, HEAD (as GET) and POST only (else 405); a POST body
 *      must be application/x-www-form-urlencoded (else 415) and at most
 *      WEB_BODY_MAX bytes (else 413: when Content-Length says so, at
 *      once, before any of it is read; when a chunked body grows past it,
 *      at its end, the rest read and dropped - up to WEB_DRAIN_MAX, past
 *      which the connection is closed without an answer).  The body is
 *      kept in a buffer that never grows past WEB_BODY_MAX;
 *   3. the query string and a POST body are decoded by web/form.h (a
 *      malformed or oversized one is 400);
 *   4. the route: the first whose path is the request's, where a last
 *      segment ":name" stands for any one segment ("/wishes/:id" takes
 *      "/wishes/3fa2c1", not "/wishes/" nor "/wishes/a/b"); else 404 (a
 *      path with other methods only: 405);
 *   5. the kith_session cookie names a session (web/auth.h) or nothing
 *      (read before 3., so that the error pages of 3. and 4. know it);
 *      a route that needs login and has none: GET redirects (303) to
 *      /login, which shows the PIN form when some member has a PIN here
 *      and else answers 403 saying to run `kith open`; a POST gets that
 *      403 itself;
 *   6. every POST carries field "csrf" equal to its session's CSRF token
 *      (constant-time comparison; missing, repeated or wrong: 403),
 *      but for a route marked own_csrf (POST /login, before any session:
 *      its handler checks its own token);
 *   7. the page's handler fills a struct web_reply - or hands work that
 *      must not run on the loop to web_request_work and returns 0: the
 *      connection waits (suspended) and, the work done, steps 3-7 run
 *      again for the same request with rq->job set.
 *
 * Work off the loop (web_request_work): a job runs on libuv's thread
 * pool, ONE at a time for the whole server, at most WEB_WORK_QUEUE
 * waiting; a job that finds the queue full is refused (KITH_EBUSY: the
 * page answers 429), so a flood of PIN checks costs one thread and one
 * hash's memory, never the loop (sync, and the pages of others, go on).
 * A job's function touches only its job.  Stopping the server drops the
 * jobs waiting; the one running finishes, and the server's memory goes
 * after it.
 * A refusal (any status above, and a handler's failure: 500) is answered
 * with web_server_cfg.error_page, a page in the request's language
 * (web/page_error.c), or without one with a line of plain text; the
 * status is the same either way.
 * Every response this module makes carries Content-Security-Policy
 * (WEB_CSP: no inline script or style, nothing from elsewhere, no
 * framing), X-Frame-Options: DENY, X-Content-Type-Options: nosniff,
 * Referrer-Policy: no-referrer and Cache-Control: no-store.  (Errors that
 * libmicrohttpd answers alone, before a request reaches us - a request
 * line or headers too large, HTTP/1.1 without Host - are plain and carry
 * no page.)
 *
 * Built-in routes (web/login.c):
 *   GET  /healthz           200 "ok", no login;
 *   GET  /login?token=T     a valid one-time token (web/auth.h) sets the
 *                           cookie "kith_session=ID; HttpOnly;
 *                           SameSite=Strict; Path=/" and redirects (303)
 *                           to /; a missing, wrong, expired or used one,
 *                           or one from a client not on this machine, is
 *                           403 "this login link does not work" (an
 *                           error page); in kiosk mode every token is
 *                           403 "on this shared computer ... name and
 *                           PIN" (WEB_WHY_KIOSK);
 *   GET  /login             the PIN form (web/login_pin.c) when some
 *                           member has a PIN here, else 403 as above;
 *                           ?idle=1 adds "you were logged out after a
 *                           minute without use" (kiosk's reload; with a
 *                           live session it redirects to / as always);
 *   POST /login             member (a name or id prefix) and pin: 303 to
 *                           / with the session cookie; refused 403; the
 *                           address slowed down or locked, or the PIN
 *                           checks' queue full, 429 with Retry-After (the
 *                           contract for scripts; web/login_pin.c);
 *   GET  /logout            a page with the logout form (login);
 *   POST /logout            ends the session (the cookie is cleared),
 *                           303 to /logged-out;
 *   GET  /logged-out        "You are logged out" and how to come back
 *                           (200, no session needed; with one: 303 to /;
 *                           in kiosk mode a "Log in" button, no link).
 * Pages add theirs in web_server_cfg.routes (looked up after these).
 *
 * TLS: with cfg.tls_cert and cfg.tls_key, libmicrohttpd speaks HTTPS
 * itself (MHD_USE_TLS, GnuTLS underneath) on the same address, and
 * nothing else: a plain HTTP request to that port fails its handshake.
 * web_server_url says https://, every Set-Cookie gets "; Secure" (the
 * session's, the login form's and the settings'), and the login page
 * says the connection is encrypted.  A certificate or key that GnuTLS
 * refuses (not PEM, or the key not the certificate's) stops the start:
 * "cannot serve the web app on ADDR: the TLS certificate or key was
 * refused (GnuTLS's reason)".  Reading the files is the caller's
 * (cli/web.c).
 *
 * Kiosk (cfg.kiosk, `kith daemon --kiosk`): a shared computer in the
 * sharing hut.  Every session ends after cfg.kiosk seconds without a
 * request (WEB_KIOSK_IDLE_S unless `--kiosk-idle` says otherwise,
 * web/auth.h), a one-time login link is refused (everyone logs
 * in with their name and PIN, also from this machine), and the pages
 * (web/pages.h) force easy mode, show a banner and a Log out button,
 * and reload to /login?idle=1 once the session has ended.
 *
 * Ownership: web_server_start allocates the server; web_server_stop
 * stops libmicrohttpd at once (open connections are closed) and closes
 * the handles; the memory is freed in the last close callback, so the
 * loop must run on after the stop.  A reply's body is the reply's (the
 * server frees it); a request and everything it points at live for the
 * handler's call only.
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_WEB_SERVER_H
#define KITH_WEB_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

#include "auth.h"
#include "form.h"

#define WEB_DEFAULT_PORT 7474
#define WEB_DEFAULT_LISTEN "127.0.0.1:7474"
#define WEB_BODY_MAX WEB_FORM_MAX_BYTES /* 64 KiB */
#define WEB_DRAIN_MAX (1024 * 1024)
#define WEB_MAX_CONNECTIONS 64
#define WEB_IDLE_S 30
#define WEB_CONN_MEMORY (32 * 1024)
#define WEB_LOCATION_MAX 512
#define WEB_COOKIE_MAX 256
#define WEB_URL_MAX 96
#define WEB_DISPOSITION_MAX 128
#define WEB_WORK_QUEUE 8

#define WEB_CSP                                                               \
	"default-src 'none'; script-src 'self'; style-src 'self'; "          \
	"img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; " \
	"base-uri 'none'"

struct web_server;

/* What a handler sees of a request (valid during the call only). */
struct web_request {
	struct web_server *srv;
	void *app;		       /* web_server_cfg.app */
	const char *method;	       /* "GET" (also for HEAD) or "POST" */
	const char *path;	       /* decoded, without the query */
	const struct web_form *query;  /* the query string, decoded */
	const struct web_form *form;   /* a POST's body, decoded; else empty */
	struct web_session *session;   /* NULL when not logged in */
	const char *accept_language;   /* the header, or NULL */
	const char *prefs;	       /* the kith_prefs cookie (web/lang.h:
					* WEB_PREFS_COOKIE), or NULL */
	int64_t now;		       /* unix seconds */
	/* the Host header: one of the names of this server (requests with
	 * another never reach a handler: DNS rebinding), or NULL */
	const char *host;
	const struct sockaddr *client; /* its address, or NULL */
	void *job;	/* web_request_work's job, done (the second call) */
	void *conn;		       /* the connection, for this module */
};

/* What a handler answers.  Starts as 200, text/html; charset=utf-8, no
 * body. */
struct web_reply {
	unsigned status;
	const char *type;  /* a static string */
	char *body;	   /* malloc'd, owned by the reply */
	size_t len;
	char location[WEB_LOCATION_MAX]; /* "" or the redirect's target */
	char cookie[WEB_COOKIE_MAX];	 /* "" or a Set-Cookie value */
	/* "" or a Content-Disposition value of the page's own making
	 * ("attachment; filename=\"items.csv\""): a download */
	char disposition[WEB_DISPOSITION_MAX];
	unsigned retry_after; /* 0, or seconds for Retry-After (429) */
};

/* One route: a method and a path (exact, or ending in ":name", see 4.).
 * The handler returns 0 (the reply is sent) or a negative code (logged;
 * the person gets 500). */
struct web_route {
	const char *method; /* "GET" or "POST" */
	const char *path;
	int (*fn)(struct web_request *rq, struct web_reply *rp);
	int needs_login;
	int own_csrf; /* a POST its handler checks itself (step 6.) */
};

/* Why a request is refused, for web_server_cfg.error_page: the status
 * alone says it, or one of the 403s that need their own words. */
enum web_why {
	WEB_WHY_STATUS = 0, /* 400, 404, 405, 413, 414, 415, 500, 503 */
	WEB_WHY_HOST,	    /* 403: the Host header does not name us */
	WEB_WHY_CSRF,	    /* 403: a POST without its session's csrf */
	WEB_WHY_LOGIN,	    /* 403: no session (web_not_logged_in) */
	WEB_WHY_LINK,	    /* 403: a login link wrong, used or expired */
	WEB_WHY_KIOSK,	    /* 403: a login link, in kiosk mode */
};

/* An error page: status and why into rp (the status must stay status).
 * With WEB_WHY_HOST the request may come from another site (DNS
 * rebinding): rq->session is NULL and the page must show nothing of the
 * community.  rq->session is NULL too when the refusal came before the
 * session was read (a bad method, a body too large).  0, or an error:
 * the server then answers its one line of plain text. */
typedef int (*web_error_page_fn)(struct web_request *rq, unsigned status,
				 enum web_why why, struct web_reply *rp);

struct web_server_cfg {
	const char *home;   /* the data directory: the login token's file */
	const char *listen; /* "ADDR:PORT" (loopback); NULL: the default */
	const struct web_route *routes; /* the pages' own */
	size_t nroutes;
	void *app; /* handed to every handler */
	/* the clock (unix seconds); NULL: time(NULL) */
	int64_t (*now)(void);
	/* the error pages (web/page_error.c); NULL: one line of plain text */
	web_error_page_fn error_page;
	/* TLS (see "TLS" above): the certificate (chain) and its private
	 * key, PEM text, NUL-terminated; both NULL: plain HTTP.  They must
	 * outlive the server, like the rest of cfg. */
	const char *tls_cert;
	const char *tls_key;
	/* kiosk mode (see "Kiosk" above): 0, or the seconds without a
	 * request that end a session (WEB_KIOSK_IDLE_MIN_S ..
	 * WEB_KIOSK_IDLE_MAX_S) */
	int kiosk;
};

/* Parse a --web address (peer/addr.h; port WEB_DEFAULT_PORT when none
 * given, 0 for any free port).  KITH_EINVAL when it is not an address. */
__attribute__((warn_unused_result)) int
web_listen_parse(const char *s, struct sockaddr_storage *ss);

/* Start serving on loop.  0, or an error (logged with log_warnx:
 * "cannot serve the web app on ADDR: ..."); on error nothing is left on
 * the loop.  cfg's strings and routes must outlive the server. */
__attribute__((warn_unused_result)) int
web_server_start(struct web_server **out, uv_loop_t *loop,
		 const struct web_server_cfg *cfg);
/* Stop (see Ownership above); s is gone once the loop has run. */
void web_server_stop(struct web_server *s);
/* "http://ADDR:PORT" where it listens (the real port when 0 was asked;
 * for 0.0.0.0 and [::], loopback's 127.0.0.1 and [::1]: the address
 * `kith open` prints, which a browser on this machine can use). */
const char *web_server_url(const struct web_server *s);
/* Where it listens, "ADDR:PORT" with the real port ("0.0.0.0:7474" for
 * the wildcard, where web_server_url names loopback): what the daemon
 * announces on the LAN. */
const char *web_server_listen(const struct web_server *s);
/* 1 when it listens off loopback (the building's network). */
int web_server_lan(const struct web_server *s);
/* 1 when it speaks TLS (https://). */
int web_server_tls(const struct web_server *s);
/* 1 when this libmicrohttpd can speak TLS at all. */
int web_tls_supported(void);
/* The seconds without use that end a session when rq's server runs in
 * kiosk mode, else 0 (also without a server). */
int web_request_kiosk(const struct web_request *rq);
/* 1 when rq came over TLS (0 without a server). */
int web_request_tls(const struct web_request *rq);

/* Its logins and sessions (web/auth.h), and the PIN guesses of each
 * address (web/throttle.h) with their clock (steady milliseconds). */
struct web_auth *web_server_auth(struct web_server *s);
struct web_throttle *web_server_throttle(struct web_server *s);
int64_t web_server_now_ms(const struct web_server *s);

/* Run fn(job) off the loop (see "Work off the loop" above); free_job
 * frees job whatever happens, after the handler's second call or when the
 * request goes away.  0: queued (the handler returns 0 and leaves rp
 * alone); KITH_EBUSY: the queue is full or the server stops (job is
 * still the caller's). */
typedef void (*web_work_fn)(void *job);
__attribute__((warn_unused_result)) int
web_request_work(struct web_request *rq, web_work_fn fn, void *job,
		 void (*free_job)(void *job));

/* 1 when rq comes from this machine: its address is loopback, or the
 * very address it connected to (a browser here using the LAN address). */
int web_request_local(const struct web_request *rq);
/* rq's address as text ("192.168.1.5"), "?" when unknown. */
void web_request_addr(const struct web_request *rq, char *out, size_t cap);

/* Replies.  0 or KITH_ENOMEM (the reply is then unchanged). */
__attribute__((warn_unused_result)) int
web_reply_bytes(struct web_reply *rp, unsigned status, const char *type,
		const void *body, size_t len);
/* text/plain; charset=utf-8, text and a newline. */
__attribute__((warn_unused_result)) int
web_reply_text(struct web_reply *rp, unsigned status, const char *text);
/* Take body (malloc'd) as the reply's. */
void web_reply_take(struct web_reply *rp, unsigned status, const char *type,
		    char *body, size_t len);
/* Refuse rq with status and why: the configured error page, or (none,
 * or it failed) one line of plain text.  0 or KITH_ENOMEM. */
__attribute__((warn_unused_result)) int
web_reply_error(struct web_request *rq, struct web_reply *rp,
		unsigned status, enum web_why why);
/* That line of plain text: the translated sentence of status and why. */
const char *web_error_text(unsigned status, enum web_why why);

/* 303 See Other to a path of this site ("/..." but not "//...", no
 * control characters); KITH_EINVAL otherwise. */
__attribute__((warn_unused_result)) int
web_reply_redirect(struct web_reply *rp, const char *path);

#endif
