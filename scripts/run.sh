#!/usr/bin/env bash
# `make run`: everything a newcomer needs on a fresh machine. Finds or starts
# PostgreSQL, creates the database, migrates, seeds the demo on first run,
# prints the demo token and a curl line, then serves on 127.0.0.1:8080 (this
# machine only: the demo's password and token are public).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${GOTOOLCHAIN:-auto}" = local ]; then export GOTOOLCHAIN=auto; fi
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"

if [ -z "${SUNSHINE_DATABASE_URL:-}" ]; then
	admin="$(scripts/db.sh)"
	# Same server, database "sunshine".
	SUNSHINE_DATABASE_URL="$(printf '%s' "$admin" | sed -E 's#/postgres(\?|$)#/sunshine\1#')"
fi
export SUNSHINE_DATABASE_URL
export SUNSHINE_ADDR="${SUNSHINE_ADDR:-127.0.0.1:8080}"
export SUNSHINE_LOG_FORMAT="${SUNSHINE_LOG_FORMAT:-text}"
# Each request's page shows a reply address at this (local) domain;
# `bin/sunshine mail-in ADDRESS < reply.eml` files an email as if sent to it.
export SUNSHINE_INBOUND_DOMAIN="${SUNSHINE_INBOUND_DOMAIN:-replies.sunshine.localhost}"

# OCR of scanned pages and images, when Tesseract can be had (as root,
# installed; otherwise serve says OCR is off).
scripts/ocr.sh
go build -o bin/sunshine ./cmd/sunshine
bin/sunshine migrate --create-db
token="$(bin/sunshine seed --demo --json | sed -nE 's/.*"token": *"([^"]+)".*/\1/p')"
port="${SUNSHINE_ADDR##*:}"
cat <<MSG

Sunshine is starting on http://localhost:${port} with the demo organization
(this machine only; SUNSHINE_ADDR=:${port} listens on every interface).
Sign in at http://localhost:${port}/ as demo@sunshine.example with the password sunshine-demo.
Demo API token (public; demo data only): ${token}
Database: export SUNSHINE_DATABASE_URL='${SUNSHINE_DATABASE_URL}'

Try:
  curl -s -H "Authorization: Bearer ${token}" http://localhost:${port}/api/v1/requests
An agency's reply by email (the address is on each request's page):
  SUNSHINE_DATABASE_URL='${SUNSHINE_DATABASE_URL}' SUNSHINE_INBOUND_DOMAIN=${SUNSHINE_INBOUND_DOMAIN} \\
    bin/sunshine mail-in request-…@${SUNSHINE_INBOUND_DOMAIN} < reply.eml

Stop with Ctrl-C.
MSG
exec bin/sunshine serve
