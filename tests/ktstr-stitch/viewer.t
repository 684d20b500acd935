#!/bin/sh
# The Perfetto traces as a real viewer reads them: speedscope (the npm
# package's built app, dist/release; KTSTR_SPEEDSCOPE names that folder, else
# the global npm root's) in headless chromium, served on the loopback, must
# import each trace as a Trace Event Format profile with no complaint about
# nesting ("Tried to end ...", "... still open at end of profile"): the
# slices of every track nest as the viewer computes them. A trace whose
# slices overlap is shown to make it complain. Skipped without chromium,
# python3 or the app.
set -u
S=${KTSTR_BIN:?}/ktstr-stitch
app=${KTSTR_SPEEDSCOPE:-$(npm root -g 2>/dev/null)/speedscope/dist/release}
command -v chromium >/dev/null || { echo "no chromium" >&2; exit 77; }
command -v python3 >/dev/null || { echo "no python3" >&2; exit 77; }
[ -f "$app/index.html" ] || { echo "no speedscope app at $app (npm install -g speedscope)" >&2; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stitch-viewer.XXXXXX")
srv=
trap '[ -n "$srv" ] && kill "$srv" 2>/dev/null; rm -rf "$tmp"' EXIT
cp -r "$app" "$tmp/site"
fail() { echo "$1"; exit 1; }
fx=../ktstr-probe/fixtures
"$S" -t "$fx/real.targets.jsonl" -f perfetto -o "$tmp/site/real.json" "$fx/real.events.jsonl" || fail "stitch real"
for f in crash nest hostile-nest robust ties; do
	"$S" -t targets.jsonl -f perfetto -o "$tmp/site/$f.json" "$f.in" || fail "stitch $f"
done
"$S" -t demo-loop.targets.jsonl -f perfetto -o "$tmp/site/demo-loop.json" demo-loop.in || fail "stitch demo-loop"
"$S" -t stall-real.targets.jsonl -f perfetto -o "$tmp/site/stall-real.json" stall-real.in || fail "stitch stall-real"
echo '{"traceEvents":[{"ph":"X","pid":1,"tid":0,"name":"a","ts":1,"dur":5},{"ph":"X","pid":1,"tid":0,"name":"b","ts":2,"dur":5}]}' \
	>"$tmp/site/overlap.json"
(cd "$tmp/site" && exec python3 -m http.server 0 --bind 127.0.0.1) >"$tmp/http.log" 2>&1 &
srv=$!
port=
for i in 1 2 3 4 5 6 7 8 9 10; do
	port=$(sed -n 's/.* port \([0-9]*\).*/\1/p' "$tmp/http.log" | head -n 1)
	[ -n "$port" ] && break
	sleep 1
done
[ -n "$port" ] || fail "the loopback server did not start: $(cat "$tmp/http.log")"
view() { # name: the viewer's console while it loads the trace
	timeout 180 chromium --headless=new --no-sandbox --disable-gpu --enable-logging=stderr --v=0 \
		--user-data-dir="$tmp/profile" --virtual-time-budget=8000 --dump-dom \
		"http://127.0.0.1:$port/index.html#profileURL=http://127.0.0.1:$port/$1.json" \
		>"$tmp/$1.dom" 2>"$tmp/$1.log"
	grep -q 'Importing as Trace Event Format profile' "$tmp/$1.log" || fail "$1: speedscope did not import it: $(grep CONSOLE "$tmp/$1.log" | tail -n 3)"
}
view overlap
grep -q 'Tried to end' "$tmp/overlap.log" || fail "the viewer takes overlapping slices without a word: the check cannot fail"
for f in real demo-loop crash nest hostile-nest robust ties stall-real; do
	view "$f"
	if grep -E 'Tried to end|still open at end' "$tmp/$f.log" >"$tmp/bad"; then
		fail "$f: slices do not nest for the viewer: $(head -n 3 "$tmp/bad" | cut -c1-300)"
	fi
done
exit 0
