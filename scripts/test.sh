#!/usr/bin/env bash
# Runs every test: `make test` calls this, and so does .ci/run.
# It finds or starts PostgreSQL (scripts/db.sh) for the throwaway test
# databases and builds Mailpit (scripts/mailpit.sh) for the email tests,
# then runs gofmt, go vet and go test -race.
set -euo pipefail
cd "$(dirname "$0")/.."
# go.mod names a patched toolchain; let the go command fetch and use it.
if [ "${GOTOOLCHAIN:-auto}" = local ]; then export GOTOOLCHAIN=auto; fi
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"

TEST_DATABASE_URL="$(scripts/db.sh "${TEST_DATABASE_URL:-}")"
export TEST_DATABASE_URL
echo "test database server: ${TEST_DATABASE_URL%%\?*}" | sed -E 's#//([^:@/]+):[^@/]*@#//\1:***@#' >&2

MAILPIT_BIN="$(scripts/mailpit.sh)"
export MAILPIT_BIN

unformatted="$(gofmt -l $(git ls-files '*.go'))"
if [ -n "$unformatted" ]; then
	echo "gofmt would change these files:" >&2
	echo "$unformatted" >&2
	exit 1
fi
go vet ./...
go test -race -count=1 "$@" ./...
