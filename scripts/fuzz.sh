#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (FUZZTIME, default 10s each).
# Inputs that found bugs stay in each package's testdata/fuzz and run as
# ordinary tests in `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
fuzztime="${FUZZTIME:-10s}"
total=0
for pkg in $(go list ./...); do
	for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		echo "fuzz: $pkg $target ($fuzztime)" >&2
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" 2>&1 | grep -v '^fuzz: elapsed' | tail -n 3
		total=$((total + 1))
	done
done
echo "fuzz: $total targets passed"
