package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// jsonProbe is one command whose JSON output holds records of a section of
// docs/json.md, found at path: "." is the document, ".[]" each element of
// it, ".checks[]" each element of its checks, ".account" one object.
type jsonProbe struct {
	args []string
	path string
}

// jsonDocProbes maps each section of docs/json.md with a key table to the
// outputs that hold its records. A section of that page with a key table
// that is missing here fails the test, so a new record type gets a probe.
var jsonDocProbes = map[string][]jsonProbe{
	"Contact": {{[]string{"ls", "--json"}, ".[]"}, {[]string{"ls", "--archived", "--json"}, ".[]"},
		{[]string{"add", "新人", "--json"}, "."}},
	"Contact card":   {{[]string{"show", "王科长", "--json"}, "."}, {[]string{"show", "Anna", "--json"}, "."}},
	"Touch":          {{[]string{"touches", "--json"}, ".[]"}, {[]string{"log-call", "王科长", "priced it", "--next", "send terms", "--follow-up", "fri", "--json"}, "."}},
	"Stage change":   {{[]string{"show", "王科长", "--json"}, ".stage_changes[]"}},
	"Stage position": {{[]string{"stage", "王科长", "--json"}, "."}},
	"Account":        {{[]string{"account", "ls", "--json"}, ".[]"}, {[]string{"account", "add", "新单位", "--json"}, "."}},
	"Account map":    {{[]string{"account", "show", "1", "--json"}, "."}},
	"Ladder":         {{[]string{"ladder", "ls", "--json"}, ".[]"}},
	"Ladder stage":   {{[]string{"ladder", "ls", "--json"}, ".[].stages[]"}},
	"Settings":       {{[]string{"config", "ls", "--json"}, ".[]"}},
	"Due item":       {{[]string{"due", "--within", "60d", "--json"}, ".[]"}},
	"Urgency":        {{[]string{"due", "--json"}, ".[].urgency"}},
	"Due task":       {{[]string{"due", "--within", "60d", "--json"}, ".[].tasks[]"}},
	"Task":           {{[]string{"tasks", "--json"}, ".[]"}, {[]string{"tasks", "--done", "--json"}, ".[]"}},
	"Search hit":     {{[]string{"search", "王科长", "--json"}, ".[]"}},
	"Key date":       {{[]string{"dates", "--json"}, ".[]"}},
	"Occasion":       {{[]string{"upcoming", "--days", "365", "--json"}, ".[]"}},
	"Week report":    {{[]string{"report", "week", "--json"}, "."}},
	"Stage move":     {{[]string{"report", "week", "--json"}, ".stage_moves[]"}},
	"Team report":    {{[]string{"report", "team", "--json"}, "."}},
	"Rep":            {{[]string{"report", "team", "--json"}, ".reps[]"}},
	"Handover":       {{[]string{"handover", "-", "bob", "--dry-run", "--json"}, "."}},
	"Handed contact": {{[]string{"handover", "-", "bob", "--dry-run", "--json"}, ".contacts[]"}},
	"Plan":           {{[]string{"plan", "ls", "--json"}, ".[]"}},
	"Change (journal)": {{[]string{"undo", "--list", "--json"}, ".[]"},
		{[]string{"history", "王科长", "--json"}, ".[]"}},
	"Record change":     {{[]string{"undo", "--list", "--json"}, ".[].changes[]"}},
	"Backup":            {{[]string{"backup", "--json"}, "."}},
	"Duplicate pair":    {{[]string{"dupes", "--json"}, ".[]"}},
	"Duplicate contact": {{[]string{"dupes", "--json"}, ".[].contacts[]"}},
	"Merge":             {{[]string{"merge", "4", "44", "--yes", "--json"}, "."}},
	"Doctor":            {{[]string{"doctor", "--json"}, "."}},
	"Doctor check":      {{[]string{"doctor", "--json"}, ".checks[]"}},
	"Book":              {{[]string{"export"}, "."}},
	"Book account":      {{[]string{"export"}, ".accounts[]"}},
	"Book contact":      {{[]string{"export"}, ".contacts[]"}},
	"Book touch":        {{[]string{"export"}, ".touches[]"}},
	"Book stage change": {{[]string{"export"}, ".stage_changes[]"}},
	"Book task":         {{[]string{"export"}, ".tasks[]"}},
	"Book key date":     {{[]string{"export"}, ".key_dates[]"}},
	"Book plan":         {{[]string{"export"}, ".plans[]"}},
	"Book setting":      {{[]string{"export"}, ".settings[]"}},
	"Book alias":        {{[]string{"export"}, ".aliases[]"}},
	"Import report":     {{[]string{"import", "--dry-run", "--json", "../../testdata/import/probe.vcf"}, "."}},
	"Import item": {{[]string{"import", "--dry-run", "--json", "../../testdata/import/probe.vcf"}, ".added[]"},
		{[]string{"import", "--dry-run", "--json", "../../testdata/import/probe.vcf"}, ".updated[]"},
		{[]string{"import", "--dry-run", "--json", "../../testdata/import/probe.vcf"}, ".likely_duplicates[]"},
		{[]string{"import", "--dry-run", "--json", "../../testdata/import/probe-skip.ndjson"}, ".skipped[]"}},
	"Import count": {{[]string{"import", "--dry-run", "--json", "../../testdata/import/probe.vcf"}, ".counts.contact"}},
	"Version":      {{[]string{"version", "--json"}, "."}},
}

