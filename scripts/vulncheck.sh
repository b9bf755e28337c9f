#!/usr/bin/env bash
# govulncheck against an offline copy of the Go vulnerability database: the
# module golang.org/x/vulndb (from the module proxy) carries the OSV files,
# and its cmd/indexdb builds the database govulncheck reads. Built once per
# machine and cached. Run with the toolchain go.mod names, like the code.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${GOTOOLCHAIN:-auto}" = local ]; then export GOTOOLCHAIN=auto; fi
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
vulndb=v0.0.0-20261105234957-e22db6528018
vuln=v1.9.0
db="${XDG_CACHE_HOME:-$HOME/.cache}/sunshine/vulndb-$vulndb"
if [ ! -f "$db/index/db.json" ]; then
	echo "vulncheck.sh: building the vulnerability database $vulndb (once; about a minute)" >&2
	src="$(go mod download -json "golang.org/x/vulndb@$vulndb" | sed -nE 's/^[[:space:]]*"Dir": "(.*)",?$/\1/p')"
	rm -rf "$db.tmp"
	go run "golang.org/x/vulndb/cmd/indexdb@$vulndb" -vulns "$src/data/osv" -out "$db.tmp" >&2
	rm -rf "$db" && mv "$db.tmp" "$db"
fi
go run "golang.org/x/vuln/cmd/govulncheck@$vuln" -db "file://$db" "$@" ./...
