#!/usr/bin/env bash
# Runs the Go benchmarks (`make bench`) against the same PostgreSQL and
# Mailpit as the tests. SUNSHINE_BENCH_REQUESTS sets the planning scale.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
go test -run '^$' -bench . -benchmem -timeout 60m "$@" ./...
