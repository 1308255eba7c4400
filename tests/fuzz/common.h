/*
 * common.h - shared by the fuzz targets and gen_corpus.c (header only: the
 * Makefile builds each tests/fuzz/fuzz_NAME.c as a single source file).
 *
 * The community key is fixed so that the bundles gen_corpus writes can be
 * decrypted by fuzz_bundle; the environment is a fixed clock and a
 * counter-based "random" source, so every run of a target over the same
 * input does the same thing (STYLE: inject clock and randomness).
 */
#ifndef KITH_FUZZ_COMMON_H
#define KITH_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crdt/replica.h"

static const uint8_t fuzz_community[32] = {
	'k', 'i', 't', 'h', '-', 'f', 'u', 'z', 'z', '-', 'c',
	'o', 'm', 'm', 'u', 'n', 'i', 't', 'y', '-', 'k', 'e',
	'y', '-', '0', '0', '0', '0', '0', '0', '0', '1',
};

/* fuzz_seal's identities: seeds of 32 equal bytes.  "me" opens, "other"
 * is a second recipient, the outsider never is one. */
#define FUZZ_SEAL_ME 0x11
#define FUZZ_SEAL_OTHER 0x22
#define FUZZ_SEAL_OUTSIDER 0x33

/* 2024-01-01 00:00:00 UTC: the HLC drift limit is relative to this. */
#define FUZZ_NOW_MS 1704067200000ull

static inline uint64_t fuzz_now_ms(void *ctx)
{
	(void)ctx;
	return FUZZ_NOW_MS;
}

static inline void fuzz_random(void *ctx, void *buf, size_t n)
{
	static uint64_t ctr;
	uint8_t *p = buf;
	size_t i;

	(void)ctx;
	for (i = 0; i < n; i++)
		p[i] = (uint8_t)((++ctr * 0x9e3779b97f4a7c15ull) >> 56);
}

static const struct crdt_env fuzz_env = { fuzz_now_ms, fuzz_random, NULL };

/*
 * "<dir>/kith-fuzz-<what>-<pid>" into out: one path per process, reused for
 * every input.  dir is $TMPDIR, else /dev/shm (tmpfs: writing the input to
 * a disk-backed /tmp on every run costs more than the run itself), else
 * /tmp.
 */
static inline void fuzz_tmp_path(char *out, size_t n, const char *what)
{
	const char *dir = getenv("TMPDIR");
	struct stat sb;

	if (!dir || !*dir) {
		dir = "/tmp";
		if (stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) &&
		    access("/dev/shm", W_OK) == 0)
			dir = "/dev/shm";
	}
	snprintf(out, n, "%s/kith-fuzz-%s-%ld", dir, what, (long)getpid());
}

/* Write data to path (truncating); 0 or -1. */
static inline int fuzz_write_file(const char *path, const void *data,
				  size_t size)
{
	FILE *f = fopen(path, "wb");
	int rc = 0;

	if (!f)
		return -1;
	if (size && fwrite(data, 1, size, f) != size)
		rc = -1;
	if (fclose(f))
		rc = -1;
	return rc;
}

/*
 * The Makefile's clang build of the targets leaves UBSan recoverable: it
 * would print a report and carry on, and libFuzzer would not count it as a
 * crash.  Make every report fatal, in the replay build too.
 */
const char *__ubsan_default_options(void);
__attribute__((used)) const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:abort_on_error=1:print_stacktrace=1";
}

#endif
