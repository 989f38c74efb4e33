// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Part 2: kernel memory per idle session, the cost of an op as the number
 * of sessions grows (10, 1,000, 100,000, then opts.sessions: 1,000,000 by
 * default), and the CPU the module's housekeeping takes while the
 * sessions of the last step sit idle.
 *
 * Sessions are created by opts.threads threads, each on its own netlink
 * socket, one SECMSG_CMD_SESSION_NEW round trip per session (the ABI has
 * no batched create).  They are owned by their sockets and go when the
 * sockets close.
 *
 * Memory: /proc/meminfo Slab and MemAvailable after a settle (caches
 * dropped, RCU frees done) before and after creating the sessions of the
 * last step, which are idle (never used) when measured; divided by their
 * number.  Then every session gets its first seal (the per-epoch key,
 * and for an algorithm that is not shared its keyed transform, is made on
 * first use), and memory is measured again.
 *
 * Op cost: a seal of 1 KiB (aes_256_gcm, or --scale-alg), batched, each
 * op on a session drawn uniformly at random from all the sessions
 * present, every one of which has been used once before (so the timed
 * ops make no key; a shared algorithm's may set one up in its slot, as in
 * a deployment: kmod/keyslot.c).  The draws are made before each timed round, into a list the round reads in
 * order: what is timed is the kernel's work on a random session, not
 * the benchmark's own read of a random entry of its 8 MB array of ids
 * (which the AF_ALG reference it is compared with does not have).
 *
 * Housekeeping: every session has an absolute timeout a day away, so each
 * has a deadline (a timer armed) as in a deployment, and none comes during
 * the run.  With the last step's sessions created and idle, the guest's
 * CPU time (/proc/stat: everything but idle and iowait, and its kernel
 * part) is read before and after opts.maint_secs of doing nothing.
 * --maint-only does that alone, so that make bench can measure another
 * module (the commit before per-session timers) the same way in the same
 * VM run.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define SCALE_SIZE	1024
#define MAX_THREADS	16
/* every session's deadline: its absolute timeout, a day away */
#define SCALE_TIMEOUT	86400
#define MAX_SESSIONS_PARAM "/sys/module/secmsg/parameters/max_sessions"
/* session draws made before a timed round: more than one round uses */
#define DRAWS		(1u << 17)
/*
 * AF_ALG reference seals between two reads of the clock: a read is a
 * system call (and in the guest an emulated HPET read), which per message
 * would be a large, and varying, part of what the reference measures.
 */
#define REF_GROUP	16

struct creator {
	pthread_t t;
	struct secmsg_nl *nl;
	uint64_t *ids;		/* where this thread's ids go */
	size_t first, n;	/* session numbers first .. first + n - 1 */
	int err;
	char errmsg[256];
};

static struct creator creators[MAX_THREADS];
static unsigned int ncreators;

static void *create_thread(void *arg)
{
	struct creator *c = arg;
	struct secmsg_session_params p;
	struct secmsg_session_info info;
	uint8_t secret[2][SECMSG_KEY_LEN];
	char user[32];
	size_t i;

	for (i = 0; i < c->n; i++) {
		snprintf(user, sizeof(user), "bench-s%zu", c->first + i);
		rand_fill(secret, sizeof(secret));
		bench_params(&p, user, opts.scale_alg, secret[0], secret[1]);
		p.policy.timeout = SCALE_TIMEOUT;
		c->err = secmsg_session_new(c->nl, &p, &info);
		if (c->err) {
			const char *m = secmsg_nl_errmsg(c->nl);

			snprintf(c->errmsg, sizeof(c->errmsg), "%s", m ? m : "");
			break;
		}
		c->ids[i] = info.id;
	}
	explicit_bzero(secret, sizeof(secret));
	return NULL;
}

