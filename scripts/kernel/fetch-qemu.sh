#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch a newer QEMU than this machine's own (Debian 12's 7.2): by default
# QEMU 10 of bookworm-backports, extracted as fetch.sh extracts a kernel,
# installing nothing into this machine:
#   QDIR=CACHE/VER                  VER: the Debian version, without epoch
#   QDIR/root/...                   the packages, extracted (dpkg-deb -x)
#   QDIR/bin/qemu-system-x86_64     runs root's QEMU with root's firmware
#                                   (-L) and modules (QEMU_MODULE_DIR)
#   QDIR/debs/                      the packages
#   CACHE/SUITE -> VER              what SUITE gave last
#   scripts/kernel/fetch-qemu.sh [--refresh] [SUITE]  fetch (if needed)
#   scripts/kernel/fetch-qemu.sh --path [SUITE]       fetch nothing
# Either prints the wrapper's path on the last line of stdout (progress on
# stderr), for selftests/vm/run:
#   BMCW_QEMU=$(scripts/kernel/fetch-qemu.sh | tail -n 1) selftests/vm/run ...
# A QEMU once extracted is not fetched again: a second run reads no list and
# downloads nothing; --refresh looks for a newer version in SUITE, which gets
# a QDIR of its own (the older one stays, for runs that use it).
#
# The packages: qemu-system-x86 and, recursively, each package it depends
# on that this machine's installed packages do not satisfy (QEMU 10 of
# bookworm-backports: qemu-system-common, qemu-system-data and seabios of
# the same suite; the libraries and ipxe-qemu are this machine's).  A
# dependency that neither this machine nor SUITE satisfies is an error, as
# is one on a newer C library than this machine's.  Also QEMU's module
# packages ($modpkgs): QEMU looks for a module in QEMU_MODULE_DIR first and
# then in its own libdir, where this machine's QEMU keeps its modules, and
# a module of another build fails to load; QEMU 10 even aborts then
# (-device help and QMP's qom-list-types load every device module).  With
# all its modules in root none of 7.2's is tried.  What the module
# packages depend on is checked, never fetched: a module whose library this
# machine lacks (audio-pipewire) fails to load, with a message, if it is
# ever used (-audiodev pipewire).
#
# apt runs with a configuration of its own (apt.sh, shared with fetch.sh),
# under CACHE/apt/SUITE.
#   BMCW_QCACHE      cache dir (default ${XDG_CACHE_HOME:-$HOME/.cache}/bmcwatch/qemu)
#   BMCW_DEBIAN_URI  the archive, instead of the one the system's apt uses
#   BMCW_APT_ETC     where the system's apt sources are (default /etc/apt)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${BMCW_QCACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bmcwatch/qemu}
default_suite=bookworm-backports
# The layout of QDIR: one made by an older one of this script is made again.
format=1
qpkg=qemu-system-x86
modpkgs=(qemu-system-gui qemu-system-modules-opengl qemu-system-modules-spice
	qemu-block-extra)
# What LD_LIBRARY_PATH cannot replace.
libc_re='^(libc6|libc6-.*|libc-bin)$'

# system_uri, apt_get, apt_cache, apt_setup, download, log, die; $keyring
log_tag=qfetch
# shellcheck source-path=SCRIPTDIR source=apt.sh
. "$here/apt.sh"
usage() {
	echo "usage: scripts/kernel/fetch-qemu.sh [--refresh] [SUITE] | --path [SUITE]" >&2
	exit 2
}

# The wrapper of QDIR if QDIR is complete and of this format.
wrapper_of() { # QDIR
	[[ -f $1/.bmcw-fetched && $(sed -n 3p "$1/.bmcw-fetched") == "$format" &&
	   -x $1/bin/qemu-system-x86_64 ]] || return 1
	echo "$1/bin/qemu-system-x86_64"
}

# --- What this machine has installed, and what the fetched set provides:
# NAME -> " VERSION..." (a package's own version, or a version it
# provides; "-" where it provides NAME unversioned).
declare -A have_ver=() have_prov=() set_ver=() set_prov=() recs=()
pkgs=()

