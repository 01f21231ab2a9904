# SPDX-License-Identifier: GPL-2.0
# Host side of a guest that asks for QMP actions (sourced, bash).
#   vmhost_serve QMP-SOCKET OUT-DIR VM-PID &
# serves requests the guest writes to $BMCW_VM_OUT/request (see
# selftests/lib/bmcwatch.sh bmcw_host_do) until the VM exits:
#   add   hot-add an edu device on root port rp1 (id hp1)
#   del   remove it
#   swap  hot-add a pci-testdev (another identity) on rp1 (id hp1)
#   usbadd-KIND-ID-PORT[-N]  hot-add a USB device on port PORT of the
#         qemu-xhci controller "xhci" (started with --qemu-arg): KIND kbd
#         (usb-kbd), tablet (usb-tablet), storage (usb-storage of the
#         read-only image $VMHOST_USB_MEDIA) or net (usb-net on the VM's
#         netdev ID), with QEMU id ID
#   usbdel-ID[-N]  remove it
#   keys-COUNT[-N]  press and release "a" COUNT times (QMP send-key goes
#         to the keyboard added last)
#   tcp-PORT[-N]  connect to 127.0.0.1:PORT and close (a QEMU user-mode
#         network's hostfwd there opens a connection into the guest from
#         the network's side: the BMC's side of a USB network interface)
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
			usbadd) vmhost_usb_add "$qmp" "$sock" "$req" >/dev/null \
				2>"$out/.err" || st=$? ;;
			usbdel) "$qmp" "$sock" device_del \
				id="$(cut -d- -f2 <<<"$req")" >/dev/null \
				2>"$out/.err" || st=$? ;;
			keys) vmhost_keys "$qmp" "$sock" "$(cut -d- -f2 <<<"$req")" \
				>/dev/null 2>"$out/.err" || st=$? ;;
			tcp) timeout 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$(cut -d- -f2 <<<"$req") && sleep 1" \
				2>"$out/.err" || st=$? ;;
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

# vmhost_usb_add QMP SOCKET usbadd-KIND-ID-PORT[-N]
vmhost_usb_add() {
	local kind id port driver extra=()
	IFS=- read -r _ kind id port _ <<<"$3"
	case $kind in
	kbd) driver=usb-kbd ;;
	tablet) driver=usb-tablet ;;
	storage)
		# a block node of its own: QEMU deletes a -drive with the
		# device that used it, so one drive serves one plug only
		[[ -n ${VMHOST_USB_MEDIA:-} ]] ||
			{ echo "no media image (VMHOST_USB_MEDIA)" >&2; return 1; }
		"$1" "$2" blockdev-add "{\"driver\": \"raw\", \"node-name\": \"media-$id\",
			\"read-only\": true, \"file\": {\"driver\": \"file\",
			\"filename\": \"$VMHOST_USB_MEDIA\", \"read-only\": true}}" || return
		driver=usb-storage extra=(drive="media-$id") ;;
	net)
		# QEMU's usb-net on the VM's network of the same id (-netdev
		# ...,id=ID: selftests/eval/host.sh)
		driver=usb-net extra=(netdev="$id") ;;
	*) echo "unknown USB device kind '$kind'" >&2; return 1 ;;
	esac
	"$1" "$2" device_add driver="$driver" bus=xhci.0 port="$port" id="$id" \
		"${extra[@]}"
}

# vmhost_keys QMP SOCKET COUNT: COUNT presses of "a", one at a time.
vmhost_keys() {
	local i
	for ((i = 0; i < $3; i++)); do
		"$1" "$2" send-key '{"keys": [{"type": "qcode", "data": "a"}]}' || return
		sleep 0.3
	done
}