/* Create sessions ids[from .. to - 1]; return the time it took. */
static double create_sessions(uint64_t *ids, size_t from, size_t to)
{
	size_t per = (to - from + ncreators - 1) / ncreators, at = from;
	double t0 = now_s();
	unsigned int i;
	int err;

	for (i = 0; i < ncreators; i++) {
		struct creator *c = &creators[i];

		c->first = at;
		c->n = at + per <= to ? per : to - at;
		c->ids = ids + at;
		c->err = 0;
		at += c->n;
		err = pthread_create(&c->t, NULL, create_thread, c);
		if (err)
			fatal("pthread_create: %s", strerror(err));
	}
	for (i = 0; i < ncreators; i++) {
		pthread_join(creators[i].t, NULL);
		if (creators[i].err)
			fatal("secmsg_session_new (session %zu of %zu): %s%s%s",
			      creators[i].first, to, errname(creators[i].err),
			      creators[i].errmsg[0] ? ": " : "",
			      creators[i].errmsg);
	}
	return now_s() - t0;
}

struct mem {
	long long avail, slab, sunreclaim;	/* kB */
};

static void mem_read(struct mem *m)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	long long v;

	memset(m, 0, sizeof(*m));
	if (!f)
		fatal("/proc/meminfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "MemAvailable: %lld kB", &v) == 1)
			m->avail = v;
		else if (sscanf(line, "Slab: %lld kB", &v) == 1)
			m->slab = v;
		else if (sscanf(line, "SUnreclaim: %lld kB", &v) == 1)
			m->sunreclaim = v;
	}
	fclose(f);
}

/* Object size and count of a slab cache, when /proc/slabinfo has it. */
static bool slab_cache(const char *name, long *objs, long *size)
{
	FILE *f = fopen("/proc/slabinfo", "r");
	char line[512], n[64];
	bool found = false;
	long active, total, osz;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %ld %ld %ld", n, &active, &total,
			   &osz) == 4 && !strcmp(n, name)) {
			*objs = active;
			*size = osz;
			found = true;
			break;
		}
	}
	fclose(f);
	return found;
}

/* Drop clean caches and let RCU-deferred frees finish, then read. */
static void settle_read(struct mem *m)
{
	FILE *f;
	int i;

	for (i = 0; i < 2; i++) {
		sync();
		f = fopen("/proc/sys/vm/drop_caches", "w");
		if (f) {
			fputs("3\n", f);
			fclose(f);
		}
		usleep(500 * 1000);
	}
	mem_read(m);
}

/*
 * The max_sessions module parameter: set to v when v >= 0; returns its
 * value before (-1 when unreadable: not the module of this tree).
 */
static long max_sessions_param(long v)
{
	char buf[32];
	long old = -1;
	ssize_t len;
	int fd;

	fd = open(MAX_SESSIONS_PARAM, O_RDWR);
	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	if (len > 0) {
		buf[len] = 0;
		old = strtol(buf, NULL, 10);
	}
	if (v >= 0 && v != old &&
	    (lseek(fd, 0, SEEK_SET) || dprintf(fd, "%ld\n", v) < 0))
		fatal("cannot set max_sessions to %ld (%s): %s", v,
		      MAX_SESSIONS_PARAM, strerror(errno));
	close(fd);
	return old;
}

/*
 * The creating threads' sockets, and max_sessions raised to n for the run
 * (the value before is returned, for creators_close()).
 */
static long creators_open(size_t n)
{
	long old = max_sessions_param(-1);
	unsigned int i;
	int err;

	if (old >= 0 && (size_t)old < n + 100)
		max_sessions_param((long)n + 100);
	ncreators = opts.threads ? opts.threads : 1;
	if (ncreators > MAX_THREADS)
		ncreators = MAX_THREADS;
	for (i = 0; i < ncreators; i++) {
		err = secmsg_nl_open(&creators[i].nl);
		if (err)
			fatal("secmsg_nl_open: %s", errname(err));
	}
	return old;
}

/* Closing the sockets deletes their (owned) sessions. */
static void creators_close(long max_old)
{
	unsigned int i;

	for (i = 0; i < ncreators; i++) {
		secmsg_nl_close(creators[i].nl);
		creators[i].nl = NULL;
	}
	if (max_old >= 0)
		max_sessions_param(max_old);
}

