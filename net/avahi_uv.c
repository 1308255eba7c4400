/*
 * avahi_uv.c - AvahiPoll on libuv (see avahi_uv.h).
 *
 * p->handles counts the open uv handles (fd polls and timeouts); the poll
 * is freed by whichever close callback brings it to 0 after
 * net_avahi_uv_free(), or by net_avahi_uv_free() itself when none is open.
 */
#include <stdlib.h>
#include <sys/time.h>

#include <avahi-common/timeval.h>

#include "crdt/err.h"
#include "crdt/log.h"
#include "net/avahi_uv.h"

/* The one poll handle of a file descriptor. */
struct avahi_fd {
	uv_poll_t poll;
	struct net_avahi_uv *p;
	int fd;
	int nwatch;    /* live watches on this fd */
	int uv_events; /* what the poll handle is started with (0: stopped) */
	struct avahi_fd *next;
};

struct AvahiWatch {
	struct net_avahi_uv *p;
	struct avahi_fd *f;
	AvahiWatchEvent events;	 /* asked for */
	AvahiWatchEvent revents; /* seen in the last dispatch */
	AvahiWatchCallback cb;
	void *userdata;
	int dead;
	struct AvahiWatch *next;
};

struct AvahiTimeout {
	uv_timer_t timer;
	struct net_avahi_uv *p;
	AvahiTimeoutCallback cb;
	void *userdata;
};

struct net_avahi_uv {
	AvahiPoll api;
	uv_loop_t *loop;
	struct avahi_fd *fds;	  /* those with live watches */
	struct AvahiWatch *watches; /* live, and dead ones not swept yet */
	int dispatching;	  /* > 0 while an avahi callback runs */
	int handles;		  /* open uv handles */
	int freeing;		  /* net_avahi_uv_free() was called */
	void (*done)(void *data);
	void *done_data;
};

/* Free dead watches; not while a dispatch may still walk the list. */
static void sweep(struct net_avahi_uv *p)
{
	struct AvahiWatch **pp = &p->watches;

	if (p->dispatching)
		return;
	while (*pp) {
		struct AvahiWatch *w = *pp;

		if (w->dead) {
			*pp = w->next;
			free(w);
		} else {
			pp = &w->next;
		}
	}
}

/* After net_avahi_uv_free(), the last handle gone: free p, then tell. */
static void maybe_free(struct net_avahi_uv *p)
{
	void (*done)(void *data) = p->done;
	void *data = p->done_data;

	if (!p->freeing || p->handles > 0)
		return;
	sweep(p); /* no handle, so no live watch: this empties the list */
	free(p);
	if (done)
		done(data);
}

/* The close callbacks: obj is the struct the closed handle was in. */
static void handle_gone(struct net_avahi_uv *p, void *obj)
{
	free(obj);
	p->handles--;
	maybe_free(p);
}

/* ---- watches ------------------------------------------------------------ */

static void on_fd_close(uv_handle_t *h)
{
	struct avahi_fd *f = h->data;

	handle_gone(f->p, f);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
	struct avahi_fd *f = h->data;
	struct net_avahi_uv *p = f->p;
	AvahiWatchEvent ev = 0;
	struct AvahiWatch *w;

	if (status < 0) {
		/* libuv has stopped the handle: start it again on update */
		f->uv_events = 0;
		ev = AVAHI_WATCH_ERR;
	} else {
		if (events & UV_READABLE)
			ev |= AVAHI_WATCH_IN;
		if (events & UV_WRITABLE)
			ev |= AVAHI_WATCH_OUT;
		if (events & UV_DISCONNECT)
			ev |= AVAHI_WATCH_HUP;
	}
	p->dispatching++;
	for (w = p->watches; w; w = w->next) {
		AvahiWatchEvent got;

		if (w->dead || w->f != f)
			continue;
		got = ev & (w->events | AVAHI_WATCH_ERR | AVAHI_WATCH_HUP);
		if (!got)
			continue;
		w->revents = got;
		w->cb(w, f->fd, got, w->userdata);
	}
	p->dispatching--;
	sweep(p);
}

/* Start the fd's poll handle with the union of its live watches' events. */
static void fd_update(struct avahi_fd *f)
{
	struct AvahiWatch *w;
	int want = 0, rc;

	if (uv_is_closing((uv_handle_t *)&f->poll))
		return;
	for (w = f->p->watches; w; w = w->next) {
		if (w->dead || w->f != f)
			continue;
		if (w->events & AVAHI_WATCH_IN)
			want |= UV_READABLE;
		if (w->events & AVAHI_WATCH_OUT)
			want |= UV_WRITABLE;
	}
	if (want == f->uv_events)
		return;
	if (want)
		rc = uv_poll_start(&f->poll, want, on_poll);
	else
		rc = uv_poll_stop(&f->poll);
	if (rc)
		log_warnx("cannot poll avahi socket %d: %s", f->fd,
			  uv_strerror(rc));
	else
		f->uv_events = want;
}

static struct avahi_fd *fd_find(struct net_avahi_uv *p, int fd)
{
	struct avahi_fd *f;

	for (f = p->fds; f; f = f->next)
		if (f->fd == fd)
			break;
	return f;
}

