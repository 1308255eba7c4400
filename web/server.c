#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "action/i18n.h"
#include "crdt/err.h"
#include "crdt/log.h"
#include "net/addr.h"
#include "peer/addr.h"
#include "lang.h"
#include "login.h"
#include "server.h"
#include "throttle.h"

#define NHOSTS 6
#define FORM_TYPE "application/x-www-form-urlencoded"

struct web_server {
	uv_loop_t *loop;
	uv_poll_t poll;
	uv_timer_t timer;
	int open; /* handles not closed yet */
	struct MHD_Daemon *mhd;
	struct web_server_cfg cfg;
	struct web_auth auth;
	struct web_throttle throttle;
	int lan;  /* listening off loopback */
	int tls;  /* speaking HTTPS */
	/* while MHD_start_daemon runs: its last complaint, for the error */
	int starting;
	char mhd_err[160];
	int port;
	char url[WEB_URL_MAX];
	char hosts[NHOSTS][WEB_URL_MAX]; /* Host values that name us */
	/* work off the loop: one running, WEB_WORK_QUEUE waiting */
	struct work *running;
	struct work *queue[WEB_WORK_QUEUE];
	size_t qlen;
	int stopping;
	struct req *current; /* the request whose handler runs */
};

/* One job of web_request_work, from its queueing to its end. */
struct work {
	uv_work_t w;
	struct web_server *s;
	struct req *q; /* NULL once the request went away */
	struct MHD_Connection *conn;
	web_work_fn fn;
	void *job;
	void (*free_job)(void *job);
};

/* One request, from its URI to its completion. */
struct req {
	struct work *work; /* its job, waiting or running */
	void *job;	   /* its job, done */
	void (*free_job)(void *job);
	int queued;	   /* the handler just queued work: suspend */
	int started;
	int answered; /* a response is queued already */
	int too_big;  /* the body passed WEB_BODY_MAX: 413 at its end */
	size_t drained; /* bytes of it dropped since */
	int query_too_long;
	char *query; /* raw query string, NULL when none */
	char *body;  /* WEB_BODY_MAX bytes once a body comes */
	size_t len;
};

static int64_t clock_now(const struct web_server *s)
{
	return s->cfg.now ? s->cfg.now() : (int64_t)time(NULL);
}

/* ---- replies ------------------------------------------------------------ */

int web_reply_bytes(struct web_reply *rp, unsigned status, const char *type,
		    const void *body, size_t len)
{
	char *b = malloc(len ? len : 1);

	if (!b)
		return KITH_ENOMEM;
	if (len)
		memcpy(b, body, len);
	web_reply_take(rp, status, type, b, len);
	return 0;
}

int web_reply_text(struct web_reply *rp, unsigned status, const char *text)
{
	size_t n = strlen(text);
	char *b = malloc(n + 2);

	if (!b)
		return KITH_ENOMEM;
	memcpy(b, text, n);
	b[n] = '\n';
	b[n + 1] = 0;
	web_reply_take(rp, status, "text/plain; charset=utf-8", b, n + 1);
	return 0;
}

void web_reply_take(struct web_reply *rp, unsigned status, const char *type,
		    char *body, size_t len)
{
	free(rp->body);
	rp->status = status;
	rp->type = type;
	rp->body = body;
	rp->len = len;
}

