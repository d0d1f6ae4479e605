#!/usr/bin/env bash
# bench.sh — time whole crm commands on a synthetic book of 100k contacts and
# 1M touches, each against the sqlite3 shell doing the same work on the same
# file in the same run. Prints the medians (ms), the ratios with their
# targets (issue 10) and the peak memory of a one-line write and of the big
# listing.
#
#   scripts/bench.sh                  # 100,000 contacts, 1,000,000 touches
#   CONTACTS=10000 TOUCHES=100000 scripts/bench.sh
#   BASELINE=/tmp/crm-old scripts/bench.sh   # also time another crm binary
#   CRMCLI=/path/to/crm-cli scripts/bench.sh  # and crm-cli's log call
#
# CRMCLI names a crm-cli binary (github.com/jdanielnd/crm-cli, the same
# stack: Go, cobra, modernc.org/sqlite), which this script does not build.
# Its book gets as many people and interactions as crm's, each interaction
# linked to one person, written by crm-cli's own migration and filled here
# by the sqlite3 shell.
#
# Needs hyperfine, sqlite3 and jq (apt-get install -y hyperfine sqlite3 jq).
# The book is cached in ${BENCH_DIR:-/tmp/crm-bench} between runs. crm is
# built as it is released, pure Go (CGO_ENABLED=0): a cgo build links the
# C loader and starts about 1 ms slower.
set -euo pipefail
cd "$(dirname "$0")/.."

contacts=${CONTACTS:-100000}
touches=${TOUCHES:-1000000}
runs=${RUNS:-30}
dir=${BENCH_DIR:-/tmp/crm-bench}
mkdir -p "$dir"
for tool in hyperfine sqlite3 jq; do
  command -v "$tool" >/dev/null || { echo "bench.sh: $tool is missing (apt-get install -y hyperfine sqlite3 jq)" >&2; exit 1; }
done

CGO_ENABLED=0 go build -o "$dir/crm" ./cmd/crm
crm="$dir/crm"
book="$dir/book-$contacts-$touches.db"
if [ ! -f "$book" ]; then
  echo "writing the synthetic book ($contacts contacts, $touches touches)…" >&2
  /usr/bin/time -f "  took %e s, peak %M KB" "$crm" demo --db "$book" --contacts "$contacts" --touches "$touches" >/dev/null
fi
# A book cached by an older crm is brought to this crm's schema first (a
# migration, the search index or the duplicate pairs it lacks), so that no
# timed run pays for an upgrade and the sqlite3 runs see the same tables.
/usr/bin/time -f "  opened by this crm in %e s" "$crm" --db "$book" due --count >/dev/null
# The writes go to copies, so that the book stays as written: one for crm,
# one for the sqlite3 shell.
export CRM_DB="$dir/crm-copy.db"
copy="$dir/sqlite3-copy.db"
cp "$book" "$CRM_DB"
cp "$book" "$copy"

# Synthetic names repeat, so the book gets one contact whose pinyin prefix
# is unique (once): resolving it walks the same index as any other prefix.
id=$(sqlite3 "$book" "SELECT c.id FROM contacts c JOIN contact_keys k ON k.contact_id = c.id WHERE k.key = 'ouyangjinpeng'")
if [ -z "$id" ]; then
  id=$("$crm" --db "$book" add 欧阳锦鹏 --tier A 2>/dev/null)
  cp "$book" "$CRM_DB"
  cp "$book" "$copy"
fi
prefix=ouyangjinp
echo "book: $book; id $id; pinyin prefix '$prefix'" >&2

now="strftime('%Y-%m-%dT%H:%M:%SZ')"
insert="BEGIN IMMEDIATE; INSERT INTO touches(uid,at,channel,summary,created_at) VALUES (lower(hex(randomblob(16))),$now,'visit','bench',$now); INSERT INTO touch_contacts VALUES ($id, last_insert_rowid(), $now); UPDATE contacts SET last_touch_at = $now WHERE id = $id; COMMIT"
# crm due --count: contacts due before tomorrow (local midnight).
tomorrow=$(date -u -d "$(date +%F) + 1 day" +%Y-%m-%dT%H:%M:%SZ)
count="SELECT count(*) FROM contacts WHERE archived_at IS NULL AND due_at < '$tomorrow'"

crmcli=()
if [ -n "${CRMCLI:-}" ]; then
  clibook="$dir/crm-cli-$contacts-$touches.db"
  if [ ! -f "$clibook" ]; then
    echo "writing crm-cli's book…" >&2
    "$CRMCLI" --db "$clibook" person list >/dev/null
    sqlite3 "$clibook" "PRAGMA cache_size=-262144; BEGIN;
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 1000)
      INSERT INTO organizations(uuid, name) SELECT lower(hex(randomblob(16))), 'Company ' || i FROM n;
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < $contacts)
      INSERT INTO people(uuid, first_name, last_name, email, phone, title, company, notes, org_id)
        SELECT lower(hex(randomblob(16))), 'First' || i, 'Last' || i, 'p' || i || '@example.com', '+86 138 ' || (10000000 + i),
          'Engineer', 'Company ' || (i % 1000 + 1), 'met at the trade fair; asked for a quote', i % 1000 + 1 FROM n;
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < $touches)
      INSERT INTO interactions(uuid, type, subject, content, occurred_at)
        SELECT lower(hex(randomblob(16))), 'call', 'follow-up ' || i, 'talked about the trial and the budget',
          datetime('2024-01-01', '+' || (i % 700) || ' days') FROM n;
      INSERT INTO interaction_people SELECT id, id % $contacts + 1 FROM interactions;
      COMMIT; PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
  fi
  crmcli=(-n crm-cli-log-call "$CRMCLI --db $clibook log call $((contacts / 2)) --subject 'bench: brought the case study'")
