/*
 * pins.c - the web login PINs' hashes, and the login log (see pins.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crdt/codec.h"
#include "crdt/err.h"
#include "keystore.h"
#include "pins.h"

static int pins_dir(const char *dir, char *out, size_t cap)
{
	return peer_path(out, cap, dir, PEER_PINS_DIR) ? KITH_ETOOBIG : 0;
}

int peer_pin_save(const char *dir, const uint8_t pk[CRDT_PK_LEN],
		  const char *hash)
{
	char sub[PEER_PATH_MAX], hex[2 * CRDT_PK_LEN + 1];
	char line[CRDT_PWHASH_STR_LEN + 1];
	size_t n = strlen(hash);
	int rc;

	if (!n || n >= CRDT_PWHASH_STR_LEN || strchr(hash, '\n'))
		return KITH_EINVAL;
	rc = pins_dir(dir, sub, sizeof sub);
	if (rc)
		return rc;
	if (mkdir(sub, 0700) && errno != EEXIST)
		return -errno;
	memcpy(line, hash, n);
	line[n] = '\n';
	crdt_hex(hex, pk, CRDT_PK_LEN);
	rc = peer_write_secret(sub, hex, line, n + 1, 1);
	crdt_wipe(line, sizeof line);
	return rc;
}

int peer_pin_load(const char *dir, const uint8_t pk[CRDT_PK_LEN],
		  char out[CRDT_PWHASH_STR_LEN])
{
	char sub[PEER_PATH_MAX], hex[2 * CRDT_PK_LEN + 1];
	uint8_t buf[CRDT_PWHASH_STR_LEN + 1];
	size_t n = 0;
	int rc;

	out[0] = 0;
	rc = pins_dir(dir, sub, sizeof sub);
	if (rc)
		return rc;
	crdt_hex(hex, pk, CRDT_PK_LEN);
	rc = peer_read_file(sub, hex, buf, sizeof buf, &n);
	if (rc)
		return rc;
	/* one line, the hash and its newline, nothing else */
	if (n < 2 || n > CRDT_PWHASH_STR_LEN || buf[n - 1] != '\n' ||
	    memchr(buf, '\n', n - 1) || memchr(buf, 0, n)) {
		rc = KITH_EDECODE;
		goto out;
	}
	memcpy(out, buf, n - 1);
	out[n - 1] = 0;
out:
	crdt_wipe(buf, sizeof buf);
	return rc;
}

int peer_pin_remove(const char *dir, const uint8_t pk[CRDT_PK_LEN])
{
	char sub[PEER_PATH_MAX], hex[2 * CRDT_PK_LEN + 1], path[PEER_PATH_MAX];
	int rc = pins_dir(dir, sub, sizeof sub);

	if (rc)
		return rc;
	crdt_hex(hex, pk, CRDT_PK_LEN);
	if (peer_path(path, sizeof path, sub, hex))
		return KITH_ETOOBIG;
	if (unlink(path))
		return errno == ENOENT ? KITH_ENOTFOUND : -errno;
	return 0;
}

int peer_pin_any(const char *dir)
{
	char sub[PEER_PATH_MAX];
	struct dirent *e;
	uint8_t pk[CRDT_PK_LEN];
	int any = 0;
	DIR *d;

	if (pins_dir(dir, sub, sizeof sub))
		return 0;
	d = opendir(sub);
	if (!d)
		return 0;
	while (!any && (e = readdir(d)) != NULL)
		any = strlen(e->d_name) == 2 * CRDT_PK_LEN &&
		      !crdt_unhex(pk, CRDT_PK_LEN, e->d_name);
	closedir(d);
	return any;
}

int peer_pin_log(const char *dir, int64_t now, const char *line)
{
	char path[PEER_PATH_MAX], old[PEER_PATH_MAX + 4];
	char out[PEER_PINS_LINE_MAX + 32];
	struct stat st;
	struct tm tm;
	time_t t = (time_t)now;
	size_t n, i;
	int fd, rc = 0;

	if (peer_path(path, sizeof path, dir, PEER_PINS_LOG))
		return KITH_ETOOBIG;
	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof tm);
	n = strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ ", &tm);
	for (i = 0; line[i] && n < sizeof out - 1 &&
		    i < PEER_PINS_LINE_MAX; i++, n++) {
		unsigned char c = (unsigned char)line[i];

		out[n] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	out[n++] = '\n';
	/* one old file kept: the log never grows past twice its cap */
	if (!stat(path, &st) && st.st_size > PEER_PINS_LOG_MAX) {
		snprintf(old, sizeof old, "%s.1", path);
		(void)rename(path, old);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0)
		return -errno;
	if (write(fd, out, n) != (ssize_t)n)
		rc = errno == ENOSPC ? KITH_EFULL : (errno ? -errno : KITH_EIO);
	if (close(fd) && !rc)
		rc = -errno;
	return rc;
}
