// SPDX-License-Identifier: GPL-2.0
/* The JSON writer and error reporting every subcommand shares. */
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"

void jsonw_print(struct json_object *o)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE |
		    (cli.pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
		     JSON_C_TO_STRING_PLAIN);

	puts(json_object_to_json_string_ext(o, flags));
	json_object_put(o);
}

void jsonw_print_line(struct json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(stdout);
	json_object_put(o);
}

struct json_object *jsonw_str(const char *s)
{
	return json_object_new_string(s ? s : "");
}

static void verr(const char *fmt, va_list ap)
{
	char msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (cli.json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "error", json_object_new_string(msg));
		jsonw_print(o);
	} else {
		fprintf(stderr, "Error: %s\n", msg);
	}
}

int cli_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(fmt, ap);
	va_end(ap);
	return 1;
}

int cli_usage_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	/* Warnings never go to stdout: they would break --json consumers. */
	fprintf(stderr, "Warning: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
