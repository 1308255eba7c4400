#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "atomic.h"
#include "err.h"

int crdt_atomic_open(struct crdt_atomic *a, const char *path)
{
	int fd, rc;

	a->f = NULL;
	a->path = path;
	if ((size_t)snprintf(a->tmp, sizeof a->tmp, "%s.tmp", path) >=
	    sizeof a->tmp)
		return KITH_EINVAL;
	fd = open(a->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	a->f = fdopen(fd, "wb");
	if (a->f)
		return 0;
	rc = -errno;
	close(fd);
	unlink(a->tmp);
	return rc;
}

/* The result of a failed write to the file. */
static int write_err(void)
{
	return errno == ENOSPC ? KITH_EFULL : -errno;
}

int crdt_atomic_commit(struct crdt_atomic *a, int rc)
{
	if (!rc && fflush(a->f))
		rc = write_err();
	if (!rc && fsync(fileno(a->f)))
		rc = write_err();
	if (fclose(a->f) && !rc)
		rc = write_err();
	a->f = NULL;
	if (!rc && rename(a->tmp, a->path))
		rc = -errno;
	if (rc)
		unlink(a->tmp);
	return rc;
}
