#!/bin/sh
# Benchmark of ktstr-stackx: a generated 100 MB kernel console log (boot
# chatter, oops and warning traces, sched_ext exit backtraces, sched_ext_dump
# trace lines), scanned by ktstr-stackx and by `grep -c '+0x'` in the same
# run. Each is timed best of 3 after a warm-up read; the last line is the
# ratio of the two times.
#
#   KTSTR_BIN=build/bin sh bench/stackx.sh     (make bench)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
: "${KTSTR_BIN:=$top/build/bin}"
stackx=$KTSTR_BIN/ktstr-stackx
size_mb=${STACKX_BENCH_MB:-100}
[ -x "$stackx" ] || { echo "bench/stackx.sh: $stackx not built (run make)" >&2; exit 3; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-bench-stackx.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM

# One block of about 1 MB: 2000 rounds of mixed console output.
awk 'BEGIN {
	t = 0.5
	for (r = 0; r < 2000; r++) {
		ts = sprintf("[%12.6f]", t); t += 0.0137
		m = r % 10
		if (m < 5) {
			printf "%s virtio_blk virtio0: [vda] 2097152 512-byte logical blocks (1.07 GB/1.00 GiB)\n", ts
			printf "%s EXT4-fs (vda1): mounted filesystem %08x-0000 r/w with ordered data mode. Quota mode: none.\n", ts, r
			printf "%s systemd[1]: Started systemd-journald.service - Journal Service (round %d).\n", ts, r
			printf "%s random: crng init done, entropy pool at %d bits\n", ts, r * 7
		} else if (m < 7) {
			printf "%s ------------[ cut here ]------------\n", ts
			printf "%s WARNING: CPU: 1 PID: %d at kernel/sched/ext/ext.c:%d scx_warn_func+0x1c/0x30\n", ts, r, 100 + m
			printf "%s CPU: 1 UID: 0 PID: %d Comm: kworker/1:2 Not tainted 7.3.4 #1\n", ts, r
			printf "%s RIP: 0010:scx_warn_func+0x1c/0x30\n", ts
			printf "%s Code: 48 89 e5 0f 0b 5d c3 cc cc cc cc 66 0f 1f 44 00 00\n", ts
			printf "%s RSP: 0018:ffffb3c0c0013e40 EFLAGS: 00010246\n", ts
			printf "%s Call Trace:\n", ts
			printf "%s  <TASK>\n", ts
			printf "%s  ? __warn+0x89/0x130\n", ts
			printf "%s  ? scx_warn_func+0x1c/0x30\n", ts
			printf "%s  balance_one+0x%x/0x2f0\n", ts, 32 + m
			printf "%s  pick_next_task_scx+0x6e/0x2a0\n", ts
			printf "%s  __schedule+0x2b1/0xa80\n", ts
			printf "%s  schedule+0x27/0xf0\n", ts
			printf "%s  worker_thread+0x1a3/0x3a0\n", ts
			printf "%s  kthread+0xfa/0x130\n", ts
			printf "%s  ret_from_fork+0x34/0x50\n", ts
			printf "%s  ret_from_fork_asm+0x1a/0x30\n", ts
			printf "%s  </TASK>\n", ts
			printf "%s ---[ end trace 0000000000000000 ]---\n", ts
		} else if (m < 9) {
			printf "           <...>-%d   [001] d..1.  %d.%06d: sched_ext_dump: Backtrace:\n", r, int(t), r
			printf "           <...>-%d   [001] d..1.  %d.%06d: sched_ext_dump:   scx_bpf_error_bstr+0x65/0x80\n", r, int(t), r
			printf "           <...>-%d   [001] d..1.  %d.%06d: sched_ext_dump:   bpf_prog_6deef7357e7b4530_ktstr_enqueue+0x%x/0x8e\n", r, int(t), r, 16 + m
			printf "           <...>-%d   [001] d..1.  %d.%06d: sched_ext_dump:   enqueue_task_scx+0x1b1/0x2f0\n", r, int(t), r
			printf "           <...>-%d   [001] d..1.  %d.%06d: sched_ext_dump: \n", r, int(t), r
			printf "           <...>-%d   [001] d..1.  %d.%06d: sched_ext_dump: CPU states\n", r, int(t), r
			printf "           <...>-%d   [001] d..1.  %d.%06d: sched_ext_dump:     do_nanosleep+0x6c/0x170\n", r, int(t), r
			printf "           <...>-%d   [001] d..1.  %d.%06d: sched_ext_dump: Event counters\n", r, int(t), r
		} else {
			printf "%s sched_ext: BPF scheduler \"ktstr\" disabled (scx_bpf_error)\n", ts
			printf "%s sched_ext: ktstr: ktstr_enqueue: injected error pid=%d\n", ts, r
			printf "%s   scx_bpf_error_bstr+0x65/0x80\n", ts
			printf "%s   bpf_prog_6deef7357e7b4530_ktstr_enqueue+0x5a/0x8e\n", ts
			printf "%s   scx_do_enqueue_task+0x1a2/0x5c0\n", ts
			printf "%s   enqueue_task_scx+0x1b1/0x2f0\n", ts
			printf "%s   ttwu_do_activate+0x80/0x1b0\n", ts
		}
	}
}' >"$tmp/block"
bsize=$(wc -c <"$tmp/block")
need=$((size_mb * 1024 * 1024))
n=$(((need + bsize - 1) / bsize))
i=0
while [ $i -lt $n ]; do cat "$tmp/block"; i=$((i + 1)); done >"$tmp/console.log"
rm -f "$tmp/block"
size=$(wc -c <"$tmp/console.log")

now() { date +%s%N; }
# Output goes to a file, not /dev/null: GNU grep stops at the first match
# when it sees its output is /dev/null.
best() { # command...: the fastest of 3 runs, in nanoseconds
	b=
	for _ in 1 2 3; do
		t0=$(now)
		"$@" >"$tmp/out"
		t1=$(now)
		d=$((t1 - t0))
		if [ -z "$b" ] || [ $d -lt $b ]; then b=$d; fi
	done
	echo $b
}

# Warm the page cache so both read from memory.
cat "$tmp/console.log" >/dev/null
t_grep=$(best grep -c '+0x' "$tmp/console.log")
t_stackx=$(best "$stackx" "$tmp/console.log")
funcs=$("$stackx" "$tmp/console.log" | wc -l)
echo "input: $size bytes, $(wc -l <"$tmp/console.log") lines; ktstr-stackx found $funcs functions"
awk -v g="$t_grep" -v s="$t_stackx" 'BEGIN {
	printf "grep -c +0x: %.3f s\nktstr-stackx: %.3f s\n", g / 1e9, s / 1e9
	printf "ratio: %.2f (target <= 2)\n", s / g
}'
