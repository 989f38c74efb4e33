# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# tools/lib/examples: programs on the installed client library.  Their
# test, test_install (and -san), runs make install into a temporary
# DESTDIR and builds secmsg-echo.c there with pkg-config.  Included by
# tools/secmsg-client/build.mk (it needs secmsg-client and fakesrv).

INSTALL_TEST := tools/lib/examples/test_install

HOST_TESTS += $(INSTALL_TEST)
CLEAN_FILES += $(INSTALL_TEST) $(INSTALL_TEST)-san

$(INSTALL_TEST) $(INSTALL_TEST)-san: tools/lib/examples/test_install.sh \
		tools/lib/examples/secmsg-echo.c $(SECMSG_CLIENT) $(FAKESRV) \
		$(LIBSECMSG_SO)
	cp $< $@
	chmod +x $@
