# SPDX-License-Identifier: GPL-2.0
#
# libsecmsg, in three folders, one library each:
#   tools/lib/netlink/   the netlink client of secmsg.ko (libnl-genl-3)
#   tools/lib/protocol/  the reference implementation of the wire format,
#                        key schedule, handshake and key files (nettle)
#   tools/lib/client/    the WebSocket client (libwebsockets, cJSON)
# Their public headers are tools/lib/include/secmsg/*.h, installed as
# <secmsg/*.h>; each folder's internal.h (or crypto.h, keys.h) is not.
#
# tools/lib/libsecmsg.a holds netlink/ and protocol/, libsecmsg-client.a
# client/; libsecmsg.so all three.  The -san archives are the same built
# with SAN_CFLAGS, for host tests; tools/lib/tests/X and X-san are the
# host unit tests.
#
# Programs link with: $(LIBSECMSG_LDLIBS) (or $(LIBSECMSG_SAN_LDLIBS)).

LIBSECMSG_NETLINK_SRCS := $(addprefix tools/lib/netlink/, \
	alg.c commands.c identity.c parse.c sock.c spec-gen.c)
LIBSECMSG_PROTOCOL_SRCS := $(addprefix tools/lib/protocol/, \
	codec.c crypt.c handshake.c hkdf.c keyfile.c keys.c random.c \
	replay.c wire.c)
