#!/usr/bin/env bash
# Prints the path of a Mailpit binary (a real SMTP server with an HTTP API,
# for the email tests), building the pinned version with `go install` the
# first time and caching it per machine.
set -euo pipefail
version=v1.33.1
cache="${XDG_CACHE_HOME:-$HOME/.cache}/sunshine/mailpit-$version"
if [ -n "${MAILPIT_BIN:-}" ] && [ -x "$MAILPIT_BIN" ]; then
	echo "$MAILPIT_BIN"
	exit 0
fi
if [ ! -x "$cache/mailpit" ]; then
	echo "mailpit.sh: building Mailpit $version (once; about 30 s)" >&2
	mkdir -p "$cache"
	GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" GOBIN="$cache" go install "github.com/axllent/mailpit@$version" >&2
fi
echo "$cache/mailpit"
