// SPDX-License-Identifier: GPL-2.0
/*
 * Per-session timers: expiry, time-based rotation and the end of grace,
 * found in O(due) sessions.
 *
 * Every session's timer is armed for its next deadline: the earliest of
 * its absolute and idle expiry, the pending handshake's timeout, the next
 * time-based rotation and the end of grace of its oldest kept inbound
 * epoch.  The per-message path never touches the timer: use only moves
 * last_used_ns, so the idle deadline moves later, and a timer that fires
 * early finds nothing due and re-arms itself for the new deadline, with
 * no lock.  A timer that finds its session due puts it, referenced, on the
 * namespace's due list and queues the namespace's work item, which does
 * what needs the mutexes or sleeps (delete, rotate, key puts) in process
 * context and arms the timer again.  Whoever moves a deadline earlier
 * (SESSION_SET, a rotation's grace, confirmation) pulls the timer.
 *
 * The timer wheel rounds an expiry up by as much as an eighth of the
 * delay, so a timer more than a second out is aimed at seven eighths of
 * the way and simply re-armed from there: a deadline is never met late by
 * more than the wheel's granularity at a second (32 ms at HZ=250), and a
 * far deadline costs a handful of early firings, not a late one.
 */
#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/rcupdate.h>
#include <linux/timer.h>

#include "secmsg.h"
#include "session.h"
#include "timers.h"

#define DUE_NEVER	ULONG_MAX
/* the farthest a timer is armed; beyond, it fires and looks again */
#define ARM_MAX		(24UL * 3600 * HZ)

static unsigned long ns_to_jiffies_up(u64 ns)
{
	return ns >= (u64)ARM_MAX * TICK_NSEC ? ARM_MAX :
	       (unsigned long)DIV_ROUND_UP_ULL(ns, TICK_NSEC);
}

/*
 * Jiffies from now until the session's next deadline: 0 when one has
 * come, DUE_NEVER when it has none.  Lock-free: the fields it reads are
 * each read once, and the inbound keys under RCU.
 */
static unsigned long session_due_in(struct secmsg_session *s)
{
	unsigned long in = DUE_NEVER, j = jiffies, g;
	u64 now = secmsg_now(), t = U64_MAX, at;
	struct secmsg_key *prev;
	int i;

	if (READ_ONCE(s->state) == SECMSG_STATE_PENDING) {
		t = secmsg_session_pending_until(s);
	} else {
		at = secmsg_session_rekey_at(s);
		if (at)
			t = at;
	}
	at = secmsg_session_expires(s);
	if (at)
		t = min(t, at);
	if (t != U64_MAX)
		in = t <= now ? 0 : ns_to_jiffies_up(t - now);

	rcu_read_lock();
	for (i = 0; i < SECMSG_RX_PREV && in; i++) {
		prev = rcu_dereference(s->rx_prev[i]);
		if (!prev)
			continue;
		g = READ_ONCE(prev->grace_until);
		in = min(in, time_after(g, j) ? g - j : 0);
	}
	rcu_read_unlock();
	return in;
}

/* Where to aim for a deadline in jiffies away (see the top of the file). */
static unsigned long aim(unsigned long in)
{
	return jiffies + (in > HZ ? in - in / 8 : in);
}

/*
 * Set the timer for a deadline in jiffies away.  Called in an arming
 * section: under RCU, having seen the session alive (session.h).
 */
static void timer_set(struct secmsg_session *s, unsigned long in)
{
	unsigned long at = aim(in);

	mod_timer(&s->timer, at);
	/*
	 * A deadline pulled earlier while in was computed would be lost by
	 * that mod_timer: look again.  Pairs with secmsg_timer_pull(), which
	 * changes first and looks after.
	 */
	smp_mb();
	in = session_due_in(s);
	if (in != DUE_NEVER && time_before(aim(in), at))
		timer_reduce(&s->timer, aim(in));
}

static void session_timer_fn(struct timer_list *t)
{
	struct secmsg_session *s = from_timer(s, t, timer);
	struct secmsg_net *sn;
	unsigned long in;

	rcu_read_lock();
	if (READ_ONCE(s->dead))
		goto out;
	in = session_due_in(s);
	if (in) {
		/* early: used since, or a policy changed; or nothing left */
		if (in != DUE_NEVER)
			timer_set(s, in);
		goto out;
	}
	/* due: to the work, once, holding a reference */
	if (atomic_xchg(&s->due, 1))
		goto out;
	if (!refcount_inc_not_zero(&s->ref)) {
		atomic_set(&s->due, 0);
		goto out;
	}
	sn = s->sn;
	llist_add(&s->due_node, &sn->due);
	queue_work(secmsg_wq, &sn->due_work);
out:
	rcu_read_unlock();
}

void secmsg_timer_init(struct secmsg_session *s)
{
	timer_setup(&s->timer, session_timer_fn, 0);
}

void secmsg_timer_arm(struct secmsg_session *s)
{
	unsigned long in;

	rcu_read_lock();
	if (!READ_ONCE(s->dead)) {
		in = session_due_in(s);
		/*
		 * Still due right after its maintenance: what was due failed
		 * (a rotation without memory): try again in a second.
		 */
		if (!in)
			in = HZ;
		if (in != DUE_NEVER)
			timer_set(s, in);
	}
	rcu_read_unlock();
}

void secmsg_timer_pull(struct secmsg_session *s)
{
	unsigned long in;

	smp_mb();	/* the change before the look: pairs with timer_set() */
	rcu_read_lock();
	if (!READ_ONCE(s->dead)) {
		in = session_due_in(s);
		if (in != DUE_NEVER)
			timer_reduce(&s->timer, aim(in));
	}
	rcu_read_unlock();
}

void secmsg_timer_stop(struct secmsg_session *s)
{
	/* and no arming from here on, should a rule of session.h be broken */
	timer_shutdown_sync(&s->timer);
}

/* The namespace's due sessions, in process context. */
static void sessions_due_work(struct work_struct *w)
{
	struct secmsg_net *sn = container_of(w, struct secmsg_net, due_work);
	struct llist_node *list = llist_del_all(&sn->due);
	struct secmsg_session *s, *tmp;

	llist_for_each_entry_safe(s, tmp, list, due_node) {
		/* a deadline that comes from here on queues it again */
		atomic_set(&s->due, 0);
		smp_mb();	/* before maintain looks: pairs with the timer's xchg */
		secmsg_session_maintain(s);
		secmsg_session_put(s);
		cond_resched();
	}
}

void secmsg_timers_init(struct secmsg_net *sn)
{
	init_llist_head(&sn->due);
	INIT_WORK(&sn->due_work, sessions_due_work);
}

void secmsg_timers_exit(struct secmsg_net *sn)
{
	/*
	 * Every session is dead now; a timer callback that saw one alive may
	 * still be queueing it: wait for those (they run under RCU), then
	 * for the work, which puts what they queued.
	 */
	synchronize_rcu();
	flush_work(&sn->due_work);
	WARN_ON(!llist_empty(&sn->due));
}
