#!/usr/bin/env bash
# Checks that a Linux archive made by `fyne package` contains the binary and the desktop file.
set -euo pipefail

archive=$1
binary=$2
listing=$(tar -tJf "$archive")

for wanted in "usr/local/bin/$binary" "usr/local/share/applications/.*\.desktop" "usr/local/share/pixmaps/.*\.png"; do
	if ! grep -Eq "^(\./)?([^/]+/)?$wanted\$" <<<"$listing"; then
		echo "check-package: $archive has no entry matching $wanted. It contains:" >&2
		echo "$listing" >&2
		exit 1
	fi
done
echo "check-package: $archive contains the binary, the desktop file and the icon"
