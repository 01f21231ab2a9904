// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for what the CLI reads from the daemon: the status file
 * and a line of the JSON alert log, plus the daemon's own reading of the
 * status file a previous daemon left (prev_run.c). Every parser gets every
 * input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/parse.h"
#include "prev_run.h"

static bool alive(pid_t pid)
{
	(void)pid;
	return false;	/* every previous daemon is dead */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cli_status st;	/* large: keep it off the stack */
	struct cli_event ev;
	char err[512];

	memset(&st, 0, sizeof(st));
	if (cli_status_parse((const char *)data, size, &st, err, sizeof(err)) == 0) {
		if (st.n_monitors > CLI_STATUS_MAX_MONITORS ||
		    st.n_outputs > CLI_STATUS_MAX_OUTPUTS)
			abort();
		cli_status_json_log(&st);
		/* What status prints from it: bounded, whatever the strings hold. */
		{
			static char text[CLI_STATUS_MAX_OUTPUTS * 800];
			struct json_object *o = cli_status_outputs_json(&st);

			if (cli_status_outputs_text(&st, text, sizeof(text)) >= sizeof(text))
				abort();
			json_object_put(o);
		}
	}
	memset(&ev, 0, sizeof(ev));
	cli_event_parse((const char *)data, size, &ev, err, sizeof(err));
	{
		pid_t pid = 0;

		if (prev_run_unclean((const char *)data, size, 1, alive, &pid) &&
		    pid <= 1)
			abort();
	}
	return 0;
}