int web_reply_redirect(struct web_reply *rp, const char *path)
{
	const char *p;
	int n;

	if (path[0] != '/' || path[1] == '/' || path[1] == '\\')
		return KITH_EINVAL;
	for (p = path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return KITH_EINVAL;
	n = snprintf(rp->location, sizeof rp->location, "%s", path);
	if (n < 0 || (size_t)n >= sizeof rp->location) {
		rp->location[0] = 0;
		return KITH_EINVAL;
	}
	free(rp->body);
	rp->body = NULL;
	rp->len = 0;
	rp->status = MHD_HTTP_SEE_OTHER;
	rp->type = "text/plain; charset=utf-8";
	return 0;
}

static void reply_init(struct web_reply *rp)
{
	memset(rp, 0, sizeof *rp);
	rp->status = MHD_HTTP_OK;
	rp->type = "text/html; charset=utf-8";
}

/* Send rp with the headers every response carries.  The body goes to
 * MHD as it is (MHD_RESPMEM_MUST_FREE: no second copy of a large page or
 * CSV); rp->body is then NULL, so the caller's free() is a no-op either
 * way.  Over TLS a cookie is marked Secure (never sent back over plain
 * HTTP). */
static enum MHD_Result send_reply(struct web_server *s,
				  struct MHD_Connection *conn,
				  struct web_reply *rp)
{
	static const char *const fixed[][2] = {
		{ "Content-Security-Policy", WEB_CSP },
		{ "X-Frame-Options", "DENY" },
		{ "X-Content-Type-Options", "nosniff" },
		{ "Referrer-Policy", "no-referrer" },
		{ "Cache-Control", "no-store" },
	};
	struct MHD_Response *r;
	enum MHD_Result ok = MHD_NO;
	size_t i;

	r = MHD_create_response_from_buffer(rp->len, rp->body,
					    MHD_RESPMEM_MUST_FREE);
	if (!r)
		return MHD_NO; /* the body stays the caller's to free */
	rp->body = NULL; /* MHD frees it with the response */
	rp->len = 0;
	for (i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (MHD_add_response_header(r, fixed[i][0], fixed[i][1]) != MHD_YES)
			goto out;
	if (MHD_add_response_header(r, "Content-Type", rp->type) != MHD_YES)
		goto out;
	if (rp->location[0] &&
	    MHD_add_response_header(r, "Location", rp->location) != MHD_YES)
		goto out;
	if (rp->cookie[0] && s && s->tls) {
		size_t n = strlen(rp->cookie);

		if (n + sizeof "; Secure" > sizeof rp->cookie)
			goto out; /* cannot happen: the cookies are short */
		memcpy(rp->cookie + n, "; Secure", sizeof "; Secure");
	}
	if (rp->cookie[0] &&
	    MHD_add_response_header(r, "Set-Cookie", rp->cookie) != MHD_YES)
		goto out;
	if (rp->disposition[0] &&
	    MHD_add_response_header(r, "Content-Disposition",
				    rp->disposition) != MHD_YES)
		goto out;
	if (rp->retry_after) {
		char ra[16];

		snprintf(ra, sizeof ra, "%u", rp->retry_after);
		if (MHD_add_response_header(r, "Retry-After", ra) != MHD_YES)
			goto out;
	}
	ok = MHD_queue_response(conn, rp->status, r);
out:
	MHD_destroy_response(r);
	return ok;
}

/* A plain answer (errors): status and one line. */
static enum MHD_Result send_text(struct MHD_Connection *conn, unsigned status,
				 const char *text)
{
	struct web_reply rp;
	enum MHD_Result ok;

	reply_init(&rp);
	if (web_reply_text(&rp, status, text))
		return MHD_NO;
	ok = send_reply(NULL, conn, &rp);
	free(rp.body);
	return ok;
}

int web_reply_error(struct web_request *rq, struct web_reply *rp,
		    unsigned status, enum web_why why)
{
	web_error_page_fn page = rq->srv ? rq->srv->cfg.error_page : NULL;
	int rc;

	if (page) {
		rc = page(rq, status, why, rp);
		if (!rc && rp->status == status && rp->body)
			return 0;
		if (rc)
			log_warnx("web: the error page %u failed: %s", status,
				  kith_strerror(rc));
	}
	rp->location[0] = 0;
	return web_reply_text(rp, status, web_error_text(status, why));
}

/* An error answer before or instead of a handler: the error page of a
 * request made of what is known (no session for WEB_WHY_HOST). */
static enum MHD_Result send_error(struct web_request *rq, unsigned status,
				  enum web_why why)
{
	struct web_reply rp;
	enum MHD_Result ok;

	reply_init(&rp);
	if (web_reply_error(rq, &rp, status, why))
		return send_text(rq->conn, status, web_error_text(status, why));
	ok = send_reply(rq->srv, rq->conn, &rp);
	free(rp.body);
	return ok;
}

/* pattern is a path, or ends in a segment ":name" that stands for any
 * one segment (not empty, no '/'). */
static int path_matches(const char *pattern, const char *path)
{
	const char *slash = strrchr(pattern, '/');
	size_t n;

	if (!slash || slash[1] != ':')
		return !strcmp(pattern, path);
	n = (size_t)(slash - pattern) + 1; /* with the '/' */
	return !strncmp(pattern, path, n) && path[n] && !strchr(path + n, '/');
}

/* The first route for method and path; *path_known: some route has the
 * path. */
static const struct web_route *find_route(const struct web_server *s,
					  const char *method, const char *path,
					  int *path_known)
{
	const struct web_route *r;
	size_t i, n = web_login_nroutes;

	*path_known = 0;
	for (i = 0; i < n + s->cfg.nroutes; i++) {
		r = i < n ? &web_login_routes[i] : &s->cfg.routes[i - n];
		if (!path_matches(r->path, path))
			continue;
		*path_known = 1;
		if (!strcmp(r->method, method))
			return r;
	}
	return NULL;
}

/* ---- work off the loop --------------------------------------------------- */

static void server_free(struct web_server *s)
{
	web_auth_release(&s->auth);
	crdt_wipe(&s->throttle, sizeof s->throttle);
	free(s);
}

static void work_run(uv_work_t *w)
{
	struct work *k = w->data;

	k->fn(k->job);
}

static void run(struct web_server *s);
static void work_after(uv_work_t *w, int status);

/* The next job waiting, if none runs. */
static void work_next(struct web_server *s)
{
	struct work *k;
	int rc;

	while (!s->running && s->qlen && !s->stopping) {
		k = s->queue[0];
		memmove(s->queue, s->queue + 1, --s->qlen * sizeof s->queue[0]);
		k->w.data = k;
		rc = uv_queue_work(s->loop, &k->w, work_run, work_after);
		if (!rc) {
			s->running = k;
			s->open++;
			return;
		}
		/* cannot happen with a live loop: run it here rather than
		 * leave its request waiting forever */
		log_warnx("web: cannot queue work: %s", uv_strerror(rc));
		s->running = k;
		s->open++;
		k->fn(k->job);
		work_after(&k->w, 0);
		return;
	}
}

/* The job is over: its request runs again (or it went away). */
static void work_after(uv_work_t *w, int status)
{
	struct work *k = w->data;
	struct web_server *s = k->s;

	(void)status;
	if (s->running == k)
		s->running = NULL;
	if (k->q) {
		k->q->work = NULL;
		k->q->job = k->job;
		k->q->free_job = k->free_job;
		MHD_resume_connection(k->conn);
	} else {
		k->free_job(k->job);
	}
	free(k);
	if (--s->open == 0) { /* stopped while it ran: the last of it */
		server_free(s);
		return;
	}
	work_next(s);
	run(s);
}

/* Its request goes away: a waiting job goes with it, a running one
 * finishes alone. */
static void work_forget(struct work *k)
{
	struct web_server *s = k->s;
	size_t i;

	k->q->work = NULL;
	k->q = NULL;
	if (s->running == k)
		return;
	for (i = 0; i < s->qlen; i++) {
		if (s->queue[i] != k)
			continue;
		memmove(s->queue + i, s->queue + i + 1,
			(s->qlen - i - 1) * sizeof s->queue[0]);
		s->qlen--;
		break;
	}
	k->free_job(k->job);
	free(k);
}

int web_request_work(struct web_request *rq, web_work_fn fn, void *job,
		     void (*free_job)(void *job))
{
	struct web_server *s = rq->srv;
	struct MHD_Connection *conn = rq->conn;
	struct req *q = s ? s->current : NULL;
	struct work *k;

	if (!s || s->stopping || !q || q->work || s->qlen == WEB_WORK_QUEUE)
		return KITH_EBUSY;
	k = calloc(1, sizeof *k);
	if (!k)
		return KITH_EBUSY;
	k->s = s;
	k->q = q;
	k->conn = conn;
	k->fn = fn;
	k->job = job;
	k->free_job = free_job;
	s->queue[s->qlen++] = k;
	q->work = k;
	q->queued = 1;
	work_next(s);
	return 0;
}

int web_request_local(const struct web_request *rq)
{
	const union MHD_ConnectionInfo *ci;
	struct sockaddr_storage here;
	socklen_t len = sizeof here;
	const struct sockaddr *c = rq->client;

	if (!c)
		return 0;
	if (net_addr_loopback(c))
		return 1;
	ci = MHD_get_connection_info(rq->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (!ci || getsockname(ci->connect_fd, (struct sockaddr *)&here, &len))
		return 0;
	if (c->sa_family != here.ss_family)
		return 0;
	if (c->sa_family == AF_INET)
		return !memcmp(&((const struct sockaddr_in *)c)->sin_addr,
			       &((struct sockaddr_in *)&here)->sin_addr, 4);
	if (c->sa_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)c)->sin6_addr,
			       &((struct sockaddr_in6 *)&here)->sin6_addr, 16);
	return 0;
}

void web_request_addr(const struct web_request *rq, char *out, size_t cap)
{
	char buf[64];
	char *colon;

	if (!rq->client || (rq->client->sa_family != AF_INET &&
			    rq->client->sa_family != AF_INET6)) {
		snprintf(out, cap, "?");
		return;
	}
	peer_addr_str(rq->client, buf, sizeof buf);
	/* the address without its port ("1.2.3.4:5" or "[::1]:5") */
	colon = strrchr(buf, ':');
	if (colon)
		*colon = 0;
	snprintf(out, cap, "%s", buf);
}

/* ---- requests ----------------------------------------------------------- */

/* Off loopback: HOST:PORT with our port, HOST an IP literal (never an
 * attacker's name, so no DNS rebinding). */
static int host_literal_ok(const struct web_server *s, const char *h)
{
	char name[WEB_URL_MAX], want[16];
	const char *colon;
	uint8_t buf[16];
	size_t n;

	snprintf(want, sizeof want, ":%d", s->port);
	n = strlen(h);
	if (n <= strlen(want) || n >= sizeof name ||
	    strcmp(h + n - strlen(want), want))
		return 0;
	n -= strlen(want);
	colon = h;
	if (h[0] == '[') {
		if (n < 3 || h[n - 1] != ']')
			return 0;
		memcpy(name, h + 1, n - 2);
		name[n - 2] = 0;
		return inet_pton(AF_INET6, name, buf) == 1;
	}
	memcpy(name, colon, n);
	name[n] = 0;
	return inet_pton(AF_INET, name, buf) == 1;
}

static int host_ok(const struct web_server *s, struct MHD_Connection *conn)
{
	const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						    MHD_HTTP_HEADER_HOST);
	int i;

	if (!h)
		return 0;
	for (i = 0; i < NHOSTS; i++)
		if (s->hosts[i][0] && !strcasecmp(h, s->hosts[i]))
			return 1;
	return s->lan && host_literal_ok(s, h);
}

