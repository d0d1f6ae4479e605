package postgres_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/crm/crmtest"
	"github.com/seedcrm/crm/internal/postgres"
	"github.com/seedcrm/crm/internal/postgres/pgtest"
)

// searchBook writes the same records into s as internal/sqlite's search
// tests, Chinese and English text in every indexed place, and more.
func searchBook(t *testing.T, s *crm.Services) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	ids := map[string]int64{}
	for _, c := range []*crm.Contact{
		{Name: "张伟", Account: "华东设备有限公司", Title: "采购经理", Tags: []string{"key"}},
		{Name: "王科长", Account: "华东设备有限公司", Title: "科长", Notes: "喜欢喝茶"},
		{Name: "Anna Schmidt", Account: "Müller GmbH", Title: "Head of Purchasing", Notes: "prefers email; quote 设备 before Friday",
			Emails: []string{"anna.schmidt@mueller.example"}},
		{Name: "李娜", Notes: "昨天和张伟吃饭", Fields: map[string]string{"club": "高尔夫"}},
		{Name: "O'Brien", Notes: "trade fair trade fair, trade"},
	} {
		mustAddContact(t, s, c)
		ids[c.Name] = c.ID
	}
	for _, tc := range []struct{ who, summary, notes string }{
		{"王科长", "讨论了设备采购", "他要一份报价"},
		{"Anna Schmidt", "Quotation sent", "Frühstück meeting in Zürich"},
		{"王科长", "王 王 王 王 王", "王科长 says 王"},
		{"O'Brien", "trade fair", ""},
		{"O'Brien", "trade fair", "again"},
	} {
		tt := &crm.Touch{Channel: "visit", Summary: tc.summary, Notes: tc.notes, Contacts: []crm.TouchPerson{{ID: ids[tc.who]}}}
		if err := s.Touches.CreateTouch(ctx, tt); err != nil {
			t.Fatal(err)
		}
		ids[tc.summary] = tt.ID
	}
	if err := s.Tasks.CreateTask(ctx, &crm.Task{Kind: crm.TaskPromise, Title: "送秘方茶叶 zebraword", DueAt: crmtest.Now, ContactID: ids["王科长"]}); err != nil {
		t.Fatal(err)
	}
	return ids
}

// showHit is what a user sees of a hit, its rank rounded.
func showHit(h *crm.SearchHit) string {
	at := ""
	if h.At != nil {
		at = h.At.UTC().Format("2006-01-02T15:04")
	}
	return fmt.Sprintf("%s #%d %s %q contact=%s(%d) account=%q archived=%v at=%s rank=%.9f",
		h.Kind, h.ID, h.Field, h.MarkedSnippet("«", "»"), h.Contact, h.ContactID, h.Account, h.Archived, at, h.Rank)
}

