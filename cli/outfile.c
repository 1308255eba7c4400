/*
 * outfile.c - files that commands write where the user says (export,
 * vector, print --out, report --csv).
 *
 * Two rules (issue 7, finding 8):
 *
 *  1. Never clobber kith's own state.  A path that is (same inode, so
 *     through symlinks, hard links and "dir/../" too) the identity, the
 *     community file, the replica or its -wal/-shm/-journal, the daemon's
 *     lock or socket is refused.  So is, in a kith data directory (ours, or
 *     any directory holding an identity or a replica.db), a name kith
 *     reserves there, and any file that already exists there and is not a
 *     previous output of the same kind (its first bytes say what it is:
 *     "KITHBNDL", "kith-vector 1", "<!DOCTYPE html>", a CSV header).
 *
 *  2. Never truncate a file in place.  Output goes to a temp file next to
 *     the target (".NAME.XXXXXX", mode 0600) and is renamed over it only
 *     when complete and fsync'd, so a failed write (a full disk, ^C)
 *     leaves the old file as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "crdt/err.h"

/* Files kith keeps in a data directory (peer/keystore.h, crdt/store.h,
 * peer/daemon.c), with what to call them in a message. */
/* TRANSLATORS: what a file is, in "refusing to write 'F': it is ..." */
static const char *const kith_files[][2] = {
	{ "identity", N_("your identity (secret key)") },
	{ "community", N_("the community key") },
	{ "replica.db", N_("the replica") },
	{ "replica.db-wal", N_("the replica's log") },
	{ "replica.db-shm", N_("the replica's index") },
	{ "replica.db-journal", N_("the replica's journal") },
	{ "daemon.lock", N_("the daemon's lock") },
	{ "control.sock", N_("the daemon's control socket") },
};
#define NKITH_FILES (sizeof kith_files / sizeof kith_files[0])

