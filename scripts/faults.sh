#!/usr/bin/env bash
# Runs the fault suite (faults/, build tag "faults"): `make test-faults`
# calls this. It finds or starts PostgreSQL and builds Mailpit
# (scripts/env.sh); the tests build the sunshine binary, start their own
# private PostgreSQL cluster to restart, and break SMTP, processes and
# replicas underneath it. Figures go to faults/results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
go test -tags faults -count=1 -v -timeout 20m "$@" ./faults
