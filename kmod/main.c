// SPDX-License-Identifier: GPL-2.0
/*
 * secmsg.ko: kernel-resident keys and ciphers for secure messaging.
 *
 * A per-network-namespace store of messaging sessions and the cipher
 * operations on them, driven over the "secmsg" generic netlink family
 * (uapi/linux/secmsg.h).
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>

#include "hkdf.h"
#include "key.h"
#include "netlink.h"
#include "netns.h"
#include "secmsg.h"
#include "session.h"

struct workqueue_struct *secmsg_wq;

unsigned int secmsg_max_sessions = 262144;
module_param_named(max_sessions, secmsg_max_sessions, uint, 0644);
MODULE_PARM_DESC(max_sessions, "most sessions per network namespace");

unsigned int secmsg_max_pending = 1024;
module_param_named(max_pending, secmsg_max_pending, uint, 0644);
MODULE_PARM_DESC(max_pending,
		 "most unconfirmed handshakes per network namespace");

unsigned int secmsg_pending_timeout = 10;
module_param_named(pending_timeout, secmsg_pending_timeout, uint, 0644);
MODULE_PARM_DESC(pending_timeout,
		 "seconds a handshake may stay unconfirmed");

/* Deferred frees may queue further deferred frees: drain both levels. */
static void secmsg_drain(void)
{
	int i;

	for (i = 0; i < 3; i++) {
		rcu_barrier();
		flush_workqueue(secmsg_wq);
	}
}

static int __init secmsg_init(void)
{
	int err;

	secmsg_wq = alloc_workqueue("secmsg", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!secmsg_wq)
		return -ENOMEM;
	secmsg_aead_init();
	err = secmsg_hkdf_init();
	if (err)
		goto err_wq;
	err = secmsg_key_init();
	if (err)
		goto err_hkdf;
	err = secmsg_session_cache_init();
	if (err)
		goto err_key;
	err = secmsg_netns_init();
	if (err)
		goto err_session;
	err = secmsg_nl_init();
	if (err)
		goto err_netns;
	pr_info("secmsg: version %s loaded (max_sessions=%u)\n", SECMSG_VERSION,
		secmsg_max_sessions);
	return 0;

err_netns:
	secmsg_netns_exit();
err_session:
	secmsg_drain();
	secmsg_session_cache_exit();
err_key:
	secmsg_key_exit();
err_hkdf:
	secmsg_hkdf_exit();
err_wq:
	destroy_workqueue(secmsg_wq);
	return err;
}

static void __exit secmsg_exit(void)
{
	secmsg_nl_exit();
	secmsg_netns_exit();
	secmsg_drain();
	secmsg_session_cache_exit();
	secmsg_key_exit();
	secmsg_hkdf_exit();
	destroy_workqueue(secmsg_wq);
}

module_init(secmsg_init);
module_exit(secmsg_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("secmsg developers");
MODULE_DESCRIPTION("Kernel-resident keys and ciphers for secure messaging");
MODULE_VERSION(SECMSG_VERSION);
MODULE_ALIAS_GENL_FAMILY(SECMSG_GENL_NAME);
MODULE_SOFTDEP("pre: gcm chacha20poly1305 twofish authenc hmac sha256 cbc curve25519");
