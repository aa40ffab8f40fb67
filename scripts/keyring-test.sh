#!/usr/bin/env bash
# Runs the credential store's integration test against a real Secret Service: a private D-Bus
# session with an unlocked gnome-keyring, both ended when the test ends.
set -euo pipefail

# Go finds its build and module caches through HOME, so pin them before HOME changes.
export GOCACHE="$(go env GOCACHE)" GOMODCACHE="$(go env GOMODCACHE)" GOPATH="$(go env GOPATH)" GOENV="$(go env GOENV)"

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT

# The keyring password only protects this throw-away keyring in a temporary HOME.
HOME="$home" dbus-run-session -- sh -c '
	printf %s "ci-throwaway-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
	exec go test -tags integration -count=1 -run Integration ./flows/credentials/
' 2> >(grep -v "Failed to set fd limit" >&2)
