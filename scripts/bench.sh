#!/usr/bin/env bash
# bench.sh — time whole crm commands on a synthetic book of 100k contacts and
# 1M touches, against the sqlite3 shell doing the same work on the same file.
# Prints the medians (ms), the ratios and the peak memory of the big listing.
#
#   scripts/bench.sh                  # 100,000 contacts, 1,000,000 touches
#   CONTACTS=10000 TOUCHES=100000 scripts/bench.sh
#
# Needs hyperfine, sqlite3 and jq (apt-get install -y hyperfine sqlite3 jq).
# The book is cached in ${BENCH_DIR:-/tmp/crm-bench} between runs.
set -euo pipefail
cd "$(dirname "$0")/.."

contacts=${CONTACTS:-100000}
touches=${TOUCHES:-1000000}
runs=${RUNS:-20}
dir=${BENCH_DIR:-/tmp/crm-bench}
mkdir -p "$dir"
for tool in hyperfine sqlite3 jq; do
  command -v "$tool" >/dev/null || { echo "bench.sh: $tool is missing (apt-get install -y hyperfine sqlite3 jq)" >&2; exit 1; }
done

go build -o "$dir/crm" ./cmd/crm
crm="$dir/crm"
book="$dir/book-$contacts-$touches.db"
if [ ! -f "$book" ]; then
  echo "writing the synthetic book ($contacts contacts, $touches touches)…" >&2
  /usr/bin/time -f "  took %e s, peak %M KB" "$crm" demo --db "$book" --contacts "$contacts" --touches "$touches" >/dev/null
fi
export CRM_DB="$book"
copy="$dir/copy.db"
cp "$book" "$copy"

# Synthetic names repeat, so the book gets one contact whose pinyin prefix
# is unique (once): resolving it walks the same index as any other prefix.
id=$(sqlite3 "$book" "SELECT c.id FROM contacts c JOIN contact_keys k ON k.contact_id = c.id WHERE k.key = 'ouyangjinpeng'")
if [ -z "$id" ]; then
  id=$("$crm" add 欧阳锦鹏 --tier A 2>/dev/null)
fi
prefix=ouyangjinp
echo "book: $book; id $id; pinyin prefix '$prefix'" >&2

json="$dir/hyperfine.json"
hyperfine -N --warmup 3 --runs "$runs" --export-json "$json" \
  -n log-visit "$crm log-visit $id 'bench: brought the case study'" \
  -n sqlite3-insert "sqlite3 $copy \"BEGIN IMMEDIATE; INSERT INTO touches(uid,at,channel,summary,created_at) VALUES (lower(hex(randomblob(16))),strftime('%Y-%m-%dT%H:%M:%SZ'),'visit','bench',strftime('%Y-%m-%dT%H:%M:%SZ')); INSERT INTO touch_contacts VALUES ($id, last_insert_rowid(), strftime('%Y-%m-%dT%H:%M:%SZ')); UPDATE contacts SET last_touch_at = strftime('%Y-%m-%dT%H:%M:%SZ') WHERE id = $id; COMMIT\"" \
  -n show-id "$crm show $id --json" \
  -n show-pinyin-prefix "$crm show $prefix --json" \
  -n ls-tier-A "$crm ls --tier A --json" \
  -n ls-all "$crm ls --json" \
  -n sqlite3-select-contacts "sqlite3 -json $book 'SELECT * FROM contacts'" \
  -n due-json "$crm due --json" \
  -n sqlite3-due-sql "sqlite3 -json $book '.read scripts/due.sql'" \
  -n upcoming "$crm upcoming" \
  -n search-name "$crm search 欧阳锦鹏 --json" \
  -n search-word "$crm search 预算 --json" \
  -n search-mixed "$crm search 'engineer 王' --json" \
  -n sqlite3-fts-word "sqlite3 -json $book \"SELECT rowid FROM search_index WHERE search_index MATCH '预算' ORDER BY rowid DESC LIMIT 1000\"" \
  >/dev/null

median() { jq -r --arg n "$1" '.results[] | select(.command == $n) | .median * 1000' "$json"; }
printf '\n%-24s %10s\n' command "median ms"
for n in log-visit sqlite3-insert show-id show-pinyin-prefix ls-tier-A ls-all sqlite3-select-contacts due-json sqlite3-due-sql upcoming \
  search-name search-word search-mixed sqlite3-fts-word; do
  printf '%-24s %10.1f\n' "$n" "$(median $n)"
done
ratio() { awk -v a="$(median "$1")" -v b="$(median "$2")" 'BEGIN { printf "%.2f", a / b }'; }
echo
echo "log-visit / sqlite3 insert transaction: $(ratio log-visit sqlite3-insert)x (target <= 2.5x, <= 10 ms)"
echo "ls --json / sqlite3 -json select:      $(ratio ls-all sqlite3-select-contacts)x (target <= 2x)"
echo "due --json / scripts/due.sql:          $(ratio due-json sqlite3-due-sql)x (target <= 2x, <= 150 ms)"
echo "search 预算 / sqlite3 FTS5 match:        $(ratio search-word sqlite3-fts-word)x (target: every search <= 50 ms)"
peak=$( { /usr/bin/time -f %M "$crm" ls --json >/dev/null; } 2>&1 )
echo "ls --json peak resident memory:        $((peak / 1024)) MB (target <= 64 MB)"
