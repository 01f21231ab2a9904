# SPDX-License-Identifier: GPL-2.0
#
# bmcwatch: kernel module, BPF programs, daemon and CLI.
#   make            build everything
#   make deps       install the Debian packages the build and tests need
#   make check      every test: host unit tests, then the emulated host
#   make demo       watch bmcwatch catch a hostile BMC in the emulated host
#   make install    DESTDIR/PREFIX aware

# The kernel to build the module for: the running kernel's build tree when it
# exists, else the newest installed Debian headers (override with KDIR=).
KREL_RUNNING := $(shell uname -r)
KDIR ?= $(or $(wildcard /lib/modules/$(KREL_RUNNING)/build),\
	$(lastword $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | \
		awk '/-rt-/ { rt = $$0; next } { v = $$0 } END { print (v != "" ? v : rt) }')))
KREL = $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
# The name its image and modules go by (/boot/vmlinuz-KNAME): Debian's
# headers say it in .kernelvariables (6.1's kernel.release is 6.1.192, the
# package's name 6.1.0-57-amd64); a kernel built here has it in KREL.
KNAME = $(or $(shell sed -n 's/^override KERNELRELEASE = //p' \
	$(KDIR)/.kernelvariables 2>/dev/null),$(KREL))
# Debian's headers also name the gcc their kernel was built with: where it
# is not installed (bullseye's gcc-10 and forky's gcc-16 on Debian 12),
# kbuild is given this machine's gcc (KBUILD_CC) instead. Nothing is passed
# for headers whose gcc is here (Debian 12's own).
KBUILD_CC ?= gcc
KCC = $(shell sed -n 's/^CC = .*\(gcc-[0-9][0-9.]*\)$$/\1/p' \
	$(KDIR)/.kernelvariables 2>/dev/null)
KMAKE_ARGS = $(if $(KCC),$(if $(shell command -v $(KCC)),,CC=$(KBUILD_CC)))
# The kernel the emulated host boots; `make check` builds the module for it.
VM_KREL = $(shell selftests/vm/kver.sh 2>/dev/null)
# BMCW_KERNEL_DIR=ROOT: it boots a kernel built out of tree instead (make
# check-debug), ROOT/boot/vmlinuz-VER with its build tree under ROOT/lib/modules.
ifneq ($(BMCW_KERNEL_DIR),)
override BMCW_KERNEL_DIR := $(abspath $(BMCW_KERNEL_DIR))
export BMCW_KERNEL_DIR
endif
VM_KDIR = $(BMCW_KERNEL_DIR)/lib/modules/$(VM_KREL)/build

CLANG ?= clang
BPFTOOL ?= bpftool
OUT := bpf/.output
ARCH := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
# -fms-extensions: newer kernels' types (7.2's) embed a struct by its tag
# alone ("struct socket_alloc;" as a member), as the kernel itself is now
# built; it changes nothing in the objects for older kernels' types.
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) \
	-I$(OUT) -Iinclude/uapi -Ibpf -Wall -Werror \
	-fms-extensions -Wno-microsoft-anon-tag
BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUT)/%.bpf.o,$(BPF_SRCS))
BPF_SKELS := $(patsubst bpf/%.bpf.c,$(OUT)/%.skel.h,$(BPF_SRCS))
# BTF of the kernel the module is built for (vmlinux.h): its image, under
# BMCW_KERNEL_DIR, beside its headers (an extracted root's boot/, which is
# /boot for /usr/src/linux-headers-*) or in /boot; a kernel tree's vmlinux;
# the running kernel's /sys/kernel/btf/vmlinux only when it is that kernel.
# Never another kernel's by accident: with none of these, set VMLINUX_SRC.
KIMG_DIRS = $(BMCW_KERNEL_DIR)/boot $(abspath $(realpath $(KDIR))/../../../boot) /boot
VMLINUX_SRC ?= $(firstword $(wildcard $(addsuffix /vmlinuz-$(KNAME),$(KIMG_DIRS)) \
	$(KDIR)/vmlinux) $(if $(filter $(KNAME),$(KREL_RUNNING)),/sys/kernel/btf/vmlinux))

