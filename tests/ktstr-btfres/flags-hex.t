#!/bin/sh
# Bit sets of auto-discovered fields decode in hex (names ending in flags,
# _mode or mask), counts and positions stay numbers: struct file of the real
# kernel's n_tty_write (f_mode was printed as 67993630).
. ../lib.sh
top=$(cd ../.. && pwd)
K=${KTSTR_KERNEL_DIR:-$top/build/kernel}
B=${KTSTR_BIN:-$top/build/bin}/ktstr-btfres
[ -f "$K/vmlinux" ] || skip "no $K/vmlinux (make kernel)"
need jq
out=$(echo '{"name":"n_tty_write"}' | "$B" --vmlinux "$K/vmlinux" --no-source) || { echo "ktstr-btfres failed"; exit 1; }
dec() { printf '%s\n' "$out" | jq -r --arg f "$1" 'select(.name == "n_tty_write") | .params[] | select(.name == "file") |
	.fields[] | select(.name == $f) | .decoder'; }
[ "$(dec f_mode)" = hex ] || { echo "f_mode: $(dec f_mode)"; exit 1; }
[ "$(dec f_flags)" = hex ] || { echo "f_flags: $(dec f_flags)"; exit 1; }
case "$(dec f_pos)" in hex|"") echo "f_pos: '$(dec f_pos)', expected a number decoder"; exit 1 ;; esac
exit 0
