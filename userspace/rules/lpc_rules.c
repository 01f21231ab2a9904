// SPDX-License-Identifier: GPL-2.0
/*
 * LPC rules. The facts they rest on:
 *  - /dev/port moves byte i of a transfer to/from port offset + i
 *    (drivers/char/mem.c); after ioperm()/iopl(3) the process's in/out
 *    instructions no longer enter the kernel, so the grant is what is seen;
 *  - IPMI 2.0 system interfaces: KCS 0xCA2-0xCA3, SMIC 0xCA9-0xCAB,
 *    BT 0xE4-0xE6 by default (section 9.x and appendix C1);
 *  - SuperIO configuration: index at 0x2E or 0x4E, data at index + 1.
 *    Entering configuration mode writes a key twice to the index port:
 *    0xA5 0xA5 on ASPEED BMCs, 0x87 0x87 on Nuvoton/Winbond parts; 0xAA
 *    leaves it. Register 0x07 selects the logical device. ASPEED LDNs (as
 *    documented by culvert): 0x02/0x03/0x0B/0x0C SUARTs, 0x04 wakeup, 0x07
 *    GPIO, 0x0D iLPC2AHB, 0x0E mailbox. iLPC2AHB: 0x30 bit 0 enables it,
 *    0xF0-0xF3 BMC address (most significant byte first), 0xF4-0xF7 data,
 *    0xF8 access size, reading 0xFE starts a read and writing 0xCF to 0xFE
 *    a write of the BMC's memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lpc_rules.h"

#define SIO_LDN_REG		0x07
#define SIO_KEY_ASPEED		0xa5
#define SIO_KEY_NUVOTON		0x87
#define SIO_LOCK		0xaa
#define AST_LDN_ILPC2AHB	0x0d
#define ILPC_ENABLE		0x30
#define ILPC_ADDR		0xf0	/* .. 0xf3 */
#define ILPC_DATA		0xf4	/* .. 0xf7 */
#define ILPC_SIZE		0xf8
#define ILPC_TRIGGER		0xfe
#define ILPC_TRIGGER_WRITE	0xcf

static const struct {
	uint16_t lo, hi;
	const char *name;
} known_ports[] = {
	{ 0x2e, 0x2f, "superio" }, { 0x4e, 0x4f, "superio" },
	{ 0xca2, 0xca3, "kcs" }, { 0xca9, 0xcab, "smic" },
	{ 0xe4, 0xe6, "bt" }, { 0x80, 0x80, "post" },
};

const char *lpc_port_name(uint16_t port)
{
	for (size_t i = 0; i < sizeof(known_ports) / sizeof(known_ports[0]); i++)
		if (port >= known_ports[i].lo && port <= known_ports[i].hi)
			return known_ports[i].name;
	return "";
}

static const char *ast_ldn_name(uint8_t ldn)
{
	switch (ldn) {
	case 0x02: return "SUART1";
	case 0x03: return "SUART2";
	case 0x04: return "wakeup";
	case 0x07: return "GPIO";
	case 0x0b: return "SUART3";
	case 0x0c: return "SUART4";
	case 0x0d: return "iLPC2AHB";
	case 0x0e: return "mailbox";
	default:   return "unknown";
	}
}

int lpc_state_watch(struct lpc_state *st, struct lpc_port_range r)
{
	/* Already covered (the driver's sub-claims of one KCS range): skip */
	for (unsigned int i = 0; i < st->nwatch; i++)
		if (st->watch[i].lo <= r.lo && r.hi <= st->watch[i].hi)
			return 0;
	if (st->nwatch >= POLICY_LPC_MAX_WATCH)
		return -1;
	st->watch[st->nwatch++] = r;
	return 0;
}

void lpc_state_init(struct lpc_state *st, const struct lpc_port_range *watch,
		    unsigned int n)
{
	memset(st, 0, sizeof(*st));
	for (unsigned int i = 0; i < n; i++)
		lpc_state_watch(st, watch[i]);
	st->sio[0].base = 0x2e;
	st->sio[1].base = 0x4e;
}

bool lpc_watched(const struct lpc_state *st, uint32_t first, uint32_t last)
{
	for (unsigned int i = 0; i < st->nwatch; i++)
		if (first <= st->watch[i].hi && last >= st->watch[i].lo)
			return true;
	return false;
}

