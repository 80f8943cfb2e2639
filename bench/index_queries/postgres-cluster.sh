#!/usr/bin/env bash
# The PostgreSQL cluster of the index-query benchmark (P5-P7 on PostgreSQL, docs/benchmarks.md).
#
#   bench/index_queries/postgres-cluster.sh start <dir>   initdb the first time, start; prints the URL
#   bench/index_queries/postgres-cluster.sh url <dir>     prints the URL of the running cluster
#   bench/index_queries/postgres-cluster.sh stop <dir>    stops it; the data stays for the next run
#   bench/index_queries/postgres-cluster.sh remove <dir>  stops it and deletes <dir>
#
# Unlike the tests' throwaway cluster (scripts/test-postgres.sh), this one persists in <dir>/data,
# so the generated index (several GB at full size) is made once and reused. It listens on a Unix
# socket in <dir> only (no TCP port) and trusts local connections. Settings are for a read-mostly
# benchmark on a shared 2-core, 23 GB machine and are documented in docs/benchmarks.md
# ("Index queries on PostgreSQL"); BENCH_PG_SHARED_BUFFERS etc. override the memory sizes, and
# BENCH_PG_SYNCHRONOUS_COMMIT, BENCH_PG_WAL_LEVEL and BENCH_PG_MAX_CONNECTIONS the durability and
# connection settings (the cluster metadata simulation runs with on, replica and 200). As root
# the server runs as the `postgres` user (initdb refuses root).
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|url|stop|remove <dir>" >&2
  exit 2
fi

pg_bin() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

url() {
  # libpq reads a Unix-socket directory from host=; port 5432 names the socket file.
  echo "postgresql://postgres@/postgres?host=$dir&port=5432"
}

settings() {
  cat <<EOF
listen_addresses = ''
unix_socket_directories = '$dir'
port = 5432
max_connections = ${BENCH_PG_MAX_CONNECTIONS:-50}
shared_buffers = ${BENCH_PG_SHARED_BUFFERS:-4GB}
effective_cache_size = ${BENCH_PG_EFFECTIVE_CACHE_SIZE:-12GB}
work_mem = ${BENCH_PG_WORK_MEM:-64MB}
maintenance_work_mem = ${BENCH_PG_MAINTENANCE_WORK_MEM:-1GB}
max_parallel_maintenance_workers = 2
random_page_cost = 1.1
jit = off
fsync = on
synchronous_commit = ${BENCH_PG_SYNCHRONOUS_COMMIT:-off}
full_page_writes = on
wal_level = ${BENCH_PG_WAL_LEVEL:-minimal}
max_wal_senders = 0
max_wal_size = 8GB
checkpoint_timeout = 30min
autovacuum = on
log_min_duration_statement = -1
EOF
}

start() {
  local bin
  bin=$(pg_bin)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "postgres-cluster: no PostgreSQL server found (scripts/install-deps.sh)" >&2
    exit 1
  fi
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir"; fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
      --lc-collate=C > "$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  settings > "$dir/bench.conf"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir/bench.conf"; fi
  grep -q "include = '$dir/bench.conf'" "$dir/data/postgresql.conf" ||
    echo "include = '$dir/bench.conf'" >> "$dir/data/postgresql.conf"
  if ! as_owner "$bin/pg_ctl" -D "$dir/data" status > /dev/null 2>&1; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 120 start > /dev/null ||
      { tail -20 "$dir/server.log" >&2; exit 1; }
  fi
  url
}

stop() {
  [ -f "$dir/data/postmaster.pid" ] || return 0
  as_owner "$(pg_bin)/pg_ctl" -D "$dir/data" -m fast -w stop > /dev/null
}

case "$cmd" in
  start) start ;;
  url) url ;;
  stop) stop ;;
  remove)
    stop
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|url|stop|remove <dir>" >&2
    exit 2
    ;;
esac