/* Guest CPU seconds so far, by /proc/stat's first line. */
struct cpu {
	double busy;	/* everything but idle and iowait */
	double kernel;	/* system, irq, softirq */
};

static void cpu_read(struct cpu *c)
{
	unsigned long long v[10] = { 0 };
	double hz = (double)sysconf(_SC_CLK_TCK);
	FILE *f = fopen("/proc/stat", "r");
	unsigned long long all = 0;
	int i, n;

	if (!f)
		fatal("/proc/stat: %s", strerror(errno));
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
		   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
		   &v[8], &v[9]);
	fclose(f);
	if (n < 8)
		fatal("/proc/stat: unexpected first line");
	/* user nice system idle iowait irq softirq steal (guest counted in
	 * user already) */
	for (i = 0; i < 8; i++)
		all += v[i];
	c->busy = (double)(all - v[3] - v[4]) / hz;
	c->kernel = (double)(v[2] + v[5] + v[6]) / hz;
}

/* The CPU taken while nothing but the module runs for secs seconds. */
static void cpu_watch(double secs, struct cpu *used)
{
	struct cpu a, b;

	/* the creates' deferred work (RCU frees, events) done first */
	sleep(2);
	cpu_read(&a);
	usleep((useconds_t)(secs * 1e6));
	cpu_read(&b);
	used->busy = b.busy - a.busy;
	used->kernel = b.kernel - a.kernel;
}

static const char *const maint_head[] = {
	"module", "idle sessions", "watched", "guest CPU busy",
	"of which kernel", "busy share of 2 CPUs",
};
static const bool maint_right[] = { 0, 1, 1, 1, 1, 1 };

static void maint_row(struct table *t, const char *label, size_t n,
		      const struct cpu *u)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char b[4][64];

	snprintf(b[0], sizeof(b[0]), "%.0f s", opts.maint_secs);
	snprintf(b[1], sizeof(b[1]), "%.2f s", u->busy);
	snprintf(b[2], sizeof(b[2]), "%.2f s", u->kernel);
	snprintf(b[3], sizeof(b[3]), "%.2f %%",
		 100.0 * u->busy / (opts.maint_secs * (ncpu > 0 ? ncpu : 1)));
	table_row(t, label, fmt_rate((double)n), b[0], b[1], b[2], b[3]);
}

static void maint_note(void)
{
	out("Housekeeping: the guest's CPU time (/proc/stat, all CPUs; "
	    "busy is everything but idle and iowait, kernel is system, irq "
	    "and softirq) over %.0f s while the sessions sit idle and "
	    "nothing else runs; every session has its absolute timeout a "
	    "day away (a deadline, none due during the run).\n\n",
	    opts.maint_secs);
}

/* The goals of the last step, as rows of make bench's summary. */
static void scale_goals(size_t n, size_t created, const struct mem *m0,
			const struct mem *m1, double norm, double within,
			const struct cpu *maint)
{
	double per = created ? (double)(m0->avail - m1->avail) * 1024.0 /
			       (double)created : 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	double share = 100.0 * maint->busy /
		       (opts.maint_secs * (ncpu > 0 ? ncpu : 1));
	char what[128], v[64];

	snprintf(what, sizeof(what),
		 "memory per idle session, %s sessions (MemAvailable)",
		 fmt_rate((double)n));
	snprintf(v, sizeof(v), "%.0f B", per);
	goal(what, v, "<= 1024 B", per <= 1024);
	snprintf(what, sizeof(what),
		 "op cost at %s sessions against 10, normalized",
		 fmt_rate((double)n));
	goal(what, fmt_ratio(norm), ">= 0.90x", norm >= 0.9);
	if (within > 0) {
		/* the same comparison within the step, free of drift between */
		snprintf(what, sizeof(what),
			 "op cost at %s sessions against ops on %lu of them, "
			 "same step", fmt_rate((double)n), opts.hot);
		goal(what, fmt_ratio(within), "(reported)", -1);
	}
	snprintf(what, sizeof(what),
		 "housekeeping CPU, %s idle sessions, %.0f s",
		 fmt_rate((double)n), opts.maint_secs);
	snprintf(v, sizeof(v), "%.2f s (%.2f %%)", maint->busy, share);
	goal(what, v, "<= 1 % of the CPUs", share <= 1.0);
}

