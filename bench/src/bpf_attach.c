// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_attach [-t TRACEPOINT] OBJ PROG...: load the BPF object OBJ, attach
 * the programs named (the others are not loaded), raw tracepoint programs
 * to TRACEPOINT if given, print "attached" and stay until a signal; the
 * links go with the process. For the benchmarks: one part of
 * a fast path at a time, without the daemon's own work in the figures.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int wanted(const char *name, int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(name, argv[i]))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	const char *tp = NULL, *path;
	struct bpf_object *obj;
	struct bpf_program *p;
	int n = 0;

	if (argc > 2 && !strcmp(argv[1], "-t")) {
		tp = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: bpf_attach [-t TRACEPOINT] OBJ PROG...\n");
		return 2;
	}
	path = argv[1];
	argc--;
	argv++;
	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		perror(path);
		return 1;
	}
	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, wanted(bpf_program__name(p), argc, argv));
	if (bpf_object__load(obj)) {
		fprintf(stderr, "bpf_attach: cannot load %s\n", path);
		return 1;
	}
	bpf_object__for_each_program(p, obj) {
		if (!wanted(bpf_program__name(p), argc, argv))
			continue;
		if (!(tp ? bpf_program__attach_raw_tracepoint(p, tp) :
			   bpf_program__attach(p))) {
			fprintf(stderr, "bpf_attach: cannot attach %s\n",
				bpf_program__name(p));
			return 1;
		}
		n++;
	}
	if (n != argc - 1) {
		fprintf(stderr, "bpf_attach: %d of %d programs found\n", n, argc - 1);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("attached\n");
	fflush(stdout);
	while (!stop)
		pause();
	bpf_object__close(obj);
	return 0;
}