# Provides: "a (= 1), b" -> lines "a 1", "b -"
provides_lines() {
	local p
	local IFS=,
	for p in $1; do
		p=${p# }
		[[ -n $p ]] || continue
		if [[ $p =~ ^([^ (]+)\ *\(\ *=\ *([^ )]+)\ *\)$ ]]; then
			echo "${BASH_REMATCH[1]%%:*} ${BASH_REMATCH[2]}"
		else
			echo "${p%%[ :]*} -"
		fi
	done
}

load_installed() {
	local st name ver prov n v
	while IFS=$'\t' read -r st name ver prov; do
		[[ $st == ii* ]] || continue
		have_ver[$name]+=" $ver"
		while read -r n v; do
			have_prov[$n]+=" $v"
		done < <(provides_lines "$prov")
	done < <(dpkg-query -W -f='${db:Status-Abbrev}\t${Package}\t${Version}\t${Provides}\n')
}

# The candidate's control record in SUITE, looked up once (in this shell,
# not a subshell, for the cache to keep it): true if SUITE has PKG.
lookup() { # PKG
	[[ -n ${recs[$1]+set} ]] ||
		recs[$1]=$(apt_cache show --no-all-versions "$1" 2>/dev/null |
			awk 'NF == 0 { end = 1 } !end') || recs[$1]=
	[[ -n ${recs[$1]} ]]
}
field() { # PKG FIELD
	lookup "$1" || return 0
	sed -n "s/^$2: //p" <<<"${recs[$1]}" | head -n 1
}

vercmp_ok() { # HAVE OP WANT
	local op
	case $2 in
	'>=') op=ge ;; '<=') op=le ;; '>>') op=gt ;; '<<') op=lt ;; '=') op=eq ;;
	*) return 1 ;;
	esac
	dpkg --compare-versions "$1" "$op" "$3"
}

# Does one of the versions VERS (" V...", "-" for unversioned) satisfy
# OP WANT (OP empty: any)?
vers_ok() { # VERS OP WANT
	local v
	for v in $1; do
		[[ -z $2 ]] && return 0
		[[ $v != - ]] && vercmp_ok "$v" "$2" "$3" && return 0
	done
	return 1
}

