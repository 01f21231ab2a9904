# SPDX-License-Identifier: GPL-2.0
#
# What the DMA suite's guest scripts share (sourced by guest.sh, amd.sh,
# burst.sh after selftests/lib/bmcwatch.sh).

# fault_within NAME FILTER CAUSE...: run CAUSE (a fault), then pass NAME
# when dma.iommu_fault matching the jq FILTER is made within 2 s
# (event.created: @timestamp is when the IOMMU reported the fault).
fault_within() {
	local name=$1 f=$2 t0 ms
	shift 2
	t0=$(date +%s%3N)
	"$@"
	if bmcw_wait_alert dma.iommu_fault 5 "$f" &&
	   ms=$(( $(date -d "$(bmcw_alerts ".rule.name == \"dma.iommu_fault\" and $f" |
			head -1 | jq -r '.event.created')" +%s%3N) - t0 )) &&
	   [ "$ms" -lt 2000 ]; then
		ktap_ok "$name within 2 s ($ms ms)"
	else
		ktap_fail "$name within 2 s" \
			"$(bmcw_alerts '.rule.name == "dma.iommu_fault"')" "$(cat "$IOMMU")"
	fi
}
