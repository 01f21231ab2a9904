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
# and answers each with OUT-DIR/done-REQUEST, or OUT-DIR/failed-REQUEST
# holding the error when the action failed.
vmhost_serve() {
	local sock=$1 out=$2 vm=$3 seen= req st
	local qmp
	qmp=$(dirname "${BASH_SOURCE[0]}")/../vm/qmp
	while kill -0 "$vm" 2>/dev/null; do
		req=$(cat "$out/request" 2>/dev/null || true)
		if [[ -n $req && $req != "$seen" ]]; then
			# A request that failed is said so (failed-REQ holds
			# why): the guest must not read it as done.
			st=0
			case ${req%%-*} in
			add) "$qmp" "$sock" device_add driver=edu bus=rp1 \
				id=hp1 >/dev/null 2>"$out/.err" || st=$? ;;
			del) "$qmp" "$sock" device_del id=hp1 >/dev/null 2>"$out/.err" || st=$? ;;
			swap) "$qmp" "$sock" device_add driver=pci-testdev \
				bus=rp1 id=hp1 >/dev/null 2>"$out/.err" || st=$? ;;
			bmc) if [[ -z ${VMHOST_BMC_FIFO:-} ]]; then
				echo "no BMC implant on this host" >"$out/.err"
				st=1
			else
				echo "$(cut -d- -f2 <<<"$req")" >"$VMHOST_BMC_FIFO" 2>"$out/.err" || st=$?
			fi ;;
			*) echo "unknown request" >"$out/.err"; st=1 ;;
			esac
			if ((st == 0)); then
				touch "$out/done-$req"
			else
				{ cat "$out/.err"; echo "(exit $st)"; } >"$out/failed-$req"
			fi
			seen=$req
		fi
		sleep 0.2
	done
}