# NAME OP VER of one alternative: "libfoo:any (>= 1.2)" -> "libfoo >= 1.2"
parse_alt() {
	local a=$1
	a=${a#"${a%%[! ]*}"}
	a=${a%"${a##*[! ]}"}
	if [[ $a =~ ^([^ (]+)\ *\(\ *([\<\>=]+)\ *([^ )]+)\ *\)$ ]]; then
		echo "${BASH_REMATCH[1]%%:*} ${BASH_REMATCH[2]} ${BASH_REMATCH[3]}"
	else
		echo "${a%%:*}"
	fi
}

# Is the alternative satisfied by the set or by this machine?
alt_ok() { # NAME OP VER
	vers_ok "${set_ver[$1]:-}" "${2:-}" "${3:-}" ||
		vers_ok "${set_prov[$1]:-}" "${2:-}" "${3:-}" ||
		vers_ok "${have_ver[$1]:-}" "${2:-}" "${3:-}" ||
		vers_ok "${have_prov[$1]:-}" "${2:-}" "${3:-}"
}

add_to_set() { # PKG
	local v n pv
	v=$(field "$1" Version)
	set_ver[$1]=" $v"
	while read -r n pv; do
		set_prov[$n]+=" $pv"
	done < <(provides_lines "$(field "$1" Provides)")
}

# pkgs: the packages to fetch: ROOT (needed) and the SOFT ones (their own
# dependencies unmet here are only reported), with what they depend on that
# is met neither here nor by the set.
resolve() { # ROOT SOFT...
	local todo=() hard=() p h deps clauses clause alts a name op want found i
	local -A in_set=()
	for p; do
		if ! lookup "$p"; then
			[[ $p != "$1" ]] ||
				die "$suite has no $p for $(dpkg --print-architecture)"
			log "note: $suite has no $p: QEMU may try modules of this machine's QEMU"
			continue
		fi
		add_to_set "$p"
		in_set[$p]=1
		todo+=("$p")
		if [[ $p == "$1" ]]; then hard+=(1); else hard+=(0); fi
	done
	for ((i = 0; i < ${#todo[@]}; i++)); do
		p=${todo[i]}
		h=${hard[i]}
		deps=$(field "$p" Pre-Depends)
		deps+=${deps:+, }$(field "$p" Depends)
		IFS=, read -ra clauses <<<"$deps"
		for clause in "${clauses[@]}"; do
			clause=${clause#"${clause%%[! ]*}"}
			[[ -n $clause ]] || continue
			IFS='|' read -ra alts <<<"$clause"
			found=
			for a in "${alts[@]}"; do
				read -r name op want < <(parse_alt "$a")
				alt_ok "$name" "${op:-}" "${want:-}" && { found=ok; break; }
			done
			[[ -z $found ]] || continue
			if ((!h)); then
				log "note: $p needs ${clause% }, which this machine lacks: its module that uses it will not load"
				continue
			fi
			# From SUITE: the first alternative it has in a version
			# that satisfies it.
			for a in "${alts[@]}"; do
				read -r name op want < <(parse_alt "$a")
				lookup "$name" || continue
				vers_ok " $(field "$name" Version)" "${op:-}" "${want:-}" || continue
				found=$name
				break
			done
			[[ -n $found ]] ||
				die "$p needs ${clause% }: not installed here, and $suite has none"
			[[ ! $found =~ $libc_re ]] ||
				die "$p needs ${clause% }, newer than this machine's C library ($(dpkg-query -W -f='${Version}' libc6)): $suite's QEMU cannot run here"
			[[ -z ${in_set[$found]:-} ]] || continue
			log "$p needs ${clause% }: $found $(field "$found" Version) of $suite"
			add_to_set "$found"
			in_set[$found]=1
			todo+=("$found")
			hard+=("$h")
		done
	done
	pkgs=("${todo[@]}")
}

# Write QDIR/bin/qemu-system-x86_64 for the root in QDIR.
write_wrapper() { # QDIR VERSION
	local qd=$1 root=$1/root moddirs moddir triplet d fw=() libdirs=() lib='' libnote
	moddirs=("$root"/usr/lib/*/qemu)
	[[ ${#moddirs[@]} == 1 && -d ${moddirs[0]} ]] ||
		die "no module directory (usr/lib/*/qemu) in the packages"
	moddir=${moddirs[0]#"$root"/}
	# The firmware path QEMU was built with, each directory as the
	# packages have it, searched first (-L); the rest stays this
	# machine's (ipxe-qemu's ROMs).
	while read -r d; do
		[[ $d == /* && -d $root$d ]] && fw+=(-L "\"\$root\"$d")
	done < <("$root/usr/bin/qemu-system-x86_64" -L help)
	((${#fw[@]})) || die "QEMU names no firmware directory of its packages (-L help)"
	# Libraries of SUITE, if any package brought some.
	triplet=${moddir#usr/lib/}
	triplet=${triplet%/qemu}
	for d in "usr/lib/$triplet" "lib/$triplet"; do
		compgen -G "$root/$d/*.so*" >/dev/null && libdirs+=("\$root/$d")
	done
	libnote="this machine's libraries"
	if ((${#libdirs[@]})); then
		libnote="its libraries first, then this machine's"
		[[ $root != *:* ]] || die "$root: a ':' in the path cannot be in LD_LIBRARY_PATH"
		lib=$(IFS=:; echo "${libdirs[*]}")
		lib="LD_LIBRARY_PATH=$lib\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}
export LD_LIBRARY_PATH
"
	fi
	mkdir -p "$qd/bin"
	cat >"$qd/bin/qemu-system-x86_64" <<EOF
#!/bin/sh
# QEMU $2 of $suite, extracted into ../root
# by scripts/kernel/fetch-qemu.sh.  Its firmware first (-L), its modules
# first (QEMU_MODULE_DIR, before this machine's QEMU's own), ${libnote}.
# exec: signals (timeout -s KILL) reach QEMU itself.
root=\$(dirname "\$(dirname "\$(readlink -f "\$0")")")/root
QEMU_MODULE_DIR=\$root/$moddir
export QEMU_MODULE_DIR
${lib}exec "\$root/usr/bin/qemu-system-x86_64" ${fw[*]} "\$@"
EOF
	chmod +x "$qd/bin/qemu-system-x86_64"
}

fetch() {
	local link=$cache/$suite qd w ver vdir p deb t0=$SECONDS uri
	if [[ $refresh == 0 ]] && wrapper_of "$link" >/dev/null; then
		log "$suite: cached $(sed -n 1p "$link/.bmcw-fetched")"
		echo "$cache/$(readlink "$link")/bin/qemu-system-x86_64"
		return
	fi
	mkdir -p "$cache"
	exec 9>>"$cache/.lock"
	flock 9
	# another run may have fetched it meanwhile
	if [[ $refresh == 0 ]] && wrapper_of "$link" >/dev/null; then
		echo "$cache/$(readlink "$link")/bin/qemu-system-x86_64"
		return
	fi
	# Lists as the archive has them now: what a list of an older run
	# names may be gone from the archive.
	refresh=1
	uri=${BMCW_DEBIAN_URI:-$(system_uri)} ||
		die "no Debian archive in /etc/apt/sources*; set BMCW_DEBIAN_URI"
	apt_setup "$cache/apt/$suite" "$suite" ||
		die "$suite: apt-get update failed: no such suite at $uri, or the archive cannot be reached"
	load_installed
	lookup "$qpkg" ||
		die "$suite has no $qpkg for $(dpkg --print-architecture)"
	ver=$(field "$qpkg" Version)
	vdir=${ver#*:}
	qd=$cache/$vdir
	if w=$(wrapper_of "$qd"); then
		log "$suite: $ver is still the newest"
		ln -sfn "$vdir" "$link"
		echo "$w"
		return
	fi
	resolve "$qpkg" "${modpkgs[@]}"
	log "$suite: $(for p in "${pkgs[@]}"; do printf '%s=%s ' "$p" "$(field "$p" Version)"; done)"
	download "$qd/debs" "${pkgs[@]}"

	rm -rf "$qd/root.new" "${qd:?}/bin"
	mkdir -p "$qd/root.new"
	for p in "${pkgs[@]}"; do
		deb=$(compgen -G "$qd/debs/${p}_*.deb" | sort -V | tail -n 1) ||
			die "no .deb for $p"
		[[ $(dpkg-deb -f "$deb" Version) == "$(field "$p" Version)" ]] ||
			die "$deb is not $p $(field "$p" Version)"
		dpkg-deb -x "$deb" "$qd/root.new"
	done
	rm -rf "$qd/root" "$qd/.bmcw-fetched"
	mv "$qd/root.new" "$qd/root"
	write_wrapper "$qd" "$ver"
	"$qd/bin/qemu-system-x86_64" --version >/dev/null ||
		die "$qd/bin/qemu-system-x86_64 does not run"
	{
		printf '%s\n%s\n%s\n' "$ver" "$suite" "$format"
		for p in "${pkgs[@]}"; do
			echo "$p $(field "$p" Version)"
		done
	} >"$qd/.bmcw-fetched"
	ln -sfn "$vdir" "$link"
	log "$suite: QEMU $ver in $qd ($(du -sh "$qd/debs" | cut -f1) of packages," \
		"$(du -sh "$qd/root" | cut -f1) extracted, $((SECONDS - t0))s)"
	echo "$qd/bin/qemu-system-x86_64"
}

# Read whole before it runs (main, called on the last line).
main() {
refresh=0 path=0
case ${1:-} in
--path) path=1; shift ;;
--refresh) refresh=1; shift ;;
-*) usage ;;
esac
(($# <= 1)) || usage
suite=${1:-$default_suite}
[[ $suite =~ ^[a-z0-9][a-z0-9.+-]*$ ]] || usage
if ((path)); then
	wrapper_of "$cache/$suite" >/dev/null ||
		die "no QEMU of $suite fetched (scripts/kernel/fetch-qemu.sh $suite)"
	echo "$cache/$(readlink "$cache/$suite")/bin/qemu-system-x86_64"
	exit 0
fi
[[ -r $keyring ]] || die "no $keyring (apt-get install debian-archive-keyring)"
fetch
}

main "$@"; exit