static int form_type_ok(struct MHD_Connection *conn)
{
	const char *t = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						    MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t n = strlen(FORM_TYPE);

	return t && !strncasecmp(t, FORM_TYPE, n) &&
	       (t[n] == 0 || t[n] == ';' || t[n] == ' ');
}

/* Content-Length, when given, over the cap. */
static int declared_too_big(struct MHD_Connection *conn)
{
	const char *cl = MHD_lookup_connection_value(
		conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	unsigned long long n;
	char *end;

	if (!cl)
		return 0;
	errno = 0;
	n = strtoull(cl, &end, 10);
	return errno || *end || n > WEB_BODY_MAX;
}

/* The checks of the request's head (server.h, 1 and 2): 0 to go on, else
 * the status to answer. */
static unsigned check_head(struct web_server *s, struct MHD_Connection *conn,
			   const char *method, struct req *q)
{
	if (!host_ok(s, conn))
		return MHD_HTTP_FORBIDDEN;
	if (strcmp(method, "GET") && strcmp(method, "HEAD") &&
	    strcmp(method, "POST"))
		return MHD_HTTP_METHOD_NOT_ALLOWED;
	if (q->query_too_long)
		return MHD_HTTP_URI_TOO_LONG;
	if (declared_too_big(conn))
		return MHD_HTTP_CONTENT_TOO_LARGE;
	if (!strcmp(method, "POST") && !form_type_ok(conn))
		return MHD_HTTP_UNSUPPORTED_MEDIA_TYPE;
	return 0;
}

const char *web_error_text(unsigned status, enum web_why why)
{
	switch (why) {
	case WEB_WHY_HOST:
		return _("This address does not name kith on this computer. "
			 "Run 'kith open' and open the link it prints.");
	case WEB_WHY_CSRF:
		return _("This form is out of date or did not come from kith. "
			 "Go back, reload the page and send it again.");
	case WEB_WHY_LOGIN:
		return web_not_logged_in();
	case WEB_WHY_LINK:
		return web_link_refused();
	case WEB_WHY_KIOSK:
		return web_kiosk_link_refused();
	case WEB_WHY_STATUS:
		break;
	}
	switch (status) {
	case MHD_HTTP_BAD_REQUEST:
		return _("The request is malformed.");
	case MHD_HTTP_FORBIDDEN:
		return _("Forbidden.");
	case MHD_HTTP_NOT_FOUND:
		return _("There is no such page.");
	case MHD_HTTP_METHOD_NOT_ALLOWED:
		return _("That method is not allowed here.");
	case MHD_HTTP_CONTENT_TOO_LARGE:
		return _("The request is too large.");
	case MHD_HTTP_URI_TOO_LONG:
		return _("The address is too long.");
	case MHD_HTTP_UNSUPPORTED_MEDIA_TYPE:
		return _("Only forms are accepted here.");
	default:
		return _("Something went wrong on this computer; see the "
			 "daemon's log.");
	}
}

/* What is known of a request before its route: everything but the
 * decoded forms and the session. */
static void request_init(struct web_request *rq, struct web_server *s,
			 struct MHD_Connection *conn, const char *url,
			 const char *method)
{
	memset(rq, 0, sizeof *rq);
	rq->srv = s;
	rq->app = s->cfg.app;
	rq->method = strcmp(method, "POST") ? "GET" : "POST";
	rq->path = url;
	rq->now = clock_now(s);
	rq->conn = conn;
	rq->accept_language = MHD_lookup_connection_value(
		conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_LANGUAGE);
	rq->prefs = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND,
						WEB_PREFS_COOKIE);
	rq->host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
					       MHD_HTTP_HEADER_HOST);
	{
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
			conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

		rq->client = ci ? ci->client_addr : NULL;
	}
}

