# SPDX-License-Identifier: GPL-2.0
# Host side of a guest that asks for QMP actions (sourced, bash).
#   vmhost_serve QMP-SOCKET OUT-DIR VM-PID &
# serves requests the guest writes to $BMCW_VM_OUT/request (see
# selftests/lib/bmcwatch.sh bmcw_host_do) until the VM exits:
#   add   hot-add an edu device on root port rp1 (id hp1)
#   del   remove it
#   swap  hot-add a pci-testdev (another identity) on rp1 (id hp1)
#   bmc-ATTACK[-N]  tell the BMC implant (selftests/ipmi/bmc_implant) to
#         play ATTACK, through the FIFO named by $VMHOST_BMC_FIFO
vmhost_serve() {
	local sock=$1 out=$2 vm=$3 seen= req
	local qmp
	qmp=$(dirname "${BASH_SOURCE[0]}")/../vm/qmp
	while kill -0 "$vm" 2>/dev/null; do
		req=$(cat "$out/request" 2>/dev/null || true)
		if [[ -n $req && $req != "$seen" ]]; then
			case ${req%%-*} in
			add) "$qmp" "$sock" device_add driver=edu bus=rp1 \
				id=hp1 >/dev/null ;;
			del) "$qmp" "$sock" device_del id=hp1 >/dev/null ;;
			swap) "$qmp" "$sock" device_add driver=pci-testdev \
				bus=rp1 id=hp1 >/dev/null ;;
			bmc) [[ -n ${VMHOST_BMC_FIFO:-} ]] &&
				echo "$(cut -d- -f2 <<<"$req")" >"$VMHOST_BMC_FIFO" ;;
			esac
			touch "$out/done-$req"
			seen=$req
		fi
		sleep 0.2
	done
}
