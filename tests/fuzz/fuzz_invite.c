/*
 * fuzz_invite.c - the invite-code decoder (peer_invite_decode in
 * peer/keystore.c): "kith1" + base32 of version key creator name checksum.
 *
 * The whole input, up to its first NUL, is the code a person typed.
 * Checked:
 *   - the result is 0, KITH_EDECODE or KITH_ECHECKSUM, and on failure the
 *     community is all zero (nothing half-decoded is left behind);
 *   - a decoded community has a name of at most PEER_NAME_MAX bytes with
 *     no NUL inside, and is canonical: encoding it gives back the input
 *     with spaces, dashes, tabs and newlines dropped and letters lowercased
 *     (so no second spelling, e.g. a stray trailing letter, is accepted);
 *   - encoding then decoding any community gives it back: the input also
 *     makes one (key, creator, name from its bytes), so the encoder is
 *     exercised on every run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "crdt/err.h"
#include "peer/keystore.h"

#define FAIL(...)                                                             \
	do {                                                                  \
		fprintf(stderr, "fuzz_invite: " __VA_ARGS__);                 \
		fputc('\n', stderr);                                          \
		abort();                                                      \
	} while (0)

static int all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

static int same(const struct peer_community *a,
		const struct peer_community *b)
{
	return !memcmp(a->key, b->key, sizeof a->key) &&
	       !memcmp(a->creator, b->creator, sizeof a->creator) &&
	       !strcmp(a->name, b->name);
}

/* The code as the decoder reads it: separators dropped, lowercase. */
static void normalize(const char *in, char *out)
{
	for (; *in; in++) {
		char ch = *in;

		if (ch == ' ' || ch == '-' || ch == '\n' || ch == '\t')
			continue;
		*out++ = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
	}
	*out = 0;
}

/* Encode c, decode it again: must give c back. */
static void round_trip(const struct peer_community *c)
{
	struct peer_community back;
	char code[PEER_INVITE_MAX];
	int rc;

	rc = peer_invite_encode(c, code, sizeof code);
	if (rc)
		FAIL("cannot encode a community named '%s': %s", c->name,
		     kith_strerror(rc));
	if (strlen(code) >= PEER_INVITE_MAX)
		FAIL("code longer than PEER_INVITE_MAX");
	rc = peer_invite_decode(code, &back);
	if (rc)
		FAIL("cannot decode its own code '%s': %s", code,
		     kith_strerror(rc));
	if (!same(c, &back))
		FAIL("round trip changed the community ('%s')", code);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct peer_community c, made;
	char *code, *norm, again[PEER_INVITE_MAX];
	size_t i, nl;
	int rc;

	code = malloc(size + 1);
	norm = malloc(size + 1);
	if (!code || !norm)
		abort();
	memcpy(code, data, size);
	code[size] = 0;
	rc = peer_invite_decode(code, &c);
	if (rc) {
		if (rc != KITH_EDECODE && rc != KITH_ECHECKSUM)
			FAIL("unexpected error %d (%s)", rc, kith_strerror(rc));
		if (!all_zero(&c, sizeof c))
			FAIL("a failed decode left data behind");
	} else {
		nl = strnlen(c.name, sizeof c.name);
		if (nl > PEER_NAME_MAX)
			FAIL("name not terminated");
		normalize(code, norm);
		rc = peer_invite_encode(&c, again, sizeof again);
		if (rc)
			FAIL("cannot re-encode: %s", kith_strerror(rc));
		if (strcmp(again, norm))
			FAIL("not canonical: '%s' decodes, but encodes as '%s'",
			     norm, again);
		round_trip(&c);
	}

	/* a community made from the input: key, creator, then the name */
	memset(&made, 0, sizeof made);
	for (i = 0; i < size && i < 64; i++) {
		if (i < 32)
			made.key[i] = data[i];
		else
			made.creator[i - 32] = data[i];
	}
	for (nl = 0, i = 64; i < size && nl < PEER_NAME_MAX; i++)
		if (data[i])
			made.name[nl++] = (char)data[i];
	round_trip(&made);

	free(norm);
	free(code);
	return 0;
}
