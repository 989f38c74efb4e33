# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# secmsgctl: tools/secmsgctl/secmsgctl, its host unit tests
# (tools/secmsgctl/tests/test_secmsgctl and -san), and make install of the
# program, its man page and bash completion.

SECMSGCTL := tools/secmsgctl/secmsgctl
SECMSGCTL_SRCS := $(addprefix tools/secmsgctl/, \
	main.c ctl.c output.c session.c monitor.c stats.c crypt.c \
	identity.c keyfile.c parse.c units.c)
SECMSGCTL_OBJS := $(SECMSGCTL_SRCS:.c=.o)
SECMSGCTL_DEPS := $(SECMSGCTL_OBJS:.o=.d)

# Pure functions only: no netlink, no library.
SECMSGCTL_TEST := tools/secmsgctl/tests/test_secmsgctl
SECMSGCTL_TEST_SRCS := tools/secmsgctl/tests/test_secmsgctl.c \
	$(addprefix tools/secmsgctl/, parse.c units.c keyfile.c) \
	tools/lib/protocol/codec.c
SECMSGCTL_TEST_HDRS := $(wildcard tools/secmsgctl/*.h \
	tools/secmsgctl/tests/*.h) tools/lib/include/secmsg/codec.h

# The man pages against the programs' --help (all three programs).
MANPAGES_TEST := tools/tests/test_manpages

USER_PROGS += $(SECMSGCTL)
HOST_TESTS += $(SECMSGCTL_TEST) $(MANPAGES_TEST)
CLEAN_FILES += $(SECMSGCTL_TEST)-san $(SECMSGCTL_DEPS) \
	$(MANPAGES_TEST) $(MANPAGES_TEST)-san

.PHONY: secmsgctl secmsgctl-tests
secmsgctl: $(SECMSGCTL)
secmsgctl-tests: $(SECMSGCTL_TEST) $(SECMSGCTL_TEST)-san $(MANPAGES_TEST) \
	$(MANPAGES_TEST)-san
user: secmsgctl-tests

$(SECMSGCTL_OBJS): tools/secmsgctl/%.o: tools/secmsgctl/%.c
	$(CC) $(USER_CFLAGS) -MMD -MP -c -o $@ $<

$(SECMSGCTL): $(SECMSGCTL_OBJS) $(LIBSECMSG)
	$(CC) $(USER_CFLAGS) -o $@ $(SECMSGCTL_OBJS) \
		$(LIBSECMSG_LDLIBS) $(JSON_LIBS)

$(MANPAGES_TEST) $(MANPAGES_TEST)-san: tools/tests/test_manpages.py \
		$(SECMSGCTL) daemon/secmsgd tools/secmsg-client/secmsg-client \
		daemon/secmsgd.8 tools/secmsgctl.8 tools/secmsg-client.1
	cp $< $@
	chmod +x $@

$(SECMSGCTL_TEST): $(SECMSGCTL_TEST_SRCS) $(SECMSGCTL_TEST_HDRS)
	$(CC) $(USER_CFLAGS) -Itools/secmsgctl -o $@ $(SECMSGCTL_TEST_SRCS)

$(SECMSGCTL_TEST)-san: $(SECMSGCTL_TEST_SRCS) $(SECMSGCTL_TEST_HDRS)
	$(CC) $(USER_CFLAGS) $(SAN_CFLAGS) -Itools/secmsgctl -o $@ \
		$(SECMSGCTL_TEST_SRCS)

-include $(SECMSGCTL_DEPS)

# make install [DESTDIR=...] [PREFIX=/usr/local]
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
INSTALL ?= install

.PHONY: install-secmsgctl
install: install-secmsgctl
install-secmsgctl: $(SECMSGCTL)
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(BASHCOMPDIR)
	$(INSTALL) -m 0755 $(SECMSGCTL) $(DESTDIR)$(SBINDIR)/secmsgctl
	$(INSTALL) -m 0644 tools/secmsgctl.8 $(DESTDIR)$(MANDIR)/man8/secmsgctl.8
	$(INSTALL) -m 0644 tools/completion/secmsgctl \
		$(DESTDIR)$(BASHCOMPDIR)/secmsgctl
