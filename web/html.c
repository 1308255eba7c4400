/*
 * html.c - the bounded page buffer and the escaping writers (see html.h).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action/i18n.h"
#include "crdt/codec.h"
#include "crdt/err.h"
#include "web/html.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */
#define TEXTF_MAX ((size_t)16 << 10)

/* ---- the buffer --------------------------------------------------------- */

void web_buf_init(struct web_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->max = max;
	b->err = 0;
}

void web_buf_release(struct web_buf *b)
{
	free(b->data);
	web_buf_init(b, b->max);
}

void web_buf_reset(struct web_buf *b)
{
	b->len = 0;
	b->err = 0;
	if (b->data)
		b->data[0] = 0;
}

int web_buf_error(const struct web_buf *b)
{
	return b->err;
}

/* Room for n more bytes (and the NUL), within the cap. */
static int grow(struct web_buf *b, size_t n)
{
	size_t want, alloc;
	char *p;

	if (b->err)
		return b->err;
	if (n > b->max - b->len) {
		b->err = KITH_ETOOBIG;
		return b->err;
	}
	want = b->len + n + 1;
	if (want <= b->alloc)
		return 0;
	alloc = b->alloc ? b->alloc : 256;
	while (alloc < want)
		alloc *= 2;
	if (alloc > b->max + 1)
		alloc = b->max + 1;
	p = realloc(b->data, alloc);
	if (!p) {
		b->err = KITH_ENOMEM;
		return b->err;
	}
	b->data = p;
	b->alloc = alloc;
	return 0;
}

static int put(struct web_buf *b, const char *s, size_t n)
{
	if (grow(b, n))
		return b->err;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = 0;
	return 0;
}

static int fail(struct web_buf *b, int err)
{
	if (!b->err)
		b->err = err;
	return b->err;
}

/* ---- UTF-8 -------------------------------------------------------------- */

int web_utf8_check(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len;
	uint32_t cp;

	while (i < n) {
		len = crdt_utf8_next(p + i, n - i, &cp);
		if (!len)
			return KITH_EDECODE;
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
		    cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
			return KITH_EDECODE;
		i += len;
	}
	return 0;
}

/* ---- escaping ----------------------------------------------------------- */

enum ctx { CTX_TEXT, CTX_ATTR };

/*
 * s[0..n) escaped for ctx.  Runs of bytes that need nothing are copied in
 * one piece; each other character is replaced.
 */
static int escape(struct web_buf *b, const char *s, size_t n, enum ctx ctx)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, len;
	const char *rep;
	uint32_t cp;

	while (i < n) {
		len = crdt_utf8_next(p + i, n - i, &cp);
		rep = NULL;
		if (!len) {
			rep = REPLACEMENT;
			len = 1;
		} else if (cp == '&') {
			rep = "&amp;";
		} else if (cp == '<') {
			rep = "&lt;";
		} else if (cp == '>') {
			rep = "&gt;";
		} else if (cp == '"') {
			rep = "&quot;";
		} else if (cp == '\'') {
			rep = "&#39;";
		} else if (cp == '\t' || cp == '\n' || cp == '\r') {
			if (ctx == CTX_ATTR)
				rep = cp == '\t' ? "&#9;" :
				      cp == '\n' ? "&#10;" : "&#13;";
		} else if (cp < 0x20 || cp == 0x7f ||
			   (cp >= 0x80 && cp <= 0x9f)) {
			rep = REPLACEMENT;
		}
		if (rep) {
			put(b, s + run, i - run);
			put(b, rep, strlen(rep));
			run = i + len;
		}
		i += len;
	}
	put(b, s + run, n - run);
	return b->err;
}

int web_html_textn(struct web_buf *b, const char *s, size_t n)
{
	return escape(b, s, n, CTX_TEXT);
}

int web_html_text(struct web_buf *b, const char *s)
{
	return s ? escape(b, s, strlen(s), CTX_TEXT) : fail(b, KITH_EINVAL);
}

int web_html_attr_value(struct web_buf *b, const char *s)
{
	return s ? escape(b, s, strlen(s), CTX_ATTR) : fail(b, KITH_EINVAL);
}

