/*
 * test_static.c - the files compiled into the binary (web/static.h): the
 * stylesheet equals web/static/kith.css byte for byte (run from the top
 * of the tree, as `make unit` and tests/run.sh do), its ETag is the
 * BLAKE2b-128 of those bytes, its blocks are whole (a rule never opens
 * inside another rule, only inside an @ block such as @media, and every
 * block is closed: a merge that cut a closing brace silently swallowed
 * every rule after it), and lookups match whole paths only.
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

/*
 * The blocks of a stylesheet: 0 when they nest as CSS wants (a "{" inside
 * a block only when that block is an @ rule, every block closed, no "}"
 * too many), else the line of the first fault.  Comments are skipped;
 * kith.css has no braces in strings.
 */
static int css_blocks(const char *s)
{
	int line = 1, depth = 0, at[16];
	const char *start = s; /* where the current prelude began */

	for (; *s; s++) {
		if (*s == '\n')
			line++;
		if (s[0] == '/' && s[1] == '*') {
			const char *e = strstr(s + 2, "*/");

			if (!e)
				return line;
			for (; s < e; s++)
				if (*s == '\n')
					line++;
			s++;
			start = s + 1;
			continue;
		}
		if (*s == '{') {
			while (start < s && strchr(" \t\n;}", *start))
				start++;
			if (depth >= 16 || (depth > 0 && !at[depth - 1]))
				return line;
			at[depth++] = *start == '@';
			start = s + 1;
		} else if (*s == '}') {
			if (depth-- == 0)
				return line;
			start = s + 1;
		} else if (*s == ';') {
			start = s + 1;
		}
	}
	return depth ? line : 0;
}

static void blocks(void **state)
{
	uint8_t *src = NULL;
	size_t len = 0;
	int bad;

	(void)state;
	TL_CHECK(css_blocks("a { b: c; }\n@media x {\n\ta { b: c; }\n}\n") == 0,
		 "a rule inside @media is fine");
	TL_CHECK(css_blocks("a {\n/* x */\nb {\n}\n}\n") == 3,
		 "a rule opened inside a rule is line 3");
	TL_CHECK(css_blocks("@media x {\n\ta {\n\t\tb: c;\n}\n") == 5,
		 "an unclosed @media block is found at the end");
	TL_CHECK(css_blocks("a { }\n}\n") == 2, "a } too many is line 2");
	TL_OK(tl_read_file("web/static/kith.css", &src, &len));
	bad = css_blocks((const char *)src);
	TL_CHECK(bad == 0, "web/static/kith.css: a block is cut or opened "
		 "inside a rule at line %d", bad);
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
		cmocka_unit_test(blocks),
		cmocka_unit_test(lookups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