/* Everything has arrived: decode, route, check, run the handler.  The
 * reply goes out here, whatever happens. */
static enum MHD_Result dispatch(struct web_server *s,
				struct MHD_Connection *conn, const char *url,
				const char *method, struct req *q)
{
	struct web_form *query = NULL, *form = NULL;
	const struct web_route *route;
	struct web_request rq;
	struct web_reply rp;
	enum MHD_Result ok;
	enum web_why why = WEB_WHY_STATUS;
	unsigned status = 0;
	int known, rc;

	reply_init(&rp);
	request_init(&rq, s, conn, url, method);
	rq.session = web_auth_session(
		&s->auth,
		MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, WEB_COOKIE),
		rq.now);
	query = malloc(sizeof *query);
	form = malloc(sizeof *form);
	if (!query || !form) {
		status = MHD_HTTP_SERVICE_UNAVAILABLE;
		goto out;
	}
	form->n = 0;
	if (web_form_decode(query, q->query ? q->query : "",
			    q->query ? strlen(q->query) : 0) ||
	    (!strcmp(rq.method, "POST") &&
	     web_form_decode(form, q->body ? q->body : "", q->len))) {
		status = MHD_HTTP_BAD_REQUEST;
		goto out;
	}
	rq.query = query;
	rq.form = form;
	route = find_route(s, rq.method, url, &known);
	if (!route) {
		status = known ? MHD_HTTP_METHOD_NOT_ALLOWED : MHD_HTTP_NOT_FOUND;
		goto out;
	}
	if (route->needs_login && !rq.session) {
		if (strcmp(rq.method, "GET")) {
			status = MHD_HTTP_FORBIDDEN;
			why = WEB_WHY_LOGIN;
		} else if (web_reply_redirect(&rp, "/login")) {
			status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		}
		goto out;
	}
	if (!strcmp(rq.method, "POST") && !route->own_csrf &&
	    !web_auth_csrf_ok(rq.session, web_form_get(form, "csrf"))) {
		status = MHD_HTTP_FORBIDDEN;
		why = WEB_WHY_CSRF;
		goto out;
	}
	rq.job = q->job;
	q->queued = 0;
	s->current = q;
	rc = route->fn(&rq, &rp);
	s->current = NULL;
	if (rc && q->work) /* queued, then failed: answered now */
		work_forget(q->work);
	if (rc) {
		log_warnx("web: %s %s failed: %s", rq.method, url,
			  kith_strerror(rc));
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	if (q->job) { /* its second call is over: the job is done with */
		q->free_job(q->job);
		q->job = NULL;
	}
	if (!rc && q->queued) {
		/* the work runs; this request waits for it (server.h 7.) */
		free(rp.body);
		free(query);
		free(form);
		MHD_suspend_connection(conn);
		return MHD_YES;
	}
out:
	if (status) {
		free(rp.body); /* what a failed handler left is dropped */
		reply_init(&rp);
		ok = send_error(&rq, status, why);
	} else {
		ok = send_reply(s, conn, &rp);
	}
	free(rp.body);
	free(query);
	free(form);
	return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *data,
				  size_t *size, void **con_cls)
{
	struct web_server *s = cls;
	struct req *q = *con_cls;
	struct web_request rq;
	unsigned status;

	(void)version;
	if (!q) /* the URI callback could not allocate it */
		return send_text(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				 web_error_text(MHD_HTTP_SERVICE_UNAVAILABLE,
						WEB_WHY_STATUS));
	if (!q->started) {
		q->started = 1;
		status = check_head(s, conn, method, q);
		if (status) {
			q->answered = 1;
			request_init(&rq, s, conn, url, method);
			return send_error(&rq, status,
					  host_ok(s, conn) ? WEB_WHY_STATUS :
							     WEB_WHY_HOST);
		}
		return MHD_YES;
	}
	if (*size) {
		if (q->answered)
			return MHD_NO; /* a body after our answer: hang up */
		if (!q->too_big && *size > WEB_BODY_MAX - q->len) {
			/* over the cap (a chunked body, whose size was not
			 * said): nothing more is kept; what follows is read
			 * and dropped, up to WEB_DRAIN_MAX, so that the 413
			 * can be sent once the body ends; past that, the
			 * connection is closed without an answer */
			q->too_big = 1;
			free(q->body);
			q->body = NULL;
		}
		if (q->too_big) {
			q->drained += *size;
			*size = 0;
			return q->drained > WEB_DRAIN_MAX ? MHD_NO : MHD_YES;
		}
		if (!q->body)
			q->body = malloc(WEB_BODY_MAX);
		if (!q->body)
			return MHD_NO;
		memcpy(q->body + q->len, data, *size);
		q->len += *size;
		*size = 0;
		return MHD_YES;
	}
	if (q->answered)
		return MHD_YES;
	if (q->too_big) {
		q->answered = 1;
		request_init(&rq, s, conn, url, method);
		return send_error(&rq, MHD_HTTP_CONTENT_TOO_LARGE,
				  WEB_WHY_STATUS);
	}
	return dispatch(s, conn, url, method, q);
}