int web_html__attr(struct web_buf *b, const char *open, size_t open_len,
		   const char *value)
{
	if (!value)
		return fail(b, KITH_EINVAL);
	put(b, open, open_len);
	escape(b, value, strlen(value), CTX_ATTR);
	return put(b, "\"", 1);
}

static int unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

static void percent(struct web_buf *b, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	char out[3] = { '%', 0, 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		if (unreserved(p[i])) {
			put(b, (const char *)p + i, 1);
			continue;
		}
		out[1] = hex[p[i] >> 4];
		out[2] = hex[p[i] & 15];
		put(b, out, 3);
	}
}

int web_html_urln(struct web_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len;
	uint32_t cp;

	while (i < n) {
		len = crdt_utf8_next(p + i, n - i, &cp);
		if (len) {
			percent(b, p + i, len);
			i += len;
		} else {
			percent(b, (const unsigned char *)REPLACEMENT, 3);
			i++;
		}
	}
	return b->err;
}

int web_html_url(struct web_buf *b, const char *s)
{
	return s ? web_html_urln(b, s, strlen(s)) : fail(b, KITH_EINVAL);
}

int web_html__raw(struct web_buf *b, const char *s, size_t n)
{
	return put(b, s, n);
}

/* ---- formats ------------------------------------------------------------ */

/*
 * web_html__fmt: the format's own bytes are markup of ours (a literal, by
 * the macro); each conversion is checked here against the short list this
 * module allows, and its argument fetched with the type the modifier says
 * (the printf attribute has checked the types at compile time).
 */
int web_html__fmt(struct web_buf *b, const char *fmt, ...)
{
	char num[32], conv;
	const char *p = fmt, *q, *s;
	int mod; /* 0 none, 1 l, 2 ll, 3 z, 4 j */
	va_list ap;

	va_start(ap, fmt);
	while (*p && !b->err) {
		q = strchr(p, '%');
		if (!q) {
			put(b, p, strlen(p));
			break;
		}
		put(b, p, (size_t)(q - p));
		q++;
		mod = 0;
		if (q[0] == 'l' && q[1] == 'l') {
			mod = 2;
			q += 2;
		} else if (*q == 'l' || *q == 'z' || *q == 'j') {
			mod = *q == 'l' ? 1 : *q == 'z' ? 3 : 4;
			q++;
		}
		conv = *q;
		if (conv == '%' && !mod) {
			put(b, "%", 1);
		} else if (conv == 's' && !mod) {
			s = va_arg(ap, const char *);
			if (s)
				escape(b, s, strlen(s), CTX_ATTR);
			else
				fail(b, KITH_EINVAL);
		} else if (conv == 'd' || conv == 'i') {
			if (mod == 0)
				snprintf(num, sizeof num, "%d", va_arg(ap, int));
			else if (mod == 1)
				snprintf(num, sizeof num, "%ld",
					 va_arg(ap, long));
			else if (mod == 2)
				snprintf(num, sizeof num, "%lld",
					 va_arg(ap, long long));
			else if (mod == 3)
				snprintf(num, sizeof num, "%zd",
					 va_arg(ap, ssize_t));
			else
				snprintf(num, sizeof num, "%jd",
					 va_arg(ap, intmax_t));
			put(b, num, strlen(num));
		} else if (conv == 'u') {
			if (mod == 0)
				snprintf(num, sizeof num, "%u",
					 va_arg(ap, unsigned));
			else if (mod == 1)
				snprintf(num, sizeof num, "%lu",
					 va_arg(ap, unsigned long));
			else if (mod == 2)
				snprintf(num, sizeof num, "%llu",
					 va_arg(ap, unsigned long long));
			else if (mod == 3)
				snprintf(num, sizeof num, "%zu",
					 va_arg(ap, size_t));
			else
				snprintf(num, sizeof num, "%ju",
					 va_arg(ap, uintmax_t));
			put(b, num, strlen(num));
		} else {
			fail(b, KITH_EINVAL);
			break;
		}
		p = q + 1;
	}
	va_end(ap);
	return b->err;
}

