#!/usr/bin/env bash
# Start-up benchmark: starts the real binary under Xvfb several times and reports the time from
# exec to the first mapped window (the first frame) and the resident memory once the Welcome
# screen is up. Prints the median of the runs.
#
# Usage: scripts/startup-bench.sh BINARY [RUNS]
set -euo pipefail

binary=$(readlink -f "$1")
runs=${2:-5}
window_title="Customer.io AEP Setup"

work=$(mktemp -d)
xvfb_pid=""
cleanup() {
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp 3>"$work/display" 2>/dev/null &
xvfb_pid=$!
for _ in $(seq 1 50); do
	[ -s "$work/display" ] && break
	sleep 0.1
done
export DISPLAY=":$(cat "$work/display")"

startup_ms=()
rss_mb=()
for run in $(seq 1 "$runs"); do
	mkdir -p "$work/home$run"
	start_ns=$(date +%s%N)
	HOME="$work/home$run" dbus-run-session -- sh -c 'echo $$ >"$0/app.pid"; exec "$@"' "$work" \
		"$binary" >/dev/null 2>&1 &
	session_pid=$!

	# xwininfo lists the window once it is mapped. That moment is taken as the first frame, which makes
	# the figure an estimate: GLFW may map the window just before drawing into it.
	until xwininfo -root -tree 2>/dev/null | grep -q "\"$window_title"; do
		sleep 0.01
	done
	end_ns=$(date +%s%N)
	startup_ms+=($(( (end_ns - start_ns) / 1000000 )))

	# Let the Welcome screen settle before reading the resident set size.
	sleep 2
	app_pid=$(cat "$work/app.pid")
	rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$app_pid/status")
	rss_mb+=($(( rss_kb / 1024 )))

	kill -TERM "$app_pid"
	wait "$session_pid" || true
done

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "startup: runs=$runs first_frame_ms=$(median "${startup_ms[@]}") (all: ${startup_ms[*]})"
echo "startup: rss_after_welcome_mb=$(median "${rss_mb[@]}") (all: ${rss_mb[*]})"
