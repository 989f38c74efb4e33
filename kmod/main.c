// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
static int __init secmsg_init(void) { return 0; }
static void __exit secmsg_exit(void) { }
module_init(secmsg_init);
module_exit(secmsg_exit);
MODULE_LICENSE("GPL");
