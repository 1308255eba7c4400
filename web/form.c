#include <stdint.h>
#include <string.h>

#include "crdt/codec.h"
#include "crdt/err.h"
#include "crdt/rules.h"
#include "form.h"

/* Decode s[0..len) at out; 0 or KITH_EINVAL.  *outlen: bytes written
 * (never more than len).  The caller adds the NUL. */
static int unescape(char *out, size_t *outlen, const char *s, size_t len)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%') {
			if (len - i < 3)
				return KITH_EINVAL;
			hi = crdt_hexval(s[i + 1]);
			lo = crdt_hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return KITH_EINVAL;
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	*outlen = o;
	return 0;
}

/* Valid UTF-8, no NUL, no controls but tab, CR and LF. */
static int text_ok(const char *s, size_t n)
{
	size_t i;

	if (!crdt_utf8_valid((const uint8_t *)s, n))
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') ||
		    c == 0x7f)
			return 0;
	}
	return 1;
}

/* Decode one piece (name[=value]) to f->text at *used. */
static int piece(struct web_form *f, size_t *used, const char *s, size_t len)
{
	const char *eq = memchr(s, '=', len);
	size_t nlen = eq ? (size_t)(eq - s) : len;
	size_t vlen = eq ? len - nlen - 1 : 0;
	char *name = f->text + *used, *value;
	size_t n;
	int rc;

	if (!nlen)
		return KITH_EINVAL;
	if (f->n == WEB_FORM_MAX_FIELDS)
		return KITH_ETOOBIG;
	rc = unescape(name, &n, s, nlen);
	if (rc)
		return rc;
	if (!n || !text_ok(name, n))
		return KITH_EINVAL;
	name[n] = 0;
	value = name + n + 1;
	rc = unescape(value, &n, eq ? eq + 1 : s, vlen);
	if (rc)
		return rc;
	if (!text_ok(value, n))
		return KITH_EINVAL;
	value[n] = 0;
	*used = (size_t)(value + n + 1 - f->text);
	f->f[f->n].name = name;
	f->f[f->n].value = value;
	f->n++;
	return 0;
}

int web_form_decode(struct web_form *f, const char *s, size_t len)
{
	size_t start = 0, end, used = 0;
	const char *amp;
	int rc = 0;

	f->n = 0;
	if (len > WEB_FORM_MAX_BYTES) {
		rc = KITH_ETOOBIG;
		goto out;
	}
	while (start <= len) {
		amp = start < len ? memchr(s + start, '&', len - start) : NULL;
		end = amp ? (size_t)(amp - s) : len;
		if (end > start) {
			rc = piece(f, &used, s + start, end - start);
			if (rc)
				goto out;
		}
		start = end + 1;
	}
out:
	if (rc)
		f->n = 0;
	return rc;
}

const char *web_form_next(const struct web_form *f, const char *name,
			  size_t *i)
{
	for (; *i < f->n; (*i)++)
		if (!strcmp(f->f[*i].name, name))
			return f->f[(*i)++].value;
	return NULL;
}

const char *web_form_get(const struct web_form *f, const char *name)
{
	size_t i = 0;
	const char *v = web_form_next(f, name, &i);

	if (v && web_form_next(f, name, &i))
		return NULL;
	return v;
}
