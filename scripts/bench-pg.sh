#!/usr/bin/env bash
# bench-pg.sh — time crm on a PostgreSQL book (issue 11's targets): a
# one-line write from process start to exit, crm due --json on the
# synthetic 100k-contact, 1M-touch book, and 8 processes writing at once.
#
#   scripts/bench-pg.sh                      # a server of its own, fsync on
#   CRM_BENCH_PG=postgres://… scripts/bench-pg.sh   # an existing server
#
# The book is the export of bench.sh's synthetic book (BENCH_DIR, default
# /tmp/crm-bench: run bench.sh once first, or give BOOK=file.ndjson),
# imported into a new database, which the script drops at the end.
# Needs hyperfine and jq, and Debian's postgresql for a server of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BENCH_DIR:-/tmp/crm-bench}
runs=${RUNS:-30}
mkdir -p "$dir"
CGO_ENABLED=0 go build -o "$dir/crm" ./cmd/crm
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
name=crm_bench_$$
psql() { "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/psql" "$@"; }
cleanup() {
  psql -q "$server" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" || true
  [ -z "$pgdir" ] || scripts/pg-test-server.sh stop "$pgdir"
}
trap cleanup EXIT
psql -q "$server" -c "CREATE DATABASE $name"
# The server's URL names its maintenance database; the book is $name.
export CRM_DB=$(printf '%s' "$server" | sed -E "s#/[^/?]*(\?|$)#/$name\1#")

echo "importing $(basename "$book") into PostgreSQL…" >&2
/usr/bin/time -f "  took %e s, peak %M KB" "$crm" import "$book" >/dev/null
ref=$("$crm" ls --json --limit 1 | jq -r '.[0].id')

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
awk -v s="$start" -v e="$end" 'BEGIN { printf "8 writers × 100 touches: %.1f s, %.0f touches/s (target ≥ 200)\n", e - s, 800 / (e - s) }'
