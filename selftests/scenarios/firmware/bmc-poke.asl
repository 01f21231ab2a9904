/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Firmware code that touches a BMC function behind the kernel's back: an
 * SSDT the emulated host's firmware carries (QEMU -acpitable), as a board
 * vendor's (or an implant's) AML would. attack-11-aml-bus-master.sh runs it.
 *
 * AML reaches config space through PCI_Config operation regions, which the
 * kernel serves with acpi_os_{read,write}_pci_configuration() and never
 * through a bus's pci_ops: bmcwatch's ACPI hooks are the only ones that
 * see it.
 *
 * Device BMCP (_HID BMCW0001) has one method, _SUN, which the kernel runs
 * at each read of /sys/bus/acpi/devices/BMCW0001:00/sun and at no other
 * time (pci_slot and acpiphp evaluate _SUN only on devices with an _ADR,
 * and enumeration evaluates _STA alone): so the firmware acts when the
 * scenario asks, and never at boot. _SUN reads the vendor and device IDs
 * of 00:01.0 to 00:03.0 (where QEMU puts the first devices) and turns bus
 * mastering on in the first that is QEMU's edu (1234:11e8), the emulated
 * host's BMC function; it returns that device number, or 0.
 */
DefinitionBlock ("", "SSDT", 2, "BMCW", "BMCPOKE", 1)
{
	External (\_SB.PCI0, DeviceObj)

	Scope (\_SB.PCI0)
	{
		/*
		 * One config window per candidate slot. The command register is
		 * a field of its own, written 16 bits wide: a 32-bit write
		 * would write the status register's write-1-to-clear bits back.
		 */
		Device (BPF1)
		{
			Name (_ADR, 0x00010000)
			OperationRegion (CFG, PCI_Config, 0, 8)
			Field (CFG, DWordAcc, NoLock, Preserve) { IDS, 32 }
			Field (CFG, WordAcc, NoLock, Preserve) { Offset (4), CMD, 16 }
		}
		Device (BPF2)
		{
			Name (_ADR, 0x00020000)
			OperationRegion (CFG, PCI_Config, 0, 8)
			Field (CFG, DWordAcc, NoLock, Preserve) { IDS, 32 }
			Field (CFG, WordAcc, NoLock, Preserve) { Offset (4), CMD, 16 }
		}
		Device (BPF3)
		{
			Name (_ADR, 0x00030000)
			OperationRegion (CFG, PCI_Config, 0, 8)
			Field (CFG, DWordAcc, NoLock, Preserve) { IDS, 32 }
			Field (CFG, WordAcc, NoLock, Preserve) { Offset (4), CMD, 16 }
		}

		Device (BMCP)
		{
			Name (_HID, "BMCW0001")
			Name (_UID, 0)
			Method (_SUN, 0, Serialized)
			{
				If (\_SB.PCI0.BPF1.IDS == 0x11e81234)
				{
					\_SB.PCI0.BPF1.CMD |= 0x04
					Return (1)
				}
				If (\_SB.PCI0.BPF2.IDS == 0x11e81234)
				{
					\_SB.PCI0.BPF2.CMD |= 0x04
					Return (2)
				}
				If (\_SB.PCI0.BPF3.IDS == 0x11e81234)
				{
					\_SB.PCI0.BPF3.CMD |= 0x04
					Return (3)
				}
				Return (0)
			}
		}
	}
}
