#!/usr/bin/env bash
# Runs every test: `make test` calls this, and so does .ci/run. It finds or
# starts PostgreSQL and builds Mailpit (scripts/env.sh), then runs gofmt,
# go vet and go test -race.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

unformatted="$(gofmt -l $(git ls-files '*.go'))"
if [ -n "$unformatted" ]; then
	echo "gofmt would change these files:" >&2
	echo "$unformatted" >&2
	exit 1
fi
go vet ./...
# The web package drives a real browser and bcrypt-hashes many sign-ins: about
# four minutes on an idle 2-core machine, more on a busy one. Allow 20 minutes
# a package instead of go test's 10.
go test -race -count=1 -timeout 20m "$@" ./...
