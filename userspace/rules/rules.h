/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rule catalogue: every alert names one of these rules. A rule's name
 * and id are part of the interface (SIEM searches, config sections): never
 * rename or renumber one; retire it and add a new one instead.
 */
#ifndef BMCW_RULES_H
#define BMCW_RULES_H

#include <stddef.h>

#include "alert.h"

enum bmcw_rule_class {
	BMCW_CLASS_PCIE,
	BMCW_CLASS_LPC,
	BMCW_CLASS_DMA,
	BMCW_CLASS_DOORBELL,
	BMCW_CLASS_IPMI,
	BMCW_CLASS_HEALTH,
	BMCW_CLASS_USB,
	BMCW_CLASS_COUNT,
};

struct bmcw_rule {
	unsigned int id;		/* stable number, ECS rule.id */
	const char *name;		/* "pcie.config_write" */
	enum bmcw_rule_class cls;
	enum bmcw_severity severity;	/* default, the policy may override */
	const char *summary;		/* one line */
	const char *explanation;	/* what it means */
	const char *false_positives;	/* what else can cause it */
	const char *response;		/* what an operator should do */
	const char *technique;		/* MITRE ATT&CK id, NULL if none fits */
};

size_t rule_count(void);
/* Rules are numbered 0..rule_count()-1 for per-rule arrays. */
const struct bmcw_rule *rule_at(size_t index);
size_t rule_index(const struct bmcw_rule *rule);
const struct bmcw_rule *rule_find(const char *name);
const char *rule_class_name(enum bmcw_rule_class cls);

#define rule_for_each(r, i) \
	for ((i) = 0; (i) < rule_count() && ((r) = rule_at(i)); (i)++)

#endif /* BMCW_RULES_H */
