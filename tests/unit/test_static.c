/*
 * test_static.c - the files compiled into the binary (web/static.h): the
 * stylesheet equals web/static/kith.css byte for byte (run from the top
 * of the tree, as `make unit` and tests/run.sh do), its ETag is the
 * BLAKE2b-128 of those bytes, and lookups match whole paths only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/testlib.h"
#include "web/static.h"

static void stylesheet(void **state)
{
	const struct web_static *f = web_static_find("/static/kith.css");
	uint8_t *src = NULL, hash[16];
	size_t len = 0;
	char etag[64];

	(void)state;
	TL_CHECK(f != NULL, "/static/kith.css is compiled in");
	TL_OK(tl_read_file("web/static/kith.css", &src, &len));
	TL_EQ(f->len, len, "the compiled stylesheet's length");
	TL_CHECK(!memcmp(f->data, src, len),
		 "the compiled stylesheet equals web/static/kith.css");
	TL_CHECK(f->data[f->len] == 0, "a NUL follows the bytes");
	TL_CHECK(!strcmp(f->type, "text/css; charset=utf-8"), "type '%s'",
		 f->type);
	crdt_hash(hash, sizeof hash, src, len);
	snprintf(etag, sizeof etag, "\"b2-%s\"", tl_hex(hash, sizeof hash));
	TL_CHECK(!strcmp(f->etag, etag), "ETag %s, expected %s", f->etag,
		 etag);
	TL_CHECK(strstr((const char *)f->data, "font-size: 20px") &&
		 strstr((const char *)f->data, ".easy .more"),
		 "the stylesheet is the large-type one with easy mode");
	free(src);
}

static void lookups(void **state)
{
	static const char *const misses[] = {
		"", "/", "/static/", "/static/kith.css?v=1", "/static/KITH.css",
		"/static/../static/kith.css", "static/kith.css",
		"/static/kith.css/", "/static//kith.css", "/kith.css",
		"/static/kith.cs",
	};
	size_t i;

	(void)state;
	TL_CHECK(web_static_find(NULL) == NULL, "NULL path");
	for (i = 0; i < sizeof misses / sizeof misses[0]; i++)
		TL_CHECK(web_static_find(misses[i]) == NULL,
			 "'%s' is not served", misses[i]);
	TL_CHECK(web_static_count >= 1, "at least the stylesheet");
	for (i = 0; i < web_static_count; i++) {
		const struct web_static *f = &web_static_files[i];

		TL_CHECK(!strncmp(f->path, "/static/", 8), "path '%s'",
			 f->path);
		TL_CHECK(web_static_find(f->path) == f, "'%s' found", f->path);
		TL_CHECK(strlen(f->etag) == 2 + 3 + 32 && f->etag[0] == '"',
			 "ETag '%s' is a quoted strong validator", f->etag);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stylesheet),
		cmocka_unit_test(lookups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
