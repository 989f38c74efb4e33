# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# secmsgd's cluster, daemon/cluster/: the NATS adapter (nats.c, the only
# user of libnats), the cluster's NATS messages (wire.c) and the
# directory of the peers' users (directory.c); their host tests
# daemon/tests/X and X-san: test_nats (against a real nats-server),
# test_cluster_wire, test_directory (pure).

NATS_CFLAGS := $(shell pkg-config --cflags libnats 2>/dev/null)
NATS_LIBS := $(shell pkg-config --libs libnats 2>/dev/null || echo -lnats) \
	-lpthread

# pure: no libnats, no lws, no kernel
CLUSTER_PURE_SRCS := daemon/cluster/wire.c daemon/cluster/directory.c \
	daemon/cluster/kvusers.c daemon/table.c daemon/config.c
# on the bus (libnats)
CLUSTER_BUS_SRCS := daemon/cluster/nats.c daemon/cluster/links.c
# the route and the commands: in secmsgd only
CLUSTER_DAEMON_SRCS := daemon/cluster/route_nats.c daemon/cluster/usercmd.c
CLUSTER_SRCS := $(filter daemon/cluster/%,$(CLUSTER_PURE_SRCS)) \
	$(CLUSTER_BUS_SRCS) $(CLUSTER_DAEMON_SRCS)
