#!/usr/bin/env bash
# Prints the path of a Chromium for the browser tests (web/browser_test.go).
# Uses $CHROME_PATH or Debian's /usr/bin/chromium; when neither is there and
# this runs as root, installs Debian's `chromium` package with apt-get.
# Prints nothing and exits 0 when no browser can be had: the browser tests
# then skip (or fail, with SUNSHINE_REQUIRE_BROWSER=1).
set -uo pipefail
if [ -n "${CHROME_PATH:-}" ] && [ -x "$CHROME_PATH" ]; then
	echo "$CHROME_PATH"
	exit 0
fi
for b in /usr/bin/chromium /usr/bin/chromium-browser; do
	if [ -x "$b" ]; then
		echo "$b"
		exit 0
	fi
done
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "browser.sh: no Chromium, and not root with apt-get to install it; browser tests will skip" >&2
	exit 0
fi
echo "browser.sh: installing Debian's chromium (once; about a minute)" >&2
if DEBIAN_FRONTEND=noninteractive apt-get update >&2 &&
	DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >&2 &&
	[ -x /usr/bin/chromium ]; then
	echo /usr/bin/chromium
else
	echo "browser.sh: could not install chromium; browser tests will skip" >&2
fi
exit 0