fi

baseline=()
if [ -n "${BASELINE:-}" ]; then
  baseline=(-n baseline-log-visit "$BASELINE log-visit $id 'bench: brought the case study'"
    -n baseline-show-id "$BASELINE show $id --json"
    -n baseline-due-count "$BASELINE due --count"
    -n baseline-ls-tier-A "$BASELINE ls --tier A --json"
    -n baseline-ls-all "$BASELINE ls --json"
    -n baseline-version "$BASELINE version")
fi

json="$dir/hyperfine.json"
hyperfine -N --warmup 3 --runs "$runs" --export-json "$json" \
  -n log-visit "$crm log-visit $id 'bench: brought the case study'" \
  -n sqlite3-insert "sqlite3 $copy \"$insert\"" \
  -n show-id "$crm show $id --json" \
  -n show-pinyin-prefix "$crm show $prefix --json" \
  -n sqlite3-select-contact "sqlite3 -json $book 'SELECT * FROM contacts WHERE id = $id'" \
  -n due-count "$crm due --count" \
  -n sqlite3-count-due "sqlite3 $book \"$count\"" \
  -n ls-tier-A "$crm ls --tier A --json" \
  -n sqlite3-select-tier-A "sqlite3 -json $book \"SELECT * FROM contacts WHERE tier = 'A' AND archived_at IS NULL ORDER BY sort_key\"" \
  -n ls-all "$crm ls --json" \
  -n sqlite3-select-contacts "sqlite3 -json $book 'SELECT * FROM contacts'" \
  -n due-json "$crm due --json" \
  -n sqlite3-due-sql "sqlite3 -json $book '.read scripts/due.sql'" \
  -n upcoming "$crm upcoming" \
  -n search-name "$crm search 欧阳锦鹏 --json" \
  -n search-word "$crm search 预算 --json" \
  -n search-mixed "$crm search 'engineer 王' --json" \
  -n sqlite3-fts-word "sqlite3 -json $book \"SELECT rowid FROM search_index WHERE search_index MATCH '预算' ORDER BY rowid DESC LIMIT 1000\"" \
  -n version "$crm version" \
  -n sqlite3-version "sqlite3 -version" \
  "${baseline[@]}" "${crmcli[@]}" \
  >/dev/null

median() { jq -r --arg n "$1" '.results[] | select(.command == $n) | .median * 1000' "$json"; }
names=$(jq -r '.results[].command' "$json")
printf '\n%-26s %10s\n' command "median ms"
for n in $names; do
  printf '%-26s %10.1f\n' "$n" "$(median "$n")"
done
ratio() { awk -v a="$(median "$1")" -v b="$(median "$2")" 'BEGIN { printf "%.2f", a / b }'; }
ms() { printf '%.1f' "$(median "$1")"; }
echo
echo "log-visit / sqlite3 insert transaction:    $(ratio log-visit sqlite3-insert)x, $(ms log-visit) ms (target <= 2x, <= 7 ms)"
echo "show ID --json / sqlite3 select of the row: $(ratio show-id sqlite3-select-contact)x, $(ms show-id) ms (target <= 6 ms)"
echo "due --count / sqlite3 count:               $(ratio due-count sqlite3-count-due)x, $(ms due-count) ms (target <= 10 ms)"
echo "ls --tier A --json / sqlite3 -json select: $(ratio ls-tier-A sqlite3-select-tier-A)x, $(ms ls-tier-A) ms (target <= 100 ms)"
echo "ls --json / sqlite3 -json select:          $(ratio ls-all sqlite3-select-contacts)x (target <= 1.5x)"
echo "due --json / scripts/due.sql:              $(ratio due-json sqlite3-due-sql)x, $(ms due-json) ms"
echo "search 预算 / sqlite3 FTS5 match:         $(ratio search-word sqlite3-fts-word)x, $(ms search-word) ms (target: every search <= 50 ms)"
echo "crm version / sqlite3 -version:            $(ratio version sqlite3-version)x, $(ms version) ms"
if [ -n "${CRMCLI:-}" ]; then
  echo "crm-cli log call / log-visit:              $(ratio crm-cli-log-call log-visit)x (target >= 1.3x)"
fi
if [ -n "${BASELINE:-}" ]; then
  for n in log-visit show-id due-count ls-tier-A ls-all version; do
    echo "$n / baseline:  $(ratio "$n" "baseline-$n")x"
  done
fi
peak() { /usr/bin/time -f %M -o "$dir/rss" "$@" >/dev/null 2>&1; echo $(($(tail -1 "$dir/rss") / 1024)); }
echo "log-visit peak resident memory:            $(peak "$crm" log-visit "$id" 'bench: peak') MB (target <= 20 MB)"
echo "ls --json peak resident memory:            $(peak "$crm" ls --json) MB (target <= 64 MB; sqlite3 -json: $(peak sqlite3 -json "$book" 'SELECT * FROM contacts') MB)"