/* "0x2e-0x2f (superio), 0xca2-0xca3 (kcs)": watched ranges overlapped. */
static void covered(const struct lpc_state *st, uint32_t first, uint32_t last,
		    char *buf, size_t len, bool *superio)
{
	size_t used = 0;

	buf[0] = '\0';
	*superio = false;
	for (unsigned int i = 0; i < st->nwatch && used < len; i++) {
		const struct lpc_port_range *r = &st->watch[i];
		const char *name = lpc_port_name(r->lo);

		if (first > r->hi || last < r->lo)
			continue;
		if (!strcmp(name, "superio"))
			*superio = true;
		used += snprintf(buf + used, len - used, "%s0x%x-0x%x%s%s%s",
				 used ? ", " : "", r->lo, r->hi,
				 *name ? " (" : "", name, *name ? ")" : "");
	}
}

static struct bmcw_alert *start(struct bmcw_alert *out, int *n,
				const char *rule, enum bmcw_severity sev,
				const struct bmcw_lpc_port *p, const char *exe)
{
	struct bmcw_alert *al;
	struct bmcw_subject *s;

	if (*n >= LPC_RULES_MAX_ALERTS)
		return NULL;
	al = &out[(*n)++];
	s = &al->subject;
	memset(al, 0, sizeof(*al));
	al->rule = rule;
	al->severity = sev;
	s->has_process = 1;
	s->pid = p->pid;
	memcpy(s->comm, p->comm, sizeof(s->comm) - 1);
	snprintf(s->exe, sizeof(s->exe), "%s", exe ? exe : "");
	return al;
}

static void hexbytes(char *buf, size_t len, const uint8_t *v, unsigned int n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < n && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%02x", i ? " " : "",
				 v[i]);
}

static int rule_grant(struct lpc_state *st, const struct bmcw_lpc_port *p,
		      const char *exe, struct bmcw_alert *out, int n)
{
	uint32_t first = p->port, last;
	struct bmcw_alert *al;
	char cov[160], what[48];
	bool superio;

	if (p->kind == BMCW_LPC_IOPL) {
		/* Only level 3 opens the ports (arch/x86/kernel/ioport.c) */
		if (p->arg != 3)
			return n;
		first = 0;
		last = 0xffff;
		snprintf(what, sizeof(what), "iopl(%u)", p->arg);
	} else {
		if (!p->count)
			return n;
		last = first + p->count - 1;
		if (last > 0xffff || last < first)
			last = 0xffff;
		snprintf(what, sizeof(what), "ioperm(0x%x, %u)", p->port,
			 p->count);
	}
	if (!lpc_watched(st, first, last))
		return n;
	covered(st, first, last, cov, sizeof(cov), &superio);
	al = start(out, &n, "lpc.port_access",
		   p->result == 0 && superio ? BMCW_SEV_WARNING :
		   BMCW_SEV_NOTICE, p, exe);
	if (!al)
		return n;
	snprintf(al->subject.locus, sizeof(al->subject.locus), "%s", what);
	snprintf(al->message, sizeof(al->message),
		 "%.16s (pid %u) %s %s on I/O ports 0x%x-0x%x covering %s",
		 p->comm, p->pid, p->result == 0 ? "was granted" :
		 "was refused", what, first, last, cov);
	snprintf(al->why, sizeof(al->why), "%s",
		 p->result == 0 ?
		 "after this grant the process's in/out instructions reach the BMC's ports without the kernel seeing them" :
		 "a process tried to take raw access to the BMC's I/O ports (refused)");
	alert_add_extra(al, "ports", "0x%x-0x%x", first, last);
	alert_add_extra(al, "covers", "%s", cov);
	alert_add_extra(al, "result", "%d", p->result);
	return n;
}

static struct bmcw_alert *sio_alert(struct bmcw_alert *out, int *n,
				    const struct bmcw_lpc_port *p,
				    const char *exe,
				    const struct sio_state *s,
				    const char *step)
{
	struct bmcw_alert *al = start(out, n, "lpc.superio_unlock",
				      BMCW_SEV_CRITICAL, p, exe);

	if (!al)
		return NULL;
	snprintf(al->subject.locus, sizeof(al->subject.locus),
		 "superio 0x%x %s", s->base, step);
	alert_add_extra(al, "superio", "0x%x", s->base);
	alert_add_extra(al, "step", "%s", step);
	return al;
}

