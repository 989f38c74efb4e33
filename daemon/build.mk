# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# secmsgd: daemon/secmsgd (libwebsockets, cJSON, libsecmsg), its host
# unit tests daemon/tests/X and X-san (the pure parts: frames, config,
# token bucket, files, audit lines, metrics, tables; the router between
# fakes, test_router; the layering of the objects, test_layers), and
# make install of the program, its man page, systemd unit (with its
# sysusers.d user and modules-load.d entry) and example configuration.

SECMSGD := daemon/secmsgd
LWS_CFLAGS := $(shell pkg-config --cflags libwebsockets 2>/dev/null)
LWS_LIBS := $(shell pkg-config --libs libwebsockets 2>/dev/null || \
	echo -lwebsockets)

# Pure parts: no lws, no kernel; linked into the host tests too.
SECMSGD_PURE_SRCS := $(addprefix daemon/, config.c ratelimit.c proto.c held.c \
	audit.c metrics.c files.c table.c loopstat.c)
# The layers (see main.c): transport, router, kernel adapter; and main.
SECMSGD_ROUTER_SRCS := $(addprefix daemon/, router.c logins.c auth.c \
	relay.c route_local.c)
SECMSGD_SRCS := $(SECMSGD_PURE_SRCS) $(addprefix daemon/, server.c conn.c \
	www.c) \
	$(SECMSGD_ROUTER_SRCS) \
	$(addprefix daemon/, ksession.c kbatch.c kernel.c klinks.c \
	users_file.c main.c)