const char *cli_oserr(int e)
{
	static char buf[128];

	snprintf(buf, sizeof buf, "%s", strerror(e));
	if (buf[0] >= 'A' && buf[0] <= 'Z' && (buf[1] < 'A' || buf[1] > 'Z'))
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

/* The directory part of path, and its last part, in out buffers. */
static int split(const char *path, char *dir, char *base, size_t cap)
{
	char a[PEER_PATH_MAX], b[PEER_PATH_MAX];

	if (strlen(path) >= sizeof a || strlen(path) >= cap)
		return KITH_ETOOBIG;
	strcpy(a, path);
	strcpy(b, path);
	snprintf(dir, cap, "%s", dirname(a));
	snprintf(base, cap, "%s", basename(b));
	return 0;
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* 1 if dir (with stat st) is a kith data directory: ours, or one that
 * holds an identity or a replica. */
static int is_data_dir(struct cli *c, const char *dir, const struct stat *st)
{
	char p[PEER_PATH_MAX];
	struct stat h;

	if (stat(c->a.home, &h) == 0 && same_file(&h, st))
		return 1;
	if (peer_path(p, sizeof p, dir, "identity") == 0 && lstat(p, &h) == 0)
		return 1;
	if (peer_path(p, sizeof p, dir, "replica.db") == 0 && lstat(p, &h) == 0)
		return 1;
	return 0;
}

/* A name kith uses, or may use, in a data directory. */
static const char *reserved(const char *base)
{
	size_t i;

	for (i = 0; i < NKITH_FILES; i++)
		if (!strcmp(base, kith_files[i][0]))
			return kith_files[i][1];
	if (!strncmp(base, "replica.db", 10))
		return N_("the replica");
	if (!strncmp(base, "identity.", 9) || !strncmp(base, "community.", 10))
		return N_("a key file being written");
	return NULL;
}

/* 1 if the file at path begins with magic. */
static int starts_with(const char *path, const void *magic, size_t len)
{
	char buf[512];
	ssize_t n;
	int fd;

	if (!len || len > sizeof buf)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	n = read(fd, buf, len);
	close(fd);
	return n == (ssize_t)len && !memcmp(buf, magic, len);
}

int cli_output_check(struct cli *c, const char *path, const void *magic,
		     size_t magic_len)
{
	char dir[PEER_PATH_MAX], base[PEER_PATH_MAX], p[PEER_PATH_MAX];
	struct stat st, ds, k;
	const char *what;
	int exists, link = 0;
	size_t i;

	if (!*path)
		return cli_fail("cannot write '': no file name");
	if (split(path, dir, base, sizeof dir))
		return cli_fail("cannot write '%s': path is too long", path);
	exists = stat(path, &st) == 0;
	if (!exists && errno != ENOENT)
		return cli_fail("cannot write '%s': %s", path, cli_oserr(errno));
	if (lstat(path, &k) == 0 && S_ISLNK(k.st_mode))
		link = 1;
	if (exists && S_ISDIR(st.st_mode))
		return cli_fail("cannot write '%s': it is a directory", path);
	if (exists && !S_ISREG(st.st_mode))
		return cli_fail("refusing to write '%s': it is not a regular file",
				path);
	/* 1: the very files kith keeps, wherever the path reaches them */
	if (exists) {
		for (i = 0; i < NKITH_FILES; i++) {
			if (peer_path(p, sizeof p, c->a.home, kith_files[i][0]) ||
			    stat(p, &k) || !same_file(&k, &st))
				continue;
			return cli_fail("refusing to write '%s': it is %s",
					path, _(kith_files[i][1]));
		}
	}
	if (stat(dir, &ds))
		return cli_fail("cannot write '%s': %s", path, cli_oserr(errno));
	/* 2: inside a data directory, only new names and earlier outputs */
	if (is_data_dir(c, dir, &ds)) {
		what = reserved(base);
		if (what)
			return cli_fail("refusing to write '%s': kith keeps %s "
					"under that name",
					path, _(what));
		if (exists && (link || !starts_with(path, magic, magic_len)))
			return cli_fail("refusing to overwrite '%s': it is in "
					"kith's data directory and is not a "
					"file this command wrote",
					path);
	}
	/* a symlink: the rename replaces the link, but check its target's
	 * directory too, so a link cannot lead into a data directory */
	if (exists && link) {
		char *real = realpath(path, NULL);

		if (real) {
			int bad = split(real, dir, base, sizeof dir) == 0 &&
				  stat(dir, &ds) == 0 &&
				  is_data_dir(c, dir, &ds) &&
				  (reserved(base) ||
				   !starts_with(real, magic, magic_len));

			free(real);
			if (bad)
				return cli_fail("refusing to write '%s': it "
						"leads into kith's data "
						"directory",
						path);
		}
	}
	return CLI_OK;
}

int cli_output_tmp(const char *path, char *tmp, size_t cap)
{
	char dir[PEER_PATH_MAX], base[PEER_PATH_MAX];
	int fd, n;

	if (split(path, dir, base, sizeof dir))
		return KITH_ETOOBIG;
	n = snprintf(tmp, cap, "%s/.%s.XXXXXX", dir, base);
	if (n < 0 || (size_t)n >= cap)
		return KITH_ETOOBIG;
	fd = mkostemp(tmp, O_CLOEXEC); /* 0600 */
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

int cli_output_place(const char *tmp, const char *path)
{
	int err = 0, fd = open(tmp, O_RDONLY | O_CLOEXEC);

	/* what the temp file holds is on disk before its name is */
	if (fd < 0 || fsync(fd))
		err = errno == ENOSPC ? KITH_EFULL : -errno;
	if (fd >= 0)
		close(fd);
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

int cli_output_with(const char *path,
		    int (*write_fn)(void *ctx, const char *tmp), void *ctx)
{
	char tmp[PEER_PATH_MAX];
	int err = cli_output_tmp(path, tmp, sizeof tmp);

	if (err)
		return err;
	err = write_fn(ctx, tmp);
	if (err) {
		unlink(tmp);
		return err;
	}
	return cli_output_place(tmp, path);
}

struct out_buf {
	const char *p;
	size_t len;
};

/* cli_output_with's writer of a buffer (struct out_buf). */
static int write_buf(void *ctx, const char *tmp)
{
	const struct out_buf *b = ctx;
	const char *p = b->p;
	size_t len = b->len;
	int err = 0, fd = open(tmp, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (!err && len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errno == ENOSPC ? KITH_EFULL : -errno;
		} else if (n == 0) {
			err = KITH_EIO;
		} else {
			p += n;
			len -= (size_t)n;
		}
	}
	if (close(fd) && !err)
		err = errno == ENOSPC ? KITH_EFULL : -errno;
	return err;
}

int cli_output_write(const char *path, const void *buf, size_t len)
{
	struct out_buf b = { buf, len };

	return cli_output_with(path, write_buf, &b);
}

const char *cli_output_strerror(int err)
{
	if (err > KITH_EBASE && err < KITH_ELAST)
		return _(kith_strerror(err));
	return err < 0 && err > -4095 ? cli_oserr(-err) : _(kith_strerror(err));
}
