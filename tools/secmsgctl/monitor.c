// SPDX-License-Identifier: GPL-2.0 OR MIT
/* secmsgctl monitor: print session events until SIGINT or SIGTERM */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "secmsgctl.h"
#include "units.h"

void usage_monitor(FILE *f)
{
	fputs("usage: secmsgctl [OPTIONS] monitor\n"
	      "Print one line per session event (created, rotated, expired, deleted)\n"
	      "until interrupted; with -j, one JSON object per line.\n", f);
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int print_event(const struct secmsg_event_info *ev)
{
	struct timespec ts;
	char tb[UNITS_BUF];
	const char *link;

	/* a link between nodes: which way it carries (secmsgctl(8)) */
	link = !(ev->flags & SECMSG_SESSION_F_LINK) ? NULL :
	       ev->flags & SECMSG_SESSION_F_INITIATOR ? "out" : "in";
	clock_gettime(CLOCK_REALTIME, &ts);
	fmt_timestamp_ms((long long)ts.tv_sec, ts.tv_nsec, tb, sizeof(tb));
	if (opts.json) {
		cJSON *o = cJSON_CreateObject();
		const char *alg = secmsg_alg_name(ev->alg);
		char *s;

		if (!o)
			return EXIT_FAIL;
		cJSON_AddStringToObject(o, "time", tb);
		cJSON_AddStringToObject(o, "event", event_name(ev->event));
		json_add_id(o, "id", ev->id);
		cJSON_AddStringToObject(o, "user", ev->user_id);
		cJSON_AddStringToObject(o, "alg", alg ? alg : "unknown");
		json_add_u64(o, "epoch", ev->epoch);
		if (link)
			cJSON_AddStringToObject(o, "link", link);
		if (ev->reason)
			cJSON_AddStringToObject(o, "reason",
						reason_name(ev->reason));
		/* one object per line, even with --pretty */
		s = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
		if (!s)
			return EXIT_FAIL;
		puts(s);
		cJSON_free(s);
	} else {
		const char *alg = secmsg_alg_name(ev->alg);

		printf("%s %s id=%016" PRIx64 " user=%s alg=%s epoch=%u", tb,
		       event_name(ev->event), ev->id, ev->user_id,
		       alg ? alg : "unknown", ev->epoch);
		if (link)
			printf(" link=%s", link);
		if (ev->reason)
			printf(" reason=%s", reason_name(ev->reason));
		putchar('\n');
	}
	return fflush(stdout) ? EXIT_FAIL : 0;
}

int do_monitor(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct secmsg_nl *nl;
	sigset_t block, old;
	int err, fd, ret = 0;

	if (argc > 0 && is_help(argv[0])) {
		usage_monitor(stdout);
		return 0;
	}
	if (argc > 0)
		return usage_err("monitor: unexpected argument \"%s\"", argv[0]);

	/* Signals are only delivered inside ppoll(): no race with the flag. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	ret = ctl_open(&nl);
	if (ret)
		return ret;
	err = secmsg_events_subscribe(nl);
	if (err) {
		ret = nl_fail(nl, err, NULL, "monitor: cannot join the events group");
		goto out;
	}
	fd = secmsg_nl_fd(nl);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	while (!stop) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct secmsg_event_info ev;

		if (ppoll(&pfd, 1, NULL, &old) < 0) {
			if (errno == EINTR)
				continue;
			msg("monitor: poll: %s", strerror(errno));
			ret = EXIT_FAIL;
			break;
		}
		for (;;) {
			memset(&ev, 0, sizeof(ev));
			err = secmsg_event_recv(nl, &ev);
			if (err == -EAGAIN || err == -EINTR)
				break;
			if (err == -ENOBUFS) {
				msg("monitor: warning: events lost (receive buffer overrun)");
				continue;
			}
			if (err) {
				ret = nl_fail(nl, err, NULL, "monitor");
				goto out;
			}
			if (print_event(&ev)) {
				ret = EXIT_FAIL;
				goto out;
			}
		}
	}
out:
	secmsg_nl_close(nl);
	return ret;
}