/* The whole URI, before libmicrohttpd splits it: keep the raw query for
 * our own decoder.  The result is the request's context. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct req *q = calloc(1, sizeof *q);
	const char *qs = strchr(uri, '?');
	size_t n;

	(void)cls;
	(void)conn;
	if (!q || !qs)
		return q;
	n = strlen(qs + 1);
	if (n > WEB_FORM_MAX_BYTES) {
		q->query_too_long = 1;
		return q;
	}
	q->query = malloc(n + 1);
	if (!q->query) {
		free(q);
		return NULL;
	}
	memcpy(q->query, qs + 1, n + 1);
	return q;
}

static void on_completed(void *cls, struct MHD_Connection *conn,
			 void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct req *q = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (!q)
		return;
	if (q->work)
		work_forget(q->work);
	if (q->job)
		q->free_job(q->job);
	free(q->query);
	free(q->body);
	free(q);
	*con_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct web_server *s = cls;
	char line[256];
	size_t n;

	vsnprintf(line, sizeof line, fmt, ap);
	n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = 0;
	while (n && line[n - 1] == '.')
		line[--n] = 0;
	log_debug("web: %s", line);
	/* GnuTLS's reason for refusing a certificate or key comes first;
	 * "Failed to initialize TLS support" after it says nothing more */
	if (s->starting && !s->mhd_err[0])
		snprintf(s->mhd_err, sizeof s->mhd_err, "%.*s",
			 (int)sizeof s->mhd_err - 1, line);
}

