#!/bin/sh
# vm: boots one VM whose "scheduler" prints terminal escapes, invalid UTF-8,
# NUL bytes, a 200 KB line and a forged EXIT line, then exits: ktstr-boot must
# neither crash nor hang, and its JSON and stderr carry only sanitized text.
. ./vmlib.sh
cat >"$out/sched.sh" <<'SH'
#!/bin/sh
printf 'junk \033[2J\033]0;title\007 \377\376 \000 nul\n'
i=0
while [ $i -lt 400 ]; do
	printf '%0500d' 0
	i=$((i + 1))
done
printf '\nEXIT: kind=\033[31mEVIL\377(1025) reason=r\001\033[0m msg=m\033]0;t\007\n'
exit 1
SH
chmod +x "$out/sched.sh"
cat >"$out/s.yaml" <<YAML
name: hostile_sched
scheduler: $out/sched.sh
memory_mb: 256
YAML
boot -v "$out/s.yaml"
want_rc 1
want '.verdict == "fail" and .reached_workload == false'
# The forged line is parsed, but what reaches the JSON is printable text.
want '.sched_ext_exit.kind == "\\x1b[31mEVIL\ufffd" and .sched_ext_exit.code == 1025'
want '.sched_ext_exit.reason == "r\\x01\\x1b[0m" and .sched_ext_exit.message == "m\\x1b]0;t\\x07"'
want '[.. | strings | test("[\u0000-\u0008\u000b-\u001f\u007f]")] | any | not'
grep -q "$(printf '\033')" "$out/stderr" && fail "an escape byte reached stderr"
exit 0