int web_html_textf(struct web_buf *b, const char *fmt, ...)
{
	char small[512], *big = NULL;
	va_list ap;
	int n;

	if (b->err)
		return b->err;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fail(b, KITH_EINVAL);
		goto out;
	}
	if ((size_t)n < sizeof small) {
		escape(b, small, (size_t)n, CTX_TEXT);
		goto out;
	}
	if ((size_t)n > TEXTF_MAX) {
		fail(b, KITH_ETOOBIG);
		goto out;
	}
	big = malloc((size_t)n + 1);
	if (!big) {
		fail(b, KITH_ENOMEM);
		goto out;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	escape(b, big, (size_t)n, CTX_TEXT);
out:
	free(big);
	return b->err;
}

/* ---- the page shell ----------------------------------------------------- */

/* <ul class="cls"> of links; current gets aria-current. */
static void links(struct web_buf *b, const struct web_nav_link *l, size_t n,
		  const char *current)
{
	size_t i;

	for (i = 0; i < n; i++) {
		web_html_raw(b, "<li");
		if (l[i].more)
			web_html_raw(b, " class=\"more\"");
		web_html_raw(b, "><a");
		web_html_attr(b, "href", l[i].href);
		if (current && !strcmp(current, l[i].href))
			web_html_raw(b, " aria-current=\"page\"");
		web_html_raw(b, ">");
		web_html_text(b, l[i].label);
		web_html_raw(b, "</a></li>\n");
	}
}

int web_page_begin(struct web_buf *b, const struct web_page *p)
{
	web_html_raw(b, "<!doctype html>\n<html");
	web_html_attr(b, "lang", web_lang_tag(p->lang));
	web_html_raw(b, ">\n<head>\n<meta charset=\"utf-8\">\n"
			"<meta name=\"viewport\" "
			"content=\"width=device-width, initial-scale=1\">\n");
	if (p->refresh_s > 0 && p->refresh_to)
		web_html_fmt(b, "<meta http-equiv=\"refresh\" "
				"content=\"%d;url=%s\">\n",
			     p->refresh_s, p->refresh_to);
	web_html_raw(b, "<title>");
	web_html_text(b, p->title ? p->title : "");
	web_html_raw(b, " - kith</title>\n"
			"<link rel=\"stylesheet\" href=\"/static/kith.css\">\n"
			"</head>\n<body");
	if (p->easy)
		web_html_raw(b, " class=\"easy\"");
	web_html_raw(b, ">\n<a class=\"skip\" href=\"#main\">");
	/* TRANSLATORS: a link for keyboard and screen reader users that
	 * jumps over the menu to the page's content */
	web_html_text(b, _("Skip to the content"));
	web_html_raw(b, "</a>\n");
	if (p->top)
		p->top(b, p->top_ctx);
	web_html_raw(b, "<header class=\"top\">\n"
			"<a class=\"brand\" href=\"/\">");
	web_html_text(b, p->site && *p->site ? p->site : "kith");
	web_html_raw(b, "</a>\n");
	if (p->n_nav) {
		web_html_raw(b, "<nav");
		/* TRANSLATORS: the name screen readers give the menu */
		web_html_attr(b, "aria-label", _("Main menu"));
		web_html_raw(b, ">\n<ul>\n");
		links(b, p->nav, p->n_nav, p->current);
		web_html_raw(b, "</ul>\n</nav>\n");
	}
	web_html_raw(b, "</header>\n<main id=\"main\" tabindex=\"-1\">\n");
	return b->err;
}

int web_page_end(struct web_buf *b, const struct web_page *p)
{
	web_html_raw(b, "</main>\n<footer>\n<p>");
	web_html_text(b, p->footer ? p->footer :
			 p->site && *p->site ? p->site : "kith");
	web_html_raw(b, "</p>\n");
	if (p->n_links) {
		web_html_raw(b, "<ul class=\"links\">\n");
		links(b, p->links, p->n_links, p->current);
		web_html_raw(b, "</ul>\n");
	}
	web_html_raw(b, "</footer>\n</body>\n</html>\n");
	return b->err;
}
