# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Sourced by scripts/kernel/fetch.sh and fetch-qemu.sh: apt with a
# configuration of its own, to download packages of another Debian suite
# without installing anything into this machine.  Its own sources list,
# lists, cache and state live in a directory of the caller's cache ($A);
# the archive URI is read from this machine's apt sources at each run
# (never written into the tree), and the keyring is the system's.
#   BMCW_DEBIAN_URI  the archive, instead of the one the system's apt uses
#   BMCW_APT_ETC     where the system's apt sources are (default /etc/apt)
# The caller sets $log_tag (its messages' prefix on stderr) and $refresh
# (1: apt_setup updates the lists even when it has them).

keyring=/usr/share/keyrings/debian-archive-keyring.gpg

log() { printf '%s: %s\n' "${log_tag:-fetch}" "$*" >&2; }
die() { log "$*"; exit 1; }

# The Debian archive this machine's apt uses: deb822 *.sources first, then
# one-line sources.list files; the first "deb" entry that is not a security
# archive.
system_uri() {
	local f uri
	local etc=${BMCW_APT_ETC:-/etc/apt}
	for f in "$etc"/sources.list.d/*.sources; do
		[[ -r $f ]] || continue
		uri=$(awk '
			/^[[:space:]]*$/ { if (deb && uri != "" && suites !~ /-security/) { print uri; exit }
					   deb = 0; uri = ""; suites = ""; next }
			/^Types:/ { deb = ($0 ~ /[[:space:]]deb([[:space:]]|$)/) }
			/^URIs:/ { uri = $2 }
			/^Suites:/ { suites = $0 }
			END { if (deb && uri != "" && suites !~ /-security/) print uri }
		' "$f" | head -n 1)
		[[ -n $uri ]] && { echo "$uri"; return; }
	done
	for f in "$etc"/sources.list "$etc"/sources.list.d/*.list; do
		[[ -r $f ]] || continue
		uri=$(sed 's/#.*//; s/\[[^]]*\]//' "$f" |
			awk '$1 == "deb" && $3 !~ /-security/ { print $2; exit }')
		[[ -n $uri ]] && { echo "$uri"; return; }
	done
	return 1
}

# apt with this suite's own configuration ($A: its directory).
apt_opts() {
	printf '%s\n' -q \
		-o "Dir::Etc::sourcelist=$A/sources.list" \
		-o "Dir::Etc::sourceparts=$A/none" \
		-o "Dir::Etc::preferences=$A/none/preferences" \
		-o "Dir::Etc::preferencesparts=$A/none" \
		-o "Dir::State=$A/state" \
		-o "Dir::State::status=$A/state/status" \
		-o "Dir::Cache=$A/cache" \
		-o "APT::Sandbox::User=root"
}
apt_get() { local o; mapfile -t o < <(apt_opts); apt-get "${o[@]}" "$@"; }
apt_cache() { local o; mapfile -t o < <(apt_opts); apt-cache "${o[@]}" "$@"; }

# A=DIR becomes SUITE's apt configuration; its lists are updated when they
# are new, when the archive changed, or when $refresh is 1.  Returns
# non-zero (apt-get's status) when the update fails, as when the archive
# has no such suite: every step is checked, for a caller that tests the
# status (where set -e does not act).
apt_setup() { # DIR SUITE
	local uri
	A=$1
	uri=${BMCW_DEBIAN_URI:-$(system_uri)} ||
		die "no Debian archive in /etc/apt/sources*; set BMCW_DEBIAN_URI"
	# none/: an empty directory for the system's parts apt must not read
	mkdir -p "$A/state/lists/partial" "$A/cache/archives/partial" "$A/none" || return
	{ : >>"$A/state/status"; } || return
	{ echo "deb [signed-by=$keyring] $uri $2 main" >"$A/sources.list.new"; } || return
	if [[ ! -f $A/updated || ${refresh:-0} == 1 ]] ||
	   ! cmp -s "$A/sources.list.new" "$A/sources.list"; then
		mv "$A/sources.list.new" "$A/sources.list" || return
		log "$2: apt-get update ($uri)"
		apt_get update >&2 || return
		touch "$A/updated" || return
	else
		rm -f "$A/sources.list.new"
	fi
}

# Download each PKG (its candidate) into DIR, but for those of which DIR
# already has a .deb.
download() { # DIR PKG...
	local dir=$1 p have=()
	shift
	mkdir -p "$dir" || return
	for p; do
		compgen -G "$dir/${p}_*.deb" >/dev/null && have+=("$p") && continue
		log "downloading $p"
		(cd "$dir" && apt_get download "$p" >&2) || return
	done
	((${#have[@]} == 0)) || log "cached: ${have[*]}"
}