.PHONY: all kmod bpf userspace deps deps-ok check demo eval bench bench-scale install clean \
	dkms-install \
	checkpatch selftest-kmods selftest-progs
.PHONY: fuzz soak
.PHONY: check-debug check-rt check-deployed check-qemu10 check-build-kernels check-kernels

all: kmod bpf userspace dkms.conf

# One version for everything (userspace reads it too): DKMS's from it.
BMCW_VERSION := $(shell cat VERSION)
dkms.conf: dkms.conf.in VERSION
	sed 's|@VERSION@|$(BMCW_VERSION)|g' $< >$@.tmp
	mv $@.tmp $@

kmod:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(KMAKE_ARGS) modules

bpf: $(BPF_SKELS)

.SECONDARY: $(BPF_OBJS)

$(OUT):
	mkdir -p $@

# vmlinux.h is remade whenever the kernel built for changes (its BTF's
# source, size and time in vmlinux.src), and the BPF objects with it.
$(OUT)/vmlinux.src: FORCE | $(OUT)
	@[ -n "$(VMLINUX_SRC)" ] || { echo "bmcwatch: no BTF for kernel" \
		"'$(KNAME)' (KDIR=$(KDIR)): no vmlinuz-$(KNAME) in" \
		"$(KIMG_DIRS); set VMLINUX_SRC=its vmlinuz or vmlinux" >&2; exit 1; }
	@echo "$(VMLINUX_SRC) $$(stat -L -c '%s %Y' $(VMLINUX_SRC))" >$@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi

$(OUT)/vmlinux.h: $(OUT)/vmlinux.src
	@if [ "$(VMLINUX_SRC)" = /sys/kernel/btf/vmlinux ] || \
	    head -c 4 $(VMLINUX_SRC) | grep -q ELF; then \
		$(BPFTOOL) btf dump file $(VMLINUX_SRC) format c > $@.tmp; \
	else bpf/gen-vmlinux-h.sh $(VMLINUX_SRC) > $@.tmp; fi
	mv $@.tmp $@

.PHONY: FORCE

$(OUT)/%.bpf.o: bpf/%.bpf.c bpf/%.h bpf/bmcw.bpf.h include/uapi/linux/bmcwatch.h \
		$(OUT)/vmlinux.h
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/%.skel.h: $(OUT)/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@.tmp
	mv $@.tmp $@

userspace: bpf
	$(MAKE) -C userspace BPF_OUT=$(CURDIR)/$(OUT)

deps:
	scripts/deps.sh

# Install missing packages only when something is missing (fast otherwise).
deps-ok:
	@scripts/deps.sh --check >/dev/null || scripts/deps.sh

# Test-only modules, built for the emulated host's kernel.
TEST_KMODS := selftests/vm/warn selftests/kmod/bmcw_test selftests/kmod/edu_irq \
	selftests/kmod/ssif_bmc

# Test programs that run in the emulated host (built here: it is read-only)
TEST_PROGS := selftests/lpc
TEST_PROGS += selftests/ipmi
TEST_PROGS += selftests/vfio

selftest-progs:
	for d in $(TEST_PROGS); do $(MAKE) -C $$d || exit 1; done

selftest-kmods: selftest-progs
	for d in $(TEST_KMODS); do \
		$(MAKE) -C $(KDIR) M=$(CURDIR)/$$d $(KMAKE_ARGS) modules || exit 1; done

check: deps-ok
	$(MAKE) all selftest-kmods KDIR=$(VM_KDIR)
	selftests/run-all

# The whole suite on a debug kernel built from linux-source-6.1 (KASAN,
# lockdep, kmemleak) or on Debian's PREEMPT_RT kernel, each in a copy of this
# tree under .build/ so that the modules built for that kernel stay there.
check-debug: deps-ok
	scripts/lane.sh debug

check-rt: deps-ok
	scripts/lane.sh rt

# bmcwatch as deployed: systemd as PID 1 in the emulated host, make install,
# the module built by DKMS there, the unit as shipped, the eval against it.
check-deployed: deps-ok
	$(MAKE) all selftest-kmods KDIR=$(VM_KDIR)
	selftests/run-all deployed

