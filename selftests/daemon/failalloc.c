// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * failalloc.so: an LD_PRELOAD shim that makes malloc, calloc and realloc
 * fail (NULL, ENOMEM) for the program it is loaded into, for the tests of
 * how secmsgd copes with running out of memory (test_failalloc.py).
 *
 * Only allocations made on the program's behalf can fail: those whose
 * caller, or a caller within FAILALLOC_DEPTH frames (default 2: through
 * strdup or asprintf, say), is code of the main executable (secmsgd and
 * the libsecmsg linked into it; cJSON allocates through secmsgd's hooks),
 * and whose immediate caller is not libwebsockets: the network library
 * failing inside its own event loop would only drop connections, which
 * is not what is tested.
 *
 * Injection starts off.  SIGRTMIN+7 turns it on (the test does once its
 * clients are logged in), SIGRTMIN+8 off; while on, every
 * FAILALLOC_EVERY-th (default 5) eligible allocation fails.  When it is
 * turned off and at exit the shim writes "failalloc: N of M eligible
 * allocations failed" (totals so far) to stderr; with FAILALLOC_VERBOSE=1
 * also "failalloc: failed an allocation at 0xOFFSET" for each failure: the
 * return address in the program (of its call to malloc, or to the libc
 * function that called malloc), for addr2line -f -e PROGRAM.
 */
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <link.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);

#define MAX_DEPTH 6

static uintptr_t exe_lo, exe_hi;	/* the main executable's code */
static unsigned long every = 5;
static int depth = 2;
static volatile sig_atomic_t enabled;
static bool ready, verbose;
static __thread bool inside;		/* no injection for our own calls */
static unsigned long eligible, failed;

static bool in_exe(void *pc)
{
	return (uintptr_t)pc >= exe_lo && (uintptr_t)pc < exe_hi;
}

static bool in_lws(void *pc)
{
	Dl_info info;

	return dladdr(pc, &info) && info.dli_fname &&
	       strstr(info.dli_fname, "libwebsockets");
}

/*
 * "failalloc: failed an allocation at 0xOFFSET" (the offset in the main
 * executable, for addr2line -f; no allocation here).
 */
static void say_who(void *pc)
{
	static const char head[] = "failalloc: failed an allocation at 0x";
	char hex[2 * sizeof(uintptr_t) + 1], *p = hex + sizeof(hex) - 1;
	uintptr_t off = (uintptr_t)pc;
	Dl_info info;

	if (dladdr(pc, &info))
		off -= (uintptr_t)info.dli_fbase;
	*p = '\n';
	do {
		*--p = "0123456789abcdef"[off & 15];
		off >>= 4;
	} while (off);
	if (write(STDERR_FILENO, head, sizeof(head) - 1) < 0 ||
	    write(STDERR_FILENO, p, hex + sizeof(hex) - p) < 0)
		return;
}

/* Should this allocation fail?  caller: the allocator's return address. */
__attribute__((noinline)) static bool should_fail(void *caller)
{
	void *pcs[MAX_DEPTH + 2], *who = caller;
	bool ours = false;
	int n, i;

	if (!enabled || !ready || inside)
		return false;
	inside = true;
	if (in_exe(caller)) {
		ours = true;
	} else if (!in_lws(caller) && depth > 1) {
		/* pcs[0] is here, pcs[1] the allocator, pcs[2] its caller */
		n = backtrace(pcs, depth + 2);
		for (i = 3; i < n && !ours; i++)
			if (in_exe(pcs[i])) {
				ours = true;
				who = pcs[i];
			}
	}
	inside = false;
	if (!ours)
		return false;
	if (__atomic_add_fetch(&eligible, 1, __ATOMIC_RELAXED) % every)
		return false;
	__atomic_add_fetch(&failed, 1, __ATOMIC_RELAXED);
	if (verbose)
		say_who(who);
	return true;
}

/* Decimal of v at the end of buf; returns where it starts. */
static char *utoa(unsigned long v, char *end)
{
	do {
		*--end = '0' + v % 10;
		v /= 10;
	} while (v);
	return end;
}

/* Async-signal-safe: called from the signal handler too. */
static void report(void)
{
	char a[24], b[24], *fa, *el;
	struct piece {
		const void *base;
		size_t len;
	} parts[5];
	int i;

	fa = utoa(__atomic_load_n(&failed, __ATOMIC_RELAXED), a + sizeof(a));
	el = utoa(__atomic_load_n(&eligible, __ATOMIC_RELAXED), b + sizeof(b));
	parts[0] = (struct piece){ "failalloc: ", 11 };
	parts[1] = (struct piece){ fa, (size_t)(a + sizeof(a) - fa) };
	parts[2] = (struct piece){ " of ", 4 };
	parts[3] = (struct piece){ el, (size_t)(b + sizeof(b) - el) };
	parts[4] = (struct piece){ " eligible allocations failed\n", 29 };
	for (i = 0; i < 5; i++)
		if (write(STDERR_FILENO, parts[i].base, parts[i].len) < 0)
			return;
}

static void on_off(int sig)
{
	enabled = sig == SIGRTMIN + 7;
	if (!enabled)
		report();
}

static int find_exe(struct dl_phdr_info *info, size_t size, void *arg)
{
	int i;

	(void)size;
	(void)arg;
	/* the first object is the main program */
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
			exe_lo = info->dlpi_addr + ph->p_vaddr;
			exe_hi = exe_lo + ph->p_memsz;
		}
	}
	return 1;
}

__attribute__((constructor)) static void failalloc_init(void)
{
	const char *e = getenv("FAILALLOC_EVERY"), *d = getenv("FAILALLOC_DEPTH");
	struct sigaction sa;
	void *pcs[2];

	if (e && strtoul(e, NULL, 10) > 0)
		every = strtoul(e, NULL, 10);
	if (d && atoi(d) > 0)
		depth = atoi(d) > MAX_DEPTH ? MAX_DEPTH : atoi(d);
	verbose = getenv("FAILALLOC_VERBOSE") &&
		  !strcmp(getenv("FAILALLOC_VERBOSE"), "1");
	dl_iterate_phdr(find_exe, NULL);
	/* backtrace() loads libgcc_s on first use: not from inside malloc */
	backtrace(pcs, 2);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_off;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGRTMIN + 7, &sa, NULL);
	sigaction(SIGRTMIN + 8, &sa, NULL);
	atexit(report);
	ready = true;
}

void *malloc(size_t size)
{
	if (should_fail(__builtin_return_address(0))) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	if (should_fail(__builtin_return_address(0))) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	if (size && should_fail(__builtin_return_address(0))) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(p, size);
}