LIBSECMSG_SRCS := $(LIBSECMSG_NETLINK_SRCS) $(LIBSECMSG_PROTOCOL_SRCS)
LIBSECMSG_HDRS := $(wildcard tools/lib/include/secmsg/*.h \
	tools/lib/netlink/*.h tools/lib/protocol/*.h) uapi/linux/secmsg.h
LIBSECMSG_OBJS := $(LIBSECMSG_SRCS:.c=.o)
LIBSECMSG_SAN_OBJS := $(LIBSECMSG_SRCS:.c=.san.o)

LIBSECMSG := tools/lib/libsecmsg.a
LIBSECMSG_SAN := tools/lib/libsecmsg-san.a
LIBSECMSG_LDLIBS := $(LIBSECMSG) $(NL_LIBS) $(NETTLE_LIBS)
LIBSECMSG_SAN_LDLIBS := $(LIBSECMSG_SAN) $(NL_LIBS) $(NETTLE_LIBS)

LIBSECMSG_TESTS := $(addprefix tools/lib/tests/, \
	test_wycheproof test_crypt test_keys test_msg test_replay test_nl)
LIBSECMSG_TESTS += $(addprefix tools/lib/tests/, test_handshake test_keyfile)
# docs/vectors.json: mkvectors makes it, test_vectors checks it against
# libsecmsg, vectors_check.py (as test_vectors_py) against an independent
# implementation (Python cryptography, nettle's Twofish)
LIBSECMSG_TESTS += tools/lib/tests/test_vectors
MKVECTORS := tools/lib/tests/mkvectors
VECTORS_PY_TEST := tools/lib/tests/test_vectors_py
LIBSECMSG_TEST_HDRS := $(wildcard tools/lib/tests/*.h)

USER_LIBS += $(LIBSECMSG) $(LIBSECMSG_SAN)
USER_PROGS += $(MKVECTORS)
HOST_TESTS += $(LIBSECMSG_TESTS) $(VECTORS_PY_TEST)
CLEAN_FILES += $(LIBSECMSG_TESTS:=-san) $(VECTORS_PY_TEST)-san

.PHONY: libsecmsg-tests
libsecmsg-tests: $(LIBSECMSG_TESTS) $(LIBSECMSG_TESTS:=-san)
user: libsecmsg-tests

$(LIBSECMSG_OBJS): tools/lib/%.o: tools/lib/%.c $(LIBSECMSG_HDRS)
	$(CC) $(USER_CFLAGS) -c -o $@ $<

$(LIBSECMSG_SAN_OBJS): tools/lib/%.san.o: tools/lib/%.c $(LIBSECMSG_HDRS)
	$(CC) $(USER_CFLAGS) $(SAN_CFLAGS) -c -o $@ $<

$(LIBSECMSG): $(LIBSECMSG_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(LIBSECMSG_SAN): $(LIBSECMSG_SAN_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(LIBSECMSG_TESTS): tools/lib/tests/%: tools/lib/tests/%.c \
		$(LIBSECMSG_TEST_HDRS) $(LIBSECMSG_HDRS) $(LIBSECMSG)
	$(CC) $(USER_CFLAGS) -o $@ $< $(LIBSECMSG_LDLIBS) $(JSON_LIBS)

$(LIBSECMSG_TESTS:=-san): tools/lib/tests/%-san: tools/lib/tests/%.c \
		$(LIBSECMSG_TEST_HDRS) $(LIBSECMSG_HDRS) $(LIBSECMSG_SAN)
	$(CC) $(USER_CFLAGS) $(SAN_CFLAGS) -o $@ $< \
		$(LIBSECMSG_SAN_LDLIBS) $(JSON_LIBS)

$(MKVECTORS): tools/lib/tests/mkvectors.c $(LIBSECMSG_TEST_HDRS) \
		$(LIBSECMSG_HDRS) $(LIBSECMSG)
	$(CC) $(USER_CFLAGS) -o $@ $< $(LIBSECMSG_LDLIBS) $(JSON_LIBS)

# a script: the -san twin is the same script (nothing to sanitize)
$(VECTORS_PY_TEST) $(VECTORS_PY_TEST)-san: tools/lib/tests/vectors_check.py
	cp $< $@
	chmod +x $@

# ---- libsecmsg client (tools/lib/client/) and the shared library --------
# The WebSocket client (libwebsockets, cJSON) is tools/lib/libsecmsg-client.a
# (and -san), linked in front of libsecmsg.a: $(LIBSECMSG_CLIENT_LDLIBS).
# tools/lib/libsecmsg.so is the whole library (PIC objects of both),
# SONAME libsecmsg.so.$(SECMSG_SOVERSION), installed by make install
# [DESTDIR=] [PREFIX=] [LIBDIR=] with its headers (secmsg/*.h,
# linux/secmsg.h) and secmsg.pc.  It exports the public API only: its
# version script lists the functions that the public headers
# (tools/lib/include/secmsg/*.h) declare, and nothing of internal.h,
# crypto.h or keys.h.
LWS_CFLAGS := $(shell pkg-config --cflags libwebsockets 2>/dev/null)
LWS_LIBS := $(shell pkg-config --libs libwebsockets 2>/dev/null)
LIBSECMSG_CLIENT_SRCS := $(addprefix tools/lib/client/, api.c errors.c \
	frame.c outbox.c proto.c queue.c session.c ws.c)
LIBSECMSG_CLIENT_OBJS := $(LIBSECMSG_CLIENT_SRCS:.c=.o)
LIBSECMSG_CLIENT_SAN_OBJS := $(LIBSECMSG_CLIENT_SRCS:.c=.san.o)
LIBSECMSG_CLIENT_HDRS := tools/lib/client/internal.h $(LIBSECMSG_HDRS)
LIBSECMSG_CLIENT := tools/lib/libsecmsg-client.a
LIBSECMSG_CLIENT_SAN := tools/lib/libsecmsg-client-san.a
LIBSECMSG_CLIENT_LDLIBS := $(LIBSECMSG_CLIENT) $(LIBSECMSG_LDLIBS) \
	$(JSON_LIBS) $(LWS_LIBS) -lm
LIBSECMSG_CLIENT_SAN_LDLIBS := $(LIBSECMSG_CLIENT_SAN) \
	$(LIBSECMSG_SAN_LDLIBS) $(JSON_LIBS) $(LWS_LIBS) -lm

SECMSG_SOVERSION := 0
LIBSECMSG_SO := tools/lib/libsecmsg.so
LIBSECMSG_SO_SRCS := $(LIBSECMSG_SRCS) $(LIBSECMSG_CLIENT_SRCS)
LIBSECMSG_PIC_OBJS := $(LIBSECMSG_SO_SRCS:.c=.pic.o)
LIBSECMSG_SO_MAP := build/libsecmsg.map
LIBSECMSG_PC := build/secmsg.pc

USER_LIBS += $(LIBSECMSG_CLIENT) $(LIBSECMSG_CLIENT_SAN) $(LIBSECMSG_SO) \
	$(LIBSECMSG_PC)
CLEAN_FILES += $(LIBSECMSG_SO_MAP) tools/lib/*/*.pic.o

$(LIBSECMSG_CLIENT_OBJS): tools/lib/%.o: tools/lib/%.c $(LIBSECMSG_CLIENT_HDRS)
	$(CC) $(USER_CFLAGS) $(LWS_CFLAGS) -c -o $@ $<

$(LIBSECMSG_CLIENT_SAN_OBJS): tools/lib/%.san.o: tools/lib/%.c \
		$(LIBSECMSG_CLIENT_HDRS)
	$(CC) $(USER_CFLAGS) $(LWS_CFLAGS) $(SAN_CFLAGS) -c -o $@ $<

$(LIBSECMSG_PIC_OBJS): tools/lib/%.pic.o: tools/lib/%.c \
		$(LIBSECMSG_CLIENT_HDRS)
	$(CC) $(USER_CFLAGS) $(LWS_CFLAGS) -fPIC -c -o $@ $<

$(LIBSECMSG_CLIENT): $(LIBSECMSG_CLIENT_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(LIBSECMSG_CLIENT_SAN): $(LIBSECMSG_CLIENT_SAN_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

LIBSECMSG_PUBLIC_HDRS := $(wildcard tools/lib/include/secmsg/*.h)
$(LIBSECMSG_SO_MAP): $(LIBSECMSG_PUBLIC_HDRS) tools/lib/build.mk
	mkdir -p build
	{ printf 'SECMSG_%s {\n\tglobal:\n' $(SECMSG_SOVERSION); \
	  grep -ohE '\<secmsg_[a-z0-9_]+[[:space:]]*\(' \
		$(LIBSECMSG_PUBLIC_HDRS) | tr -d '( \t' | sort -u | \
		sed 's/.*/\t\t&;/'; \
	  printf '\tlocal: *;\n};\n'; } >$@.tmp
	mv $@.tmp $@

$(LIBSECMSG_SO): $(LIBSECMSG_PIC_OBJS) $(LIBSECMSG_SO_MAP)
	$(CC) -shared -Wl,-soname,libsecmsg.so.$(SECMSG_SOVERSION) \
		-Wl,--version-script=$(LIBSECMSG_SO_MAP) -Wl,-z,defs $(LDFLAGS) \
		-o $@ $(LIBSECMSG_PIC_OBJS) $(NL_LIBS) $(NETTLE_LIBS) \
		$(JSON_LIBS) $(LWS_LIBS) -lm

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
INSTALL ?= install

$(LIBSECMSG_PC): tools/lib/secmsg.pc.in tools/lib/build.mk
	mkdir -p build
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' \
		-e 's|@VERSION@|$(SECMSG_VERSION)|g' $< >$@

# The .pc records the install paths: rebuild it for every install.
.PHONY: install-libsecmsg libsecmsg-pc-force
install: install-libsecmsg
install-libsecmsg: $(LIBSECMSG_SO) libsecmsg-pc-force
	$(INSTALL) -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(INCLUDEDIR)/secmsg $(DESTDIR)$(INCLUDEDIR)/linux
	$(INSTALL) -m 0755 $(LIBSECMSG_SO) \
		$(DESTDIR)$(LIBDIR)/libsecmsg.so.$(SECMSG_SOVERSION)
	ln -sf libsecmsg.so.$(SECMSG_SOVERSION) $(DESTDIR)$(LIBDIR)/libsecmsg.so
	$(INSTALL) -m 0644 $(wildcard tools/lib/include/secmsg/*.h) \
		$(DESTDIR)$(INCLUDEDIR)/secmsg/
	$(INSTALL) -m 0644 uapi/linux/secmsg.h $(DESTDIR)$(INCLUDEDIR)/linux/
	$(INSTALL) -m 0644 $(LIBSECMSG_PC) $(DESTDIR)$(PKGCONFIGDIR)/secmsg.pc
libsecmsg-pc-force:
	rm -f $(LIBSECMSG_PC)
	$(MAKE) --no-print-directory $(LIBSECMSG_PC)
