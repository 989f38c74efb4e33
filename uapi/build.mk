# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# uapi: the netlink ABI.  uapi/secmsg.yaml (its YNL spec) is the source;
# make netlink-gen renders it (uapi/ynl-gen, with the kernel's
# ynl-gen-c.py) into the committed files uapi/linux/secmsg.h,
# kmod/netlink-gen.[ch] and tools/lib/netlink/spec-gen.[ch]
# (uapi/README.md).
#
# The generator and the genetlink schemas come from Debian's
# linux-source-6.12, extracted once into build/ (only tools/net/ynl and
# Documentation/netlink).
#
# Host tests (and their -san twins, the same scripts: nothing to build
# with sanitizers): test_generated fails when regenerating would change a
# generated file; test_schema validates the spec against the kernel's
# genetlink-legacy schema.

YNL_TAR ?= /usr/src/linux-source-6.12.tar.xz
YNL_SRCDIR := $(patsubst %.tar.xz,%,$(notdir $(YNL_TAR)))
YNL_DIR := build/$(YNL_SRCDIR)
YNL_STAMP := $(YNL_DIR)/.extracted

$(YNL_STAMP): $(YNL_TAR)
	rm -rf $(YNL_DIR)
	mkdir -p build
	tar -xJf $(YNL_TAR) -C build $(YNL_SRCDIR)/tools/net/ynl \
		$(YNL_SRCDIR)/Documentation/netlink
	touch $@

.PHONY: netlink-gen
netlink-gen: $(YNL_STAMP)
	uapi/ynl-gen --ynl $(YNL_DIR)

UAPI_TESTS := uapi/tests/test_generated uapi/tests/test_schema

HOST_TESTS += $(UAPI_TESTS)
CLEAN_FILES += $(UAPI_TESTS) $(UAPI_TESTS:=-san)

uapi/tests/test_generated uapi/tests/test_generated-san: \
		uapi/tests/test_generated.sh $(YNL_STAMP)
	sed 's|@YNL_DIR@|$(YNL_DIR)|' $< >$@
	chmod +x $@

uapi/tests/test_schema uapi/tests/test_schema-san: \
		uapi/tests/test_schema.py $(YNL_STAMP)
	sed 's|@YNL_DIR@|$(YNL_DIR)|' $< >$@
	chmod +x $@
