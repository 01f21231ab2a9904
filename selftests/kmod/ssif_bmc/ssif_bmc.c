// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only: a BMC behind SSIF (IPMI over SMBus) that the tests script,
 * for the hostile behaviours QEMU cannot play over SSIF (its smbus-ipmi
 * device returns the previous answer to a read made before an external
 * BMC's answer came, and ipmi_ssif reads at once). An SMBus adapter of
 * its own carries one device at 0x10 named "ipmi_ssif", so the real
 * ipmi_ssif driver binds to it and talks SSIF to it: block write 0x02 a
 * request, block read 0x03 its answer (a read with no answer pending is
 * NACKed, as a BMC does while it works). The BMC answers the commands
 * ipmi_ssif's probe and polling send (capabilities, global enables,
 * message flags, Get Message, Get Device ID) and 0xc1 to the rest.
 * debugfs ssif_bmc/:
 *   push     write N: N messages from the BMC in its receive queue, the
 *            "message available" flag raised (App netfn 0x06 cmd 0x01,
 *            data de ad be ef): what a host agent would take as a command
 *   attn     write 1: the flag raised with the queue empty (attention
 *            for nothing)
 *   mismatch write 1: the next answer carries another command number
 *   stats    read: requests, answers, NACKed reads, pushed, fetched
 */
#include <linux/debugfs.h>
#include <linux/i2c.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>

#define SSIF_ADDR		0x10
#define SSIF_REQUEST		0x02
#define SSIF_RESPONSE		0x03
#define NETFN_APP		0x06
#define FLAG_RCV_MSG		0x01
#define QUEUE_MAX		16
#define MSG_MAX			32

struct sim_msg {
	u8 len;
	u8 b[MSG_MAX];
};

static DEFINE_MUTEX(sim_lock);
static struct sim_msg answer;		/* len 0: none pending */
static struct sim_msg queue[QUEUE_MAX];
static unsigned int queued, flags, enables;
static bool mismatch_next;
static unsigned long n_req, n_ans, n_nack, n_pushed, n_fetched;
static struct i2c_adapter adap;
static struct i2c_client *client;
static struct dentry *dir;

static void answer_set(u8 netfn, u8 cmd, u8 cc, const u8 *data, u8 len)
{
	answer.b[0] = (netfn | 1) << 2;
	answer.b[1] = mismatch_next ? cmd ^ 0x40 : cmd;
	mismatch_next = false;
	answer.b[2] = cc;
	memcpy(answer.b + 3, data, len);
	answer.len = 3 + len;
}

/* One request (NetFn/LUN, Cmd, data): its answer, pending until read. */
static void handle(const u8 *req, u8 len)
{
	static const u8 caps[] = { 0x00, 0x00, MSG_MAX, MSG_MAX };
	static const u8 devid[] = { 0x20, 0x81, 0x01, 0x00, 0x02, 0xbf,
				    0x00, 0x00, 0x00, 0x00, 0x00 };
	u8 netfn = req[0] >> 2, cmd = req[1], v;

	n_req++;
	if (netfn != NETFN_APP) {
		answer_set(netfn, cmd, 0xc1, NULL, 0);
		return;
	}
	switch (cmd) {
	case 0x57:	/* Get System Interface Capabilities: SSIF, no multi-part */
		answer_set(netfn, cmd, 0, caps, sizeof(caps));
		break;
	case 0x01:	/* Get Device ID */
		answer_set(netfn, cmd, 0, devid, sizeof(devid));
		break;
	case 0x2e:	/* Set BMC Global Enables */
		enables = len > 2 ? req[2] : 0;
		answer_set(netfn, cmd, 0, NULL, 0);
		break;
	case 0x2f:	/* Get BMC Global Enables */
		v = enables;
		answer_set(netfn, cmd, 0, &v, 1);
		break;
	case 0x30:	/* Clear Message Flags */
		flags &= ~(len > 2 ? req[2] : 0);
		answer_set(netfn, cmd, 0, NULL, 0);
		break;
	case 0x31:	/* Get Message Flags */
		v = flags;
		answer_set(netfn, cmd, 0, &v, 1);
		break;
	case 0x33:	/* Get Message: channel 0, then the message */
		if (!queued) {
			flags &= ~FLAG_RCV_MSG;
			answer_set(netfn, cmd, 0x80, NULL, 0);	/* none */
			break;
		}
		answer_set(netfn, cmd, 0, queue[0].b, queue[0].len);
		memmove(queue, queue + 1, --queued * sizeof(queue[0]));
		if (!queued)
			flags &= ~FLAG_RCV_MSG;
		n_fetched++;
		break;
	default:
		answer_set(netfn, cmd, 0xc1, NULL, 0);
	}
}