static int sio_index_write(struct sio_state *s, uint8_t v,
			   const struct bmcw_lpc_port *p, const char *exe,
			   struct bmcw_alert *out, int n)
{
	struct bmcw_alert *al;

	if (v == SIO_KEY_ASPEED || v == SIO_KEY_NUVOTON) {
		if (s->key != v) {
			s->key = v;
			return n;
		}
		s->key = 0;
		s->unlocked = true;
		s->index_valid = false;
		s->ldn_valid = false;
		al = sio_alert(out, &n, p, exe, s, "unlock");
		if (!al)
			return n;
		snprintf(al->message, sizeof(al->message),
			 "%.16s (pid %u) wrote the %s unlock sequence 0x%02x 0x%02x to SuperIO index port 0x%x",
			 p->comm, p->pid,
			 v == SIO_KEY_ASPEED ? "ASPEED" : "Nuvoton/Winbond",
			 v, v, s->base);
		snprintf(al->why, sizeof(al->why), "%s",
			 v == SIO_KEY_ASPEED ?
			 "an unlocked ASPEED SuperIO gives the host the iLPC2AHB bridge into the BMC's memory (CVE-2019-6260)" :
			 "an unlocked SuperIO lets the host reconfigure the BMC-side logical devices");
		return n;
	}
	s->key = 0;
	if (v == SIO_LOCK) {
		s->unlocked = false;
		s->index_valid = false;
		return n;
	}
	s->index = v;
	s->index_valid = true;
	return n;
}

static int ilpc_write(struct sio_state *s, uint8_t v,
		      const struct bmcw_lpc_port *p, const char *exe,
		      struct bmcw_alert *out, int n)
{
	unsigned int shift = 8 * (3 - (s->index & 3));
	struct bmcw_alert *al = NULL;

	if (s->index >= ILPC_ADDR && s->index < ILPC_ADDR + 4) {
		s->ahb_addr = (s->ahb_addr & ~(0xffu << shift)) |
			      (uint32_t)v << shift;
	} else if (s->index >= ILPC_DATA && s->index < ILPC_DATA + 4) {
		s->ahb_data = (s->ahb_data & ~(0xffu << shift)) |
			      (uint32_t)v << shift;
	} else if (s->index == ILPC_SIZE) {
		s->ahb_size = v;
	} else if (s->index == ILPC_ENABLE) {
		al = sio_alert(out, &n, p, exe, s, "ilpc2ahb enable");
		if (al)
			snprintf(al->message, sizeof(al->message),
				 "%.16s (pid %u) %s the ASPEED iLPC2AHB bridge (SuperIO 0x%x, LDN 0x0d reg 0x30 = 0x%02x)",
				 p->comm, p->pid, v & 1 ? "enabled" : "disabled",
				 s->base, v);
	} else if (s->index == ILPC_TRIGGER && v == ILPC_TRIGGER_WRITE) {
		al = sio_alert(out, &n, p, exe, s, "ilpc2ahb write");
		if (al) {
			snprintf(al->message, sizeof(al->message),
				 "%.16s (pid %u) wrote 0x%08x to BMC address 0x%08x through iLPC2AHB (SuperIO 0x%x)",
				 p->comm, p->pid, s->ahb_data, s->ahb_addr,
				 s->base);
			alert_add_extra(al, "bmc_address", "0x%08x",
					s->ahb_addr);
			alert_add_extra(al, "data", "0x%08x", s->ahb_data);
		}
	}
	if (al)
		snprintf(al->why, sizeof(al->why),
			 "iLPC2AHB reads and writes the BMC's own memory and registers from the host (CVE-2019-6260)");
	return n;
}

static int sio_data_write(struct sio_state *s, uint8_t v,
			  const struct bmcw_lpc_port *p, const char *exe,
			  struct bmcw_alert *out, int n)
{
	struct bmcw_alert *al;
	char step[24];

