#!/usr/bin/env bash
# Finds or starts a PostgreSQL server and prints ONE line on stdout: a URL to an
# admin database on it. Everything else goes to stderr.
#
#   scripts/db.sh [URL]   print URL if given and non-empty; else a reachable local
#                         server on 127.0.0.1:5432 (as postgres, then as you);
#                         else start a private cluster under .data/postgres on
#                         port 54329 (SUNSHINE_PG_PRIVATE=1 goes straight there)
#   scripts/db.sh stop    stop the private cluster if it is running
#
# Callers pass SUNSHINE_DATABASE_URL / TEST_DATABASE_URL through as URL.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
data_root="$repo/.data"
pgdata="$data_root/postgres"
private_port=54329
private_url="postgres://postgres@127.0.0.1:${private_port}/postgres?sslmode=disable"

log() { printf 'db.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# reachable URL PORT: can we talk to the server at URL?
reachable() {
	local url="$1" port="$2"
	if command -v psql >/dev/null 2>&1; then
		PGCONNECT_TIMEOUT=3 psql "$url" -w -Atqc 'select 1' </dev/null >/dev/null 2>&1
	elif command -v pg_isready >/dev/null 2>&1; then
		PGCONNECT_TIMEOUT=3 pg_isready -q -d "$url" >/dev/null 2>&1
	else
		timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" >/dev/null 2>&1
	fi
}

# find_bindir: sets bindir to a directory holding initdb and pg_ctl; returns 1 if none.
bindir=""
find_bindir() {
	local i p d
	i="$(command -v initdb 2>/dev/null || true)"
	p="$(command -v pg_ctl 2>/dev/null || true)"
	if [ -n "$i" ] && [ -n "$p" ]; then
		# Prefer the real directory so initdb finds its own postgres binary.
		d="$(dirname "$(readlink -f "$i")")"
		if [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
			bindir="$d"
		else
			bindir="$(dirname "$i")"
		fi
		return 0
	fi
	# Newest major version first: Debian/Ubuntu, then Homebrew.
	for d in $(ls -d /usr/lib/postgresql/*/bin /opt/homebrew/opt/postgresql@*/bin \
		/usr/local/opt/postgresql@*/bin 2>/dev/null | sort -t/ -V -r); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			bindir="$d"
			return 0
		fi
	done
	return 1
}

# As root, initdb/pg_ctl/postgres must run as an unprivileged user.
run_user=""
as_pg() {
	if [ -n "$run_user" ]; then
		(cd / && runuser -u "$run_user" -- "$@")
	else
		"$@"
	fi
}
setup_run_user() {
	[ "$(id -u)" -eq 0 ] || return 0
	if id -u postgres >/dev/null 2>&1; then
		run_user=postgres
	else
		run_user=sunshine-pg
		if ! id -u "$run_user" >/dev/null 2>&1; then
			log "creating system user $run_user to run PostgreSQL (it refuses to run as root)"
			useradd --system --no-create-home --shell /usr/sbin/nologin "$run_user" >&2
		fi
	fi
	command -v runuser >/dev/null 2>&1 || die "running as root but runuser is missing; run as a normal user"
	# A checkout under /root (or in a mktemp directory) is not searchable by
	# that user: keep the cluster under /var/lib instead, one per checkout.
	if ! runuser -u "$run_user" -- test -x "$repo"; then
		data_root="/var/lib/sunshine-pg/$(printf '%s' "$repo" | cksum | cut -d' ' -f1)"
		pgdata="$data_root/postgres"
		log "user $run_user cannot reach $repo; the private cluster lives in $pgdata"
	fi
	mkdir -p "$pgdata"
	chmod 0755 "$data_root"
	chown -R "$run_user": "$pgdata"
	if ! runuser -u "$run_user" -- test -x "$pgdata"; then
		die "user $run_user cannot reach $pgdata (a parent directory is not searchable); set SUNSHINE_DATABASE_URL or move the repository"
	fi
}

private_running() {
	[ -f "$pgdata/PG_VERSION" ] && as_pg "$bindir/pg_ctl" -D "$pgdata" status >/dev/null 2>&1
}

install_hint() {
	cat >&2 <<'EOF'
db.sh: no PostgreSQL server is reachable and no PostgreSQL binaries (initdb, pg_ctl) were found.
Install PostgreSQL, then run this again:
  Debian/Ubuntu:  sudo apt-get install postgresql
  macOS:          brew install postgresql@16
or point Sunshine at an existing server:
  export SUNSHINE_DATABASE_URL='postgres://USER:PASSWORD@HOST:5432/DBNAME?sslmode=disable'
EOF
}

stop_private() {
	if ! find_bindir; then
		log "no PostgreSQL binaries found; nothing to stop"
		return 0
	fi
	setup_run_user
	if [ ! -f "$pgdata/PG_VERSION" ]; then
		log "no private cluster at $pgdata"
		return 0
	fi
	if private_running; then
		log "stopping the private cluster at $pgdata"
		as_pg "$bindir/pg_ctl" -D "$pgdata" -m fast -w stop >&2
	else
		log "the private cluster at $pgdata is not running"
	fi
}

start_private() {
	if ! find_bindir; then
		if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
			log "no PostgreSQL binaries found; installing the Debian package postgresql with apt-get (you are root)"
			DEBIAN_FRONTEND=noninteractive apt-get update >&2
			DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2
			find_bindir || die "installed postgresql but still found no initdb/pg_ctl"
		else
			install_hint
			exit 1
		fi
	fi
	log "using PostgreSQL binaries in $bindir"
	setup_run_user

	if [ -f "$pgdata/PG_VERSION" ]; then
		local have want
		have="$(cat "$pgdata/PG_VERSION")"
		want="$("$bindir/pg_ctl" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)?.*/\1/')"
		if [ -n "$want" ] && [ "$have" != "$want" ]; then
			die "$pgdata was made by PostgreSQL $have but the binaries in $bindir are $want; remove $pgdata (scripts/db.sh stop first) to start afresh"
		fi
	else
		log "initialising a private cluster at $pgdata"
		mkdir -p "$pgdata"
		[ -n "$run_user" ] && chown -R "$run_user": "$pgdata"
		as_pg "$bindir/initdb" -D "$pgdata" -U postgres --auth=trust >&2
	fi

	if private_running; then
		log "the private cluster at $pgdata is already running"
	else
		# A unix socket path is limited to 107 bytes; beyond that use TCP only.
		local sockdir="$pgdata"
		if [ $(( ${#pgdata} + ${#private_port} + 10 )) -gt 107 ]; then
			log "path too long for a unix socket; the private cluster listens on TCP only"
			sockdir="''"
		fi
		log "starting the private cluster on 127.0.0.1:$private_port (log: $pgdata/server.log)"
		if ! as_pg "$bindir/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" \
			-o "-p $private_port -k $sockdir -c listen_addresses=127.0.0.1" -w start >&2; then
			log "pg_ctl start failed; the end of $pgdata/server.log:"
			tail -n 20 "$pgdata/server.log" >&2 || true
			exit 1
		fi
	fi
	reachable "$private_url" "$private_port" || die "started the private cluster but cannot connect to $private_url"
	printf '%s\n' "$private_url"
}

case "${1:-}" in
stop)
	stop_private
	exit 0
	;;
"") ;;
*)
	printf '%s\n' "$1"
	exit 0
	;;
esac

if [ "${SUNSHINE_PG_PRIVATE:-}" != 1 ]; then
	me="$(id -un 2>/dev/null || echo "${USER:-}")"
	for user in postgres $([ -n "$me" ] && [ "$me" != postgres ] && echo "$me"); do
		url="postgres://${user}@127.0.0.1:5432/postgres?sslmode=disable"
		if reachable "$url" 5432; then
			printf '%s\n' "$url"
			exit 0
		fi
	done
	log "no PostgreSQL server reachable on 127.0.0.1:5432; using a private cluster"
fi
start_private
