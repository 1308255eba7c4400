/*
 * fuzz_invite.c - the invite-code decoder (peer_invite_decode in
 * peer/keystore.c): "kith1" + base32 of version key id name checksum.
 *
 * The input is either
 *   - the code a person typed (the whole input, up to its first NUL), or
 *   - with a first byte of '!', the payload of a code (version key id
 *     name_len name, any bytes): the target appends the right checksum
 *     and spells it in base32, so the checks behind the checksum (version,
 *     name length, NUL in the name) see the fuzzer's bytes, which a typed
 *     code almost never gets past.
 * Checked:
 *   - the result is 0, KITH_EDECODE, KITH_ECHECKSUM or KITH_EVERSION, and
 *     on failure the community is all zero (nothing half-decoded is left);
 *   - a decoded community is version 1 or 2, has a name of at most
 *     PEER_NAME_MAX bytes with no NUL inside, and is canonical: encoding
 *     it gives back the input with spaces, dashes, tabs and newlines
 *     dropped and letters lowercased (so no second spelling, e.g. a stray
 *     trailing letter, is accepted);
 *   - a payload decodes only when well formed (version 1 or 2, later
 *     versions KITH_EVERSION, the name length right, no NUL in the name),
 *     and then to exactly its fields;
 *   - encoding then decoding any community gives it back: the input also
 *     makes one (version, key, id, name from its bytes), so the encoder is
 *     exercised on every run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "crdt/crypto.h"
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
	return a->version == b->version &&
	       !memcmp(a->key, b->key, sizeof a->key) &&
	       (a->version == 2
			? !memcmp(a->genesis, b->genesis, sizeof a->genesis)
			: !memcmp(a->creator, b->creator, sizeof a->creator)) &&
	       !strcmp(a->name, b->name);
}

static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";

/* "kith1" + base32 of p[0..n) into out (5 + 8n/5 + 2 bytes). */
static void spell(char *out, const uint8_t *p, size_t n)
{
	uint32_t acc = 0;
	size_t i, o = 5;
	int bits = 0;

	memcpy(out, "kith1", 5);
	for (i = 0; i < n; i++) {
		acc = acc << 8 | p[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = b32[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits)
		out[o++] = b32[(acc << (5 - bits)) & 31];
	out[o] = 0;
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

/* Decode code; check what holds for any input.  0 or the error. */
static int decode_checked(const char *code, struct peer_community *c)
{
	char *norm, again[PEER_INVITE_MAX];
	size_t nl;
	int rc;

	rc = peer_invite_decode(code, c);
	if (rc) {
		if (rc != KITH_EDECODE && rc != KITH_ECHECKSUM &&
		    rc != KITH_EVERSION)
			FAIL("unexpected error %d (%s)", rc, kith_strerror(rc));
		if (!all_zero(c, sizeof *c))
			FAIL("a failed decode left data behind");
		return rc;
	}
	if (c->version != 1 && c->version != 2)
		FAIL("decoded version %d", c->version);
	nl = strnlen(c->name, sizeof c->name);
	if (nl > PEER_NAME_MAX)
		FAIL("name not terminated");
	norm = malloc(strlen(code) + 1);
	if (!norm)
		abort();
	normalize(code, norm);
	rc = peer_invite_encode(c, again, sizeof again);
	if (rc)
		FAIL("cannot re-encode: %s", kith_strerror(rc));
	if (strcmp(again, norm))
		FAIL("not canonical: '%s' decodes, but encodes as '%s'", norm,
		     again);
	free(norm);
	round_trip(c);
	return 0;
}

/* '!' inputs: a payload, given its checksum and spelt. */
static void payload(const uint8_t *p, size_t n)
{
	uint8_t raw[PEER_INVITE_MAX];
	char code[PEER_INVITE_MAX * 2];
	struct peer_community c;
	size_t nl;
	int rc, ok;

	if (n > PEER_INVITE_MAX - 4 - 64)
		n = PEER_INVITE_MAX - 4 - 64; /* well past any good payload */
	memcpy(raw, p, n);
	crdt_hash(raw + n, 4, raw, n);
	spell(code, raw, n + 4);
	rc = decode_checked(code, &c);
	if (n < 1 + 32 + 32 + 1) {
		if (rc != KITH_ECHECKSUM)
			FAIL("a %zu-byte payload: %d", n, rc);
		return;
	}
	nl = p[65];
	if (p[0] > 2) {
		if (rc != KITH_EVERSION)
			FAIL("version %u: %d, expected EVERSION", p[0], rc);
		return;
	}
	ok = p[0] >= 1 && nl <= PEER_NAME_MAX && n == 66 + nl &&
	     !memchr(p + 66, 0, nl);
	if (ok != (rc == 0))
		FAIL("payload version %u name %zu of %zu bytes: %d", p[0], nl,
		     n, rc);
	if (!ok)
		return;
	if (c.version != p[0] || memcmp(c.key, p + 1, 32) ||
	    memcmp(c.version == 2 ? c.genesis : c.creator, p + 33, 32) ||
	    strlen(c.name) != nl || memcmp(c.name, p + 66, nl))
		FAIL("payload decoded to other fields");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct peer_community c, made;
	char *code;
	size_t i, nl;

	if (size && data[0] == '!') {
		payload(data + 1, size - 1);
	} else {
		code = malloc(size + 1);
		if (!code)
			abort();
		memcpy(code, data, size);
		code[size] = 0;
		(void)decode_checked(code, &c);
		free(code);
	}

	/* a community made from the input: version, key, id, then the name */
	memset(&made, 0, sizeof made);
	made.version = size && (data[size - 1] & 1) ? 2 : 1;
	for (i = 0; i < size && i < 64; i++) {
		if (i < 32)
			made.key[i] = data[i];
		else if (made.version == 2)
			made.genesis[i - 32] = data[i];
		else
			made.creator[i - 32] = data[i];
	}
	for (nl = 0, i = 64; i < size && nl < PEER_NAME_MAX; i++)
		if (data[i])
			made.name[nl++] = (char)data[i];
	round_trip(&made);
	return 0;
}
