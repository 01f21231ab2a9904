# SPDX-License-Identifier: GPL-2.0
# An operator inventories the host's PCI devices, in every detail.
benign_run() {
	lspci -vvv >/dev/null 2>&1 && lspci -xxxx >/dev/null 2>&1 &&
		lspci -t >/dev/null 2>&1
}
