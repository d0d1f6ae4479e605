#!/usr/bin/env bash
# bench-pg.sh — time crm on a PostgreSQL book (issue 11's targets): a
# one-line write from process start to exit, crm due --json on the
# synthetic 100k-contact, 1M-touch book, and 8 processes writing at once.
#
#   scripts/bench-pg.sh                      # a server of its own, fsync on
#   CRM_BENCH_PG=postgres://… scripts/bench-pg.sh   # an existing server
#   CRM_BENCH_PG=… BENCH_DB=crm_bench scripts/bench-pg.sh   # and keep the book
#
# The book is the export of bench.sh's synthetic book (BENCH_DIR, default
# /tmp/crm-bench: run bench.sh once first, or give BOOK=file.ndjson),
# imported into a new database, which the script drops at the end; on an
# existing server, BENCH_DB names a database that is kept, and imported
# into only when it is new (the import takes minutes), so that a second
# run times the commands alone.
# Needs hyperfine and jq, and Debian's postgresql for a server of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in hyperfine jq; do
  command -v "$tool" >/dev/null || { echo "bench-pg.sh: $tool is missing (apt-get install -y hyperfine jq)" >&2; exit 1; }
done
dir=${BENCH_DIR:-/tmp/crm-bench}
runs=${RUNS:-30}
mkdir -p "$dir"
CGO_ENABLED=0 go build -o "$dir/crm" ./cmd/crm
# The build's writes reach the disk now, not while the server's commits
# wait for it.
sync
crm="$dir/crm"
book=${BOOK:-$dir/book.ndjson}
if [ ! -f "$book" ]; then
  src=$(ls "$dir"/book-*.db 2>/dev/null | head -1)
  [ -n "$src" ] || { echo "bench-pg.sh: no synthetic book in $dir: run scripts/bench.sh first" >&2; exit 1; }
  "$crm" --db "$src" export --ndjson > "$book"
fi

server=${CRM_BENCH_PG:-} pgdir=
if [ -z "$server" ]; then
  pgdir="$dir/pg"
  scripts/pg-test-server.sh stop "$pgdir"
  eval "$(FSYNC=on scripts/pg-test-server.sh start "$pgdir")"
  server=$CRM_TEST_PG
fi
name=${BENCH_DB:-crm_bench_$$} keep=
psql() { "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/psql" "$@"; }
if [ -n "${BENCH_DB:-}" ]; then
  [ -z "$pgdir" ] || { echo "bench-pg.sh: BENCH_DB keeps a book on an existing server: give CRM_BENCH_PG too" >&2; exit 1; }
  keep=1
fi
cleanup() {
  [ -n "$keep" ] || psql -q "$server" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" || true
  [ -z "$pgdir" ] || scripts/pg-test-server.sh stop "$pgdir"
}
trap cleanup EXIT
# The server's URL names its maintenance database; the book is $name.
export CRM_DB=$(printf '%s' "$server" | sed -E "s#/[^/?]*(\?|$)#/$name\1#")
if [ -n "$keep" ] && [ -n "$(psql -Atq "$server" -c "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
  echo "using the book already in $name" >&2
else
  psql -q "$server" -c "CREATE DATABASE $name"
  echo "importing $(basename "$book") into PostgreSQL…" >&2
  /usr/bin/time -f "  took %e s, peak %M KB" "$crm" import "$book" >/dev/null
  # What autovacuum would do in the minutes after a bulk load (the import
  # analyzes the tables itself, but does not vacuum them), done now, so
  # that it does not run alongside the timed commands.
  /usr/bin/time -f "  VACUUM ANALYZE took %e s" psql -q "$CRM_DB" -c "VACUUM ANALYZE"
fi
ref=$("$crm" ls --json --limit 1 | jq -r '.[0].id // empty')
[ -n "$ref" ] || { echo "bench-pg.sh: the book in $name has no contact: drop the database and run again" >&2; exit 1; }

json="$dir/hyperfine-pg.json"
hyperfine -N --warmup 3 --runs "$runs" --export-json "$json" \
  -n log-visit "$crm log-visit $ref 'bench touch'" \
  -n "due --json" "$crm due --json" \
  -n "due --count" "$crm due --count" >/dev/null
median() { jq -r --arg n "$1" '.results[] | select(.command == $n) | .median * 1000' "$json"; }
printf '\n%-16s %10s %10s\n' command "median ms" target
printf '%-16s %10.1f %10s\n' log-visit "$(median log-visit)" "≤ 25"
printf '%-16s %10.1f %10s\n' "due --json" "$(median "due --json")" "≤ 300"
printf '%-16s %10.1f\n' "due --count" "$(median "due --count")"

# 8 writers, 100 touches each, all at once.
start=$(date +%s.%N)
for p in $(seq 8); do
  (for i in $(seq 100); do "$crm" log-visit "$ref" "writer $p touch $i" >/dev/null 2>&1 || echo "writer $p touch $i failed" >&2; done) &
done
wait
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN { printf "8 writers × 100 crm log-visit: %.1f s, %.0f touches/s (target ≥ 200)\n", e - s, 800 / (e - s) }'

# The same 8 writers, each keeping its book open (the TUI, the MCP server,
# a script on the services): the server's side of a write and the turns
# on the book's row, without a process and a connection per touch.
CRM_TEST_PG=$server go test ./internal/postgres -run '^$' -bench '^BenchmarkConcurrentWriters$' -benchtime 2000x -count 3 |
  awk '/touches\/s/ { printf "8 writers with their book open, 2,000 touches: %s touches/s\n", $(NF-1) }'