struct seal_ctx {
	struct secmsg_nl *nl;
	const uint64_t *ids;
	size_t n;
	size_t batch;
	uint8_t *pt;
	struct secmsg_batch_op *ops;
	struct secmsg_msg_result *res;
	uint64_t prng;
	uint8_t ref_salt[12];
	/* random draws of ids, made before the round that reads them */
	uint64_t *draw;
	size_t drawn;		/* how many the round has read */
};

/* Draw again the ids the last round read (at most all of them). */
static void draw_refill(struct seal_ctx *c)
{
	size_t k, n = c->drawn < DRAWS ? c->drawn : DRAWS;

	for (k = 0; k < n; k++)
		c->draw[k] = c->ids[prng_next(&c->prng) % c->n];
	c->drawn = 0;
}

/* One batch of seals: drawn ids, or those from first on; return ops done. */
static size_t seal_batch(struct seal_ctx *c, size_t first, bool random)
{
	size_t k, n = c->batch;
	int err;

	if (!random && first + n > c->n)
		n = c->n - first;
	for (k = 0; k < n; k++) {
		c->ops[k].op = SECMSG_MSG_SEAL;
		c->ops[k].id = random ? c->draw[c->drawn++ % DRAWS] :
					c->ids[first + k];
		c->ops[k].peer_id = 0;
		c->ops[k].cookie = k;
		c->ops[k].data = c->pt;
		c->ops[k].len = SCALE_SIZE;
	}
	err = secmsg_msg_batch_view(c->nl, c->ops, n, c->res);
	if (err)
		fatal("SECMSG_CMD_MSG_BATCH (scale): %s%s%s", errname(err),
		      secmsg_nl_errmsg(c->nl) ? ": " : "",
		      secmsg_nl_errmsg(c->nl) ? secmsg_nl_errmsg(c->nl) : "");
	for (k = 0; k < n; k++) {
		if (c->res[k].status)
			fatal("batched seal (scale): %s",
			      errname(c->res[k].status));
	}
	return n;
}

/* First seal of sessions from .. n - 1, in order; return seals/s. */
static double first_use(struct seal_ctx *c, size_t from)
{
	double t0 = now_s(), t;
	size_t i = from;

	while (i < c->n)
		i += seal_batch(c, i, false);
	t = now_s() - t0;
	return i > from && t > 0 ? (double)(i - from) / t : 0;
}

/*
 * Best-of rounds of random seals, each round followed by a slice of the
 * AF_ALG reference (1 KiB gcm(aes) seals under one key), so that host
 * load that differs between the steps can be told from a change in the
 * cost of an op: the steps are compared by their ratio to the reference.
 */
static void random_seals(struct seal_ctx *c, struct afalg *ref,
			 double *rate, double *ref_rate, double *ratio)
{
	const uint8_t *sealed;
	double t0, t, r, mine, rr[MAX_ROUNDS];
	uint64_t ops, seq = 0;
	int k, round, rounds = 2 * opts.rounds;
	long n;

	if (rounds > MAX_ROUNDS)
		rounds = MAX_ROUNDS;
	*rate = *ref_rate = 0;
	/* let deferred kernel work of the creates and first seals finish */
	sleep(1);
	c->drawn = DRAWS;	/* new draws: c->n may have changed */
	draw_refill(c);
	t0 = now_s();
	while (now_s() - t0 < opts.warm)
		seal_batch(c, 0, true);
	for (round = 0; round < rounds; round++) {
		draw_refill(c);
		ops = 0;
		t0 = now_s();
		do {
			ops += seal_batch(c, 0, true);
			t = now_s() - t0;
		} while (t < opts.secs);
		mine = (double)ops / t;
		if (mine > *rate)
			*rate = mine;

		ops = 0;
		t0 = now_s();
		do {
			/* the clock read once per group, as once per batch above */
			for (k = 0; k < REF_GROUP; k++) {
				n = afalg_seal(ref, c->ref_salt, 0, 1, seq++,
					       c->pt, SCALE_SIZE, &sealed);
				if (n < 0)
					fatal("AF_ALG reference seal: %s",
					      errname((int)n));
			}
			ops += REF_GROUP;
			t = now_s() - t0;
		} while (t < opts.secs);
		r = (double)ops / t;
		if (r > *ref_rate)
			*ref_rate = r;
		rr[round] = mine / r;
	}
	*ratio = median(rr, rounds);
}

