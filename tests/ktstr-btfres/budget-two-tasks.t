#!/bin/sh
# The 16-field budget of a function with two tasks and another struct:
# put_prev_task_scx(rq, p, next) of the real kernel. The followed task (p)
# gets its curated fields first, the rq its own next, the second task what
# is left: the rq was printed as a bare address when next took the budget.
. ../lib.sh
K=$KTSTR_KERNEL_DIR
[ -f "$K/vmlinux" ] || skip "no $K/vmlinux (make kernel)"
need jq
out=$(echo '{"name":"put_prev_task_scx"}' | "$KTSTR_BIN/ktstr-btfres" --vmlinux "$K/vmlinux" --no-source) ||
	fail "ktstr-btfres failed"
n() { printf '%s\n' "$out" | jq -r --arg p "$1" 'select(.name == "put_prev_task_scx") | .params[] |
	select(.name == $p) | .fields // [] | length'; }
[ "$(printf '%s\n' "$out" | jq -r 'select(.name == "put_prev_task_scx") | .task_param')" = 1 ] ||
	fail "task_param is not p (1)"
[ "$(n rq)" -ge 4 ] || fail "rq has $(n rq) fields, want its 4 curated ones"
[ "$(n p)" -ge 10 ] || fail "p has $(n p) fields, want the task's curated set"
total=$(( $(n rq) + $(n p) + $(n next) ))
[ "$total" -le 16 ] || fail "$total fields, over the budget of 16"
printf '%s\n' "$out" | jq -e 'select(.name == "put_prev_task_scx") | .params[] | select(.name == "rq") |
	.fields | map(.name) | index("cpu") != null' >/dev/null || fail "rq has no cpu field"
