#!/usr/bin/env bash
# Backups of Sunshine's database (documents included: their bytes live in it).
#
#   scripts/backup.sh dump    DATABASE_URL FILE      pg_dump in custom format
#   scripts/backup.sh restore FILE DATABASE_URL      into a new, empty database (created)
#   scripts/backup.sh verify  SOURCE_URL COPY_URL    same row counts and document hashes
#   scripts/backup.sh check   DATABASE_URL           dump, restore into a scratch database, verify, drop it
#
# Needs pg_dump, pg_restore and psql of the server's major version or newer.
set -euo pipefail

die() { echo "backup.sh: $*" >&2; exit 1; }
for tool in pg_dump pg_restore psql; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is missing: install PostgreSQL's client programs (Debian: postgresql-client)"
done

# with_db URL NAME: URL with its database replaced by NAME.
with_db() { printf '%s' "$1" | sed -E "s#^(postgres(ql)?://[^/]*/)[^?]*#\1$2#"; }
db_name() { printf '%s' "$1" | sed -E 's#^postgres(ql)?://[^/]*/([^?]*).*#\2#'; }

# summary URL: one line per table with its row count (every table of the
# schema, so a new one is never left out), then one per blob with the
# SHA-256 of its reassembled bytes and the hash recorded at upload.
summary() {
	local url="$1" t
	for t in $(psql "$url" -XAtqc "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"); do
		printf '%s %s\n' "$t" "$(psql "$url" -XAtqc "SELECT count(*) FROM $t")"
	done
	psql "$url" -XAtqc "SELECT b.id, encode(b.sha256, 'hex'), encode(sha256(COALESCE(string_agg(c.data, ''::bytea ORDER BY c.seq), ''::bytea)), 'hex')
		FROM blobs b LEFT JOIN blob_chunks c ON c.blob_id = b.id GROUP BY b.id ORDER BY b.id"
}

case "${1:-}" in
dump)
	[ $# -eq 3 ] || die "usage: backup.sh dump DATABASE_URL FILE"
	pg_dump --format=custom --no-owner --file="$3" "$2"
	echo "backup.sh: wrote $3 ($(du -h "$3" | cut -f1))" >&2
	;;
restore)
	[ $# -eq 3 ] || die "usage: backup.sh restore FILE DATABASE_URL"
	name="$(db_name "$3")"
	psql "$(with_db "$3" postgres)" -XAtqc "CREATE DATABASE \"$name\"" >/dev/null
	pg_restore --no-owner --exit-on-error --dbname="$3" "$2"
	echo "backup.sh: restored $2 into $name" >&2
	;;
verify)
	[ $# -eq 3 ] || die "usage: backup.sh verify SOURCE_URL COPY_URL"
	a="$(summary "$2")"
	b="$(summary "$3")"
	if [ "$a" != "$b" ]; then
		diff <(echo "$a") <(echo "$b") >&2 || true
		die "the copy differs from the source"
	fi
	bad="$(printf '%s\n' "$a" | awk 'NF == 1 && $0 ~ /\|/ { split($0, f, "|"); if (f[2] != f[3]) print f[1] }')"
	[ -z "$bad" ] || die "documents whose bytes do not match their recorded hash: $bad"
	echo "backup.sh: the copy matches: $(printf '%s\n' "$a" | awk '!/\|/ {printf "%s=%s ", $1, $2}')" >&2
	echo "backup.sh: document hashes checked: $(printf '%s\n' "$a" | grep -c '|' || true)" >&2
	;;
check)
	[ $# -eq 2 ] || die "usage: backup.sh check DATABASE_URL"
	file="$(mktemp -t sunshine-backup.XXXXXX)"
	scratch="$(with_db "$2" "sunshine_restore_check_$$")"
	trap 'rm -f "$file"; psql "$(with_db "$2" postgres)" -XAtqc "DROP DATABASE IF EXISTS \"sunshine_restore_check_$$\" WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
	"$0" dump "$2" "$file"
	"$0" restore "$file" "$scratch"
	"$0" verify "$2" "$scratch"
	;;
*)
	die "usage: backup.sh dump|restore|verify|check …"
	;;
esac
