#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth.h"
#include "crdt/codec.h"
#include "crdt/crypto.h"
#include "crdt/err.h"

/* The file is one short line; anything longer is not ours. */
#define LOGIN_LINE_MAX 128

static void random_hex(char out[WEB_TOKEN_HEX + 1])
{
	uint8_t b[WEB_TOKEN_HEX / 2];

	crdt_crypto_random(b, sizeof b);
	crdt_hex(out, b, sizeof b);
	crdt_wipe(b, sizeof b);
}

int web_auth_token_shape(const char *s)
{
	size_t i;

	if (!s)
		return 0;
	for (i = 0; i < WEB_TOKEN_HEX; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[WEB_TOKEN_HEX] == 0;
}

static int login_path(char *out, size_t cap, const char *home)
{
	int n = snprintf(out, cap, "%s/%s", home, WEB_LOGIN_FILE);

	return n < 0 || (size_t)n >= cap ? KITH_EINVAL : 0;
}

int web_auth_init(struct web_auth *a, const char *home)
{
	memset(a, 0, sizeof *a);
	return login_path(a->path, sizeof a->path, home);
}

void web_auth_release(struct web_auth *a)
{
	crdt_wipe(a->s, sizeof a->s);
}

int web_auth_issue(const char *home, int64_t now, char token[WEB_TOKEN_HEX + 1])
{
	char path[4096], tmp[4096 + 8], line[LOGIN_LINE_MAX];
	int fd = -1, n, rc;

	rc = login_path(path, sizeof path, home);
	if (rc)
		goto out;
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	random_hex(token);
	n = snprintf(line, sizeof line, "%s %" PRId64 "\n", token, now);
	(void)unlink(tmp); /* left by a kith open that died */
	errno = 0;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0 || write(fd, line, (size_t)n) != n || fsync(fd)) {
		rc = errno ? -errno : KITH_EIO;
		goto out;
	}
	if (close(fd)) {
		fd = -1;
		rc = -errno;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path))
		rc = -errno;
out:
	if (fd >= 0)
		close(fd);
	if (rc) {
		(void)unlink(tmp);
		crdt_wipe(token, WEB_TOKEN_HEX + 1);
	}
	crdt_wipe(line, sizeof line);
	return rc;
}

/* Read the waiting token: 0, or KITH_EDENIED when there is none we trust. */
static int read_login(const char *path, char tok[WEB_TOKEN_HEX + 1],
		      int64_t *created)
{
	char line[LOGIN_LINE_MAX], *end;
	struct stat st;
	ssize_t n;
	long long t;
	int fd, rc = KITH_EDENIED;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return KITH_EDENIED;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022) || st.st_size >= LOGIN_LINE_MAX)
		goto out;
	n = read(fd, line, sizeof line - 1);
	if (n < WEB_TOKEN_HEX + 2)
		goto out;
	line[n] = 0;
	if (line[WEB_TOKEN_HEX] != ' ')
		goto out;
	line[WEB_TOKEN_HEX] = 0;
	if (!web_auth_token_shape(line))
		goto out;
	errno = 0;
	t = strtoll(line + WEB_TOKEN_HEX + 1, &end, 10);
	if (errno || end == line + WEB_TOKEN_HEX + 1 || (*end && *end != '\n'))
		goto out;
	memcpy(tok, line, WEB_TOKEN_HEX + 1);
	*created = t;
	rc = 0;
out:
	crdt_wipe(line, sizeof line);
	close(fd);
	return rc;
}

/* The free slot, else the session seen longest ago. */
static struct web_session *slot(struct web_auth *a)
{
	struct web_session *old = &a->s[0];
	int i;

	for (i = 0; i < WEB_MAX_SESSIONS; i++) {
		if (!a->s[i].used)
			return &a->s[i];
		if (a->s[i].seen < old->seen)
			old = &a->s[i];
	}
	return old;
}

int web_auth_login(struct web_auth *a, const char *token, int64_t now,
		   struct web_session **out)
{
	char want[WEB_TOKEN_HEX + 1];
	int64_t created;
	int rc;

