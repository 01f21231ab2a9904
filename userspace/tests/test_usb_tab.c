/* SPDX-License-Identifier: GPL-2.0 */
/* The module's debugfs usb table, as the daemon and the inventory read it. */
#include <string.h>

#include "table_rows.h"
#include "tap.h"
#include "usb_rules.h"
#include "usb_tab.h"

static const char table[] =
	"usb=1-1 bus=1 dev=2 port=0000:00:04.0-1 id=0627:0001 class=00 flags=0x9 ifs=03/01/01 # QEMU QEMU USB Keyboard\n"
	"usb=1-2 bus=1 dev=3 port=0000:00:04.0-2 id=46f4:0001 class=00 flags=0x0 ifs=08/06/50,03/00/00 # QEMU QEMU USB HARDDRIVE\n"
	"usb=2-1 bus=2 dev=2 port=0000:00:04.0-1.1 id=046b:ff20 class=00 flags=0x3 ifs= # \n"
	"usb=1-3 bus=1 dev=x port=p id=0627:0001 class=00 flags=0x9 ifs=\n"
	"garbage\n";

int main(void)
{
	struct usb_tab_dev d[8];
	struct usb_tab_bmc b[8];
	char ifs[128];
	int n;

	n = table_rows_parse(table, strlen(table), d, sizeof(d[0]), 8, usb_tab_parse_dev);
	is_int(n, 3, "three devices; a malformed row and garbage skipped");
	ok(!strcmp(d[0].d.name, "1-1") && !strcmp(d[0].d.port, "0000:00:04.0-1") &&
	   d[0].d.vendor == 0x0627 && d[0].d.product == 1 && d[0].d.flags == 9,
	   "name, port, ids, flags");
	ok(!strcmp(d[0].desc, "QEMU QEMU USB Keyboard"), "description: '%s'", d[0].desc);
	is_int(d[1].d.nr_ifs, 2, "two interfaces");
	ok(d[1].d.ifs[0].cls == 8 && d[1].d.ifs[0].subcls == 6 && d[1].d.ifs[0].proto == 0x50 &&
	   d[1].d.ifs[1].cls == 3, "classes in hex");
	usb_describe_ifs(&d[0].d, ifs, sizeof(ifs));
	ok(strstr(ifs, "keyboard") && !strcmp(usb_dev_role(&d[0].d), "virtual keyboard/mouse"),
	   "a keyboard: %s, %s", ifs, usb_dev_role(&d[0].d));
	ok(!strcmp(usb_matched_by(d[0].d.flags), usb_matched_by(BMCW_USB_F_BMC | BMCW_USB_F_BY_PORT)),
	   "matched by port: %s", usb_matched_by(d[0].d.flags));
	is_int(d[2].d.nr_ifs, 0, "no interfaces (not configured)");
	ok(!strcmp(d[2].desc, ""), "no description");

	n = table_rows_parse(table, strlen(table), b, sizeof(b[0]), 8, usb_tab_parse_bmc);
	is_int(n, 2, "the BMC's: rows with BMCW_USB_F_BMC, the malformed one skipped");
	ok(!strcmp(b[1].name, "2-1") && b[1].vendor == 0x046b, "... second is 2-1");
	return tap_done();
}
