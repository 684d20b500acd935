#!/bin/sh
# An agent stream cut mid-frame (the repro VM killed, the host's disk full):
# its last line ends without a newline inside a record. The events keep every
# record before the cut, the same as from the whole lines alone; the meta
# record says stream_cut, and one warning line says so; exit 0.
. ../lib.sh
need jq
P=$KTSTR_BIN/ktstr-probe
A=fixtures/real-excerpt.agent.out
T=fixtures/real.targets.jsonl
head -n 120 "$A" >"$tmp/whole"
sed -n 121p "$A" | grep -q '^{"ev":"\(entry\|exit\)"' || fail "line 121 of $A is not a call record"
{ cat "$tmp/whole"; sed -n 121p "$A" | head -c 60; } >"$tmp/cut"
"$P" -t "$T" --agent-out "$tmp/cut" -n 4 >"$tmp/cut.events" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] || fail "exit $rc, expected 0: $(cat "$tmp/err")"
[ "$(cat "$tmp/err")" = "ktstr-probe: warning: $tmp/cut: the agent's stream ends mid-line (cut off); its last line is dropped" ] ||
	fail "stderr: $(cat "$tmp/err")"
head -n 1 "$tmp/cut.events" | jq -e '.stream_cut == true and .bad_lines == 1 and .recorded > 0' >/dev/null ||
	fail "meta: $(head -n 1 "$tmp/cut.events" | jq -c 'del(.probe)')"
"$P" -t "$T" --agent-out "$tmp/whole" -n 4 >"$tmp/whole.events" 2>"$tmp/err" || fail "the whole lines: $(cat "$tmp/err")"
[ ! -s "$tmp/err" ] || fail "whole lines warned: $(cat "$tmp/err")"
head -n 1 "$tmp/whole.events" | jq -e 'has("stream_cut") | not' >/dev/null || fail "whole lines taken as cut"
tail -n +2 "$tmp/cut.events" >"$tmp/a"
tail -n +2 "$tmp/whole.events" >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" || fail "records before the cut differ from the whole lines'"
# A bad line that is not the last, or a last line with its newline, is no cut.
{ cat "$tmp/whole"; echo '{"ev":"entry",'; } >"$tmp/bad"
"$P" -t "$T" --agent-out "$tmp/bad" -n 4 2>"$tmp/err" | head -n 1 | jq -e '(has("stream_cut") | not) and .bad_lines == 1' \
	>/dev/null || fail "a bad whole line taken as a cut"
exit 0
