/* SPDX-License-Identifier: GPL-2.0 */
/* A line-oriented file sink shared by the json: and cef: outputs. */
#ifndef BMCW_OUTPUT_FILE_H
#define BMCW_OUTPUT_FILE_H

struct output;

/* arg is an absolute path (opened for append) or "-" for stdout. */
int file_sink_open(struct output *o, const char *arg);
/* Writes line and a newline in one write(2), so lines never interleave. */
int file_sink_write(struct output *o, const char *line, int len);
void file_sink_close(struct output *o);

#endif /* BMCW_OUTPUT_FILE_H */
