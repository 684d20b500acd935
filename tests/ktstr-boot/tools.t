#!/bin/sh
# --help, --version and misuse of ktstr-boot and ktstr-init (no VM).
. ../lib.sh
v=$(cat ../../VERSION)
[ "$("$KTSTR_BIN/ktstr-boot" --version)" = "ktstr-boot $v" ] || { echo "ktstr-boot --version"; exit 1; }
[ "$("$KTSTR_BIN/ktstr-init" --version)" = "ktstr-init $v" ] || { echo "ktstr-init --version"; exit 1; }
"$KTSTR_BIN/ktstr-boot" --help | grep -q '^Usage: ktstr-boot' || { echo "ktstr-boot --help"; exit 1; }
"$KTSTR_BIN/ktstr-init" --help | grep -q '^Usage: ktstr-init' || { echo "ktstr-init --help"; exit 1; }
# Not PID 1: refuses to run (it would mount and power off the machine).
"$KTSTR_BIN/ktstr-init" >/dev/null 2>&1
[ $? -eq 2 ] || { echo "ktstr-init outside a VM must exit 2"; exit 1; }
# Statically linked (it is PID 1 in an initramfs without a loader), unless sanitized.
case "$KTSTR_BIN" in
*build-san*) ;;
*) file "$KTSTR_BIN/ktstr-init" | grep -q 'statically linked' || { echo "ktstr-init is not static"; exit 1; } ;;
esac
exit 0
