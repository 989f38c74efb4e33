# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# secmsg-client: tools/secmsg-client/secmsg-client (linked statically with
# libsecmsg-client.a and libsecmsg.a), its man page, the client library's
# host tests (tools/secmsg-client/tests/X and X-san; test_client_e2e runs
# the library against fakesrv, a stand-in for secmsgd) and the VM tests in
# selftests/client/.

SECMSG_CLIENT := tools/secmsg-client/secmsg-client
SECMSG_CLIENT_SRCS := $(addprefix tools/secmsg-client/, \
	main.c chat.c keygen.c output.c pass.c)
SECMSG_CLIENT_OBJS := $(SECMSG_CLIENT_SRCS:.c=.o)
SECMSG_CLIENT_HDRS := $(wildcard tools/secmsg-client/*.h) \
	tools/lib/include/secmsg/client.h

CLIENT_TESTS := $(addprefix tools/secmsg-client/tests/, \
	test_client_frame test_client_session test_client_e2e)
# test_cli: tests/test_cli.sh, run with the plain or the -san programs
CLIENT_CLI_TEST := tools/secmsg-client/tests/test_cli
CLIENT_TEST_HDRS := $(wildcard tools/secmsg-client/tests/*.h) \
	tools/lib/tests/tap.h $(LIBSECMSG_CLIENT_HDRS)
CLIENT_TEST_CFLAGS := $(USER_CFLAGS) $(LWS_CFLAGS) \
	-Itools/lib/tests -Itools/secmsg-client/tests
# The library's layering, on its objects (a script: its -san twin is itself)
CLIENT_LAYERS_TEST := tools/secmsg-client/tests/test_client_layers
# fakesrv: linked into test_client_e2e, and a program for scripted tests
FAKESRV := tools/secmsg-client/tests/fakesrv
FAKESRV_SRCS := tools/secmsg-client/tests/fakesrv.c
# recorder: a client with every callback recorded (test_client_e2e and
# selftests/client/api_test)
CLIENT_REC_SRCS := tools/secmsg-client/tests/recorder.c

USER_PROGS += $(SECMSG_CLIENT) $(FAKESRV)
HOST_TESTS += $(CLIENT_TESTS) $(CLIENT_CLI_TEST) $(CLIENT_LAYERS_TEST)
CLEAN_FILES += $(CLIENT_TESTS:=-san) $(CLIENT_CLI_TEST)-san \
	$(CLIENT_LAYERS_TEST) $(CLIENT_LAYERS_TEST)-san \
	$(SECMSG_CLIENT)-san $(FAKESRV)-san tools/secmsg-client/*.san.o

.PHONY: secmsg-client client-tests
secmsg-client: $(SECMSG_CLIENT)
client-tests: $(CLIENT_TESTS) $(CLIENT_TESTS:=-san) $(CLIENT_CLI_TEST) \
	$(CLIENT_CLI_TEST)-san $(CLIENT_LAYERS_TEST) $(CLIENT_LAYERS_TEST)-san
user: client-tests

$(SECMSG_CLIENT_OBJS): tools/secmsg-client/%.o: tools/secmsg-client/%.c \
		$(SECMSG_CLIENT_HDRS)
	$(CC) $(USER_CFLAGS) -c -o $@ $<

$(SECMSG_CLIENT): $(SECMSG_CLIENT_OBJS) $(LIBSECMSG_CLIENT) $(LIBSECMSG)
	$(CC) $(USER_CFLAGS) -o $@ $(SECMSG_CLIENT_OBJS) \
		$(LIBSECMSG_CLIENT_LDLIBS)

$(SECMSG_CLIENT_OBJS:.o=.san.o): tools/secmsg-client/%.san.o: \
		tools/secmsg-client/%.c $(SECMSG_CLIENT_HDRS)
	$(CC) $(USER_CFLAGS) $(SAN_CFLAGS) -c -o $@ $<

$(SECMSG_CLIENT)-san: $(SECMSG_CLIENT_OBJS:.o=.san.o) \
		$(LIBSECMSG_CLIENT_SAN) $(LIBSECMSG_SAN)
	$(CC) $(USER_CFLAGS) $(SAN_CFLAGS) -o $@ \
		$(SECMSG_CLIENT_OBJS:.o=.san.o) $(LIBSECMSG_CLIENT_SAN_LDLIBS)

$(CLIENT_CLI_TEST) $(CLIENT_CLI_TEST)-san: tools/secmsg-client/tests/test_cli.sh \
		$(SECMSG_CLIENT) $(SECMSG_CLIENT)-san $(FAKESRV) $(FAKESRV)-san
	cp $< $@
	chmod +x $@

$(CLIENT_LAYERS_TEST) $(CLIENT_LAYERS_TEST)-san: \
		tools/secmsg-client/tests/test_client_layers.py $(LIBSECMSG_CLIENT)
	cp $< $@
	chmod +x $@

$(CLIENT_TESTS): tools/secmsg-client/tests/%: \
		tools/secmsg-client/tests/%.c $(FAKESRV_SRCS) $(CLIENT_REC_SRCS) \
		$(CLIENT_TEST_HDRS) $(LIBSECMSG_CLIENT) $(LIBSECMSG)
	$(CC) $(CLIENT_TEST_CFLAGS) -o $@ $< $(FAKESRV_SRCS) $(CLIENT_REC_SRCS) \
		$(LIBSECMSG_CLIENT_LDLIBS) -lpthread

$(CLIENT_TESTS:=-san): tools/secmsg-client/tests/%-san: \
		tools/secmsg-client/tests/%.c $(FAKESRV_SRCS) $(CLIENT_REC_SRCS) \
		$(CLIENT_TEST_HDRS) $(LIBSECMSG_CLIENT_SAN) $(LIBSECMSG_SAN)
	$(CC) $(CLIENT_TEST_CFLAGS) $(SAN_CFLAGS) -o $@ $< $(FAKESRV_SRCS) \
		$(CLIENT_REC_SRCS) \
		$(LIBSECMSG_CLIENT_SAN_LDLIBS) -lpthread

$(FAKESRV): tools/secmsg-client/tests/fakesrv_main.c $(FAKESRV_SRCS) \
		$(CLIENT_TEST_HDRS) $(LIBSECMSG_CLIENT) $(LIBSECMSG)
	$(CC) $(CLIENT_TEST_CFLAGS) -o $@ $< $(FAKESRV_SRCS) \
		$(LIBSECMSG_CLIENT_LDLIBS) -lpthread

$(FAKESRV)-san: tools/secmsg-client/tests/fakesrv_main.c $(FAKESRV_SRCS) \
		$(CLIENT_TEST_HDRS) $(LIBSECMSG_CLIENT_SAN) $(LIBSECMSG_SAN)
	$(CC) $(CLIENT_TEST_CFLAGS) $(SAN_CFLAGS) -o $@ $< $(FAKESRV_SRCS) \
		$(LIBSECMSG_CLIENT_SAN_LDLIBS) -lpthread

-include selftests/client/build.mk
-include tools/lib/examples/build.mk

# make install [DESTDIR=...] [PREFIX=/usr/local]
BINDIR ?= $(PREFIX)/bin
.PHONY: install-secmsg-client
install: install-secmsg-client
install-secmsg-client: $(SECMSG_CLIENT)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(BASHCOMPDIR)
	$(INSTALL) -m 0755 $(SECMSG_CLIENT) $(DESTDIR)$(BINDIR)/secmsg-client
	$(INSTALL) -m 0644 tools/secmsg-client.1 \
		$(DESTDIR)$(MANDIR)/man1/secmsg-client.1
	$(INSTALL) -m 0644 tools/completion/secmsg-client \
		$(DESTDIR)$(BASHCOMPDIR)/secmsg-client