/* ---- the loop ----------------------------------------------------------- */

static void on_timer(uv_timer_t *t);

/* libmicrohttpd's next deadline on the timer (none: the timer waits). */
static void arm(struct web_server *s)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (MHD_get_timeout(s->mhd, &ms) == MHD_YES)
		uv_timer_start(&s->timer, on_timer, ms, 0);
	else
		uv_timer_stop(&s->timer);
}

/* Whenever its epoll descriptor is readable or its deadline comes,
 * libmicrohttpd runs (it never blocks), then says when next. */
static void run(struct web_server *s)
{
	if (!s->mhd)
		return;
	if (MHD_run(s->mhd) != MHD_YES)
		log_warnx("web: the HTTP server failed to run");
	arm(s);
}

static void on_timer(uv_timer_t *t)
{
	run(t->data);
}

static void on_poll(uv_poll_t *p, int status, int events)
{
	(void)status;
	(void)events;
	run(p->data);
}

static void on_closed(uv_handle_t *h)
{
	struct web_server *s = h->data;

	if (--s->open)
		return;
	server_free(s);
}

int web_listen_parse(const char *str, struct sockaddr_storage *ss)
{
	if (peer_parse_addr(str, ss, WEB_DEFAULT_PORT))
		return KITH_EINVAL;
	if (ss->ss_family != AF_INET && ss->ss_family != AF_INET6)
		return KITH_EINVAL;
	return 0;
}

