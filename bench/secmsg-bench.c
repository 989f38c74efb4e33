// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * secmsg-bench: what secmsg.ko costs, measured against AF_ALG in the
 * same run (make bench runs it in the VM through bench/run).
 *
 * Output is markdown with aligned tables, on stdout and, with --md FILE,
 * the same into FILE.  Progress goes to stderr.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

struct bench_opts opts = {
	.secs = 0.1,
	.warm = 0.02,
	.rounds = 12,
	.batch = 64,
	.sessions = 1000000,
	.threads = 0,		/* online CPUs */
	.maint_secs = 60,
	.hot = 10,
	.scale_alg = SECMSG_ALG_AES_256_GCM,
	.throughput = true,
	.scale = true,
	.algs = 0,		/* all */
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: secmsg-bench [OPTIONS]\n"
"Measure secmsg.ko (loaded, CAP_NET_ADMIN needed) against AF_ALG.\n"
"\n"
"  --md FILE        also write the markdown report to FILE\n"
"  --secs S         length of one timed run (default %.2f)\n"
"  --warm S         warm-up before each timed run (default %.2f)\n"
"  --rounds N       interleaved rounds (default %d): rates are the best\n"
"                   round, ratios the median of the per-round ratios\n"
"  --batch N        ops per batch request, at most (default %d)\n"
"  --alg NAME       only this algorithm (repeatable)\n"
"  --size BYTES     only this message size (repeatable; default 64 256 1024\n"
"                   16384)\n"
"  --sessions N     largest session count of the scale part (default %lu;\n"
"                   max_sessions is raised for the run when lower)\n"
"  --maint-secs S   how long the CPU is watched with the last step's\n"
"                   idle sessions (default %.0f)\n"
"  --maint-only LABEL  only that: create --sessions idle sessions, watch\n"
"                   the CPU, report it as the module LABEL's (make bench\n"
"                   runs it again with the module of the commit before\n"
"                   per-session timers)\n"
"  --hot N          scale part: at each step with more than N sessions,\n"
"                   also time ops drawn from only the first N of them\n"
"                   (warm) beside those drawn from all (cold); 0: not\n"
"                   (default 10)\n"
"  --scale-alg NAME the scale part's algorithm (default aes_256_gcm)\n"
"  --threads N      session-creating threads (default: online CPUs)\n"
"  --no-throughput  skip part 1 (throughput against AF_ALG)\n"
"  --no-scale       skip part 2 (memory and op cost with many sessions)\n"
"  --quick          a short smoke run: 0.1 s runs, 1 round, 2000 sessions,\n"
"                   5 s of CPU watching\n"
"  -h, --help       this help\n",
		opts.secs, opts.warm, opts.rounds, opts.batch, opts.sessions,
		opts.maint_secs);
}

static double parse_double(const char *s, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < 0)
		fatal("%s: bad number '%s'", what, s);
	return v;
}

static unsigned long parse_ulong(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-')
		fatal("%s: bad number '%s'", what, s);
	return v;
}

static void environment(void)
{
	struct utsname u;
	char line[256], model[128] = "unknown";
	FILE *f;
	time_t now = time(NULL);
	char date[64];

	uname(&u);
	f = fopen("/proc/cpuinfo", "r");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			char *p = strchr(line, ':');

			if (!strncmp(line, "model name", 10) && p) {
				snprintf(model, sizeof(model), "%s", p + 2);
				model[strcspn(model, "\n")] = '\0';
				break;
			}
		}
		fclose(f);
	}
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", gmtime(&now));
	out("# secmsg benchmark\n\n");
	out("- kernel: %s %s (%s)%s\n", u.sysname, u.release, u.machine,
	    getenv("VM_RUN") ? ", in the tools/vm-run guest" : "");
	out("- CPU: %s, %ld online\n", model, sysconf(_SC_NPROCESSORS_ONLN));
	out("- date: %s\n\n", date);
}

