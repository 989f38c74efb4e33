# SPDX-License-Identifier: GPL-2.0
# secmsg.ko kselftests: built on the host by make, run in the VM by
# tools/check through selftests/run (the list is selftests/TESTS).
#
# kselftest_harness.h and kselftest.h come from Debian's linux-source
# tarball, extracted once into build/kselftest/.

KSFT_TAR ?= /usr/src/linux-source-6.1.tar.xz
KSFT_SRCDIR := $(patsubst %.tar.xz,%,$(notdir $(KSFT_TAR)))
KSFT_DIR := build/kselftest
KSFT_STAMP := $(KSFT_DIR)/.extracted

SELFTEST_NAMES := crypt session msg rotate expiry timers events batch dump \
	concurrency perm_netns
SELFTEST_NAMES += handshake vectors policy link
# debug kernel only (selftests/TESTS: debug-only)
SELFTEST_NAMES += fault_inject
SELFTESTS := $(patsubst %,selftests/%_test,$(SELFTEST_NAMES))
SELFTEST_TOOLS := selftests/mksess
SELFTEST_COMMON := selftests/common.o selftests/rawnl.o
SELFTEST_LIBSECMSG = $(LIBSECMSG)

# The harness needs GNU C, has unused parameters in its macros and its
# EXPECT_EQ(0, unsigned) compares through typeof copies (sign-compare).
SELFTEST_CFLAGS := $(USER_CFLAGS) -std=gnu11 -Wno-unused-parameter \
	-Wno-sign-compare \
	-I$(TOP)/$(KSFT_DIR) $(shell pkg-config --cflags libkcapi 2>/dev/null)
SELFTEST_LDLIBS := $(SELFTEST_LIBSECMSG) $(NL_LIBS) $(NETTLE_LIBS) \
	$(JSON_LIBS) $(shell pkg-config --libs libkcapi 2>/dev/null) -lpthread

$(KSFT_STAMP): $(KSFT_TAR)
	mkdir -p $(KSFT_DIR)
	tar -xJf $(KSFT_TAR) -C $(KSFT_DIR) --strip-components=4 \
		--occurrence=1 \
		$(KSFT_SRCDIR)/tools/testing/selftests/kselftest_harness.h \
		$(KSFT_SRCDIR)/tools/testing/selftests/kselftest.h
	touch $@

selftests/%.o: selftests/%.c $(wildcard selftests/*.h) uapi/linux/secmsg.h \
		$(KSFT_STAMP)
	$(CC) $(SELFTEST_CFLAGS) -c -o $@ $<

selftests/%_test: selftests/%_test.o $(SELFTEST_COMMON) $(SELFTEST_LIBSECMSG)
	$(CC) $(SELFTEST_CFLAGS) -o $@ $< $(SELFTEST_COMMON) $(SELFTEST_LDLIBS)

selftests/mksess: selftests/mksess.o $(SELFTEST_COMMON) $(SELFTEST_LIBSECMSG)
	$(CC) $(SELFTEST_CFLAGS) -o $@ $< $(SELFTEST_COMMON) $(SELFTEST_LDLIBS)

.PHONY: selftests
selftests: $(SELFTESTS) $(SELFTEST_TOOLS)

USER_PROGS += $(SELFTESTS) $(SELFTEST_TOOLS)
CLEAN_FILES += selftests/*.o

# test_failalloc.py's LD_PRELOAD shim: allocation failures in secmsgd
SELFTEST_FAILALLOC := selftests/daemon/failalloc.so
$(SELFTEST_FAILALLOC): selftests/daemon/failalloc.c
	$(CC) $(USER_CFLAGS) -fPIC -shared -o $@ $< -ldl

selftests: $(SELFTEST_FAILALLOC)
USER_PROGS += $(SELFTEST_FAILALLOC)
