// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The web page on the WebSocket port (see www.h).
 *
 * lws serves the files itself (an LWSMPRO_FILE mount on "/", index.html
 * by default): it refuses paths with "..", answers 404 for what is not
 * there and picks the MIME type by extension (.js as a JavaScript type,
 * which module scripts need).  A WebSocket upgrade on the same port is
 * decided before the mount is looked at, so clients connect to "/" as
 * before.  The page only holds public files; the headers keep it from
 * being framed, sniffed or given a referrer; lws marks the files
 * no-store (no cache age), so an upgrade is seen at once.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "config.h"
#include "www.h"

#ifndef SECMSGD_WWWDIR
#define SECMSGD_WWWDIR "/usr/local/share/secmsg/www"
#endif

const char www_default_dir[] = SECMSGD_WWWDIR;

static char *www_dir;		/* the directory served, resolved */

static struct lws_http_mount mount = {
	.mountpoint = "/",
	.mountpoint_len = 1,
	.def = "index.html",
	.origin_protocol = LWSMPRO_FILE,
};

/* a linked list, last first */
static const struct lws_protocol_vhost_options hdr_csp = {
	NULL, NULL, "content-security-policy:",
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
};
static const struct lws_protocol_vhost_options hdr_referrer = {
	&hdr_csp, NULL, "referrer-policy:", "no-referrer",
};
static const struct lws_protocol_vhost_options hdr_nosniff = {
	&hdr_referrer, NULL, "x-content-type-options:", "nosniff",
};

int www_mount(const struct config *cfg, const struct lws_http_mount **out,
	      const struct lws_protocol_vhost_options **headers, char *err,
	      size_t errlen)
{
	const char *dir = cfg->www ? cfg->www : www_default_dir;
	char path[PATH_MAX];
	struct stat st;
	struct alog a;
	int rc;

	*out = NULL;
	*headers = NULL;
	if (cfg->www && !strcmp(cfg->www, "off"))
		return 0;
	if (snprintf(path, sizeof(path), "%s/index.html", dir) >=
	    (int)sizeof(path))
		rc = -ENAMETOOLONG;
	else if (stat(path, &st) || access(path, R_OK))
		rc = -errno;
	else
		rc = S_ISREG(st.st_mode) ? 0 : -EISDIR;
	if (rc) {
		if (cfg->www) {
			snprintf(err, errlen, "www: %s: %s", path,
				 strerror(-rc));
			return rc;
		}
		/* not installed (a build tree): no page, say so */
		alog_begin(&a, "www_missing");
		a.warn = true;
		alog_str(&a, "dir", dir);
		alog_str(&a, "error", strerror(-rc));
		alog_end(&a);
		return 0;
	}
	free(www_dir);
	www_dir = realpath(dir, NULL);
	if (!www_dir) {
		rc = -errno;
		snprintf(err, errlen, "www: %s: %s", dir, strerror(-rc));
		return rc;
	}
	mount.origin = www_dir;
	*out = &mount;
	*headers = &hdr_nosniff;
	return 0;
}

const char *www_served(void)
{
	return mount.origin;
}

void www_free(void)
{
	free(www_dir);
	www_dir = NULL;
	mount.origin = NULL;
}