# The whole suite under QEMU 10 (bookworm-backports, fetched into
# ~/.cache/bmcwatch/qemu, not installed) instead of Debian 12's QEMU 7.2.
check-qemu10: deps-ok
	scripts/lane.sh qemu10

# Build, not boot: the module, BPF programs, userspace and test modules for
# Debian 12's 6.1 and each kernel of scripts/kernel/matrix (5.10, 6.12,
# 7.2), fetched into ~/.cache/bmcwatch/kernels and built each in a copy of
# this tree (.build/kbuild-NAME); one line per kernel.
check-build-kernels: deps-ok
	scripts/kernel/check-build.sh

# Run, not only build: every suite on each kernel of scripts/kernel/matrix
# (5.10, 6.12, 7.2 and 6.12's PREEMPT_RT flavour), one lane each (see
# scripts/lane.sh), then a table (kernel, tests, hooks absent, time).
check-kernels: deps-ok
	scripts/kernel/check-kernels.sh

demo: deps-ok
	$(MAKE) all selftest-kmods KDIR=$(VM_KDIR)
	selftests/demo/run

# libFuzzer on every userspace parser, FUZZ_SECONDS each, plus the kept
# regression inputs (host only; also part of make check).
fuzz:
	$(MAKE) -C fuzz run

# Load/unload soak in the emulated host: SOAK_CYCLES cycles under traffic.
SOAK_CYCLES ?= 200
soak: deps-ok
	$(MAKE) all selftest-kmods KDIR=$(VM_KDIR)
	selftests/soak/host.sh $(SOAK_CYCLES)

# Overhead benchmarks, side by side in the emulated host (bench/run).
bench: deps-ok
	$(MAKE) all selftest-kmods KDIR=$(VM_KDIR)
	bench/run

# bmcwatchd against vCPUs and PCI functions (bench/run scale; opt-in, long).
bench-scale: deps-ok
	$(MAKE) all selftest-kmods KDIR=$(VM_KDIR)
	bench/run scale

# The detection matrix alone (it is also part of make check).
eval: deps-ok
	$(MAKE) all selftest-kmods KDIR=$(VM_KDIR)
	selftests/run-all eval

# Our sources only, not the build's generated *.mod.c.
checkpatch:
	scripts/checkpatch.sh $(filter-out %.mod.c,$(wildcard kmod/*.c \
		kmod/*.h include/uapi/linux/*.h selftests/kmod/*/*.c \
		selftests/kmod/*/*.h))

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(KMAKE_ARGS) INSTALL_MOD_PATH=$(DESTDIR) modules_install
	$(MAKE) -C userspace install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)

# DKMS: the module's sources (and nothing built) in /usr/src/bmcwatch-VERSION,
# built and installed for the running kernel, rebuilt by DKMS for every
# kernel installed later (AUTOINSTALL). An older copy of this version is
# replaced, and so is the module make install put there for the running
# kernel (DKMS will not install over a module of the same version).
DKMS_SRC := /usr/src/bmcwatch-$(BMCW_VERSION)
dkms-install: dkms.conf
	if dkms status bmcwatch/$(BMCW_VERSION) | grep . >/dev/null; then \
		dkms remove bmcwatch/$(BMCW_VERSION) --all; fi
	rm -f /lib/modules/$(KREL_RUNNING)/extra/kmod/bmcwatch.ko
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)/kmod $(DKMS_SRC)/include/uapi/linux
	install -m 0644 Kbuild VERSION dkms.conf $(DKMS_SRC)/
	install -m 0644 kmod/Kbuild $(filter-out %.mod.c,$(wildcard kmod/*.c)) \
		kmod/*.h $(DKMS_SRC)/kmod/
	install -m 0644 include/uapi/linux/*.h $(DKMS_SRC)/include/uapi/linux/
	dkms install bmcwatch/$(BMCW_VERSION)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(KMAKE_ARGS) clean || true
	for d in $(TEST_KMODS); do $(MAKE) -C $(KDIR) M=$(CURDIR)/$$d $(KMAKE_ARGS) clean; done
	for d in $(TEST_PROGS); do $(MAKE) -C $$d clean; done
	$(MAKE) -C userspace clean
	$(MAKE) -C bench clean
	rm -rf $(OUT) dkms.conf
