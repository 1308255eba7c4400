/*
 * test_avahi_uv.c - net/avahi_uv.c, AvahiPoll on libuv, driven directly
 * through its AvahiPoll (no avahi-daemon, no bus): two watches on one fd
 * each get their own events, watches freed during a dispatch, timeouts in
 * the past and the future, and a poll freed while handles are still open.
 * Every test ends with uv_loop_close() == 0.
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <avahi-common/timeval.h>
#include <uv.h>

#include "net/avahi_uv.h"
#include "tests/testlib.h"

static int done_calls;

static void on_done(void *data)
{
	(void)data;
	done_calls++;
}

/* A loop, a poll on it and a connected socket pair. */
struct fix {
	uv_loop_t loop;
	struct net_avahi_uv *p;
	const AvahiPoll *api;
	int sv[2];
};

static void fix_open(struct fix *f)
{
	done_calls = 0;
	TL_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, f->sv));
	TL_OK(uv_loop_init(&f->loop));
	TL_OK(net_avahi_uv_new(&f->p, &f->loop));
	f->api = net_avahi_uv_api(f->p);
}

/* After the poll is freed and the loop has run out. */
static void fix_close(struct fix *f)
{
	TL_RC(uv_loop_close(&f->loop), 0);
	close(f->sv[0]);
	close(f->sv[1]);
}

/* Nothing was ever opened: the poll is freed at once. */
static void test_free_unused(void **state)
{
	struct fix f;

	(void)state;
	fix_open(&f);
	TL_CHECK(net_avahi_uv_dispatching(f.p) == 0,
		 "expected no dispatch outside the loop");
	net_avahi_uv_free(f.p, on_done, NULL);
	TL_EQ(done_calls, 1, "done calls after freeing an unused poll");
	fix_close(&f);
}

/* A reader and a writer on one socket (as libdbus keeps them). */
struct two {
	struct net_avahi_uv *p;
	const AvahiPoll *api;
	AvahiWatch *rd, *wr;
	int peer; /* the other end of the socket pair */
	int rd_calls, wr_calls;
	AvahiWatchEvent rd_got, wr_got;
	int dispatching;
};

static void on_writable(AvahiWatch *w, int fd, AvahiWatchEvent ev, void *u)
{
	struct two *t = u;

	(void)fd;
	t->wr_calls++;
	t->wr_got |= ev;
	/* the reader's turn comes once the peer has written */
	TL_EQ(write(t->peer, "x", 1), 1, "bytes written by the peer");
	t->api->watch_update(w, 0); /* stop asking */
}

static void on_readable(AvahiWatch *w, int fd, AvahiWatchEvent ev, void *u)
{
	struct two *t = u;
	char c;

	t->rd_calls++;
	t->rd_got = t->api->watch_get_events(w);
	TL_EQ(ev, AVAHI_WATCH_IN, "events handed to the reader");
	TL_EQ(read(fd, &c, 1), 1, "bytes read from the socket");
	t->dispatching = net_avahi_uv_dispatching(t->p);
	/* both freed from inside the dispatch, then the poll itself */
	t->api->watch_free(t->wr);
	t->api->watch_free(w);
	net_avahi_uv_free(t->p, on_done, t);
}

static void test_two_watches_one_fd(void **state)
{
	struct two t = { 0 };
	struct fix f;

	(void)state;
	fix_open(&f);
	t.p = f.p;
	t.api = f.api;
	t.peer = f.sv[1];
	t.wr = t.api->watch_new(t.api, f.sv[0], AVAHI_WATCH_OUT, on_writable,
				&t);
	t.rd = t.api->watch_new(t.api, f.sv[0], AVAHI_WATCH_IN, on_readable,
				&t);
	TL_CHECK(t.wr && t.rd, "expected two watches on one fd");
	uv_run(&f.loop, UV_RUN_DEFAULT);
	TL_EQ(t.rd_calls, 1, "reader calls");
	TL_EQ(t.wr_calls, 1, "writer calls");
	TL_EQ(t.rd_got, AVAHI_WATCH_IN, "reader's watch_get_events");
	TL_EQ(t.wr_got, AVAHI_WATCH_OUT, "events handed to the writer");
	TL_CHECK(t.dispatching > 0, "expected dispatching inside a callback");
	TL_EQ(done_calls, 1, "done calls once the poll handle closed");
	fix_close(&f);
}

struct clock {
	const AvahiPoll *api;
	struct net_avahi_uv *p;
	int fired;
	uint64_t first_ms, second_ms;
	uv_loop_t *loop;
};

/* First (due in the past) at once, then again 30 ms later, then done. */
static void on_timeout(AvahiTimeout *t, void *u)
{
	struct clock *c = u;
	struct timeval tv;

	c->fired++;
	if (c->fired == 1) {
		c->first_ms = uv_now(c->loop);
		avahi_elapse_time(&tv, 30, 0);
		c->api->timeout_update(t, &tv);
		return;
	}
	c->second_ms = uv_now(c->loop);
	c->api->timeout_free(t);
	net_avahi_uv_free(c->p, on_done, c);
}

static void test_timeouts(void **state)
{
	struct clock c = { 0 };
	struct timeval past;
	AvahiTimeout *off;
	struct fix f;

	(void)state;
	fix_open(&f);
	c.p = f.p;
	c.api = f.api;
	c.loop = &f.loop;
	gettimeofday(&past, NULL);
	past.tv_sec -= 1;
	TL_CHECK(c.api->timeout_new(c.api, &past, on_timeout, &c) != NULL,
		 "expected a timeout due in the past");
	/* disabled from the start: never fires, freed before it could */
	off = c.api->timeout_new(c.api, NULL, on_timeout, &c);
	TL_CHECK(off != NULL, "expected a disabled timeout");
	c.api->timeout_free(off);
	uv_run(&f.loop, UV_RUN_DEFAULT);
	TL_EQ(c.fired, 2, "timeout calls");
	TL_CHECK(c.second_ms - c.first_ms >= 29,
		 "expected the second call 30 ms after the first, got %llu",
		 (unsigned long long)(c.second_ms - c.first_ms));
	TL_EQ(done_calls, 1, "done calls once the timers closed");
	fix_close(&f);
}

static void ignore(AvahiWatch *w, int fd, AvahiWatchEvent ev, void *u)
{
	(void)w, (void)fd, (void)ev, (void)u;
}

/* A watch avahi has not freed keeps the poll (it still calls watch_free
 * later): done waits for it. */
static void test_left_watch_keeps_poll(void **state)
{
	struct fix f;
	AvahiWatch *w;

	(void)state;
	fix_open(&f);
	w = f.api->watch_new(f.api, f.sv[0], AVAHI_WATCH_IN, ignore, NULL);
	TL_CHECK(w != NULL, "expected a watch");
	net_avahi_uv_free(f.p, on_done, NULL);
	uv_run(&f.loop, UV_RUN_NOWAIT);
	TL_EQ(done_calls, 0, "done calls while a watch is left");
	f.api->watch_free(w); /* as avahi would, later */
	uv_run(&f.loop, UV_RUN_DEFAULT);
	TL_EQ(done_calls, 1, "done calls after the last watch went");
	fix_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_unused),
		cmocka_unit_test(test_two_watches_one_fd),
		cmocka_unit_test(test_timeouts),
		cmocka_unit_test(test_left_watch_keeps_poll),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
