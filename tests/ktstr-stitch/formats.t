#!/bin/sh
# The same chain in every format (issue 10): the text (--history=full), JSON
# lines (--history) and the Perfetto trace carry, call by call (n), the same
# function and CPU, the same decoded values with the same marks (NULL: a
# NULL pointer, ?: not readable or not recorded) and the same entry → exit
# changes; the exit and the causal task read the same in all three.
. ../lib.sh
set -eu
S=${KTSTR_BIN:?}/ktstr-stitch
T=$(printf '\t')

# "n<TAB>key<TAB>entry<TAB>exit" of every value, and "n<TAB>cpu<TAB>func".
text_vals() {
	awk -v T="$T" '
	function split_val(rest,   i) {
		sub(/^ +/, "", rest)
		i = index(rest, " \342\206\222 ")
		if (i) { ex = substr(rest, i + 5); en = substr(rest, 1, i - 1); sub(/ +$/, "", en) }
		else { en = rest; ex = "" }
	}
	/^#[0-9]+ / {
		n = substr($1, 2)
		s = $0; sub(/^#[0-9]+ +[^ ]+ +cpu /, "", s)
		cpu = s; sub(/ .*/, "", cpu)
		sub(/^[^ ]+ +/, "", s); sub(/  .*/, "", s)
		print n T "cpu" T cpu T s
		next
	}
	n == "" { next }
	/^    [^ ]/ {
		s = substr($0, 5); i = index(s, "  ")
		split_val(substr(s, i)); print n T param "." substr(s, 1, i - 1) T en T ex
		next
	}
	/^  [^ ]/ {
		s = substr($0, 3); i = index(s, "  ")
		name = i ? substr(s, 1, i - 1) : s
		# "task_struct *p": a struct parameter, named by what follows the *
		if (index(name, "*")) { sub(/.*\*/, "", name) }
		if (!i) { param = name; next }
		split_val(substr(s, i)); print n T name T en T ex
	}' "$1" | sort
}

json_vals() {
	jq -r --arg T "$T" 'select(.type == "call") | .n as $n |
	  ([$n, "cpu", (.cpu // "?"), .func] | map(tostring) | join($T)),
	  (.params[] | if .fields then (.name as $p | .fields[] | [$n, "\($p).\(.name)", .value, .exit // ""])
	               else [$n, .name, .value, .exit // ""] end | map(tostring) | join($T))' "$1" | sort
}

perfetto_vals() {
	jq -r --arg T "$T" '
	  (reduce (.traceEvents[] | select(.name == "thread_name")) as $m ({};
	    .["\($m.tid)"] = ($m.args.name | sub("^CPU "; "") | sub(" .*"; "")))) as $cpu |
	  .traceEvents[] | select(.ph == "X" and .tid < 1000000) | .args.n as $n |
	  ([$n, "cpu", $cpu["\(.tid)"], .name] | map(tostring) | join($T)),
	  (.args | to_entries[] | select(.key != "n" and .key != "source" and .key != "of_task") |
	   (.value | split(" \u2192 ")) as $v | [$n, .key, $v[0], $v[1] // ""] | map(tostring) | join($T))' "$1" | sort
}

same() { # name events args...
	name=$1 ev=$2
	shift 2
	"$S" "$@" --history=full "$ev" >"$tmp/$name.txt"
	"$S" "$@" --history -f json "$ev" >"$tmp/$name.jsonl"
	"$S" "$@" -f perfetto "$ev" >"$tmp/$name.trace"
	text_vals "$tmp/$name.txt" >"$tmp/$name.t"
	json_vals "$tmp/$name.jsonl" >"$tmp/$name.j"
	perfetto_vals "$tmp/$name.trace" >"$tmp/$name.p"
	[ -s "$tmp/$name.t" ] || { echo "$name: no values in the text"; exit 1; }
	diff -u "$tmp/$name.t" "$tmp/$name.j" >"$tmp/d" || { echo "$name: text and json differ"; cat "$tmp/d"; exit 1; }
	diff -u "$tmp/$name.t" "$tmp/$name.p" >"$tmp/d" || { echo "$name: text and perfetto differ"; cat "$tmp/d"; exit 1; }
	# the exit and the causal task
	jq -e --slurpfile j "$tmp/$name.jsonl" '
	  ($j[] | select(.type == "exit") | del(.type)) as $exit |
	  ($j[] | select(.type == "causal_task") | del(.type)) as $task |
	  ([.traceEvents[] | select(.ph == "i")][0].args == $exit) and .otherData.causal_task == $task' \
		"$tmp/$name.trace" >/dev/null || { echo "$name: the exit or the causal task differ in the trace"; exit 1; }
	want=$(jq -r 'select(.type == "exit") |
	  "exit: \(.exit_kind // "unknown")\(if .exit_code and (.exit_kind | test("^[0-9]") | not) then " (\(.exit_code))" else "" end) on cpu \(.cpu // "?")"' \
		"$tmp/$name.jsonl")
	grep -q "^$want, current " "$tmp/$name.txt" || { echo "$name: text exit line is not '$want'"; exit 1; }
}

# The comparison sees a difference: one value changed in the JSON.
"$S" -t targets.jsonl --history=full crash.in >"$tmp/c.txt"
"$S" -t targets.jsonl --history -f json crash.in | sed 's/"SCX_DSQ_LOCAL"/"SCX_DSQ_GLOBAL"/' >"$tmp/c.jsonl"
text_vals "$tmp/c.txt" >"$tmp/c.t"
json_vals "$tmp/c.jsonl" >"$tmp/c.j"
cmp -s "$tmp/c.t" "$tmp/c.j" && { echo "the comparison misses a changed value"; exit 1; }

same crash crash.in -t targets.jsonl
same decoders decoders.in -t targets.jsonl
same robust robust.in -t targets.jsonl
same stall checkin-handmade.in -t targets.jsonl
same checkin-real checkin-real.in -t checkin-real.targets.jsonl
same strings strings.in -t strings.targets.jsonl
same untrusted untrusted.in -t targets.jsonl
same nest nest.in -t targets.jsonl
same raw raw.in
same demo-loop demo-loop.in -t demo-loop.targets.jsonl
# NULL and ? are there to compare: a NULL struct pointer and unread fields
grep -q "${T}rf${T}NULL${T}\$" "$tmp/stall.t"
grep -q "${T}?${T}" "$tmp/robust.t"
exit 0
