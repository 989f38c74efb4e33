# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# libFuzzer targets for every userspace parser of untrusted bytes, one
# folder each under fuzz/ (docs/testing.md lists them):
#   fuzz/NAME/fuzz.c       the target: LLVMFuzzerTestOneInput()
#   fuzz/NAME/corpus/      its seed inputs (fuzz/mkseeds writes the binary ones)
#   fuzz/NAME/regressions/ every input that once failed it, named for the bug
#   fuzz/NAME/dict         a libFuzzer dictionary, where one helps
#
# Each target builds three ways:
#   fuzz/NAME/fuzzer       clang-14, -fsanitize=fuzzer,address,undefined,
#                          against the sources compiled the same way
#                          (build/fuzz/obj/); make fuzz runs it
#   fuzz/NAME/replay       a host test (CC): fuzz/replay.c runs the target
#                          on every seed and regression input, TAP out
#   fuzz/NAME/replay-san   its twin with SAN_CFLAGS
#
# make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="wire codec"] runs each fuzzer
# for FUZZ_SECONDS (fuzz/run), new inputs under build/fuzz/NAME/; it fails
# when a target crashed, leaving the input there for regressions/.

FUZZ_TARGETS_ALL := codec handshake wire keyfile client_frame client_proto \
	daemon_frame config users netlink cluster_wire
FUZZ_TARGETS ?= $(FUZZ_TARGETS_ALL)
FUZZ_SECONDS ?= 60

FUZZ_CC ?= clang-14
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
FUZZ_CFLAGS := $(filter-out -O2,$(USER_CFLAGS)) -O1 $(LWS_CFLAGS) \
	-fsanitize=fuzzer-no-link $(FUZZ_SAN)
FUZZ_INC := -Ifuzz -Idaemon -Itools/secmsgctl

# What the targets call, beyond libsecmsg and its client: the daemon's
# pure parsers (frames, configuration, files, the cluster's messages) and
# secmsgctl's key file reader.
FUZZ_DAEMON_SRCS := $(addprefix daemon/, proto.c config.c files.c table.c \
	cluster/wire.c cluster/kvusers.c)
FUZZ_CTL_SRCS := tools/secmsgctl/keyfile.c
FUZZ_LIB_SRCS := $(LIBSECMSG_SRCS) $(LIBSECMSG_CLIENT_SRCS) \
	$(FUZZ_DAEMON_SRCS) $(FUZZ_CTL_SRCS)
FUZZ_OBJ := build/fuzz/obj
FUZZ_LIB := build/fuzz/libfuzzed.a
FUZZ_LDLIBS := $(NL_LIBS) $(NETTLE_LIBS) $(JSON_LIBS) $(LWS_LIBS) -lm
# The netlink target is the kernel: its socket calls are wrapped.
FUZZ_LDFLAGS_netlink := -Wl,--wrap=recvmsg -Wl,--wrap=sendto

FUZZ_FUZZERS := $(FUZZ_TARGETS_ALL:%=fuzz/%/fuzzer)
FUZZ_REPLAYS := $(FUZZ_TARGETS_ALL:%=fuzz/%/replay)
FUZZ_HDRS := fuzz/fuzz.h tools/lib/tests/tap.h $(LIBSECMSG_CLIENT_HDRS) \
	$(wildcard daemon/*.h tools/secmsgctl/*.h fuzz/*.h fuzz/*/*.h)

HOST_TESTS += $(FUZZ_REPLAYS)
CLEAN_FILES += $(FUZZ_FUZZERS) $(FUZZ_REPLAYS:=-san) fuzz/mkseeds
user: fuzz-replays

.PHONY: fuzz fuzzers fuzz-replays fuzz-seeds
fuzzers: $(FUZZ_FUZZERS)
fuzz-replays: $(FUZZ_REPLAYS) $(FUZZ_REPLAYS:=-san)

fuzz: $(FUZZ_TARGETS:%=fuzz/%/fuzzer)
	@fuzz/run -t $(FUZZ_SECONDS) $(FUZZ_TARGETS)

$(FUZZ_OBJ)/%.o: %.c $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_INC) -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_LIB_SRCS:%.c=$(FUZZ_OBJ)/%.o)
	rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_FUZZERS): fuzz/%/fuzzer: $(FUZZ_OBJ)/fuzz/%/fuzz.o $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(FUZZ_LDFLAGS_$*) \
		-o $@ $< $(FUZZ_LIB) $(FUZZ_LDLIBS)