static const char *fmt_bytes_per(double kb_delta, size_t n, char *buf,
				 size_t size)
{
	if (!n)
		return "-";
	snprintf(buf, size, "%.0f B", kb_delta * 1024.0 / (double)n);
	return buf;
}

void run_scale(struct secmsg_nl *nl)
{
	static const char *const head[] = {
		"sessions present", "seal 1 KiB batched msg/s", "MB/s",
		"AF_ALG reference msg/s", "secmsg/AF_ALG",
		"vs 10 sessions (normalized)", "vs 10 sessions (raw)",
		"first seal per session msg/s",
	};
	static const bool right[] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	static const char *const mhead[] = { "measure", "value" };
	static const char *const caches[] = {
		"secmsg_session", "secmsg_key_out", "secmsg_key_in",
	};
	static const bool mright[] = { 0, 1 };
	static const size_t fixed[] = { 10, 1000, 100000 };
	size_t steps[ARRAY_SIZE(fixed) + 1], nsteps = 0, s, have = 0;
	struct mem m0, m1, m2;
	struct cpu maint = { 0, 0 };
	long max_old;
	struct seal_ctx c;
	struct table t, mt;
	uint64_t *ids;
	double base = 0, base_raw = 0, rate, ref_rate, ratio, first, norm = 0;
	double all, within = 0;
	double create_t = 0;
	struct afalg *ref;
	uint8_t key[SECMSG_KEY_LEN];
	size_t created_last = 0;
	unsigned int i;
	char b1[64], b2[64], b3[64];
	long objs, osz;

	for (s = 0; s < ARRAY_SIZE(fixed); s++)
		if (fixed[s] < opts.sessions)
			steps[nsteps++] = fixed[s];
	steps[nsteps++] = opts.sessions;
	max_old = creators_open(opts.sessions);

	/* touched now, so that MemAvailable sees none of it later */
	ids = xmalloc(opts.sessions * sizeof(*ids));
	memset(ids, 0xff, opts.sessions * sizeof(*ids));
	memset(&c, 0, sizeof(c));
	c.nl = nl;
	c.ids = ids;
	c.batch = (size_t)opts.batch;
	if (c.batch > SECMSG_BATCH_MAX_OPS)
		c.batch = SECMSG_BATCH_MAX_OPS;
	if (c.batch * SCALE_SIZE > SECMSG_BATCH_MAX_BYTES)
		c.batch = SECMSG_BATCH_MAX_BYTES / SCALE_SIZE;
	c.pt = xmalloc(SCALE_SIZE);
	rand_fill(c.pt, SCALE_SIZE);
	c.ops = xcalloc(c.batch, sizeof(*c.ops));
	c.res = xcalloc(c.batch, sizeof(*c.res));
	c.draw = xcalloc(DRAWS, sizeof(*c.draw));
	rand_fill(&c.prng, sizeof(c.prng));
	c.prng |= 1;
	rand_fill(key, sizeof(key));
	rand_fill(c.ref_salt, sizeof(c.ref_salt));
	ref = afalg_new(opts.scale_alg, key);
	explicit_bzero(key, sizeof(key));

	out("## Sessions: memory, op cost and housekeeping from 10 to %s "
	    "sessions\n\n", fmt_rate((double)opts.sessions));
	table_init(&t, ARRAY_SIZE(head), head, right);
	memset(&m0, 0, sizeof(m0));
	m1 = m2 = m0;
	for (s = 0; s < nsteps; s++) {
		size_t n = steps[s];
		bool last = s == nsteps - 1;

		if (last)
			settle_read(&m0);
		progress("creating sessions %zu .. %zu (%u threads) ...",
			 have + 1, n, ncreators);
		create_t = create_sessions(ids, have, n);
		created_last = n - have;
		progress("created %zu sessions in %.1f s", created_last,
			 create_t);
		if (last) {
			settle_read(&m1);
			progress("watching the CPU for %.0f s with %zu idle sessions ...",
				 opts.maint_secs, n);
			cpu_watch(opts.maint_secs, &maint);
		}
		c.n = n;
		progress("first seal of sessions %zu .. %zu ...", have + 1, n);
		first = first_use(&c, have);
		if (last)
			settle_read(&m2);
		progress("random seals over %zu sessions ...", n);
		random_seals(&c, ref, &rate, &ref_rate, &ratio);
		if (!s) {
			base_raw = rate;
			base = ratio;
		}
		norm = base > 0 ? ratio / base : 0;
		have = n;
		snprintf(b1, sizeof(b1), "%s", fmt_rate((double)n));
		table_row(&t, b1, fmt_rate(rate),
			  fmt_mbs(rate * SCALE_SIZE / 1e6), fmt_rate(ref_rate),
			  fmt_ratio(ratio), fmt_ratio(norm),
			  fmt_ratio(base_raw > 0 ? rate / base_raw : 0),
			  fmt_rate(first));
		if (opts.hot && opts.hot < n) {
			/* the same ops on a few sessions, warm in the caches */
			progress("random seals over %lu of the %zu sessions ...",
				 opts.hot, n);
			c.n = opts.hot;
			all = ratio;
			random_seals(&c, ref, &rate, &ref_rate, &ratio);
			c.n = n;
			if (last && ratio > 0)
				within = all / ratio;
			snprintf(b1, sizeof(b1), "%s (ops on %s)",
				 fmt_rate((double)n), fmt_rate((double)opts.hot));
			table_row(&t, b1, fmt_rate(rate),
				  fmt_mbs(rate * SCALE_SIZE / 1e6),
				  fmt_rate(ref_rate), fmt_ratio(ratio),
				  fmt_ratio(base > 0 ? ratio / base : 0),
				  fmt_ratio(base_raw > 0 ? rate / base_raw : 0),
				  "-");
		}
	}
	table_print(&t);
	table_free(&t);
	out("Each row: sessions present in the namespace; %s seal of "
	    "1 KiB, %zu ops per SECMSG_CMD_MSG_BATCH request, each op on a "
	    "session drawn uniformly at random from all of them, every session "
	    "used once before timing, then a 1 s pause (msg/s: the best of %d "
	    "rounds of %.2f s).  "
	    "Each round is followed by one of the AF_ALG reference (1 KiB "
	    "%s seals under one key, one call each), which does not "
	    "depend on the session count; secmsg/AF_ALG is the median over the "
	    "rounds of the per-round ratio, and \"normalized\" compares it "
	    "between the steps, which discounts host load that changed between "
	    "them.  "
	    "\"first seal per session\": the rate of that first use, in order, "
	    "which also makes the session's key (lazily, per epoch) and, for "
	    "an algorithm that is not keyed in a shared transform, its "
	    "keyed transform.\n\n", secmsg_alg_name(opts.scale_alg), c.batch,
	    2 * opts.rounds < MAX_ROUNDS ? 2 * opts.rounds : MAX_ROUNDS,
	    opts.secs, afalg_kname(opts.scale_alg));

	table_init(&mt, 2, mhead, mright);
	snprintf(b1, sizeof(b1), "%s", fmt_rate((double)created_last));
	table_row(&mt, "sessions created for the memory measure (idle)", b1);
	snprintf(b1, sizeof(b1), "%.0f/s (%u threads, %.1f s)",
		 create_t > 0 ? (double)created_last / create_t : 0,
		 ncreators, create_t);
	table_row(&mt, "SESSION_NEW rate", b1);
	snprintf(b1, sizeof(b1), "%+.1f MiB", (m1.slab - m0.slab) / 1024.0);
	table_row(&mt, "Slab growth", b1);
	table_row(&mt, "kernel memory per idle session (Slab)",
		  fmt_bytes_per((double)(m1.slab - m0.slab), created_last, b2,
				sizeof(b2)));
	table_row(&mt, "kernel memory per idle session (MemAvailable)",
		  fmt_bytes_per((double)(m0.avail - m1.avail), created_last, b3,
				sizeof(b3)));
	table_row(&mt, "more per session once used (Slab)",
		  fmt_bytes_per((double)(m2.slab - m1.slab), created_last, b1,
				sizeof(b1)));
	table_row(&mt, "more per session once used (MemAvailable)",
		  fmt_bytes_per((double)(m1.avail - m2.avail), created_last, b2,
				sizeof(b2)));
	for (i = 0; i < ARRAY_SIZE(caches); i++) {
		if (!slab_cache(caches[i], &objs, &osz))
			continue;
		snprintf(b1, sizeof(b1), "slab object: %s", caches[i]);
		snprintf(b3, sizeof(b3), "%ld B (%s objects)", osz,
			 fmt_rate((double)objs));
		table_row(&mt, b1, b3);
	}
	table_print(&mt);
	table_free(&mt);
	out("Memory: /proc/meminfo after dropping caches and a pause for RCU "
	    "frees, before and after creating the %s sessions of the last "
	    "step (never used when measured), divided by their number; "
	    "\"once used\": after the first seal of each of them.  Slab counts "
	    "slab objects only (session, keys, hash-table entries); "
	    "MemAvailable also sees page-sized allocations (the hash table's "
	    "bucket array) and is noisier.\n\n",
	    fmt_rate((double)created_last));

	table_init(&mt, ARRAY_SIZE(maint_head), maint_head, maint_right);
	maint_row(&mt, "this tree (kmod/secmsg.ko)", have, &maint);
	table_print(&mt);
	table_free(&mt);
	maint_note();
	scale_goals(have, created_last, &m0, &m1, norm, within, &maint);

	creators_close(max_old);
	afalg_free(ref);
	free(ids);
	free(c.pt);
	free(c.ops);
	free(c.res);
	free(c.draw);
}

