#!/bin/sh
# Standard output that cannot be written (a full disk) is exit status 3 with
# one message, not a silent success.
. ../lib.sh
[ -w /dev/full ] || skip "no /dev/full"
err=$tmp/err
ktstr-stackx console-exit.in >/dev/full 2>"$err"
rc=$?
[ $rc -eq 3 ] || { echo "exit status $rc, want 3"; cat "$err"; exit 1; }
grep -qx 'ktstr-stackx: standard output: No space left on device' "$err" || { echo "stderr:"; cat "$err"; exit 1; }