CLUSTER_OBJS := $(CLUSTER_SRCS:.c=.o)
CLUSTER_SAN_OBJS := $(CLUSTER_SRCS:.c=.san.o)
CLUSTER_HDRS := $(wildcard daemon/cluster/*.h) daemon/table.h \
	daemon/config.h
CLUSTER_TEST_HDRS := tools/lib/tests/tap.h daemon/tests/natsrv.h \
	daemon/tests/fake_klink.h $(CLUSTER_HDRS)

CLUSTER_PURE_TESTS := daemon/tests/test_cluster_wire \
	daemon/tests/test_directory daemon/tests/test_kvusers
CLUSTER_BUS_TESTS := daemon/tests/test_links
# the route: with the daemon's pure parts it uses (files, audit)
CLUSTER_ROUTE_TESTS := daemon/tests/test_route_nats
CLUSTER_TESTS := daemon/tests/test_nats $(CLUSTER_PURE_TESTS) \
	$(CLUSTER_BUS_TESTS) $(CLUSTER_ROUTE_TESTS)
HOST_TESTS += $(CLUSTER_TESTS)
CLEAN_FILES += $(CLUSTER_TESTS:=-san) $(CLUSTER_OBJS) $(CLUSTER_SAN_OBJS)
user: $(CLUSTER_TESTS) $(CLUSTER_TESTS:=-san)

$(CLUSTER_OBJS): daemon/cluster/%.o: daemon/cluster/%.c $(CLUSTER_HDRS) \
		$(LIBSECMSG_HDRS)
	$(CC) $(USER_CFLAGS) $(NATS_CFLAGS) -c -o $@ $<

$(CLUSTER_SAN_OBJS): daemon/cluster/%.san.o: daemon/cluster/%.c \
		$(CLUSTER_HDRS) $(LIBSECMSG_HDRS)
	$(CC) $(USER_CFLAGS) $(NATS_CFLAGS) $(SAN_CFLAGS) -c -o $@ $<

daemon/tests/test_nats: daemon/tests/test_nats.c $(CLUSTER_TEST_HDRS) \
		daemon/cluster/nats.o
	$(CC) $(USER_CFLAGS) -Idaemon -o $@ $< daemon/cluster/nats.o \
		$(NATS_LIBS)

daemon/tests/test_nats-san: daemon/tests/test_nats.c $(CLUSTER_TEST_HDRS) \
		daemon/cluster/nats.san.o
	$(CC) $(USER_CFLAGS) $(SAN_CFLAGS) -Idaemon -o $@ $< \
		daemon/cluster/nats.san.o $(NATS_LIBS)

$(CLUSTER_PURE_TESTS): daemon/tests/%: daemon/tests/%.c $(CLUSTER_TEST_HDRS) \
		$(CLUSTER_PURE_SRCS:.c=.o) $(LIBSECMSG)
	$(CC) $(USER_CFLAGS) -Idaemon -o $@ $< $(CLUSTER_PURE_SRCS:.c=.o) \
		$(LIBSECMSG_LDLIBS) -lm

$(CLUSTER_PURE_TESTS:=-san): daemon/tests/%-san: daemon/tests/%.c \
		$(CLUSTER_TEST_HDRS) $(CLUSTER_PURE_SRCS:.c=.san.o) \
		$(LIBSECMSG_SAN)
	$(CC) $(USER_CFLAGS) $(SAN_CFLAGS) -Idaemon -o $@ $< \
		$(CLUSTER_PURE_SRCS:.c=.san.o) $(LIBSECMSG_SAN_LDLIBS) -lm

# tests of the parts on the bus: against a real nats-server, kernel faked
CLUSTER_ALL_OBJS := $(CLUSTER_PURE_SRCS:.c=.o) $(CLUSTER_BUS_SRCS:.c=.o)
CLUSTER_ALL_SAN_OBJS := $(CLUSTER_PURE_SRCS:.c=.san.o) \
	$(CLUSTER_BUS_SRCS:.c=.san.o)

$(CLUSTER_BUS_TESTS): daemon/tests/%: daemon/tests/%.c $(CLUSTER_TEST_HDRS) \
		$(CLUSTER_ALL_OBJS) $(LIBSECMSG)
	$(CC) $(USER_CFLAGS) -Idaemon -o $@ $< $(CLUSTER_ALL_OBJS) \
		$(LIBSECMSG_LDLIBS) $(NATS_LIBS) -lm

$(CLUSTER_BUS_TESTS:=-san): daemon/tests/%-san: daemon/tests/%.c \
		$(CLUSTER_TEST_HDRS) $(CLUSTER_ALL_SAN_OBJS) $(LIBSECMSG_SAN)
	$(CC) $(USER_CFLAGS) $(SAN_CFLAGS) -Idaemon -o $@ $< \
		$(CLUSTER_ALL_SAN_OBJS) $(LIBSECMSG_SAN_LDLIBS) $(NATS_LIBS) -lm

# secmsgd links the cluster (daemon/build.mk comes first: its link line
# expands these when it runs)
CLUSTER_IN_SECMSGD := $(filter daemon/cluster/%,$(CLUSTER_PURE_SRCS:.c=.o)) \
	$(CLUSTER_BUS_SRCS:.c=.o) $(CLUSTER_DAEMON_SRCS:.c=.o)
$(SECMSGD): $(CLUSTER_IN_SECMSGD)
SECMSGD_OBJS += $(CLUSTER_IN_SECMSGD)
SECMSGD_LDLIBS += $(NATS_LIBS)

CLUSTER_ROUTE_OBJS := $(CLUSTER_ALL_OBJS) $(CLUSTER_DAEMON_SRCS:.c=.o) \
	daemon/files.o daemon/audit.o
CLUSTER_ROUTE_SAN_OBJS := $(CLUSTER_ALL_SAN_OBJS) \
	$(CLUSTER_DAEMON_SRCS:.c=.san.o) daemon/files.san.o daemon/audit.san.o

$(CLUSTER_ROUTE_TESTS): daemon/tests/%: daemon/tests/%.c \
		$(CLUSTER_TEST_HDRS) $(CLUSTER_ROUTE_OBJS) $(LIBSECMSG)
	$(CC) $(USER_CFLAGS) -Idaemon -o $@ $< $(CLUSTER_ROUTE_OBJS) \
		$(LIBSECMSG_LDLIBS) $(NATS_LIBS) -lm

$(CLUSTER_ROUTE_TESTS:=-san): daemon/tests/%-san: daemon/tests/%.c \
		$(CLUSTER_TEST_HDRS) $(CLUSTER_ROUTE_SAN_OBJS) $(LIBSECMSG_SAN)
	$(CC) $(USER_CFLAGS) $(SAN_CFLAGS) -Idaemon -o $@ $< \
		$(CLUSTER_ROUTE_SAN_OBJS) $(LIBSECMSG_SAN_LDLIBS) $(NATS_LIBS) -lm
