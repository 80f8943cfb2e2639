#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (tests/README.md "PostgreSQL").
#
#   scripts/test-postgres.sh start <state dir>   initdb + start; prints the URL
#   scripts/test-postgres.sh url <state dir>     prints the URL of the running cluster
#   scripts/test-postgres.sh stop <state dir>    stops it and removes its files
#
# The cluster lives in a fresh directory under $TMPDIR (named in <state dir>/cluster), listens on
# 127.0.0.1 on a free port and a Unix socket in that directory only, asks TCP clients for a
# password (user postgres, password liverec-test: the tests check what a wrong one does) and runs
# without fsync: nothing in it outlives the tests. The URL
# goes to <state dir>/url, where the tests read it (LIVEREC_TEST_POSTGRES_DIR). As root the
# server runs as the `postgres` user (initdb refuses root). A cluster left by an interrupted run
# in the same state dir is stopped first. With LIVEREC_TEST_POSTGRES_URL set, the tests use that
# server: `start` and `url` print it and nothing is started or stopped.
set -euo pipefail

cmd=${1:-}
state=${2:-}
if [ -z "$cmd" ] || [ -z "$state" ]; then
  echo "usage: $0 start|url|stop <state dir>" >&2
  exit 2
fi

if [ -n "${LIVEREC_TEST_POSTGRES_URL:-}" ]; then
  case "$cmd" in
    start | url) echo "$LIVEREC_TEST_POSTGRES_URL" ;;
  esac
  exit 0
fi

pg_bin() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

# Runs a server command as the cluster's owner: `postgres` when we are root, else ourselves.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop_cluster() {
  [ -f "$state/cluster" ] || return 0
  local dir
  dir=$(cat "$state/cluster")
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$(pg_bin)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  case "$dir" in
    */liverec-test-pg.*) rm -rf "$dir" ;;
  esac
  rm -f "$state/cluster" "$state/url"
}

start_cluster() {
  local bin dir port url
  bin=$(pg_bin)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "test-postgres: no PostgreSQL server found (apt-get install postgresql, or run" \
         "scripts/install-deps.sh)" >&2
    exit 1
  fi
  stop_cluster
  mkdir -p "$state"
  dir=$(mktemp -d "${TMPDIR:-/tmp}/liverec-test-pg.XXXXXX")
  echo "$dir" > "$state/cluster"
  echo "liverec-test" > "$dir/password"
  if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$dir"; fi
  if ! as_owner "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/password" \
       --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
       --no-sync > "$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    exit 1
  fi
  # The free port may be taken between the check and the start: then try another.
  for _ in 1 2 3 4 5; do
    port=$(free_port)
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
         -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
         > /dev/null; then
      url="postgresql://postgres:liverec-test@127.0.0.1:$port/postgres"
      echo "$url" > "$state/url"
      echo "$url"
      return 0
    fi
  done
  echo "test-postgres: the server did not start:" >&2
  tail -20 "$dir/server.log" >&2
  exit 1
}

case "$cmd" in
  start) start_cluster ;;
  stop) stop_cluster ;;
  url)
    if [ ! -f "$state/url" ]; then
      echo "test-postgres: no cluster started in $state" >&2
      exit 1
    fi
    cat "$state/url"
    ;;
  *)
    echo "usage: $0 start|url|stop <state dir>" >&2
    exit 2
    ;;
esac
