# SPDX-License-Identifier: GPL-2.0
# Sourced by scripts/lane.sh and scripts/kernel/check-build.sh, from the
# top of the tree.
#
# copy_tree DEST: DEST becomes a copy of every file git would see here
# (tracked and still there, or new and not ignored), so work in progress
# is built and tested too; build outputs in DEST stay between runs, and
# files gone from this tree since the last copy go from DEST too.
copy_tree() {
	local tree=$1 list=$1/.lane-files
	mkdir -p "$tree"
	git ls-files -co --exclude-standard -z | sort -z |
		while IFS= read -r -d '' f; do
			if [[ -e $f || -L $f ]]; then printf '%s\0' "$f"; fi
		done >"$list.new"
	if [[ -f $list ]]; then
		comm -z -23 "$list" "$list.new" | (cd "$tree" && xargs -0 -r rm -f --)
	fi
	rsync -a --from0 --files-from="$list.new" ./ "$tree/"
	mv "$list.new" "$list"
}