// A search finds, orders, marks and ranks the same hits on both backends:
// the PostgreSQL index computes FTS5's bm25 over the same tokens.
func TestSearchAgreesWithSQLite(t *testing.T) {
	ctx := context.Background()
	lite, pg := sqliteBook(t), pgServices(t)
	searchBook(t, lite)
	searchBook(t, pg)
	for _, s := range []*crm.Services{lite, pg} {
		if _, err := s.Contacts.ArchiveContact(ctx, 4); err != nil { // 李娜
			t.Fatal(err)
		}
	}
	queries := []struct {
		q     string
		kinds []string
		limit int
	}{
		{q: "张伟"}, {q: "设备"}, {q: "王"}, {q: "吃饭"}, {q: "quot"}, {q: "王 科长"}, {q: "quote 设备"}, {q: "wkz"},
		{q: "zhangwei"}, {q: "zurich"}, {q: "MÜLLER"}, {q: "高尔夫"}, {q: "备采购"}, {q: "伟吃饭x"}, {q: "schmidtz"},
		{q: "科长 Anna"}, {q: "采购科长"}, {q: "trade fair"}, {q: "o'bri"}, {q: "mueller.example"}, {q: "秘方"},
		{q: "王", kinds: []string{crm.SearchTouch, crm.SearchTask}}, {q: "设备", kinds: []string{crm.SearchAccount}},
		{q: "设备", limit: 2}, {q: "trade", limit: 1},
	}
	for _, tc := range queries {
		opts := func() crm.SearchOptions {
			o := crm.SearchOptions{Limit: 20, Kinds: append([]string(nil), tc.kinds...)}
			if tc.limit > 0 {
				o.Limit = tc.limit
			}
			return o
		}
		want, err := lite.Search.Search(ctx, tc.q, opts())
		if err != nil {
			t.Fatalf("sqlite %q: %v", tc.q, err)
		}
		got, err := pg.Search.Search(ctx, tc.q, opts())
		if err != nil {
			t.Fatalf("postgres %q: %v", tc.q, err)
		}
		if len(got) != len(want) {
			t.Errorf("%q: %d hits, SQLite finds %d:\n%s\nwhere SQLite has\n%s", tc.q, len(got), len(want), showHits(got), showHits(want))
			continue
		}
		for i := range want {
			if math.Abs(got[i].Rank-want[i].Rank) > 1e-9 {
				t.Errorf("%q hit %d: rank %v, SQLite's %v", tc.q, i, got[i].Rank, want[i].Rank)
			}
			got[i].Rank = want[i].Rank
			if g, w := showHit(got[i]), showHit(want[i]); g != w {
				t.Errorf("%q hit %d:\n%s\nwhere SQLite has\n%s", tc.q, i, g, w)
			}
		}
	}
	for _, q := range []string{"", "   ", "!!!", strings.Repeat("a ", 33), strings.Repeat("长", 201)} {
		_, lerr := lite.Search.Search(ctx, q, crm.SearchOptions{Limit: 5})
		_, perr := pg.Search.Search(ctx, q, crm.SearchOptions{Limit: 5})
		if crm.ErrorCode(perr) != crm.EINVALID || crm.ErrorMessage(perr) != crm.ErrorMessage(lerr) {
			t.Errorf("%q: %v, where SQLite says %v", q, perr, lerr)
		}
	}
	if _, err := pg.Search.Search(ctx, "x", crm.SearchOptions{Limit: 0}); crm.ErrorCode(err) != crm.EINVALID {
		t.Errorf("limit 0: %v", err)
	}
}

func showHits(hs []*crm.SearchHit) string {
	var b strings.Builder
	for _, h := range hs {
		b.WriteString(showHit(h) + "\n")
	}
	return b.String()
}