/* A poll handle for fd, in p->fds; NULL on failure. */
static struct avahi_fd *fd_open(struct net_avahi_uv *p, int fd)
{
	struct avahi_fd *f = calloc(1, sizeof *f);
	int rc;

	if (!f)
		return NULL;
	rc = uv_poll_init(p->loop, &f->poll, fd);
	if (rc) {
		log_warnx("cannot poll avahi socket %d: %s", fd,
			  uv_strerror(rc));
		free(f);
		return NULL;
	}
	f->poll.data = f;
	f->p = p;
	f->fd = fd;
	f->next = p->fds;
	p->fds = f;
	p->handles++;
	return f;
}

/* Out of p->fds, and its handle closed (freed in the close callback). */
static void fd_close(struct avahi_fd *f)
{
	struct avahi_fd **pp;

	for (pp = &f->p->fds; *pp; pp = &(*pp)->next) {
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	}
	if (!uv_is_closing((uv_handle_t *)&f->poll))
		uv_close((uv_handle_t *)&f->poll, on_fd_close);
}

static AvahiWatch *watch_new(const AvahiPoll *api, int fd,
			     AvahiWatchEvent event, AvahiWatchCallback cb,
			     void *userdata)
{
	struct net_avahi_uv *p = api->userdata;
	struct avahi_fd *f = fd_find(p, fd);
	struct AvahiWatch *w = calloc(1, sizeof *w);

	if (!w)
		return NULL;
	if (!f)
		f = fd_open(p, fd);
	if (!f) {
		free(w);
		return NULL;
	}
	w->p = p;
	w->f = f;
	w->events = event;
	w->cb = cb;
	w->userdata = userdata;
	w->next = p->watches;
	p->watches = w;
	f->nwatch++;
	fd_update(f);
	return w;
}

static void watch_update(AvahiWatch *w, AvahiWatchEvent event)
{
	w->events = event;
	fd_update(w->f);
}

static AvahiWatchEvent watch_get_events(AvahiWatch *w)
{
	return w->revents;
}

static void watch_free(AvahiWatch *w)
{
	struct avahi_fd *f = w->f;

	w->dead = 1;
	f->nwatch--;
	if (f->nwatch == 0)
		fd_close(f);
	else
		fd_update(f);
	sweep(w->p);
}

/* ---- timeouts ----------------------------------------------------------- */

static void on_timer(uv_timer_t *h)
{
	struct AvahiTimeout *t = h->data;
	struct net_avahi_uv *p = t->p;

	p->dispatching++;
	t->cb(t, t->userdata);
	p->dispatching--;
	sweep(p);
}

/* NULL: disabled; else an absolute gettimeofday() time, maybe past. */
static void timeout_update(AvahiTimeout *t, const struct timeval *tv)
{
	AvahiUsec age;
	uint64_t ms = 0;

	uv_timer_stop(&t->timer);
	if (!tv)
		return;
	age = avahi_age(tv); /* > 0 when tv is in the past */
	if (age < 0)
		ms = ((uint64_t)-age + 999) / 1000;
	uv_update_time(t->p->loop);
	uv_timer_start(&t->timer, on_timer, ms, 0);
}

static AvahiTimeout *timeout_new(const AvahiPoll *api,
				 const struct timeval *tv,
				 AvahiTimeoutCallback cb, void *userdata)
{
	struct net_avahi_uv *p = api->userdata;
	struct AvahiTimeout *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	if (uv_timer_init(p->loop, &t->timer)) {
		free(t);
		return NULL;
	}
	t->timer.data = t;
	t->p = p;
	t->cb = cb;
	t->userdata = userdata;
	p->handles++;
	timeout_update(t, tv);
	return t;
}

static void on_timeout_close(uv_handle_t *h)
{
	struct AvahiTimeout *t = h->data;

	handle_gone(t->p, t);
}

static void timeout_free(AvahiTimeout *t)
{
	if (!uv_is_closing((uv_handle_t *)&t->timer))
		uv_close((uv_handle_t *)&t->timer, on_timeout_close);
}

/* ---- public ------------------------------------------------------------- */

int net_avahi_uv_new(struct net_avahi_uv **out, uv_loop_t *loop)
{
	struct net_avahi_uv *p = calloc(1, sizeof *p);

	*out = NULL;
	if (!p)
		return KITH_ENOMEM;
	p->loop = loop;
	p->api.userdata = p;
	p->api.watch_new = watch_new;
	p->api.watch_update = watch_update;
	p->api.watch_get_events = watch_get_events;
	p->api.watch_free = watch_free;
	p->api.timeout_new = timeout_new;
	p->api.timeout_update = timeout_update;
	p->api.timeout_free = timeout_free;
	*out = p;
	return 0;
}

const AvahiPoll *net_avahi_uv_api(struct net_avahi_uv *p)
{
	return &p->api;
}

int net_avahi_uv_dispatching(const struct net_avahi_uv *p)
{
	return p->dispatching;
}

void net_avahi_uv_free(struct net_avahi_uv *p, void (*done)(void *data),
		       void *data)
{
	p->freeing = 1;
	p->done = done;
	p->done_data = data;
	sweep(p);
	if (p->fds)
		log_warnx("avahi left watches behind after the client was "
			  "freed");
	maybe_free(p);
}
