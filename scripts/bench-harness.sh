#!/usr/bin/env bash
# Runs the benchmark harness (`make bench-quick`, `make bench-full`;
# go run ./bench, docs/performance.md) against the same PostgreSQL and
# Mailpit as the tests. Arguments pass through: -quick, -scale, -c, …
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
command -v pgbench >/dev/null || { echo "bench-harness: pgbench is not installed (apt-get install postgresql-client)" >&2; exit 1; }
exec go run ./bench "$@"
