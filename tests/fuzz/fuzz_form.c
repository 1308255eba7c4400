/*
 * fuzz_form.c - the form and query decoder (web_form_decode in
 * web/form.c): application/x-www-form-urlencoded text from a browser, or
 * anyone else who can reach the web app.
 *
 * The input is the text, whole.  Checked:
 *   - the result is 0, KITH_EINVAL or KITH_ETOOBIG, and on failure no
 *     field is left;
 *   - input over WEB_FORM_MAX_BYTES is always KITH_ETOOBIG;
 *   - a decoded form has at most WEB_FORM_MAX_FIELDS fields, each with a
 *     non-empty name; every name and value is valid UTF-8 with no control
 *     but tab, CR and LF, and lies inside the form's own text;
 *   - web_form_get answers exactly for the names given once, and
 *     web_form_next walks every value of a name in order;
 *   - encoding the fields again (every byte but letters and digits as
 *     %XY) and decoding that gives the same fields.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crdt/err.h"
#include "crdt/rules.h"
#include "web/form.h"

#define FAIL(...)                                                             \
	do {                                                                  \
		fprintf(stderr, "fuzz_form: " __VA_ARGS__);                   \
		fputc('\n', stderr);                                          \
		abort();                                                      \
	} while (0)

static void text_ok(const struct web_form *f, const char *s)
{
	size_t n = strlen(s), i;

	if (s < f->text || s + n >= f->text + sizeof f->text)
		FAIL("a field outside the form's text");
	if (!crdt_utf8_valid((const uint8_t *)s, n))
		FAIL("invalid UTF-8 decoded");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') ||
		    c == 0x7f)
			FAIL("control 0x%02x decoded", c);
	}
}

/* s percent-encoded at out; returns the bytes written. */
static size_t encode(char *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9')) {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	return o;
}

static void check_form(const struct web_form *f)
{
	size_t i, j, count, k;
	const char *v;

	if (f->n > WEB_FORM_MAX_FIELDS)
		FAIL("%zu fields", f->n);
	for (i = 0; i < f->n; i++) {
		if (!f->f[i].name[0])
			FAIL("an empty name");
		text_ok(f, f->f[i].name);
		text_ok(f, f->f[i].value);
	}
	for (i = 0; i < f->n; i++) {
		count = 0;
		for (j = 0; j < f->n; j++)
			count += !strcmp(f->f[i].name, f->f[j].name);
		v = web_form_get(f, f->f[i].name);
		if ((count == 1) != (v != NULL))
			FAIL("web_form_get of a name given %zu times", count);
		if (v && v != f->f[i].value)
			FAIL("web_form_get gave another field's value");
		k = 0;
		for (j = 0; j < f->n; j++) {
			if (strcmp(f->f[i].name, f->f[j].name))
				continue;
			if (web_form_next(f, f->f[i].name, &k) != f->f[j].value)
				FAIL("web_form_next out of order");
		}
		if (web_form_next(f, f->f[i].name, &k))
			FAIL("web_form_next past the last value");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct web_form *f = malloc(sizeof *f), *g = malloc(sizeof *g);
	char *again = NULL;
	size_t i, n = 0;
	int rc;

	if (!f || !g)
		abort();
	rc = web_form_decode(f, (const char *)data, size);
	if (rc && rc != KITH_EINVAL && rc != KITH_ETOOBIG)
		FAIL("unexpected error %d", rc);
	if (size > WEB_FORM_MAX_BYTES && rc != KITH_ETOOBIG)
		FAIL("%zu bytes: expected ETOOBIG", size);
	if (rc) {
		if (f->n)
			FAIL("a failed decode left %zu fields", f->n);
		goto out;
	}
	check_form(f);
	/* each byte becomes at most 3, plus '=' and '&' per field */
	again = malloc(3 * size + 2 * WEB_FORM_MAX_FIELDS + 1);
	if (!again)
		abort();
	for (i = 0; i < f->n; i++) {
		if (i)
			again[n++] = '&';
		n += encode(again + n, f->f[i].name);
		again[n++] = '=';
		n += encode(again + n, f->f[i].value);
	}
	/* the encoding may outgrow the limit; what fits must come back */
	rc = web_form_decode(g, again, n);
	if (n > WEB_FORM_MAX_BYTES) {
		if (rc != KITH_ETOOBIG)
			FAIL("re-encoded %zu bytes: expected ETOOBIG", n);
		goto out;
	}
	if (rc)
		FAIL("cannot decode its own encoding: %d", rc);
	if (g->n != f->n)
		FAIL("round trip: %zu fields, then %zu", f->n, g->n);
	for (i = 0; i < f->n; i++)
		if (strcmp(f->f[i].name, g->f[i].name) ||
		    strcmp(f->f[i].value, g->f[i].value))
			FAIL("round trip changed field %zu", i);
out:
	free(again);
	free(f);
	free(g);
	return 0;
}
