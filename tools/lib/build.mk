# SPDX-License-Identifier: GPL-2.0
#
# libsecmsg: tools/lib/libsecmsg.a (netlink client and wire format),
# tools/lib/libsecmsg-san.a (the same built with SAN_CFLAGS, for host
# tests), and the host unit tests tools/lib/tests/X and X-san.
#
# Programs link with: $(LIBSECMSG_LDLIBS) (or $(LIBSECMSG_SAN_LDLIBS)).

LIBSECMSG_SRCS := $(addprefix tools/lib/, \
	alg.c crypt.c hkdf.c keys.c nl.c nl_parse.c nl_sock.c random.c \
	replay.c wire.c) $(wildcard tools/lib/codec.c)
# session establishment: handshake, key files, identity/user netlink
LIBSECMSG_SRCS += $(addprefix tools/lib/, handshake.c keyfile.c nl_identity.c)
LIBSECMSG_HDRS := $(wildcard tools/lib/*.h tools/lib/secmsg/*.h) \
	uapi/linux/secmsg.h
LIBSECMSG_OBJS := $(LIBSECMSG_SRCS:.c=.o)
LIBSECMSG_SAN_OBJS := $(LIBSECMSG_SRCS:.c=.san.o)

LIBSECMSG := tools/lib/libsecmsg.a
LIBSECMSG_SAN := tools/lib/libsecmsg-san.a
LIBSECMSG_LDLIBS := $(LIBSECMSG) $(NL_LIBS) $(NETTLE_LIBS)
LIBSECMSG_SAN_LDLIBS := $(LIBSECMSG_SAN) $(NL_LIBS) $(NETTLE_LIBS)

LIBSECMSG_TESTS := $(addprefix tools/lib/tests/, \
	test_wycheproof test_crypt test_keys test_msg test_replay test_nl)
LIBSECMSG_TESTS += $(addprefix tools/lib/tests/, test_handshake test_keyfile)
LIBSECMSG_TEST_HDRS := $(wildcard tools/lib/tests/*.h)

USER_LIBS += $(LIBSECMSG) $(LIBSECMSG_SAN)
HOST_TESTS += $(LIBSECMSG_TESTS)
CLEAN_FILES += $(LIBSECMSG_TESTS:=-san)

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