// The index follows every write: an edit, an undo, an account's rename,
// a purge; a write that fails leaves no row. Its totals (search_totals)
// stay what a count of the index gives.
func TestSearchFollowsWrites(t *testing.T) {
	ctx := context.Background()
	s, conn := openBookURL(t)
	ids := searchBook(t, s)
	found := func(q string) int {
		t.Helper()
		hits, err := s.Search.Search(ctx, q, crm.SearchOptions{Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		var kept, counted [2]int64
		if err := conn.QueryRow(ctx, `SELECT t.rows, t.tokens, c.rows, c.tokens FROM search_totals t,
			(SELECT count(*) AS rows, coalesce(sum(search_row_tokens(s)), 0) AS tokens FROM search_index s) c`).
			Scan(&kept[0], &kept[1], &counted[0], &counted[1]); err != nil {
			t.Fatal(err)
		}
		if kept != counted || kept[0] == 0 {
			t.Errorf("searching %q: the index's totals (rows, tokens) are kept as %v, counted %v", q, kept, counted)
		}
		return len(hits)
	}
	err := s.Touches.CreateTouch(ctx, &crm.Touch{Channel: "call", Summary: "失败的电话 rollbackword",
		Contacts: []crm.TouchPerson{{ID: ids["张伟"]}, {ID: 999}}})
	if err == nil || found("rollbackword") != 0 {
		t.Errorf("a failed touch (%v) is found %d times", err, found("rollbackword"))
	}
	name := "张大伟"
	if _, err := s.Contacts.UpdateContact(ctx, ids["张伟"], crm.ContactUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if found("大伟") != 1 {
		t.Error("the new name is not found")
	}
	if _, err := s.Journal.Undo(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if found("大伟") != 0 || found("zhangwei") != 1 {
		t.Error("after the undo the index holds the edit")
	}
	acc, err := s.Accounts.ResolveAccount(ctx, "Müller GmbH")
	if err != nil {
		t.Fatal(err)
	}
	renamed := "Schulz AG"
	if _, err := s.Accounts.UpdateAccount(ctx, acc.ID, crm.AccountUpdate{Name: &renamed}); err != nil {
		t.Fatal(err)
	}
	if found("schulz") != 2 || found("muller") != 0 { // the account and its contact
		t.Errorf("after a rename: schulz %d, muller %d", found("schulz"), found("muller"))
	}
	if _, err := s.Contacts.PurgeContact(ctx, ids["王科长"]); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"王科长", "wkz", "喝茶", "报价", "秘方", "zebra"} {
		if n := found(q); n != 0 {
			t.Errorf("%q: %d hits after the purge", q, n)
		}
	}
}

// TestSearchIndexOfOtherTextsIsRebuilt: a book whose index was made of
// other texts than this crm's (another crm.SearchTextsVersion) has it
// rebuilt when it is opened, whole and with its totals, as writing the
// records made it; a book that is current is opened with its index as it
// is.
func TestSearchIndexOfOtherTextsIsRebuilt(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.NewDatabase(t, "crm_test")
	open := func() *crm.Services {
		t.Helper()
		db, err := postgres.Open(ctx, dbURL, func() time.Time { return crmtest.Now })
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return postgres.NewServices(db)
	}
	searchBook(t, open())
	conn := connect(t, dbURL)
	index := func() string {
		t.Helper()
		var rows, totals string
		if err := conn.QueryRow(ctx, `SELECT string_agg(concat_ws('|', rowid, name, pinyin, account, title, tags, summary, notes, profile, fields), E'\n' ORDER BY rowid) FROM search_index`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRow(ctx, `SELECT concat_ws(' ', t.rows, t.tokens, c.rows, c.tokens) FROM search_totals t,
			(SELECT count(*) AS rows, coalesce(sum(search_row_tokens(s)), 0) AS tokens FROM search_index s) c`).Scan(&totals); err != nil {
			t.Fatal(err)
		}
		return rows + "\n" + totals
	}
	want := index()
	// An index of other texts: a row changed, one gone, the version older.
	for _, q := range []string{
		`UPDATE search_index SET name = 'stale' WHERE rowid = (SELECT min(rowid) FROM search_index)`,
		`DELETE FROM search_index WHERE rowid = (SELECT max(rowid) FROM search_index)`,
		`UPDATE settings SET value = '0' WHERE key = 'internal.search_version'`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	stale := index()
	changes := countRows(t, conn, `SELECT count(*) FROM changes`)
	s := open()
	if got := index(); got != want {
		t.Errorf("the index after the rebuild:\n%s\nwant:\n%s", got, want)
	}
	if v, err := s.Settings.GetSetting(ctx, "internal.search_version"); crm.ErrorCode(err) != crm.EINVALID {
		t.Errorf("the search version is a setting users can read: %q, %v", v, err)
	}
	var v string
	if err := conn.QueryRow(ctx, `SELECT value FROM settings WHERE key = 'internal.search_version'`).Scan(&v); err != nil || v != crm.SearchTextsVersion {
		t.Errorf("the search version after the rebuild: %q, %v", v, err)
	}
	if n := countRows(t, conn, `SELECT count(*) FROM changes`); n != changes {
		t.Errorf("the rebuild is %d changes of crm history, want none", n-changes)
	}
	// A current book's index is left as it is, even a damaged one.
	if _, err := conn.Exec(ctx, `UPDATE search_index SET name = 'stale' WHERE rowid = (SELECT min(rowid) FROM search_index)`); err != nil {
		t.Fatal(err)
	}
	open()
	if got := index(); got == want || got == stale {
		t.Errorf("a current book's index was rebuilt when it was opened")
	}
}
