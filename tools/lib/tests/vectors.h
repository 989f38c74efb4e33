/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Test helpers: locate and load the Wycheproof vectors, decode hex.
 *
 * The vectors are in the repository, selftests/vectors/wycheproof (found
 * from this program's own path, tools/lib/tests/X); $SECMSG_VECTORS
 * overrides the directory.  Missing vectors are a failure, not a skip.
 */
#ifndef SECMSG_TEST_VECTORS_H
#define SECMSG_TEST_VECTORS_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "secmsg/codec.h"

#define VECTORS_DEFAULT	"selftests/vectors/wycheproof"

/* Directory of the vectors into buf; 0 or -1. */
static inline int vectors_dir(char *buf, size_t size)
{
	const char *env = getenv("SECMSG_VECTORS");
	char exe[PATH_MAX];
	ssize_t n;
	int i;

	if (env && *env) {
		if ((size_t)snprintf(buf, size, "%s", env) >= size)
			return -1;
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	/* strip X, tests, lib, tools: the repository root remains */
	for (i = 0; i < 4; i++) {
		char *slash = strrchr(exe, '/');

		if (!slash)
			return -1;
		*slash = '\0';
	}
	if ((size_t)snprintf(buf, size, "%s/%s", exe, VECTORS_DEFAULT) >= size)
		return -1;
	return 0;
}

/* A whole file as a NUL-terminated string (free it), or NULL. */
static inline char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *t = NULL;
	long len;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (len = ftell(f)) >= 0 &&
	    !fseek(f, 0, SEEK_SET) && (t = malloc((size_t)len + 1))) {
		if (fread(t, 1, (size_t)len, f) == (size_t)len) {
			t[len] = '\0';
		} else {
			free(t);
			t = NULL;
		}
	}
	fclose(f);
	return t;
}

/* Parse a Wycheproof JSON file of the vectors directory, or NULL. */
static inline cJSON *vectors_load(const char *name)
{
	char dir[PATH_MAX], path[PATH_MAX + 256];
	cJSON *json;
	char *text;

	if (vectors_dir(dir, sizeof(dir)))
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	text = read_text(path);
	if (!text) {
		printf("# cannot read %s (set SECMSG_VECTORS)\n", path);
		return NULL;
	}
	json = cJSON_Parse(text);
	if (!json)
		printf("# %s: not valid JSON\n", path);
	free(text);
	return json;
}

/*
 * Decode hex (libsecmsg's codec) into a new buffer, never NULL on
 * success, even when empty.  Return 0 or -1.
 */
static inline int hex_decode(const char *hex, uint8_t **out, size_t *len)
{
	size_t n;
	uint8_t *b;
	long got;

	if (!hex)
		return -1;
	n = strlen(hex);
	b = malloc(n / 2 + 1);
	if (!b)
		return -1;
	got = secmsg_hex_decode(hex, n, b, n / 2 + 1);
	if (got < 0) {
		free(b);
		return -1;
	}
	*out = b;
	*len = (size_t)got;
	return 0;
}

/* String member of a JSON object, or NULL. */
static inline const char *json_str(const cJSON *obj, const char *name)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

/* Integer member of a JSON object, or -1. */
static inline long json_int(const cJSON *obj, const char *name)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsNumber(it) ? (long)it->valuedouble : -1;
}

#endif