	*out = NULL;
	if (!web_auth_token_shape(token))
		return KITH_EDENIED;
	rc = read_login(a->path, want, &created);
	if (rc)
		return rc;
	if (!crdt_equal(want, token, WEB_TOKEN_HEX)) {
		rc = KITH_EDENIED;
		goto out;
	}
	/* used now, or useless: either way it goes before anything else */
	if (unlink(a->path)) {
		rc = -errno;
		goto out;
	}
	if (created > now || now - created > WEB_LOGIN_TTL_S) {
		rc = KITH_EDENIED;
		goto out;
	}
	rc = web_auth_open(a, now, 0, out);
out:
	crdt_wipe(want, sizeof want);
	return rc;
}

int web_auth_open(struct web_auth *a, int64_t now, int pin,
		  struct web_session **out)
{
	struct web_session *s = slot(a);

	memset(s, 0, sizeof *s);
	s->used = 1;
	random_hex(s->id);
	random_hex(s->csrf);
	s->seen = now;
	s->created = now;
	s->pin = pin;
	*out = s;
	return 0;
}

/* Past its time: idle too long, or (a PIN's) too old, or from a clock
 * that went back. */
static int expired(const struct web_auth *a, const struct web_session *s,
		   int64_t now)
{
	int64_t idle = a->kiosk ? a->kiosk :
		       s->pin	? WEB_PIN_IDLE_S :
				  WEB_SESSION_IDLE_S;

	return now - s->seen > idle || s->seen > now + 60 ||
	       (s->pin && now - s->created > WEB_PIN_MAX_S);
}

struct web_session *web_auth_session(struct web_auth *a, const char *cookie,
				     int64_t now)
{
	struct web_session *found = NULL;
	int i;

	if (!web_auth_token_shape(cookie))
		return NULL;
	for (i = 0; i < WEB_MAX_SESSIONS; i++) {
		struct web_session *s = &a->s[i];

		if (!s->used)
			continue;
		if (expired(a, s, now)) {
			web_auth_end(a, s);
			continue;
		}
		if (crdt_equal(s->id, cookie, WEB_TOKEN_HEX))
			found = s;
	}
	if (found)
		found->seen = now;
	return found;
}

void web_auth_end(struct web_auth *a, struct web_session *s)
{
	(void)a;
	crdt_wipe(s, sizeof *s);
}

/* Forget the session's result, wiping it. */
static void once_wipe(struct web_session *s)
{
	crdt_wipe(s->once_text, sizeof s->once_text);
	crdt_wipe(s->once_pk, sizeof s->once_pk);
	s->once = WEB_ONCE_NONE;
}

int web_auth_once_put(struct web_session *s, enum web_once kind, const char *text,
		      const uint8_t *pk)
{
	size_t n = strlen(text);

	once_wipe(s);
	if (kind == WEB_ONCE_NONE || n >= sizeof s->once_text)
		return KITH_EINVAL;
	memcpy(s->once_text, text, n + 1);
	if (pk)
		memcpy(s->once_pk, pk, CRDT_PK_LEN);
	s->once = kind;
	return 0;
}

int web_auth_once_peek(const struct web_session *s, enum web_once kind,
		       char *out, size_t cap, uint8_t pk[CRDT_PK_LEN])
{
	size_t n = strlen(s->once_text);

	if (s->once == WEB_ONCE_NONE || s->once != kind || n >= cap)
		return 0;
	memcpy(out, s->once_text, n + 1);
	if (pk)
		memcpy(pk, s->once_pk, CRDT_PK_LEN);
	return 1;
}

int web_auth_once_take(struct web_session *s, enum web_once kind, char *out,
		       size_t cap, uint8_t pk[CRDT_PK_LEN])
{
	int got;

	if (s->once == WEB_ONCE_NONE || s->once != kind)
		return 0;
	got = web_auth_once_peek(s, kind, out, cap, pk);
	once_wipe(s);
	return got;
}

int web_auth_csrf_ok(const struct web_session *s, const char *csrf)
{
	return s && web_auth_token_shape(csrf) && crdt_equal(s->csrf, csrf, WEB_TOKEN_HEX);
}
