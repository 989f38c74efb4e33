# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# uapi: the netlink ABI header (linux/secmsg.h) and its YNL spec
# (secmsg.yaml).  Their test, test_spec (and -san, the same script: it
# has nothing to build with sanitizers), checks that the spec, the header
# and the kernel's policies and handlers (kmod/) agree.

SPEC_TEST := uapi/tests/test_spec

HOST_TESTS += $(SPEC_TEST)
CLEAN_FILES += $(SPEC_TEST) $(SPEC_TEST)-san

$(SPEC_TEST) $(SPEC_TEST)-san: uapi/tests/test_spec.py
	cp $< $@
	chmod +x $@
