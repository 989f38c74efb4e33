# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# web/: secmsg.js (the JavaScript client library) and the web page.
# JavaScript needs no build; its dependencies come from npm
# (web/package-lock.json, installed by npm ci --prefix web).
#
# Host tests: web/test/node_unit (node --test over web/test/*.test.js,
# fed with vectors from web/test/vectors, a C program on libsecmsg and
# nettle) and its -san twin (the same tests, vectors from the sanitizer
# build); web/test/interop_fakesrv (secmsg.js against fakesrv and
# secmsg-client, web/test/interop/) and its -san twin (against their
# sanitizer builds).  In the VM: selftests/web/interop_test.sh (the same
# against secmsgd and secmsg.ko).  web/test/browser_test: the page in headless
# Chromium against secmsgd and secmsg.ko in a VM (ports forwarded), and
# its -san twin: the same against fakesrv-san and secmsg-client-san.

WEB_VECTORS := web/test/vectors
WEB_NODE_TEST := web/test/node_unit
WEB_INTEROP_TEST := web/test/interop_fakesrv
WEB_BROWSER_TEST := web/test/browser_test
WEB_VECTORS_DEPS := web/test/vectors.c tools/lib/tests/hs_kat.h \
	$(LIBSECMSG_HDRS)
WEB_VECTORS_CFLAGS := $(USER_CFLAGS) -Itools/lib/tests

USER_PROGS += $(WEB_VECTORS)
HOST_TESTS += $(WEB_NODE_TEST) $(WEB_INTEROP_TEST) $(WEB_BROWSER_TEST)
CLEAN_FILES += $(WEB_VECTORS)-san $(WEB_NODE_TEST)-san \
	$(WEB_INTEROP_TEST)-san $(WEB_BROWSER_TEST)-san

.PHONY: web-tests
web-tests: $(WEB_NODE_TEST) $(WEB_NODE_TEST)-san $(WEB_INTEROP_TEST) \
	$(WEB_INTEROP_TEST)-san $(WEB_BROWSER_TEST) $(WEB_BROWSER_TEST)-san
user: web-tests

$(WEB_VECTORS): $(WEB_VECTORS_DEPS) $(LIBSECMSG)
	$(CC) $(WEB_VECTORS_CFLAGS) -o $@ $< $(LIBSECMSG_LDLIBS)

$(WEB_VECTORS)-san: $(WEB_VECTORS_DEPS) $(LIBSECMSG_SAN)
	$(CC) $(WEB_VECTORS_CFLAGS) $(SAN_CFLAGS) -o $@ $< \
		$(LIBSECMSG_SAN_LDLIBS)

$(WEB_NODE_TEST) $(WEB_NODE_TEST)-san: web/test/run-node-tests \
		$(WEB_VECTORS) $(WEB_VECTORS)-san
	cp $< $@
	chmod +x $@

$(WEB_INTEROP_TEST) $(WEB_INTEROP_TEST)-san: web/test/interop/run \
		$(FAKESRV) $(FAKESRV)-san $(SECMSG_CLIENT) $(SECMSG_CLIENT)-san
	cp $< $@
	chmod +x $@

$(WEB_BROWSER_TEST) $(WEB_BROWSER_TEST)-san: web/test/browser/run \
		$(FAKESRV) $(FAKESRV)-san $(SECMSG_CLIENT) $(SECMSG_CLIENT)-san \
		$(SECMSGD)
	cp $< $@
	chmod +x $@

# make install [DESTDIR=...] [PREFIX=/usr/local]: the page, secmsg.js and
# the @noble modules it imports, as web/stage-www lays them out
PREFIX ?= /usr/local
WWWDIR ?= $(PREFIX)/share/secmsg/www
.PHONY: install-web
install: install-web
install-web:
	web/stage-www $(DESTDIR)$(WWWDIR)
