#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the kernel's checkpatch.pl --strict on our kernel sources. It ships in
# Debian's linux-source-6.1 tarball; extract just it (and its data files)
# once into .build/.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.build/checkpatch
if [[ ! -x $dir/scripts/checkpatch.pl ]]; then
	tarball=$(ls /usr/src/linux-source-*.tar.xz | sort -V | tail -n 1)
	mkdir -p "$dir"
	tar -xJf "$tarball" -C "$dir" --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
fi
# Trace headers follow the TRACE_EVENT() layout, which checkpatch misreads.
exec perl "$dir/scripts/checkpatch.pl" --strict --no-tree --quiet \
	--ignore OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT_TRACE -f "$@"
