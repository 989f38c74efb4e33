# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# bench/secmsg-bench: throughput of secmsg.ko against AF_ALG (libkcapi),
# and memory and op cost with many sessions.  make bench runs it in the
# VM through bench/run.

BENCH := bench/secmsg-bench
BENCH_SRCS := $(addprefix bench/, secmsg-bench.c throughput.c scale.c \
	afalg.c out.c util.c)
BENCH_OBJS := $(BENCH_SRCS:.c=.o)
BENCH_CFLAGS := $(USER_CFLAGS) $(shell pkg-config --cflags libkcapi 2>/dev/null)
BENCH_LDLIBS := $(LIBSECMSG) $(NL_LIBS) $(NETTLE_LIBS) \
	$(shell pkg-config --libs libkcapi 2>/dev/null || echo -lkcapi) \
	-lpthread

USER_PROGS += $(BENCH)
CLEAN_FILES += $(BENCH_OBJS)

$(BENCH_OBJS): bench/%.o: bench/%.c bench/bench.h $(LIBSECMSG_HDRS)
	$(CC) $(BENCH_CFLAGS) -c -o $@ $<

$(BENCH): $(BENCH_OBJS) $(LIBSECMSG)
	$(CC) $(BENCH_CFLAGS) -o $@ $(BENCH_OBJS) $(BENCH_LDLIBS)

# make bench also measures the housekeeping of the module of the commit
# before per-session timers (the parent of the commit that added
# kmod/timers.c: a walk over every session every second), in the same VM
# run (bench/run --baseline).  It is built from this clone's git history;
# BENCH_BASELINE=<commit> measures another, BENCH_BASELINE= (empty) skips
# the comparison.
BENCH_BASELINE ?= $(shell c=$$(git log --format=%h --diff-filter=A -1 -- \
	kmod/timers.c 2>/dev/null) && [ -n "$$c" ] && \
	git rev-parse -q --short --verify "$$c^" 2>/dev/null)
BENCH_BASELINE_KO := $(if $(BENCH_BASELINE),build/bench-baseline-$(BENCH_BASELINE)/kmod/secmsg.ko)

build/bench-baseline-%/kmod/secmsg.ko:
	@git rev-parse -q --verify '$*^{commit}' >/dev/null || { \
		echo "bench: commit $* is not in this clone's history" \
		     "(make bench BENCH_BASELINE= skips the comparison)" >&2; \
		exit 1; }
	rm -rf build/bench-baseline-$* && mkdir -p build/bench-baseline-$*
	git archive $* Kbuild kmod uapi | tar -x -C build/bench-baseline-$*
	$(MAKE) -C $(KDIR) M=$(TOP)/build/bench-baseline-$* \
		SECMSG_VERSION=baseline-$* modules

# bench/handshake-bench: complete handshakes/s through secmsg.ko against
# the libsecmsg userspace reference server (run by bench/run after
# secmsg-bench).
BENCH_HS := bench/handshake-bench
USER_PROGS += $(BENCH_HS)

$(BENCH_HS): bench/handshake-bench.c $(LIBSECMSG) $(LIBSECMSG_HDRS)
	$(CC) $(USER_CFLAGS) -o $@ $< $(LIBSECMSG_LDLIBS)

# bench/relay/loadgen: end-to-end relay load generator for secmsgd and the
# peer relays (bench/relay/run).
RELAY_LOADGEN := bench/relay/loadgen
USER_PROGS += $(RELAY_LOADGEN)

$(RELAY_LOADGEN): bench/relay/loadgen.c $(LIBSECMSG_HDRS) $(LIBSECMSG)
	$(CC) $(USER_CFLAGS) -o $@ $< $(LIBSECMSG_LDLIBS) $(JSON_LIBS)

# make bench runs the relay part too (bench/run); make bench-relay only it.
# Both need the C peer's interoperability test, which bench/relay/run runs
# before it times the peer (a host test: make all does not build it).
.PHONY: bench-relay
bench: $(CRELAY_TEST)
bench-relay: all $(CRELAY_TEST)
	@tools/vm-run --timeout 3600 -- bench/relay/run $(RELAY_BENCH_ARGS)

# make bench-cluster: only the cross-node relay row of make bench
# (bench/relay/cross-node, docs/cluster.md), with its profile.
.PHONY: bench-cluster
bench-cluster: all
	@tools/vm-run --timeout 3600 -- bench/relay/cross-node \
		$(or $(CLUSTER_BENCH_ARGS),-P)

# bench/relay/crelay: the relay benchmark's C peer (keys and crypto in
# userspace, through libsecmsg's protocol library; frames, users and
# identity files through secmsgd's own pure code), and its interoperability
# test against the libsecmsg WebSocket client on 127.0.0.1: test_crelay
# runs crelay, test_crelay-san runs crelay-san.  (Prerequisites name the
# client test files directly: their variables come later in the Makefile.)
CRELAY := bench/relay/crelay
CRELAY_DAEMON_SRCS := $(addprefix daemon/, proto.c files.c table.c \
	loopstat.c)
CRELAY_CFLAGS := $(USER_CFLAGS) $(LWS_CFLAGS) -Idaemon
CRELAY_TEST := bench/relay/tests/test_crelay
CRELAY_TEST_DEPS := tools/secmsg-client/tests/recorder.c \
	tools/secmsg-client/tests/recorder.h tools/lib/tests/tap.h \
	tools/lib/include/secmsg/client.h
USER_PROGS += $(CRELAY)
HOST_TESTS += $(CRELAY_TEST)
CLEAN_FILES += $(CRELAY)-san $(CRELAY_TEST)-san

$(CRELAY): bench/relay/crelay.c $(CRELAY_DAEMON_SRCS:.c=.o) $(LIBSECMSG) \
		$(SECMSGD_HDRS)
	$(CC) $(CRELAY_CFLAGS) -o $@ $< $(CRELAY_DAEMON_SRCS:.c=.o) \
		$(LIBSECMSG_LDLIBS) $(LWS_LIBS) $(JSON_LIBS) -lm

$(CRELAY)-san: bench/relay/crelay.c $(CRELAY_DAEMON_SRCS:.c=.san.o) \
		$(LIBSECMSG_SAN) $(SECMSGD_HDRS)
	$(CC) $(CRELAY_CFLAGS) $(SAN_CFLAGS) -o $@ $< \
		$(CRELAY_DAEMON_SRCS:.c=.san.o) $(LIBSECMSG_SAN_LDLIBS) \
		$(LWS_LIBS) $(JSON_LIBS) -lm

$(CRELAY_TEST): $(CRELAY_TEST).c $(CRELAY_TEST_DEPS) $(LIBSECMSG_CLIENT) \
		$(LIBSECMSG) $(CRELAY) daemon/loopstat.o
	$(CC) $(CLIENT_TEST_CFLAGS) -Idaemon -o $@ $< $(CLIENT_REC_SRCS) \
		daemon/loopstat.o $(LIBSECMSG_CLIENT_LDLIBS)

$(CRELAY_TEST)-san: $(CRELAY_TEST).c $(CRELAY_TEST_DEPS) \
		$(LIBSECMSG_CLIENT_SAN) $(LIBSECMSG_SAN) $(CRELAY)-san \
		daemon/loopstat.san.o
	$(CC) $(CLIENT_TEST_CFLAGS) $(SAN_CFLAGS) -Idaemon -o $@ $< \
		$(CLIENT_REC_SRCS) daemon/loopstat.san.o \
		$(LIBSECMSG_CLIENT_SAN_LDLIBS)
