#!/usr/bin/env bash
# Runs every test. `make test` calls this; so does .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
[ "$GOTOOLCHAIN" = local ] && export GOTOOLCHAIN=auto

go vet ./...
go test -race -count=1 ./...
