#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control.h"
#include "crdt/err.h"
#include "crdt/log.h"
#include "crdt/codec.h"

/* One client: the status is written, then the connection closed. */
struct ctl {
	uv_pipe_t pipe;
	uv_write_t req;
	char buf[PEER_CONTROL_MAX];
};

static void ctl_closed(uv_handle_t *h)
{
	free(h->data);
}

static void ctl_written(uv_write_t *req, int status)
{
	struct ctl *c = req->data;

	(void)status;
	uv_close((uv_handle_t *)&c->pipe, ctl_closed);
}

/* A status line we can put in a JSON string as it is. */
static int plain(const char *s)
{
	for (; s && *s; s++)
		if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20)
			return 0;
	return s != NULL;
}

static size_t status_json(const struct peer_control_status *st, char *out,
			  size_t cap)
{
	char node[65];
	size_t n;
	int i, k;

	crdt_hex(node, st->node, 32);
	n = (size_t)snprintf(out, cap,
			     "{\"pid\":%ld,\"node\":\"%s\",\"listen\":\"%s\","
			     "\"joined\":%s,\"mdns\":%s,\"handshaking\":%u,"
			     "\"services\":{",
			     (long)getpid(), node, st->listen,
			     st->joined ? "true" : "false", st->mdns ? "true" : "false", st->handshaking);
	for (i = k = 0; i < st->nservices && n < cap; i++)
		if (plain(st->service_name[i]) && plain(st->service_status[i]))
			n += (size_t)snprintf(out + n, cap - n, "%s\"%s\":\"%s\"",
					      k++ ? "," : "",
					      st->service_name[i],
					      st->service_status[i]);
	if (n < cap)
		n += (size_t)snprintf(out + n, cap - n, "},\"sessions\":[");
	for (i = 0; i < st->nsessions && n < cap; i++) {
		struct net_session *s = st->sessions[i];
		const struct net_session_stats *ss = net_session_stats(s);
		char peer[65] = "";

		if (net_session_peer(s))
			crdt_hex(peer, net_session_peer(s), 32);
		n += (size_t)snprintf(out + n, cap - n,
				      "%s{\"peer\":\"%s\",\"addr\":\"%s\","
				      "\"synced\":%s,\"sent\":%llu,"
				      "\"received\":%llu}",
				      i ? "," : "", peer, net_session_addr(s),
				      net_session_synced(s) ? "true" : "false",
				      (unsigned long long)ss->sent,
				      (unsigned long long)ss->received);
	}
	if (n < cap)
		n += (size_t)snprintf(out + n, cap - n, "]}\n");
	return n < cap ? n : cap - 1;
}

static void on_control(uv_stream_t *server, int status)
{
	struct peer_control *pc = server->data;
	struct peer_control_status st;
	struct ctl *c;
	uv_buf_t b;
	size_t n;

	if (status < 0)
		return;
	/* a CLI that just wrote knocks here: push now, not at the next poll */
	pc->knock(pc->data);
	c = calloc(1, sizeof *c);
	if (!c)
		return;
	uv_pipe_init(server->loop, &c->pipe, 0);
	c->pipe.data = c;
	if (uv_accept(server, (uv_stream_t *)&c->pipe)) {
		uv_close((uv_handle_t *)&c->pipe, ctl_closed);
		return;
	}
	memset(&st, 0, sizeof st);
	pc->status(pc->data, &st);
	n = status_json(&st, c->buf, sizeof c->buf);
	b = uv_buf_init(c->buf, (unsigned)n);
	c->req.data = c;
	if (uv_write(&c->req, (uv_stream_t *)&c->pipe, &b, 1, ctl_written))
		uv_close((uv_handle_t *)&c->pipe, ctl_closed);
}

void peer_control_start(struct peer_control *c, uv_loop_t *loop,
			const char *home)
{
	uv_pipe_init(loop, &c->pipe, 0);
	c->pipe.data = c;
	if (peer_path(c->path, sizeof c->path, home, "control.sock")) {
		c->path[0] = 0;
		return;
	}
	unlink(c->path);
	if (uv_pipe_bind(&c->pipe, c->path) || chmod(c->path, 0600) ||
	    uv_listen((uv_stream_t *)&c->pipe, 8, on_control))
		log_warnx("control socket '%s' unavailable", c->path);
}

void peer_control_close(struct peer_control *c)
{
	uv_close((uv_handle_t *)&c->pipe, NULL);
	if (c->path[0])
		unlink(c->path);
}

/* ---- the client's end --------------------------------------------------- */

void peer_daemon_notify(const char *home)
{
	/* connecting is the message; the status sent back is not read */
	(void)peer_daemon_status(home, NULL, 0);
}

int peer_daemon_status(const char *home, char *out, size_t cap)
{
	char path[PEER_PATH_MAX];
	struct sockaddr_un {
		sa_family_t sun_family;
		char sun_path[108];
	} sun;
	size_t n = 0;
	ssize_t k;
	int fd, rc;

	if (peer_path(path, sizeof path, home, "control.sock") ||
	    strlen(path) >= sizeof sun.sun_path)
		return KITH_ETOOBIG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun)) {
		rc = KITH_ENOTFOUND;
		goto out;
	}
	rc = 0;
	if (!cap)
		goto out;
	while (n + 1 < cap) {
		k = read(fd, out + n, cap - n - 1);
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	out[n] = 0;
	rc = n ? 0 : KITH_ENOTFOUND;
out:
	close(fd);
	return rc;
}
