/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The web page on the WebSocket port: the chat page (web/www, secmsg.js
 * and its @noble modules, as web/stage-www lays them out and make install
 * puts them under $(PREFIX)/share/secmsg/www) served as static files, so
 * that a browser loads it from the origin, and over the TLS, it then
 * connects to.  Config key www: a directory, or "off".
 *
 * Layer: transport.  server.c mounts it on the WebSocket vhost; main.c
 * names the default in its usage and the directory in its log line.
 */
#ifndef SECMSGD_WWW_H
#define SECMSGD_WWW_H

#include <stddef.h>

#include <libwebsockets.h>

struct config;

/* The built-in directory, $(PREFIX)/share/secmsg/www at build time. */
extern const char www_default_dir[];

/*
 * The mount for the WebSocket vhost (lws_context_creation_info.mounts)
 * and the headers of its answers (.headers), or NULL mount when there is
 * no page: www = off, or the built-in directory is not there (a warning).
 * A configured directory that cannot be read is an error: -errno, err
 * says which.  The returned data stays valid until www_free().
 */
int www_mount(const struct config *cfg, const struct lws_http_mount **mount,
	      const struct lws_protocol_vhost_options **headers, char *err,
	      size_t errlen);
/* The directory being served, or NULL (no page). */
const char *www_served(void);
void www_free(void);

#endif