int main(int argc, char **argv)
{
	enum { O_MD = 256, O_SECS, O_WARM, O_ROUNDS, O_BATCH, O_ALG, O_SIZE,
	       O_SESSIONS, O_THREADS, O_NO_TP, O_NO_SCALE, O_QUICK,
	       O_MAINT_SECS, O_MAINT_ONLY, O_HOT, O_SCALE_ALG };
	static const struct option lo[] = {
		{ "md", required_argument, NULL, O_MD },
		{ "secs", required_argument, NULL, O_SECS },
		{ "warm", required_argument, NULL, O_WARM },
		{ "rounds", required_argument, NULL, O_ROUNDS },
		{ "batch", required_argument, NULL, O_BATCH },
		{ "alg", required_argument, NULL, O_ALG },
		{ "size", required_argument, NULL, O_SIZE },
		{ "sessions", required_argument, NULL, O_SESSIONS },
		{ "threads", required_argument, NULL, O_THREADS },
		{ "maint-secs", required_argument, NULL, O_MAINT_SECS },
		{ "maint-only", required_argument, NULL, O_MAINT_ONLY },
		{ "hot", required_argument, NULL, O_HOT },
		{ "scale-alg", required_argument, NULL, O_SCALE_ALG },
		{ "no-throughput", no_argument, NULL, O_NO_TP },
		{ "no-scale", no_argument, NULL, O_NO_SCALE },
		{ "quick", no_argument, NULL, O_QUICK },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *md = NULL;
	struct secmsg_nl *nl;
	double t0 = now_s();
	unsigned long v;
	int c, alg, err;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case O_MD:
			md = optarg;
			break;
		case O_SECS:
			opts.secs = parse_double(optarg, "--secs");
			break;
		case O_WARM:
			opts.warm = parse_double(optarg, "--warm");
			break;
		case O_ROUNDS:
			v = parse_ulong(optarg, "--rounds");
			if (!v || v > MAX_ROUNDS)
				fatal("--rounds: 1 to %d", MAX_ROUNDS);
			opts.rounds = (int)v;
			break;
		case O_BATCH:
			v = parse_ulong(optarg, "--batch");
			if (!v || v > SECMSG_BATCH_MAX_OPS)
				fatal("--batch: 1 to %d", SECMSG_BATCH_MAX_OPS);
			opts.batch = (int)v;
			break;
		case O_ALG:
			alg = secmsg_alg_from_name(optarg);
			if (!alg)
				fatal("--alg: unknown algorithm '%s'", optarg);
			opts.algs |= 1u << alg;
			break;
		case O_SIZE:
			v = parse_ulong(optarg, "--size");
			if (!v || v > SECMSG_MAX_PLAINTEXT)
				fatal("--size: 1 to %d", SECMSG_MAX_PLAINTEXT);
			if (opts.nsizes == ARRAY_SIZE(opts.sizes))
				fatal("--size: at most %zu sizes",
				      ARRAY_SIZE(opts.sizes));
			opts.sizes[opts.nsizes++] = v;
			break;
		case O_SESSIONS:
			v = parse_ulong(optarg, "--sessions");
			if (v < 10)
				fatal("--sessions: at least 10");
			opts.sessions = v;
			break;
		case O_THREADS:
			v = parse_ulong(optarg, "--threads");
			if (!v || v > 16)
				fatal("--threads: 1 to 16");
			opts.threads = (unsigned int)v;
			break;
		case O_MAINT_SECS:
			opts.maint_secs = parse_double(optarg, "--maint-secs");
			break;
		case O_MAINT_ONLY:
			opts.maint_label = optarg;
			break;
		case O_HOT:
			opts.hot = parse_ulong(optarg, "--hot");
			break;
		case O_SCALE_ALG:
			opts.scale_alg = secmsg_alg_from_name(optarg);
			if (!opts.scale_alg)
				fatal("--scale-alg: unknown algorithm '%s'",
				      optarg);
			break;
		case O_NO_TP:
			opts.throughput = false;
			break;
		case O_NO_SCALE:
			opts.scale = false;
			break;
		case O_QUICK:
			opts.secs = 0.1;
			opts.warm = 0.02;
			opts.rounds = 1;
			opts.sessions = 2000;
			opts.maint_secs = 5;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	if (!opts.algs)
		for (alg = 1; alg <= SECMSG_ALG_MAX; alg++)
			opts.algs |= 1u << alg;
	if (!opts.nsizes) {
		opts.sizes[opts.nsizes++] = 64;
		opts.sizes[opts.nsizes++] = 256;
		opts.sizes[opts.nsizes++] = 1024;
		opts.sizes[opts.nsizes++] = 16384;
	}
	if (!opts.threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		opts.threads = n < 1 ? 1 : n > 16 ? 16 : (unsigned int)n;
	}

	err = secmsg_nl_open(&nl);
	if (err == -ENOENT)
		fatal("the secmsg generic netlink family is not there: load kmod/secmsg.ko (or run make bench)");
	if (err)
		fatal("secmsg_nl_open: %s", errname(err));

	out_open(md);
	if (opts.maint_label) {
		run_maint_only();
	} else {
		environment();
		if (opts.throughput)
			run_throughput(nl);
		if (opts.scale)
			run_scale(nl);
	}
	out("Total run time of secmsg-bench: %.0f s.\n", now_s() - t0);
	out_close();
	secmsg_nl_close(nl);
	return 0;
}