static s32 sim_xfer(struct i2c_adapter *a, u16 addr, unsigned short fl,
		    char rw, u8 command, int size, union i2c_smbus_data *data)
{
	s32 ret = 0;

	if (addr != SSIF_ADDR || size != I2C_SMBUS_BLOCK_DATA)
		return -ENXIO;
	mutex_lock(&sim_lock);
	if (rw == I2C_SMBUS_WRITE && command == SSIF_REQUEST &&
	    data->block[0] >= 2 && data->block[0] <= MSG_MAX) {
		handle(data->block + 1, data->block[0]);
	} else if (rw == I2C_SMBUS_READ && command == SSIF_RESPONSE &&
		   answer.len) {
		data->block[0] = answer.len;
		memcpy(data->block + 1, answer.b, answer.len);
		answer.len = 0;
		n_ans++;
	} else {
		n_nack++;
		ret = -ENXIO;	/* NACK: nothing to read, or not SSIF */
	}
	mutex_unlock(&sim_lock);
	return ret;
}

static u32 sim_func(struct i2c_adapter *a)
{
	return I2C_FUNC_SMBUS_BLOCK_DATA;
}

static const struct i2c_algorithm sim_algo = {
	.smbus_xfer = sim_xfer,
	.functionality = sim_func,
};

static ssize_t push_write(struct file *f, const char __user *ubuf,
			  size_t len, loff_t *ppos)
{
	/*
	 * Get Message's data: channel 0, then the IPMB request as received
	 * (netfn/LUN, checksum over the BMC's address 0x20 and it, the
	 * requester 0x81, seq/LUN, cmd, data, checksum)
	 */
	static const u8 msg[] = { 0x00, NETFN_APP << 2, 0xc8, 0x81, 0x04,
				  0x01, 0xde, 0xad, 0xbe, 0xef, 0x42 };
	unsigned int n, i;
	int ret;

	ret = kstrtouint_from_user(ubuf, len, 0, &n);
	if (ret)
		return ret;
	mutex_lock(&sim_lock);
	for (i = 0; i < n && queued < QUEUE_MAX; i++) {
		queue[queued].len = sizeof(msg);
		memcpy(queue[queued++].b, msg, sizeof(msg));
		n_pushed++;
	}
	if (queued)
		flags |= FLAG_RCV_MSG;
	mutex_unlock(&sim_lock);
	return len;
}

/* "attn" and "mismatch": one behaviour each, armed by any write. */
enum { ARM_ATTN, ARM_MISMATCH };

static ssize_t arm_write(struct file *f, const char __user *ubuf,
			 size_t len, loff_t *ppos)
{
	mutex_lock(&sim_lock);
	if ((uintptr_t)file_inode(f)->i_private == ARM_ATTN)
		flags |= FLAG_RCV_MSG;
	else
		mismatch_next = true;
	mutex_unlock(&sim_lock);
	return len;
}

static int stats_show(struct seq_file *m, void *v)
{
	mutex_lock(&sim_lock);
	seq_printf(m, "requests=%lu answers=%lu nacks=%lu pushed=%lu fetched=%lu queued=%u flags=0x%x\n",
		   n_req, n_ans, n_nack, n_pushed, n_fetched, queued, flags);
	mutex_unlock(&sim_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static const struct file_operations push_fops = {
	.owner = THIS_MODULE, .write = push_write,
};

static const struct file_operations arm_fops = {
	.owner = THIS_MODULE, .write = arm_write,
};

static int __init ssif_bmc_init(void)
{
	struct i2c_board_info info = { I2C_BOARD_INFO("ipmi_ssif", SSIF_ADDR) };
	int ret;

	adap.owner = THIS_MODULE;
	adap.algo = &sim_algo;
	strscpy(adap.name, "bmcwatch test SSIF BMC", sizeof(adap.name));
	ret = i2c_add_adapter(&adap);
	if (ret)
		return ret;
	dir = debugfs_create_dir("ssif_bmc", NULL);
	debugfs_create_file("push", 0200, dir, NULL, &push_fops);
	debugfs_create_file("attn", 0200, dir, (void *)ARM_ATTN, &arm_fops);
	debugfs_create_file("mismatch", 0200, dir, (void *)ARM_MISMATCH,
			    &arm_fops);
	debugfs_create_file("stats", 0400, dir, NULL, &stats_fops);
	/* ipmi_ssif binds to it when loaded (now or later) */
	client = i2c_new_client_device(&adap, &info);
	if (IS_ERR(client)) {
		debugfs_remove_recursive(dir);
		i2c_del_adapter(&adap);
		return PTR_ERR(client);
	}
	return 0;
}

static void __exit ssif_bmc_exit(void)
{
	i2c_unregister_device(client);
	debugfs_remove_recursive(dir);
	i2c_del_adapter(&adap);
}

module_init(ssif_bmc_init);
module_exit(ssif_bmc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("bmcwatch test: a scriptable BMC behind SSIF (test-only)");
