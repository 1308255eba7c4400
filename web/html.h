/*
 * html.h - every byte of a web page is written through here.
 *
 * A page is built in a struct web_buf: memory that grows on demand up to a
 * hard cap fixed when the buffer is made (WEB_PAGE_MAX for a page).  Going
 * past the cap is an error (KITH_ETOOBIG), never a realloc beyond it.
 *
 * Errors are sticky, as in a stdio stream: the first failure (the cap, out
 * of memory, a format this module refuses) is kept in the buffer, every
 * later write is a no-op, and web_buf_error() reports it once at the end.
 * Page code therefore writes without checking each call and asks once
 * before sending; a buffer with an error is never sent (the server answers
 * 500 instead), so a page cut short by the cap never reaches a browser.
 *
 * Escaping by context (cgit's html.c is the model).  Text from members,
 * from the network, from the catalogue and from numbers never reaches the
 * page raw; the caller picks the writer for the place it writes to:
 *
 *   text       web_html_text: element content.  & < > " ' become
 *              &amp; &lt; &gt; &quot; &#39;.
 *   attribute  web_html_attr: writes ` name="value"`, always double-quoted;
 *              the text set plus every byte below 0x20: tab, LF and CR
 *              become &#9; &#10; &#13; (kept, not normalised by the
 *              parser), other controls U+FFFD.  An attribute value is not
 *              a URL: never put member text into href or src with it
 *              ("javascript:alert(1)" is a valid attribute value).  Write
 *              the path as a literal and the member's part with
 *              web_html_url.
 *   URL        web_html_url: one query or path component, percent-encoded:
 *              every byte but the unreserved A-Z a-z 0-9 - . _ ~ becomes
 *              %XX (a space is %20).  The result holds only those and '%',
 *              so it is also safe inside a quoted attribute.
 *   literal    web_html_raw: markup of our own; a macro that accepts only
 *              a string literal (a variable does not compile).
 *   formats    web_html_fmt: a literal format of markup whose %s arguments
 *              are escaped as attribute values (safe in text and in a
 *              double-quoted attribute); numbers pass as printf prints
 *              them.  Only %s, %d, %i, %u with the length modifiers
 *              l, ll, z, j, and %% are accepted (compile-time checked
 *              for types by the printf attribute; anything else - %c, %x,
 *              %p, %n, a width, a precision - is refused at run time
 *              with KITH_EINVAL).
 *              web_html_textf: a sentence, usually _("..."), formatted
 *              with printf and then escaped whole as text, so neither a
 *              translation nor an argument can add markup.
 *
 * UTF-8: the writers never pass on invalid UTF-8.  Each byte that does not
 * start a well-formed sequence (overlong forms, surrogates, code points
 * past U+10FFFF, a cut-off sequence) becomes U+FFFD, as the CLI's writers
 * do (cli/out.c) - so a page still shows what a member posted, and the
 * page is always valid UTF-8 whatever the replica holds (crdt/ refuses
 * invalid UTF-8 in changes, but this layer does not rely on it).  The
 * same goes for NUL, DEL and the C1 controls U+0080..U+009F in text and
 * attributes (the length-taking writers can see a NUL).  Input that should
 * be refused rather than repaired (a form field) is checked with
 * web_utf8_check first.
 *
 * The page shell: web_page_begin writes the doctype, <html lang>, the head
 * (charset, viewport, a reload when web_page.refresh_s asks for one,
 * title, the stylesheet /static/kith.css), a skip link
 * to <main id="main">, the page's top (web_page.top: a banner above
 * everything, when it has one), the header with the site name (the community's, or
 * "kith") and the nav landmark,
 * and opens main; web_page_end closes main and writes the footer (its
 * sentence and its links, a list of its own).  The nav is a <nav> with
 * aria-label, a list of links, the current one aria-current="page"; a
 * link marked "more" carries class="more" (kith.css hides those in easy
 * mode: fewer choices).  Nothing
 * in the shell is inline script or style: the Content-Security-Policy
 * forbids both.
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_WEB_HTML_H
#define KITH_WEB_HTML_H

#include <stddef.h>

#include "web/lang.h"

/* The cap of one page: 1 MiB. */
#define WEB_PAGE_MAX ((size_t)1 << 20)

/* A bounded output buffer.  data is NUL-terminated whenever it is not
 * NULL; len excludes the NUL.  Owned by the caller's struct, released with
 * web_buf_release. */