	if (!s->index_valid)
		return n;
	if (s->index == SIO_LDN_REG) {
		s->ldn = v;
		s->ldn_valid = true;
		if (!s->unlocked)
			return n;
		snprintf(step, sizeof(step), "ldn 0x%02x", v);
		al = sio_alert(out, &n, p, exe, s, step);
		if (!al)
			return n;
		snprintf(al->message, sizeof(al->message),
			 "%.16s (pid %u) selected SuperIO logical device 0x%02x (ASPEED %s) at 0x%x after unlocking it",
			 p->comm, p->pid, v, ast_ldn_name(v), s->base);
		snprintf(al->why, sizeof(al->why), "%s",
			 v == AST_LDN_ILPC2AHB ?
			 "LDN 0x0D is the ASPEED iLPC2AHB bridge, which reads and writes the BMC's memory (CVE-2019-6260)" :
			 "the host is reconfiguring a BMC logical device through SuperIO");
		alert_add_extra(al, "ldn", "0x%02x", v);
		return n;
	}
	if (s->ldn_valid && s->ldn == AST_LDN_ILPC2AHB)
		n = ilpc_write(s, v, p, exe, out, n);
	return n;
}

static int sio_data_read(struct sio_state *s, const struct bmcw_lpc_port *p,
			 const char *exe, struct bmcw_alert *out, int n)
{
	struct bmcw_alert *al;

	if (!s->index_valid || !s->ldn_valid || s->ldn != AST_LDN_ILPC2AHB ||
	    s->index != ILPC_TRIGGER)
		return n;
	al = sio_alert(out, &n, p, exe, s, "ilpc2ahb read");
	if (!al)
		return n;
	snprintf(al->message, sizeof(al->message),
		 "%.16s (pid %u) read BMC address 0x%08x through iLPC2AHB (SuperIO 0x%x)",
		 p->comm, p->pid, s->ahb_addr, s->base);
	snprintf(al->why, sizeof(al->why),
		 "iLPC2AHB reads and writes the BMC's own memory and registers from the host (CVE-2019-6260)");
	alert_add_extra(al, "bmc_address", "0x%08x", s->ahb_addr);
	return n;
}

static int rule_transfer(struct lpc_state *st, const struct bmcw_lpc_port *p,
			 const char *exe, struct bmcw_alert *out, int n)
{
	bool write = p->kind == BMCW_LPC_PORT_WRITE;
	uint32_t first = p->port, last = p->port + p->count - 1;
	unsigned int moved = p->result > 0 ? (unsigned int)p->result : 0;
	struct bmcw_alert *al;
	const char *name;
	char vals[3 * BMCW_LPC_MAX_VALS + 1];

	if (!p->count || first > 0xffff)
		return n;
	if (last > 0xffff || last < first)
		last = 0xffff;
	if (!lpc_watched(st, first, last))
		return n;
	if (moved > p->nvals)
		moved = p->nvals;
	hexbytes(vals, sizeof(vals), p->vals, moved);
	name = lpc_port_name(first);
	al = start(out, &n, "lpc.port_access", BMCW_SEV_NOTICE, p, exe);
	if (al) {
		snprintf(al->subject.locus, sizeof(al->subject.locus),
			 "port 0x%x", first);
		snprintf(al->message, sizeof(al->message),
			 "%.16s (pid %u) %s %u byte(s) %s I/O port 0x%x%s%s%s through /dev/port%s%s",
			 p->comm, p->pid, write ? "wrote" : "read", p->count,
			 write ? "to" : "from", first, *name ? " (" : "", name,
			 *name ? ")" : "", moved ? ": " : "", vals);
		snprintf(al->why, sizeof(al->why),
			 "raw port I/O on the BMC's LPC ports bypasses every driver; IPMI tools use /dev/ipmi0 instead");
		alert_add_extra(al, "ports", "0x%x-0x%x", first, last);
		alert_add_extra(al, "dir", "%s", write ? "write" : "read");
		alert_add_extra(al, "values", "%s", vals);
		alert_add_extra(al, "result", "%d", p->result);
	}
	/* Decode SuperIO: byte i went to port first + i. */
	for (unsigned int i = 0; i < moved; i++) {
		uint32_t port = first + i;

		for (int k = 0; k < 2; k++) {
			struct sio_state *s = &st->sio[k];

			if (!lpc_watched(st, s->base, s->base))
				continue;
			if (port == s->base && write)
				n = sio_index_write(s, p->vals[i], p, exe, out, n);
			else if (port == s->base + 1u && write)
				n = sio_data_write(s, p->vals[i], p, exe, out, n);
			else if (port == s->base + 1u)
				n = sio_data_read(s, p, exe, out, n);
		}
	}
	return n;
}

