/*
 * replay.c - run a libFuzzer target over files without libFuzzer.
 *
 * `make fuzz-replay` links each tests/fuzz/fuzz_NAME.c with this main() and
 * a gcc ASan/UBSan build of the library, then calls it with the committed
 * corpus: every argument that is a regular file is one input, a directory
 * stands for the regular files directly inside it.  A path that does not
 * exist is skipped, so an unexpanded shell glob over an empty corpus
 * directory (corpus/fuzz_x/ followed by a star) is not an error.
 *
 * Finding bugs is the sanitizers' job (they abort); this program only
 * reports how many inputs it fed and fails on inputs it cannot read.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional in a target, as with libFuzzer. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* Replay one file; 0, or -1 if it could not be read. */
static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	struct stat sb;
	size_t size;
	int rc = -1;

	if (!f) {
		fprintf(stderr, "replay: cannot open '%s': %s\n", path,
			strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &sb) || sb.st_size < 0)
		goto out;
	size = (size_t)sb.st_size;
	/* malloc(size) exactly, so ASan catches reads past the input */
	data = malloc(size ? size : 1);
	if (!data || fread(data, 1, size, f) != size)
		goto out;
	LLVMFuzzerTestOneInput(data, size);
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "replay: cannot read '%s'\n", path);
	free(data);
	fclose(f);
	return rc;
}

static int replay_dir(const char *path, unsigned long *count)
{
	struct dirent **names = NULL;
	int i, n = scandir(path, &names, NULL, alphasort), rc = 0;

	if (n < 0) {
		fprintf(stderr, "replay: cannot list '%s': %s\n", path,
			strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		char sub[4096];
		struct stat sb;

		if ((size_t)snprintf(sub, sizeof sub, "%s/%s", path,
				     names[i]->d_name) < sizeof sub &&
		    stat(sub, &sb) == 0 && S_ISREG(sb.st_mode)) {
			if (replay_file(sub))
				rc = -1;
			else
				(*count)++;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned long count = 0;
	int i, rc = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		struct stat sb;

		if (stat(argv[i], &sb))
			continue; /* e.g. a glob that matched nothing */
		if (S_ISDIR(sb.st_mode)) {
			if (replay_dir(argv[i], &count))
				rc = 1;
		} else if (replay_file(argv[i])) {
			rc = 1;
		} else {
			count++;
		}
	}
	printf("%s: replayed %lu inputs\n", argc ? argv[0] : "replay", count);
	return rc;
}