/* 0.0.0.0 or [::]: every address of this machine. */
static int wildcard(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)ss)->sin_addr.s_addr ==
		       htonl(INADDR_ANY);
	return IN6_IS_ADDR_UNSPECIFIED(
		&((const struct sockaddr_in6 *)ss)->sin6_addr);
}

/* Where we listen, as a URL and as the Host values that name us. */
static void names(struct web_server *s, const struct sockaddr_storage *ss,
		  int port)
{
	struct sockaddr_storage real = *ss;
	char addr[64]; /* "[IPv6]:PORT" at most */
	char host[64];

	if (real.ss_family == AF_INET)
		((struct sockaddr_in *)&real)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)&real)->sin6_port = htons((uint16_t)port);
	peer_addr_str((const struct sockaddr *)&real, addr, sizeof addr);
	s->port = port;
	s->lan = !net_addr_loopback((const struct sockaddr *)&real);
	if (wildcard(ss))
		snprintf(s->url, sizeof s->url, "%s://%s:%d",
			 s->tls ? "https" : "http",
			 ss->ss_family == AF_INET ? "127.0.0.1" : "[::1]", port);
	else
		snprintf(s->url, sizeof s->url, "%s://%s",
			 s->tls ? "https" : "http", addr);
	snprintf(s->hosts[0], sizeof s->hosts[0], "%s", addr);
	snprintf(s->hosts[1], sizeof s->hosts[1], "127.0.0.1:%d", port);
	snprintf(s->hosts[2], sizeof s->hosts[2], "localhost:%d", port);
	snprintf(s->hosts[3], sizeof s->hosts[3], "[::1]:%d", port);
	/* off loopback, this machine's own names too (server.h 1.) */
	if (s->lan && !gethostname(host, sizeof host) && host[0] &&
	    memchr(host, 0, sizeof host) && !strchr(host, ':')) {
		snprintf(s->hosts[4], sizeof s->hosts[4], "%.50s:%d", host,
			 port);
		if (!strchr(host, '.'))
			snprintf(s->hosts[5], sizeof s->hosts[5],
				 "%.50s.local:%d", host, port);
	}
}

int web_server_start(struct web_server **out, uv_loop_t *loop,
		     const struct web_server_cfg *cfg)
{
	const char *listen = cfg->listen ? cfg->listen : WEB_DEFAULT_LISTEN;
	const union MHD_DaemonInfo *info;
	struct sockaddr_storage ss;
	struct web_server *s;
	unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
			 MHD_ALLOW_SUSPEND_RESUME;
	int rc, fd, port, tls_refused = 0;
	struct MHD_OptionItem tls_opts[] = {
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cfg->tls_cert },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)cfg->tls_key },
		{ MHD_OPTION_END, 0, NULL },
	};

	*out = NULL;
	rc = web_listen_parse(listen, &ss);
	if (rc) {
		log_warnx("cannot serve the web app on '%s': not an address",
			  listen);
		return rc;
	}
	s = calloc(1, sizeof *s);
	if (!s)
		return KITH_ENOMEM;
	s->loop = loop;
	s->cfg = *cfg;
	rc = web_auth_init(&s->auth, cfg->home);
	if (rc)
		goto out;
	s->auth.kiosk = cfg->kiosk;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->tls = cfg->tls_cert && cfg->tls_key;
	if (s->tls && !web_tls_supported()) {
		rc = -ENOTSUP;
		goto out;
	}
	if (s->tls)
		flags |= MHD_USE_TLS;
	errno = 0;
	s->starting = 1;
	/* the certificate and key only with MHD_USE_TLS (libmicrohttpd
	 * complains of them without it) */
	s->mhd = MHD_start_daemon(
		flags, (uint16_t)peer_addr_port(&ss), NULL, NULL, on_request, s,
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s,
		MHD_OPTION_ARRAY, s->tls ? tls_opts : tls_opts + 2,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)WEB_MAX_CONNECTIONS,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)WEB_IDLE_S,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)WEB_CONN_MEMORY,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_END);
	s->starting = 0;
	if (!s->mhd) {
		rc = errno ? -errno : KITH_EIO;
		/* the address was bound (its errors set errno): GnuTLS said
		 * no to the certificate or the key */
		tls_refused = s->tls && !errno;
		goto out;
	}
	info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	fd = info ? info->epoll_fd : -1;
	info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
	port = info ? info->port : 0;
	if (fd < 0 || !port) {
		rc = KITH_EIO;
		goto out;
	}
	rc = uv_poll_init(loop, &s->poll, fd);
	if (rc)
		goto out;
	s->poll.data = s;
	s->open++;
	uv_timer_init(loop, &s->timer);
	s->timer.data = s;
	s->open++;
	rc = uv_poll_start(&s->poll, UV_READABLE, on_poll);
	if (rc)
		goto out;
	names(s, &ss, port);
	arm(s);
	if (s->lan)
		log_warnx("web app on %s for the local network (listening on "
			  "'%s'): members log in with their PIN ('kith member "
			  "pin'); %s",
			  s->url, s->hosts[0],
			  s->tls ? "the connection is encrypted (TLS)" :
				   "the connection is not encrypted");
	else
		log_warnx("web app on %s", s->url);
	if (cfg->kiosk)
		log_warnx("web app in kiosk mode: everyone logs in with their "
			  "name and PIN, and is logged out after %d seconds "
			  "without use",
			  cfg->kiosk);
	*out = s;
