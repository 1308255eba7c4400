/*
 * form.h - our decoder for application/x-www-form-urlencoded text: the
 * body of every POST and the query string of every GET.
 *
 * libmicrohttpd parses HTTP; this module alone turns "a=1&b=x+y%21" into
 * fields, so that what reaches a page is decoded by one small function
 * with fixed limits (and a fuzz target, tests/fuzz/fuzz_form.c):
 *
 * - the text is at most WEB_FORM_MAX_BYTES bytes, and holds at most
 *   WEB_FORM_MAX_FIELDS fields; more is KITH_ETOOBIG;
 * - fields are separated by '&'; empty pieces ("a=1&&b=2", a trailing
 *   '&') are skipped; a piece without '=' is a field with the value "";
 *   a piece whose name is empty ("=x") is KITH_EINVAL;
 * - '+' is a space, "%XY" (two hex digits, either case) is the byte XY;
 *   a '%' not followed by two hex digits is KITH_EINVAL;
 * - every decoded name and value must be valid UTF-8 without NUL, and
 *   hold no control character other than tab, CR and LF: else KITH_EINVAL;
 * - duplicate names are kept, in order.  web_form_get answers only for a
 *   name given exactly once (a repeated name reads as absent, so that
 *   "csrf=x&csrf=y" can never pass for either); web_form_next walks all
 *   the values of a repeated name (checkboxes).
 *
 * On any error the form is left empty (n == 0): nothing half-decoded.
 *
 * Ownership: struct web_form owns its decoded text (an array inside it,
 * about 66 KiB: allocate it, do not put it on a small stack); names and
 * values point into it and live as long as the form.
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_WEB_FORM_H
#define KITH_WEB_FORM_H

#include <stddef.h>

#define WEB_FORM_MAX_BYTES (64 * 1024)
#define WEB_FORM_MAX_FIELDS 64

struct web_form_field {
	const char *name;
	const char *value;
};

struct web_form {
	struct web_form_field f[WEB_FORM_MAX_FIELDS];
	size_t n;
	/* every decoded name and value, each ended by a NUL: never longer
	 * than its encoded text, so the input plus two NULs per field */
	char text[WEB_FORM_MAX_BYTES + 2 * WEB_FORM_MAX_FIELDS];
};

/* Decode s[0..len) into f.  0, KITH_ETOOBIG or KITH_EINVAL. */
__attribute__((warn_unused_result)) int
web_form_decode(struct web_form *f, const char *s, size_t len);

/* The value of the field name when it appears exactly once, else NULL. */
const char *web_form_get(const struct web_form *f, const char *name);

/* The next value of name after field *i (start with *i = 0), or NULL at
 * the end; *i moves past the field returned. */
const char *web_form_next(const struct web_form *f, const char *name,
			  size_t *i);

#endif