struct web_buf {
	char *data;
	size_t len;
	size_t alloc;
	size_t max; /* the cap on len */
	int err;    /* the first error, 0 while none */
};

/* An empty buffer that will hold at most max bytes (max > 0); allocates
 * nothing yet. */
void web_buf_init(struct web_buf *b, size_t max);
/* Frees the memory; the buffer may be initialised again. */
void web_buf_release(struct web_buf *b);
/* Empties the buffer and clears its error, keeping its memory and cap. */
void web_buf_reset(struct web_buf *b);
/* 0, or the first error of any write since init/reset (KITH_ETOOBIG,
 * KITH_ENOMEM, KITH_EINVAL). */
__attribute__((warn_unused_result)) int web_buf_error(const struct web_buf *b);

/* Each writer returns the buffer's error after the write (0 when fine). */

/* Element content. */
int web_html_text(struct web_buf *b, const char *s);
int web_html_textn(struct web_buf *b, const char *s, size_t n);

/* ` name="value"` with value escaped; name must be a string literal. */
#define web_html_attr(b, name, value)                                         \
	web_html__attr((b), " " name "=\"", sizeof(" " name "=\"") - 1, (value))
int web_html__attr(struct web_buf *b, const char *open, size_t open_len,
		   const char *value);
/* The escaped value alone, between quotes the caller wrote as literals. */
int web_html_attr_value(struct web_buf *b, const char *s);

/* One URL component, percent-encoded. */
int web_html_url(struct web_buf *b, const char *s);
int web_html_urln(struct web_buf *b, const char *s, size_t n);

/* Markup of our own: a string literal only. */
#define web_html_raw(b, literal)                                              \
	web_html__raw((b), "" literal "", sizeof(literal) - 1)
int web_html__raw(struct web_buf *b, const char *s, size_t n);

/* A literal markup format; %s arguments escaped as attribute values. */
#define web_html_fmt(b, literal, ...)                                         \
	web_html__fmt((b), "" literal "", __VA_ARGS__)
__attribute__((format(printf, 2, 3))) int
web_html__fmt(struct web_buf *b, const char *fmt, ...);

/* A sentence (a translated format): printf, then escaped whole as text.
 * The formatted sentence may be at most 16 KiB (KITH_ETOOBIG). */
__attribute__((format(printf, 2, 3))) int
web_html_textf(struct web_buf *b, const char *fmt, ...);

/* 0 when s[0..n) is well-formed UTF-8 without NUL and without controls
 * other than tab, LF and CR; KITH_EDECODE otherwise.  For input that is
 * refused rather than repaired. */
__attribute__((warn_unused_result)) int web_utf8_check(const char *s,
							size_t n);

/* ---- the page shell ---------------------------------------------------- */

/* A link of the nav bar.  href is a path of the web app (written with
 * attribute escaping, so it must come from page code, not from a member);
 * label is a translated string. */
struct web_nav_link {
	const char *href;
	const char *label;
	int more; /* a secondary choice: class "more", hidden in easy mode */
};

struct web_page {
	enum web_lang lang;  /* <html lang> */
	const char *title;   /* translated; "TITLE - kith" in <title> */
	const char *site;    /* the header's name (the community's), or NULL
			      * for "kith" */
	int easy;            /* <body class="easy">: easy mode for elders */
	const struct web_nav_link *nav;
	size_t n_nav;
	const char *current; /* the nav href of this page (aria-current) or
			      * NULL */
	const char *footer;  /* footer text, or NULL for the site name */
	const struct web_nav_link *links; /* the footer's links (Settings,
					   * Log out), or NULL */
	size_t n_links;
	/* Markup of the page's own at the very top of <body>, before the
	 * header (the banner of acting for a neighbour, web/acting.h), or
	 * NULL: top(b, top_ctx) writes it through these writers. */
	void (*top)(struct web_buf *b, void *top_ctx);
	void *top_ctx;
	/* > 0: the page reloads to refresh_to (a path of ours, written as
	 * an attribute) after refresh_s seconds, by <meta http-equiv=
	 * "refresh"> (kiosk mode: to the login page once the session has
	 * ended, web/pages.h) */
	int refresh_s;
	const char *refresh_to;
};

/* Everything up to and including <main id="main">; the page's content
 * follows.  Translated strings of the shell (the skip link, the nav's
 * name) come from gettext in the language in force (web_lang_use). */
int web_page_begin(struct web_buf *b, const struct web_page *p);
/* </main>, the footer, </body></html>. */
int web_page_end(struct web_buf *b, const struct web_page *p);

#endif
