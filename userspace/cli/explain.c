// SPDX-License-Identifier: GPL-2.0
/* bmcwatch explain [RULE]: the rule catalogue, for people. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "rules.h"

static struct json_object *rule_json(const struct bmcw_rule *r)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", jsonw_str(r->name));
	json_object_object_add(o, "id", json_object_new_int(r->id));
	json_object_object_add(o, "class", jsonw_str(rule_class_name(r->cls)));
	json_object_object_add(o, "severity", jsonw_str(severity_name(r->severity)));
	json_object_object_add(o, "summary", jsonw_str(r->summary));
	json_object_object_add(o, "explanation", jsonw_str(r->explanation));
	json_object_object_add(o, "false_positives", jsonw_str(r->false_positives));
	json_object_object_add(o, "response", jsonw_str(r->response));
	json_object_object_add(o, "technique",
			       r->technique ? jsonw_str(r->technique) : NULL);
	return o;
}

/* Paragraphs wrapped at 76 columns, indented by 4. */
static void wrap(const char *text)
{
	const char *p = text;

	while (*p) {
		size_t n = strlen(p), cut = n;

		if (n > 72) {
			cut = 72;
			while (cut && p[cut] != ' ')
				cut--;
			if (!cut)
				cut = 72;
		}
		printf("    %.*s\n", (int)cut, p);
		p += cut;
		while (*p == ' ')
			p++;
	}
}

int do_explain(int argc, char **argv)
{
	const struct bmcw_rule *r;
	size_t i;

	if (argc > 2)
		return cli_usage_err("explain: one RULE at a time");
	if (argc == 1) {
		if (cli.json) {
			struct json_object *arr = json_object_new_array();

			rule_for_each(r, i)
				json_object_array_add(arr, rule_json(r));
			jsonw_print(arr);
			return 0;
		}
		printf("%-4s  %-32s  %-8s  %s\n", "ID", "RULE", "SEVERITY", "SUMMARY");
		rule_for_each(r, i)
			printf("%-4u  %-32s  %-8s  %s\n", r->id, r->name,
			       severity_name(r->severity), r->summary);
		return 0;
	}
	/* By name, or by number: SIEMs show rule.id */
	r = NULL;
	for (i = 0; i < rule_count() && !r; i++) {
		const struct bmcw_rule *c = rule_at(i);
		char id[16];

		snprintf(id, sizeof(id), "%u", c->id);
		if (!strcmp(c->name, argv[1]) || !strcmp(id, argv[1]))
			r = c;
	}
	if (!r)
		return cli_err("explain: no rule '%s'; 'bmcwatch explain' lists them", argv[1]);
	if (cli.json) {
		jsonw_print(rule_json(r));
		return 0;
	}
	printf("%s (id %u, class %s, default severity %s%s%s)\n", r->name, r->id,
	       rule_class_name(r->cls), severity_name(r->severity),
	       r->technique ? ", ATT&CK " : "", r->technique ? r->technique : "");
	printf("  %s\n\nWhat it means:\n", r->summary);
	wrap(r->explanation);
	printf("\nFalse positives:\n");
	wrap(r->false_positives);
	printf("\nWhat to do:\n");
	wrap(r->response);
	printf("\nTune it in bmcwatch.conf(5): [rule \"%s\"] severity/threshold/allow_process/enabled.\n",
	       r->name);
	return 0;
}
