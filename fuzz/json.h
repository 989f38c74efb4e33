/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * For the frame targets (client_frame, daemon_frame): the frame without
 * the members the protocol does not name, to check that they are
 * ignored ("Unknown members are ignored", docs/protocol.md section 5).
 */
#ifndef SECMSG_FUZZ_JSON_H
#define SECMSG_FUZZ_JSON_H

#include <math.h>
#include <string.h>

#include <cJSON.h>

#include "fuzz.h"

/* cJSON prints 15 digits; ids need up to 16: print them exactly. */
static inline void fuzz_json_exact(cJSON *o, cJSON *m)
{
	char num[32];
	cJSON *raw;

	snprintf(num, sizeof(num), "%.17g", m->valuedouble);
	raw = cJSON_CreateRaw(num);
	FUZZ_CHECK(raw);
	raw->string = strdup(m->string);	/* freed by cJSON_Delete() */
	FUZZ_CHECK(raw->string && cJSON_ReplaceItemViaPointer(o, m, raw));
}

/*
 * The JSON object text[0..len) printed again without the members not in
 * names[0..n) (compared case-sensitively, as the protocol's names are),
 * malloc'ed; NULL when it is not a JSON object.
 */
static inline char *fuzz_json_strip(const char *text, size_t len,
				    const char *const *names, size_t n)
{
	cJSON *o = cJSON_ParseWithLength(text, len), *m, *next;
	char *out = NULL;
	size_t i;

	if (cJSON_IsObject(o)) {
		for (m = o->child; m; m = next) {
			next = m->next;
			for (i = 0; i < n; i++)
				if (!strcmp(m->string, names[i]))
					break;
			if (i == n)
				cJSON_Delete(cJSON_DetachItemViaPointer(o, m));
			else if (cJSON_IsNumber(m) && isfinite(m->valuedouble))
				fuzz_json_exact(o, m);
		}
		out = cJSON_PrintUnformatted(o);
	}
	cJSON_Delete(o);
	return out;
}

#endif
