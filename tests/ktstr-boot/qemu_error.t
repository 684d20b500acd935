#!/bin/sh
# A kernel image QEMU cannot load: it exits at once, twice (the retry), and
# ktstr-boot reports an environment error with QEMU's own message.
# (No "# vm:" line: QEMU refuses the fake kernel at once, nothing boots, so the
# sanitizer pass, TESTS=host, runs it too.)
. ./vmlib.sh
head -c 65536 /dev/zero >"$out/bzImage"
boot --kernel "$out/bzImage" ../scenarios/eevdf_basic.yaml
want_rc 3
want '.verdict == "error" and .vm_exit == "qemu error" and .attempts == 2'
want '(.console_tail | length) > 0'