// jsonDocExtends names sections whose records carry every key of another.
var jsonDocExtends = map[string]string{"Contact card": "Contact"}

// TestJSONDocumented checks docs/json.md against the commands: every key a
// section documents appears in some record its commands print, and every key
// printed is documented. The book is the demo book with one of each optional
// thing added, so that keys omitted when empty show up somewhere.
func TestJSONDocumented(t *testing.T) {
	doc := readJSONDocKeys(t, filepath.Join("..", "..", "docs", "json.md"))
	// A folder others may list, shared with other files: doctor warns.
	dir := filepath.Join(t.TempDir(), "shared")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	book := filepath.Join(dir, "crm.db")
	run := func(args ...string) string {
		t.Helper()
		cmd := crm(book, args...)
		// A rep's name, so that what the probes add has an owner and a logger.
		cmd.Env = append(cmd.Env, "CRM_NOW=2026-11-22T09:00:00+08:00", "TZ=Asia/Shanghai", "CRM_USER=alice")
		out, err := cmd.Output()
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("crm %s: %v\n%s", strings.Join(args, " "), err, ee.Stderr)
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	run("demo", "--db", book)
	run("edit", "王科长", "--every", "2w", "--field", "color=blue")
	run("snooze", "赵总", "--for", "3d")
	run("log-visit", "陈晓明", "lunch", "--cost", "88", "--notes", "he paid")
	run("date", "陈晓明", "anniversary", "2019-04-01", "--lunar", "--leap", "--label", "they met")
	run("promise", "陈晓明", "send the manual", "--by", "2026-11-20")
	run("done", "1", "--note", "sent")
	run("promise", "陈晓明", "call back", "--by", "2026-11-21")
	run("stage", "陈晓明", "back")
	run("rm", "杨帆")
	run("add", "撤销", "--tier", "B")
	run("undo")
	run("add", "临时", "--tier", "B")
	run("edit", "临时", "--title", "顾问")
	run("rm", "临时", "--purge", "--yes")
	run("plan", "add", "after-trial", "3d: ask how the trial went")
	run("config", "set", "cadence.A", "3w")
	run("add", "钱德海", "--account", "上海宝山", "--email", "qiandh@bsteq.com.cn") // 43 (ids are never reused), a duplicate of 3 for crm dupes
	run("add", "孙丽", "--account", "上海宝山", "--title", "采购", "--tag", "key")   // 44, merged into 4 by the Merge probe
	run("add", "孙丽丽", "--tier", "B")                                         // 45, merged into 3: an alias for the book's aliases
	run("merge", "3", "45", "--yes")
	// A change of more journal rows than a listing reads (crm.ListedRows):
	// 1,100 touches, each with its link, in one import.
	var uid struct {
		UID string `json:"uid"`
	}
	json.Unmarshal([]byte(run("show", "王科长", "--json")), &uid)
	var file strings.Builder
	file.WriteString(`{"type":"book","format":"crm-book","version":1}` + "\n")
	for i := range 1100 {
		fmt.Fprintf(&file, `{"type":"touch","uid":"probe-%d","at":"2026-10-01T00:00:00Z","channel":"call","summary":"probe %d","contact_uids":[%q]}`+"\n", i, i, uid.UID)
	}
	file.WriteString(`{"type":"end"}` + "\n")
	big := filepath.Join(t.TempDir(), "big.ndjson")
	if err := os.WriteFile(big, []byte(file.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	run("import", big)

	for section, keys := range doc {
		probes, ok := jsonDocProbes[section]
		if !ok {
			t.Errorf("docs/json.md section %q documents keys, but the test has no command for it", section)
			continue
		}
		documented := slices.Clone(keys)
		if base := jsonDocExtends[section]; base != "" {
			documented = append(documented, doc[base]...)
		}
		seen := map[string]bool{}
		for _, p := range probes {
			var v any
			out := run(p.args...)
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatalf("crm %s: not JSON: %v\n%s", strings.Join(p.args, " "), err, out)
			}
			records := jsonAt(v, p.path)
			if len(records) == 0 {
				t.Errorf("%s: crm %s has no record at %s", section, strings.Join(p.args, " "), p.path)
			}
			for _, r := range records {
				obj, ok := r.(map[string]any)
				if !ok {
					t.Fatalf("%s: crm %s: %s is not an object: %v", section, strings.Join(p.args, " "), p.path, r)
				}
				for k := range obj {
					seen[k] = true
					if !slices.Contains(documented, k) {
						t.Errorf("%s: crm %s prints %q, which docs/json.md does not document", section, strings.Join(p.args, " "), k)
					}
				}
			}
		}
		for _, k := range keys { // the base section's keys are checked there
			if !seen[k] {
				t.Errorf("%s: docs/json.md documents %q, but no command printed it", section, k)
			}
		}
	}
}

var (
	jsonDocHeading = regexp.MustCompile(`^#{2,3} (.+)$`)
	jsonDocKey     = regexp.MustCompile("`([a-z_]+)`")
)

// readJSONDocKeys returns, per section heading, the keys in the first cell
// of the rows of its key table ("| `id`, `uid` | number | … |").
func readJSONDocKeys(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	keys := map[string][]string{}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if m := jsonDocHeading.FindStringSubmatch(line); m != nil {
			section = m[1]
			continue
		}
		cells := strings.Split(line, "|")
		if len(cells) < 3 || !strings.HasPrefix(line, "| `") {
			continue
		}
		for _, m := range jsonDocKey.FindAllStringSubmatch(cells[1], -1) {
			keys[section] = append(keys[section], m[1])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(keys) == 0 {
		t.Fatalf("no key tables found in %s", path)
	}
	for _, ks := range keys {
		sort.Strings(ks)
	}
	return keys
}

// jsonAt returns the values at a path of the forms listed on jsonProbe.
func jsonAt(v any, path string) []any {
	vals := []any{v}
	for _, step := range strings.Split(strings.TrimPrefix(path, "."), ".") {
		if step == "" {
			continue
		}
		name, each := strings.CutSuffix(step, "[]")
		var next []any
		for _, cur := range vals {
			if name != "" {
				obj, ok := cur.(map[string]any)
				if !ok {
					continue
				}
				cur = obj[name]
			}
			if !each {
				next = append(next, cur)
			} else if list, ok := cur.([]any); ok {
				next = append(next, list...)
			}
		}
		vals = next
	}
	return vals
}