SECMSGD_OBJS := $(SECMSGD_SRCS:.c=.o)
SECMSGD_PURE_SAN_OBJS := $(SECMSGD_PURE_SRCS:.c=.san.o)
SECMSGD_ROUTER_SAN_OBJS := $(SECMSGD_ROUTER_SRCS:.c=.san.o)
SECMSGD_HDRS := $(wildcard daemon/*.h) $(LIBSECMSG_HDRS)
SECMSGD_CFLAGS := $(USER_CFLAGS) $(LWS_CFLAGS)
SECMSGD_LDLIBS := $(LIBSECMSG_LDLIBS) $(LWS_LIBS) $(JSON_LIBS) -lm

SECMSGD_TESTS := $(addprefix daemon/tests/, test_proto test_config \
	test_ratelimit test_files test_audit test_metrics test_table test_held \
	test_loopstat)
# The router layer between a fake transport and a fake kernel adapter
# (test_router.c defines the adapter's functions the router calls).
SECMSGD_ROUTER_TEST := daemon/tests/test_router
# The layering of the daemon's objects (a script: its -san twin is itself).
SECMSGD_LAYERS_TEST := daemon/tests/test_layers
SECMSGD_TEST_HDRS := tools/lib/tests/tap.h $(wildcard daemon/tests/*.h)

USER_PROGS += $(SECMSGD)
HOST_TESTS += $(SECMSGD_TESTS) $(SECMSGD_ROUTER_TEST) $(SECMSGD_LAYERS_TEST)
CLEAN_FILES += $(SECMSGD_TESTS:=-san) $(SECMSGD_OBJS) $(SECMSGD_PURE_SAN_OBJS) \
	$(SECMSGD_ROUTER_SAN_OBJS) $(SECMSGD_ROUTER_TEST)-san \
	$(SECMSGD_LAYERS_TEST) $(SECMSGD_LAYERS_TEST)-san

.PHONY: secmsgd secmsgd-tests
secmsgd: $(SECMSGD)
secmsgd-tests: $(SECMSGD_TESTS) $(SECMSGD_TESTS:=-san) $(SECMSGD_ROUTER_TEST) \
	$(SECMSGD_ROUTER_TEST)-san $(SECMSGD_LAYERS_TEST) $(SECMSGD_LAYERS_TEST)-san
user: secmsgd-tests

$(SECMSGD_OBJS): daemon/%.o: daemon/%.c $(SECMSGD_HDRS)
	$(CC) $(SECMSGD_CFLAGS) $(SECMSGD_OBJ_CFLAGS) -c -o $@ $<

# the default of the www key: where make install puts the page (WWWDIR,
# web/build.mk)
daemon/www.o: SECMSGD_OBJ_CFLAGS = -DSECMSGD_WWWDIR='"$(WWWDIR)"'

$(SECMSGD_PURE_SAN_OBJS) $(SECMSGD_ROUTER_SAN_OBJS): daemon/%.san.o: \
		daemon/%.c $(SECMSGD_HDRS)
	$(CC) $(SECMSGD_CFLAGS) $(SAN_CFLAGS) -c -o $@ $<

$(SECMSGD): $(SECMSGD_OBJS) $(LIBSECMSG)
	$(CC) $(SECMSGD_CFLAGS) -o $@ $(SECMSGD_OBJS) $(SECMSGD_LDLIBS)

$(SECMSGD_LAYERS_TEST) $(SECMSGD_LAYERS_TEST)-san: \
		daemon/tests/test_layers.py $(SECMSGD)
	cp $< $@
	chmod +x $@

$(SECMSGD_ROUTER_TEST): daemon/tests/test_router.c $(SECMSGD_TEST_HDRS) \
		$(SECMSGD_HDRS) $(SECMSGD_PURE_SRCS:.c=.o) \
		$(SECMSGD_ROUTER_SRCS:.c=.o) $(LIBSECMSG)
	$(CC) $(SECMSGD_CFLAGS) -Idaemon -o $@ $< $(SECMSGD_ROUTER_SRCS:.c=.o) \
		$(SECMSGD_PURE_SRCS:.c=.o) $(LIBSECMSG_LDLIBS) $(JSON_LIBS) -lm

$(SECMSGD_ROUTER_TEST)-san: daemon/tests/test_router.c $(SECMSGD_TEST_HDRS) \
		$(SECMSGD_HDRS) $(SECMSGD_PURE_SAN_OBJS) \
		$(SECMSGD_ROUTER_SAN_OBJS) $(LIBSECMSG_SAN)
	$(CC) $(SECMSGD_CFLAGS) $(SAN_CFLAGS) -Idaemon -o $@ $< \
		$(SECMSGD_ROUTER_SAN_OBJS) $(SECMSGD_PURE_SAN_OBJS) \
		$(LIBSECMSG_SAN_LDLIBS) $(JSON_LIBS) -lm

$(SECMSGD_TESTS): daemon/tests/%: daemon/tests/%.c $(SECMSGD_TEST_HDRS) \
		$(SECMSGD_PURE_SRCS:.c=.o) $(LIBSECMSG)
	$(CC) $(SECMSGD_CFLAGS) -Idaemon -o $@ $< $(SECMSGD_PURE_SRCS:.c=.o) \
		$(LIBSECMSG_LDLIBS) $(JSON_LIBS) -lm

$(SECMSGD_TESTS:=-san): daemon/tests/%-san: daemon/tests/%.c \
		$(SECMSGD_TEST_HDRS) $(SECMSGD_PURE_SAN_OBJS) $(LIBSECMSG_SAN)
	$(CC) $(SECMSGD_CFLAGS) $(SAN_CFLAGS) -Idaemon -o $@ $< \
		$(SECMSGD_PURE_SAN_OBJS) $(LIBSECMSG_SAN_LDLIBS) $(JSON_LIBS) -lm

# make install [DESTDIR=...] [PREFIX=/usr/local]
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
INSTALL ?= install
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
MODULESLOADDIR ?= $(PREFIX)/lib/modules-load.d
DOCDIR ?= $(PREFIX)/share/doc/secmsg

.PHONY: install-secmsgd
install: install-secmsgd
install-secmsgd: $(SECMSGD)
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(DOCDIR) \
		$(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(MODULESLOADDIR)
	$(INSTALL) -m 0755 $(SECMSGD) $(DESTDIR)$(SBINDIR)/secmsgd
	$(INSTALL) -m 0644 daemon/secmsgd.8 $(DESTDIR)$(MANDIR)/man8/secmsgd.8
	sed 's|/usr/local/sbin/|$(SBINDIR)/|g' daemon/secmsgd.service \
		>$(DESTDIR)$(SYSTEMDUNITDIR)/secmsgd.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/secmsgd.service
	$(INSTALL) -m 0644 daemon/secmsgd.sysusers \
		$(DESTDIR)$(SYSUSERSDIR)/secmsgd.conf
	$(INSTALL) -m 0644 daemon/secmsg.modules-load \
		$(DESTDIR)$(MODULESLOADDIR)/secmsg.conf
	$(INSTALL) -m 0644 daemon/secmsgd.conf.example \
		$(DESTDIR)$(DOCDIR)/secmsgd.conf.example
