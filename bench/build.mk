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

# bench/handshake-bench: complete handshakes/s through secmsg.ko against
# the libsecmsg userspace reference server (run by bench/run after
# secmsg-bench).
BENCH_HS := bench/handshake-bench
USER_PROGS += $(BENCH_HS)

$(BENCH_HS): bench/handshake-bench.c $(LIBSECMSG) $(LIBSECMSG_HDRS)
	$(CC) $(USER_CFLAGS) -o $@ $< $(LIBSECMSG_LDLIBS)
