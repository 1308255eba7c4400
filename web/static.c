/*
 * static.c - finding a compiled-in file (see static.h).
 */
#include <string.h>

#include "web/static.h"

const struct web_static *web_static_find(const char *path)
{
	size_t i;

	if (!path)
		return NULL;
	for (i = 0; i < web_static_count; i++)
		if (!strcmp(web_static_files[i].path, path))
			return &web_static_files[i];
	return NULL;
}
