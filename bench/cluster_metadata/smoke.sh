#!/usr/bin/env bash
# The CTest smoke test of cluster_metadata_bench: --quick against the tests' throwaway PostgreSQL
# cluster (LIVEREC_TEST_POSTGRES_URL, or the URL the `postgres` fixture left in
# $LIVEREC_TEST_POSTGRES_DIR/url), in a database of its own. Checks that it runs and that every
# kind of work happened without an error (relay saves: under 1 %, main.cc); it measures nothing.
set -euo pipefail
bin=$1
url=${LIVEREC_TEST_POSTGRES_URL:-}
if [ -z "$url" ]; then
  url=$(cat "${LIVEREC_TEST_POSTGRES_DIR:?no LIVEREC_TEST_POSTGRES_DIR}/url")
fi
exec "$bin" --quick --postgres-url "$url" --database "liverec_simbench_smoke_$$"
