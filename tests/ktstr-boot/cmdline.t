#!/bin/sh
# The guest kernel's command line: ktstr's base (console, panic and oops end
# the VM, /init) plus what a test VM never needs under TCG (no_timer_check,
# tsc=reliable, mitigations=off) and lpj= from the host's MHz and the guest's
# CONFIG_HZ; KTSTR_ICOUNT (benchmarks) gives TCG one thread and -icount. A
# stand-in QEMU records its arguments and fails, so nothing boots (no "# vm:"
# line: the sanitizer pass runs it too).
. ./vmlib.sh
mkdir "$tmp/bin"
printf '#!/bin/sh\nfor a; do printf "%%s\\n" "$a"; done >>"%s/argv"\nexit 1\n' "$tmp" >"$tmp/bin/qemu-system-x86_64"
chmod +x "$tmp/bin/qemu-system-x86_64"
PATH="$tmp/bin:$PATH" KTSTR_ICOUNT= boot --accel tcg ../scenarios/eevdf_basic.yaml
want_rc 3
grep -qx -- -icount "$tmp/argv" && fail "-icount without KTSTR_ICOUNT"
grep -qx 'tcg,thread=multi' "$tmp/argv" || fail "TCG not multi-threaded: $(grep -A1 -x -- -accel "$tmp/argv")"
append=$(grep -A1 -x -- -append "$tmp/argv" | sed -n 2p)
[ -n "$append" ] || fail "no -append in QEMU's arguments: $(cat "$tmp/argv")"
for w in console=ttyS0 panic=-1 oops=panic rdinit=/init init=/init no_timer_check tsc=reliable mitigations=off \
	initcall_blacklist=load_system_certificate_list cryptomgr.notests; do
	case " $append " in *" $w "*) ;; *) fail "'$w' missing from: $append" ;; esac
done
# lpj: MHz * 1e6 / HZ, when the kernel's config is known (the cache's is).
hz=$(sed -n 's/^CONFIG_HZ=//p' "$KTSTR_KERNEL_DIR/config" 2>/dev/null)
mhz=$(sed -n 's/^cpu MHz[[:space:]]*: *//p' /proc/cpuinfo | head -n 1)
if [ -n "$hz" ] && [ -n "$mhz" ]; then
	lpj=$(awk -v m="$mhz" -v h="$hz" 'BEGIN { printf "%d", m * 1e6 / h }')
	case " $append " in *" lpj=$lpj "*) ;; *) fail "lpj=$lpj missing from: $append" ;; esac
fi
rm "$tmp/argv"
PATH="$tmp/bin:$PATH" KTSTR_ICOUNT=shift=0,sleep=off boot --accel tcg ../scenarios/eevdf_basic.yaml
want_rc 3
[ "$(grep -A1 -x -- -icount "$tmp/argv" | sed -n 2p)" = shift=0,sleep=off ] || fail "no -icount shift=0,sleep=off: $(cat "$tmp/argv")"
grep -qx 'tcg,thread=single' "$tmp/argv" || fail "icount with multi-threaded TCG: $(grep -A1 -x -- -accel "$tmp/argv")"
exit 0
