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
go test -race -count=1 "$@" ./...