out:
	if (rc && tls_refused)
		log_warnx("cannot serve the web app on '%s': the TLS certificate "
			  "or key was refused (%s)",
			  listen, s->mhd_err[0] ? s->mhd_err : "no reason given");
	else if (rc)
		log_warnx("cannot serve the web app on '%s': %s", listen,
			  rc == -ENOTSUP ?
				  "this libmicrohttpd was built without TLS" :
				  kith_strerror(rc));
	if (rc) {
		if (s->open) {
			web_server_stop(s); /* frees s once the loop runs */
		} else {
			if (s->mhd)
				MHD_stop_daemon(s->mhd);
			web_auth_release(&s->auth);
			free(s);
		}
	}
	return rc;
}

void web_server_stop(struct web_server *s)
{
	size_t i;

	if (!s || uv_is_closing((uv_handle_t *)&s->timer))
		return;
	/* out of libuv's epoll set before libmicrohttpd closes the fd */
	uv_poll_stop(&s->poll);
	uv_timer_stop(&s->timer);
	/* no connection may stay suspended when libmicrohttpd stops: the
	 * jobs waiting are dropped, the one running finishes alone */
	s->stopping = 1;
	for (i = 0; i < s->qlen; i++) {
		struct work *k = s->queue[i];

		k->q->work = NULL;
		MHD_resume_connection(k->conn);
		k->free_job(k->job);
		free(k);
	}
	s->qlen = 0;
	if (s->running && s->running->q) {
		s->running->q->work = NULL;
		s->running->q = NULL;
		MHD_resume_connection(s->running->conn);
	}
	if (s->mhd)
		MHD_stop_daemon(s->mhd);
	s->mhd = NULL;
	uv_close((uv_handle_t *)&s->poll, on_closed);
	uv_close((uv_handle_t *)&s->timer, on_closed);
}

const char *web_server_url(const struct web_server *s)
{
	return s->url;
}

const char *web_server_listen(const struct web_server *s)
{
	return s->hosts[0];
}

struct web_auth *web_server_auth(struct web_server *s)
{
	return &s->auth;
}

int web_server_lan(const struct web_server *s)
{
	return s->lan;
}

int web_server_tls(const struct web_server *s)
{
	return s->tls;
}

int web_tls_supported(void)
{
	return MHD_is_feature_supported(MHD_FEATURE_TLS) == MHD_YES;
}

int web_request_kiosk(const struct web_request *rq)
{
	return rq->srv ? rq->srv->cfg.kiosk : 0;
}

int web_request_tls(const struct web_request *rq)
{
	return rq->srv && rq->srv->tls;
}

struct web_throttle *web_server_throttle(struct web_server *s)
{
	return &s->throttle;
}

int64_t web_server_now_ms(const struct web_server *s)
{
	if (s->cfg.now)
		return s->cfg.now() * 1000;
	/* the clock itself, not the loop's cached uv_now: a busy loop
	 * iteration would make a wait look longer than it is */
	return (int64_t)(uv_hrtime() / 1000000);
}
