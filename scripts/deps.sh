#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian 12 packages that building and testing bmcwatch need.
#   scripts/deps.sh          install what is missing (root: apt-get)
#   scripts/deps.sh --check  exit 1 and list what is missing
set -euo pipefail

pkgs=(
	# build: module, BPF, userspace
	make gcc libc6-dev pkg-config clang llvm bpftool libbpf-dev libelf-dev
	zlib1g-dev dwarves libjson-c-dev libinih-dev libsystemd-dev libmount-dev
	libmicrohttpd-dev
	linux-headers-amd64 xz-utils
	# the emulated host
	linux-image-amd64 qemu-system-x86 busybox-static cpio kmod
	# tests and tools used inside it
	pciutils ipmitool openipmi bpftrace rsyslog iproute2 python3 jq
	# the deployed suite: the module built by DKMS, as operators do
	dkms
	linux-source-6.1
	# fuzzing the userspace parsers (make fuzz): libFuzzer runtime
	libclang-rt-14-dev
	# the eval's firmware scenario: its SSDT is compiled from ASL (iasl)
	acpica-tools
	# make bench: plots; the files ipmitool opens (strace)
	gnuplot-nox strace
	# syslog+tls (GnuTLS); the fleet suite's SIEM: TLS collector, test
	# certificates, Prometheus and its HTTP API; promrules: promtool and
	# YAML for the alerting rules' checks
	libgnutls28-dev rsyslog-gnutls gnutls-bin prometheus curl python3-yaml
)

# A test lane's own list instead (scripts/kernel/*.list, one package a line):
#   scripts/deps.sh --list FILE [--check]
if [[ ${1:-} == --list ]]; then
	mapfile -t pkgs < <(sed 's/#.*//; /^[[:space:]]*$/d' "$2")
	shift 2
fi

missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[[ $st == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
	exit 0
fi
if [[ ${1:-} == --check ]]; then
	echo "missing packages: ${missing[*]}"
	exit 1
fi
if ((EUID != 0)); then
	echo "deps: need root to install: ${missing[*]}" >&2
	echo "deps: run 'sudo make deps' or install them with apt-get" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
