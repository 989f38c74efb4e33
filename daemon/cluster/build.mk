# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# secmsgd's cluster: daemon/cluster/ (the NATS adapter, nats.c, the only
# user of libnats) and its host tests against a real nats-server,
# daemon/tests/test_nats and test_nats-san.

NATS_CFLAGS := $(shell pkg-config --cflags libnats 2>/dev/null)
NATS_LIBS := $(shell pkg-config --libs libnats 2>/dev/null || echo -lnats) \
	-lpthread

CLUSTER_BUS_SRCS := daemon/cluster/nats.c
CLUSTER_BUS_OBJS := $(CLUSTER_BUS_SRCS:.c=.o)
CLUSTER_BUS_SAN_OBJS := $(CLUSTER_BUS_SRCS:.c=.san.o)
CLUSTER_HDRS := $(wildcard daemon/cluster/*.h)

CLUSTER_TESTS := daemon/tests/test_nats
HOST_TESTS += $(CLUSTER_TESTS)
CLEAN_FILES += $(CLUSTER_TESTS:=-san) $(CLUSTER_BUS_OBJS) \
	$(CLUSTER_BUS_SAN_OBJS)
user: $(CLUSTER_TESTS) $(CLUSTER_TESTS:=-san)

$(CLUSTER_BUS_OBJS): daemon/cluster/%.o: daemon/cluster/%.c $(CLUSTER_HDRS)
	$(CC) $(USER_CFLAGS) $(NATS_CFLAGS) -c -o $@ $<

$(CLUSTER_BUS_SAN_OBJS): daemon/cluster/%.san.o: daemon/cluster/%.c \
		$(CLUSTER_HDRS)
	$(CC) $(USER_CFLAGS) $(NATS_CFLAGS) $(SAN_CFLAGS) -c -o $@ $<

daemon/tests/test_nats: daemon/tests/test_nats.c daemon/tests/natsrv.h \
		tools/lib/tests/tap.h $(CLUSTER_HDRS) $(CLUSTER_BUS_OBJS)
	$(CC) $(USER_CFLAGS) -Idaemon -o $@ $< $(CLUSTER_BUS_OBJS) $(NATS_LIBS)

daemon/tests/test_nats-san: daemon/tests/test_nats.c daemon/tests/natsrv.h \
		tools/lib/tests/tap.h $(CLUSTER_HDRS) $(CLUSTER_BUS_SAN_OBJS)
	$(CC) $(USER_CFLAGS) $(SAN_CFLAGS) -Idaemon -o $@ $< \
		$(CLUSTER_BUS_SAN_OBJS) $(NATS_LIBS)
