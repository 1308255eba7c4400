/*
 * static.h - the files the web app serves as they are (the stylesheet),
 * compiled into the binary so an installed kith needs nothing beside it.
 *
 * The sources live in web/static/.  At build time web/embed.sh turns each
 * one into a C array in BUILD/web/static_data.c (with od and awk from
 * coreutils and mawk/gawk, so nothing beyond Debian's essential packages
 * and build-essential is needed), with its content type (from the file's
 * extension; an unknown extension fails the build) and its ETag: the
 * strong validator "b2-" + the first 16 bytes of its BLAKE2b, in hex,
 * computed by coreutils' b2sum -l 128 - the same hash as
 * crdt_hash(out, 16, ...), which the unit test checks.  The Makefile
 * rebuilds the array whenever a file under web/static/ changes.
 *
 * Each array is followed by one NUL byte that len does not count.
 * Everything here is read-only and shared; nothing is allocated.
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_WEB_STATIC_H
#define KITH_WEB_STATIC_H

#include <stddef.h>

struct web_static {
	const char *path;	  /* "/static/kith.css" */
	const unsigned char *data; /* len bytes, then a NUL */
	size_t len;
	const char *type; /* "text/css; charset=utf-8" */
	const char *etag; /* "\"b2-<32 hex>\"", quotes included */
};

/* The generated table (BUILD/web/static_data.c). */
extern const struct web_static web_static_files[];
extern const size_t web_static_count;

/* The file served at path (exactly: no query string, no "..", case
 * sensitive), or NULL. */
const struct web_static *web_static_find(const char *path);

#endif
