# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# selftests/client/api_test: the client library (secmsg/client.h) against
# the real secmsgd and secmsg.ko, in the VM (selftests/TESTS).  Included
# by tools/secmsg-client/build.mk; uses the kselftest harness of
# selftests/build.mk and the callback recorder of the host tests.

CLIENT_API_TEST := selftests/client/api_test

$(CLIENT_API_TEST): selftests/client/api_test.c $(CLIENT_REC_SRCS) \
		$(SELFTEST_COMMON) $(CLIENT_TEST_HDRS) $(KSFT_STAMP) \
		$(LIBSECMSG_CLIENT) $(LIBSECMSG) $(SECMSGD)
	$(CC) $(SELFTEST_CFLAGS) $(LWS_CFLAGS) -Iselftests \
		-Itools/secmsg-client/tests -o $@ $< $(CLIENT_REC_SRCS) \
		$(SELFTEST_COMMON) $(LIBSECMSG_CLIENT_LDLIBS) $(SELFTEST_LDLIBS)

USER_PROGS += $(CLIENT_API_TEST)
