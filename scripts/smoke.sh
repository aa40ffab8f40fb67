#!/usr/bin/env bash
# Xvfb smoke test of the real binary. It starts the app in demo mode on a virtual display,
# waits for its window and captures the screen to PNG, then checks that the capture is not
# blank. Last, it stops the app with SIGTERM and checks that it exits 0 and leaves no process
# behind.
#
# Usage: scripts/smoke.sh BINARY OUTPUT_DIR [extra app arguments]
set -euo pipefail

binary=$(readlink -f "$1")
out=$2
shift 2
mkdir -p "$out"
out=$(readlink -f "$out")
window_title="Customer.io AEP Setup"
timeout_seconds=60

work=$(mktemp -d)
xvfb_pid=""
session_pid=""
cleanup() {
	[ -n "$session_pid" ] && kill -KILL "$session_pid" 2>/dev/null || true
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

fail() {
	echo "smoke: FAIL: $*" >&2
	[ -f "$work/app.log" ] && sed 's/^/smoke: app: /' "$work/app.log" >&2
	exit 1
}

# -displayfd picks a free display number, so parallel runs and a developer's own X do not clash.
Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 1 50); do
	[ -s "$work/display" ] && break
	sleep 0.1
done
[ -s "$work/display" ] || fail "Xvfb did not start: $(cat "$work/xvfb.log")"
export DISPLAY=":$(cat "$work/display")"

# Lists live D-Bus and keyring daemons. Zombies are left out because they are already gone.
list_daemons() { ps -eo pid=,stat=,comm= | awk '$2 !~ /^Z/ && ($3 == "dbus-daemon" || $3 == "gnome-keyring-d") { print $1 }' | sort; }
daemons_before=$(list_daemons)

# A private HOME keeps the test away from the developer's preferences and keyring, and
# dbus-run-session ends every D-Bus daemon the app or Fyne starts when the app exits.
mkdir -p "$work/home"
# setsid gives the app and everything it starts a session of their own, so the check at the
# end finds leftovers of this run only, not other instances of the binary.
HOME="$work/home" setsid --wait dbus-run-session -- sh -c 'echo $$ >"$0/app.pid"; exec "$@"' "$work" \
	"$binary" --demo "$@" >"$work/app.log" 2>&1 &
session_pid=$!

start=$(date +%s)
until xwininfo -root -tree 2>/dev/null | grep -q "\"$window_title"; do
	kill -0 "$session_pid" 2>/dev/null || fail "the app exited before its window appeared"
	[ $(( $(date +%s) - start )) -lt $timeout_seconds ] || fail "no window titled '$window_title' after ${timeout_seconds}s"
	sleep 0.2
done
echo "smoke: window '$window_title' is up on $DISPLAY"

# Give the first frames time to draw before capturing.
sleep 2
capture="$out/smoke-demo.png"
import -window root "$capture"
# A blank or unrendered window has one or two colours, while text and icons bring dozens.
colours=$(convert "$capture" -format '%k' info:)
echo "smoke: captured $capture ($colours distinct colours)"
[ "$colours" -ge 16 ] || fail "the capture looks blank: only $colours distinct colours"

app_pid=$(cat "$work/app.pid")
session_id=$(ps -o sid= -p "$app_pid" | tr -d ' ')
kill -TERM "$app_pid"
status=0
wait "$session_pid" || status=$?
session_pid=""
[ "$status" -eq 0 ] || fail "the app exited with status $status after SIGTERM"

sleep 0.5
if kill -0 "$app_pid" 2>/dev/null; then
	fail "process $app_pid is still running after exit"
fi
leftover=$(ps -eo pid=,sid=,stat= | awk -v sid="$session_id" '$2 == sid && $3 !~ /^Z/ { print $1 }' | tr '\n' ' ')
[ -z "${leftover// /}" ] || fail "processes of the app's session left behind: $leftover"
# dbus-run-session stops its daemon as the app exits, which can take a few seconds.
for _ in $(seq 1 50); do
	new_daemons=$(comm -13 <(echo "$daemons_before") <(list_daemons) | tr '\n' ' ')
	[ -z "${new_daemons// /}" ] && break
	sleep 0.1
done
[ -z "${new_daemons// /}" ] || fail "D-Bus or keyring daemons left behind: $new_daemons"
echo "smoke: app exited 0 after SIGTERM and left no process behind"
