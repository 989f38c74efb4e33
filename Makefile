# SPDX-License-Identifier: GPL-2.0
#
# secmsg: make builds the module and every userspace program;
# make check runs the tests (host unit tests, then kselftests in a VM);
# make run starts the module and secmsgd (in the VM on hosts that cannot
# load modules); make bench measures.

KDIR ?= $(shell d=/lib/modules/$$(uname -r)/build; \
	  if [ -d $$d ]; then echo $$d; \
	  else ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1; fi)

TOP := $(CURDIR)
CC ?= cc
# The version, kept in one place: the newest entry of debian/changelog.  It
# is what secmsgd, secmsgctl and secmsg-client --version print, the
# module's modinfo version, the pkg-config version and the packages'.
SECMSG_VERSION := $(shell awk -F'[()]' 'NR == 1 { print $$2; exit }' \
	$(TOP)/debian/changelog)
ifeq ($(SECMSG_VERSION),)
$(error cannot read the version from debian/changelog)
endif
PKGS := libnl-genl-3.0 libnl-3.0 nettle libcjson
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
USER_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror \
	-Wno-missing-field-initializers -DSECMSG_VERSION='"$(SECMSG_VERSION)"' \
	-I$(TOP)/uapi -I$(TOP)/tools/lib/include -I$(TOP)/tools/lib $(PKG_CFLAGS) $(EXTRA_CFLAGS)
NL_LIBS := $(shell pkg-config --libs libnl-genl-3.0 libnl-3.0 2>/dev/null)
NETTLE_LIBS := $(shell pkg-config --libs nettle hogweed 2>/dev/null)
JSON_LIBS := $(shell pkg-config --libs libcjson 2>/dev/null)

# Sanitizer flags for the host unit tests' second run.
SAN_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

USER_PROGS :=
USER_LIBS :=
HOST_TESTS :=
CLEAN_FILES :=

.PHONY: all module user clean check run bench install sparse
all: module user

module:
	$(MAKE) -C $(KDIR) M=$(TOP) SECMSG_VERSION=$(SECMSG_VERSION) modules

sparse:
	$(MAKE) -C $(KDIR) M=$(TOP) SECMSG_VERSION=$(SECMSG_VERSION) C=2 W=1 modules

include tools/lib/build.mk
-include tools/build.mk
-include daemon/build.mk
-include daemon/cluster/build.mk
-include selftests/build.mk
-include bench/build.mk
-include tools/secmsg-client/build.mk
-include uapi/build.mk
-include web/build.mk
-include fuzz/build.mk

user: $(USER_LIBS) $(USER_PROGS)

# The programs that print the version are rebuilt when it changes.
daemon/main.o tools/secmsgctl/main.o tools/secmsg-client/main.o: debian/changelog

# Host unit tests: each build.mk adds its test programs to HOST_TESTS and,
# for every test X, a rule for X-san: the same test built with SAN_CFLAGS
# (ASan+UBSan) on compile and link lines, against sanitizer builds of what
# it links (e.g. $(LIBSECMSG_SAN)).  %.san.o compiles any C file that way.
# make check builds both; tools/check runs X, then X-san, then the kernel
# selftests (selftests/TESTS) in the VM.
HOST_TESTS_SAN = $(HOST_TESTS:=-san)

%.san.o: %.c
	$(CC) $(USER_CFLAGS) $(SAN_CFLAGS) -c -o $@ $<

check: all $(HOST_TESTS) $(HOST_TESTS_SAN)
	@tools/check $(HOST_TESTS)

# make run NODES=3: a local cluster of three nodes (docs/cluster.md);
# make run PORT=9000: one node on another port than 8765 (only a PORT
# given on the command line, not one from the environment)
run: all
	@tools/run $(if $(filter command line,$(origin PORT)),--port $(PORT)) \
		$(if $(NODES),--nodes $(NODES))

# The 1,000,000-session step of bench/secmsg-bench needs memory (about
# 2.5 GiB in the guest) and time; BENCH_ARGS="--sessions 100000" for less.
BENCH_MEM ?= 6G
bench: all $(BENCH_BASELINE_KO)
	@tools/vm-run --mem $(BENCH_MEM) --timeout 10800 -- bench/run \
		$(if $(BENCH_BASELINE_KO),--baseline $(BENCH_BASELINE_KO)) \
		$(BENCH_ARGS)

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean
	rm -f $(USER_PROGS) $(USER_LIBS) $(HOST_TESTS) $(HOST_TESTS_SAN) \
		$(CLEAN_FILES)
	find . -name '*.o' -o -name '*.san.o' | xargs rm -f
	rm -rf build/bench-baseline-*

# make coverage: line and branch coverage, per file, into docs/testing.md
# (tools/coverage, in a copy of the tree under build/coverage/): secmsg.ko
# built with GCOV_PROFILE=y, under its selftests in the debug kernel
# (vm-run --gcov), and the userspace programs and libraries built with gcc
# --coverage, under the host tests and the selftests that drive them
# (under Debian's kernel, with kmod/secmsg.ko).  coverage-user: the
# userspace part only, every selftest under Debian's kernel;
# coverage-kmod: the module's part only.
# COVERAGE_ARGS: more tools/coverage options (-t PATTERN, --no-docs).
# coverage-build and print-host-tests are what it runs in the copy.
.PHONY: coverage coverage-user coverage-kmod coverage-build print-host-tests
coverage: module
	@tools/coverage $(COVERAGE_ARGS)
coverage-user: module
	@tools/coverage --user-only $(COVERAGE_ARGS)
coverage-kmod:
	@tools/coverage --kmod-only $(COVERAGE_ARGS)
coverage-build: $(filter-out %-san.a,$(USER_LIBS)) $(USER_PROGS) $(HOST_TESTS)
print-host-tests:
	@echo $(HOST_TESTS)

# make deb: the Debian packages (debian/), built by dpkg-buildpackage in a
# copy of the tree under build/deb/, where the .deb files land too; then
# lintian on them.  make check-packages: tools/vm/test-packages installs,
# upgrades and purges them in a VM booted with systemd (README, Tests).
.PHONY: deb check-packages
deb:
	@tools/mkdeb

check-packages:
	@tools/vm/test-packages

# make check-debug: the kernel selftests again under the debug kernel
# (KASAN, KFENCE, UBSAN, lockdep, kmemleak, fault injection; built once
# from linux-source-6.1 with tools/vm/debug.config): docs/testing.md.
.PHONY: check-debug debug-kernel
check-debug: all
	@tools/check --debug

debug-kernel:
	@tools/vm/debug-kernel --module

# make demo: demo/run, in the VM unless secmsg.ko is already loaded here.
.PHONY: demo
demo: all
	@if grep -q '^secmsg ' /proc/modules 2>/dev/null; then demo/run; \
	else tools/vm-run --timeout 900 -- demo/run; fi