void run_maint_only(void)
{
	char what[256], v[64];
	struct cpu used;
	struct table t;
	uint64_t *ids;
	double took;
	long max_old;

	max_old = creators_open(opts.sessions);
	ids = xmalloc(opts.sessions * sizeof(*ids));
	progress("%s: creating %lu sessions (%u threads) ...", opts.maint_label,
		 opts.sessions, ncreators);
	took = create_sessions(ids, 0, opts.sessions);
	progress("%s: created in %.1f s; watching the CPU for %.0f s ...",
		 opts.maint_label, took, opts.maint_secs);
	cpu_watch(opts.maint_secs, &used);

	out("## Housekeeping of %s with %s idle sessions\n\n",
	    opts.maint_label, fmt_rate((double)opts.sessions));
	table_init(&t, ARRAY_SIZE(maint_head), maint_head, maint_right);
	maint_row(&t, opts.maint_label, opts.sessions, &used);
	table_print(&t);
	table_free(&t);
	maint_note();
	snprintf(what, sizeof(what), "housekeeping CPU of %s, %s idle "
		 "sessions, %.0f s", opts.maint_label,
		 fmt_rate((double)opts.sessions), opts.maint_secs);
	snprintf(v, sizeof(v), "%.2f s", used.busy);
	goal(what, v, "(reported)", -1);

	creators_close(max_old);
	free(ids);
}