int lpc_rules_port(struct lpc_state *st, const struct bmcw_lpc_port *p,
		   const char *exe, struct bmcw_alert *out)
{
	switch (p->kind) {
	case BMCW_LPC_IOPERM:
	case BMCW_LPC_IOPL:
		return rule_grant(st, p, exe, out, 0);
	case BMCW_LPC_PORT_READ:
	case BMCW_LPC_PORT_WRITE:
		return rule_transfer(st, p, exe, out, 0);
	default:
		return 0;
	}
}

static const char *mmio_how(uint8_t kind)
{
	switch (kind) {
	case BMCW_MMIO_SYSFS_MMAP:	return "mapped";
	case BMCW_MMIO_SYSFS_READ:	return "read";
	case BMCW_MMIO_SYSFS_WRITE:	return "wrote";
	case BMCW_MMIO_DEVMEM_MMAP:	return "mapped through /dev/mem";
	case BMCW_MMIO_DEVMEM_READ:	return "read through /dev/mem";
	case BMCW_MMIO_DEVMEM_WRITE:	return "wrote through /dev/mem";
	default:			return "touched";
	}
}

int lpc_rules_mmio(const struct bmcw_lpc_mmio *m, const char *exe,
		   uint16_t vendor, uint16_t device, struct bmcw_alert *out)
{
	struct bmcw_alert *al = out;
	struct bmcw_subject *s = &al->subject;
	bool devmem = m->kind >= BMCW_MMIO_DEVMEM_MMAP;

	if (!(m->fn_flags & BMCW_FN_BMC))
		return 0;
	memset(al, 0, sizeof(*al));
	al->rule = "pcie.bmc_mmio_map";
	/* Writing into a BMC window is worse than looking at it. */
	al->severity = m->prot & BMCW_MMIO_PROT_WRITE ? BMCW_SEV_CRITICAL :
							BMCW_SEV_WARNING;
	s->has_device = 1;
	snprintf(s->bdf, sizeof(s->bdf), "%04x:%02x:%02x.%u", m->seg, m->bus,
		 m->devfn >> 3, m->devfn & 7);
	s->vendor = vendor;
	s->device = device;
	s->fn_flags = m->fn_flags;
	s->has_process = 1;
	s->pid = m->pid;
	memcpy(s->comm, m->comm, sizeof(s->comm) - 1);
	snprintf(s->exe, sizeof(s->exe), "%s", exe ? exe : "");
	snprintf(s->locus, sizeof(s->locus), "bar%u %s", m->bar,
		 devmem ? "/dev/mem" : "sysfs");
	snprintf(al->message, sizeof(al->message),
		 "%.16s (pid %u) %s 0x%llx bytes of BAR%u of BMC function %s at 0x%llx (offset 0x%llx, %s%s)%s",
		 m->comm, m->pid, mmio_how(m->kind), (unsigned long long)m->len,
		 m->bar, s->bdf, (unsigned long long)m->addr,
		 (unsigned long long)m->offset,
		 m->prot & BMCW_MMIO_PROT_READ ? "r" : "",
		 m->prot & BMCW_MMIO_PROT_WRITE ? "w" : "",
		 m->result < 0 ? ", refused" : "");
	snprintf(al->why, sizeof(al->why),
		 "a BMC function's BARs are windows into the BMC (the ASPEED P2A bridge maps the BMC's address space, CVE-2019-6260); only its driver should touch them");
	alert_add_extra(al, "addr", "0x%llx", (unsigned long long)m->addr);
	alert_add_extra(al, "len", "0x%llx", (unsigned long long)m->len);
	alert_add_extra(al, "result", "%d", m->result);
	return 1;
}

int lpc_ioports_ipmi(const char *text, struct lpc_port_range *out, int max)
{
	const char *line = text;
	int n = 0;

	while (line && *line && n < max) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char buf[256], *colon;
		unsigned int lo, hi;

		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, line, len);
		buf[len] = '\0';
		line = nl ? nl + 1 : NULL;
		colon = strstr(buf, " : ");
		if (!colon || sscanf(buf, " %x-%x", &lo, &hi) != 2 ||
		    lo > hi || hi > 0xffff)
			continue;
		if (!strstr(colon, "IPI0001") && !strcasestr(colon, "ipmi"))
			continue;
		out[n].lo = lo;
		out[n].hi = hi;
		n++;
	}
	return n;
}