# The replays link what the programs link: libsecmsg's archives, the
# daemon's and secmsgctl's objects.
FUZZ_REPLAY_OBJS := $(FUZZ_DAEMON_SRCS:.c=.o) $(FUZZ_CTL_SRCS:.c=.o)
FUZZ_REPLAY_SAN_OBJS := $(FUZZ_DAEMON_SRCS:.c=.san.o) $(FUZZ_CTL_SRCS:.c=.san.o)
CLEAN_FILES += $(FUZZ_CTL_SRCS:.c=.san.o)

$(FUZZ_REPLAYS): fuzz/%/replay: fuzz/%/fuzz.c fuzz/replay.c $(FUZZ_HDRS) \
		$(FUZZ_REPLAY_OBJS) $(LIBSECMSG_CLIENT) $(LIBSECMSG)
	$(CC) $(USER_CFLAGS) $(LWS_CFLAGS) $(FUZZ_INC) $(FUZZ_LDFLAGS_$*) \
		-o $@ $< fuzz/replay.c $(FUZZ_REPLAY_OBJS) \
		$(LIBSECMSG_CLIENT_LDLIBS)

$(FUZZ_REPLAYS:=-san): fuzz/%/replay-san: fuzz/%/fuzz.c fuzz/replay.c \
		$(FUZZ_HDRS) $(FUZZ_REPLAY_SAN_OBJS) $(LIBSECMSG_CLIENT_SAN) \
		$(LIBSECMSG_SAN)
	$(CC) $(USER_CFLAGS) $(LWS_CFLAGS) $(SAN_CFLAGS) $(FUZZ_INC) \
		$(FUZZ_LDFLAGS_$*) -o $@ $< fuzz/replay.c \
		$(FUZZ_REPLAY_SAN_OBJS) $(LIBSECMSG_CLIENT_SAN_LDLIBS)

# fuzz/mkseeds writes the binary seed inputs (handshake messages, sealed
# messages, key files, netlink replies) from fixed keys: make fuzz-seeds
# after a format change, and commit what changed.
fuzz/mkseeds: fuzz/mkseeds.c $(FUZZ_HDRS) $(FUZZ_REPLAY_OBJS) \
		$(LIBSECMSG_CLIENT) $(LIBSECMSG)
	$(CC) $(USER_CFLAGS) $(LWS_CFLAGS) $(FUZZ_INC) -o $@ $< \
		$(FUZZ_REPLAY_OBJS) $(LIBSECMSG_CLIENT_LDLIBS)

fuzz-seeds: fuzz/mkseeds
	fuzz/mkseeds fuzz

# The kernel's netlink fuzzer (fuzz/kernel/nlfuzz.c): a program for the VM,
# built from the tables fuzz/kernel/spec2c writes from the YNL spec.  The
# selftests run it (selftests/TESTS); make fuzz-kernel DURATION=SECONDS runs
# it for longer (under the debug kernel, where the tree has it), keeping its
# corpus in build/fuzz/kernel/corpus/.
NLFUZZ := fuzz/kernel/nlfuzz
NLFUZZ_SPEC := build/fuzz/kernel/spec.h
DURATION ?= 600

$(NLFUZZ_SPEC): uapi/secmsg.yaml fuzz/kernel/spec2c
	@mkdir -p $(dir $@)
	fuzz/kernel/spec2c $< $@

$(NLFUZZ): fuzz/kernel/nlfuzz.c $(NLFUZZ_SPEC) selftests/rawnl.o \
		selftests/rawnl.h uapi/linux/secmsg.h $(SELFTEST_LIBSECMSG)
	$(CC) $(SELFTEST_CFLAGS) -I$(dir $(NLFUZZ_SPEC)) -Iselftests -o $@ \
		$< selftests/rawnl.o $(SELFTEST_LDLIBS)

USER_PROGS += $(NLFUZZ)

# Under the debug kernel (KCOV) where the tree has it.
FUZZ_KERNEL_VM_ARGS ?= $(if $(wildcard tools/vm/debug-kernel),--debug)

.PHONY: fuzz-kernel
fuzz-kernel: all
	@mkdir -p build/fuzz/kernel/corpus
	tools/vm-run $(FUZZ_KERNEL_VM_ARGS) --timeout $$(($(DURATION) + 1800)) \
		--rw build/fuzz/kernel -- $(NLFUZZ) -n 0 -t $(DURATION) \
		-c build/fuzz/kernel/corpus -v
