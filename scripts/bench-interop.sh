#!/usr/bin/env bash
# bench-interop.sh — time crm export and crm import on the synthetic book of
# 100k contacts and 1M touches (issue 8's targets), against the sqlite3 shell
# selecting the same rows as JSON:
#
#   crm export --ndjson            ≤ 2× sqlite3 -json of the same rows, ≤ 64 MB peak
#   crm import (that export)       into an empty book, ≤ 60 s
#   crm import (10,000 vCards)     into an empty book, ≤ 5 s
#
#   scripts/bench-interop.sh
#   CONTACTS=10000 TOUCHES=100000 scripts/bench-interop.sh
#
# Needs sqlite3 and GNU time. The book is cached in ${BENCH_DIR:-/tmp/crm-bench-interop}.
set -euo pipefail
cd "$(dirname "$0")/.."

contacts=${CONTACTS:-100000}
touches=${TOUCHES:-1000000}
dir=${BENCH_DIR:-/tmp/crm-bench-interop}
mkdir -p "$dir"
command -v sqlite3 >/dev/null || { echo "bench-interop.sh: sqlite3 is missing" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench-interop.sh: /usr/bin/time is missing (apt-get install -y time)" >&2; exit 1; }

go build -o "$dir/crm" ./cmd/crm
crm="$dir/crm"
book="$dir/book-$contacts-$touches.db"
if [ ! -f "$book" ]; then
  echo "writing the synthetic book ($contacts contacts, $touches touches)…" >&2
  "$crm" demo --db "$book" --contacts "$contacts" --touches "$touches" >/dev/null
fi
export CRM_NOW=2026-11-22T09:00:00+08:00

# measure NAME COMMAND…: wall and CPU (user + system) seconds and peak
# resident memory. On a busy machine compare CPU: wall waits for the cores.
measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o "$dir/time.txt" "$@" >/dev/null 2>"$dir/stderr.txt" || { cat "$dir/stderr.txt" >&2; exit 1; }
  read -r secs kb user sys <"$dir/time.txt"
  cpu=$(echo "$user + $sys" | bc -l)
  printf '%-28s %9.2f s %9.2f s %9.1f MB\n' "$name" "$secs" "$cpu" "$(echo "$kb / 1024" | bc -l)"
  eval "${name//[^a-z0-9]/_}=$cpu"
}

# The rows crm export --ndjson writes, as sqlite3 selects them: every
# record, a touch with the uids of its contacts.
select_sql="SELECT * FROM accounts ORDER BY id; SELECT * FROM contacts ORDER BY id;
SELECT t.*, (SELECT json_group_array(c.uid) FROM touch_contacts x JOIN contacts c ON c.id = x.contact_id WHERE x.touch_id = t.id) AS contact_uids FROM touches t ORDER BY t.id;
SELECT * FROM stage_changes ORDER BY id; SELECT * FROM tasks ORDER BY id; SELECT * FROM key_dates ORDER BY id;
SELECT * FROM plans ORDER BY name; SELECT * FROM settings ORDER BY key;"

echo "book: $book" >&2
printf '%-28s %11s %11s %12s\n' command wall CPU "peak RSS"
measure "sqlite3 -json" sqlite3 -json "$book" "$select_sql"
measure "crm export --ndjson" "$crm" --db "$book" export --ndjson
"$crm" --db "$book" export --ndjson --output "$dir/book.ndjson"
rm -f "$dir/import.db"*
measure "crm import book.ndjson" "$crm" --db "$dir/import.db" import "$dir/book.ndjson"

cards="$dir/cards-10000.vcf"
if [ ! -f "$cards" ]; then
  rm -f "$dir/cards.db"
  "$crm" demo --db "$dir/cards.db" --contacts 10000 --touches 0 >/dev/null
  "$crm" --db "$dir/cards.db" export --format vcard --output "$cards"
fi
rm -f "$dir/vcf.db"*
measure "crm import 10,000 vCards" "$crm" --db "$dir/vcf.db" import "$cards"

printf '\nexport / sqlite3 (CPU): %.2fx (target ≤ 2)\n' "$(echo "$crm_export___ndjson / $sqlite3__json" | bc -l)"
