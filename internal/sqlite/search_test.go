package sqlite_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/sqlite"
)

// searchBook is a book with Chinese and English text in every indexed place.
func searchBook(t testing.TB) (*sqlite.DB, *crm.Services, map[string]int64) {
	t.Helper()
	db := openTest(t)
	s := sqlite.NewServices(db)
	ctx := context.Background()
	ids := map[string]int64{}
	for _, c := range []*crm.Contact{
		{Name: "张伟", Account: "华东设备有限公司", Title: "采购经理", Tags: []string{"key"}},
		{Name: "王科长", Account: "华东设备有限公司", Title: "科长", Notes: "喜欢喝茶"},
		{Name: "Anna Schmidt", Account: "Müller GmbH", Title: "Head of Purchasing", Notes: "prefers email; quote 设备 before Friday"},
		{Name: "李娜", Notes: "昨天和张伟吃饭", Fields: map[string]string{"club": "高尔夫"}},
	} {
		mustAdd(t, s.Contacts.(*sqlite.ContactService), c)
		ids[c.Name] = c.ID
	}
	for _, tc := range []struct {
		who, summary, notes string
	}{
		{"王科长", "讨论了设备采购", "他要一份报价"},
		{"Anna Schmidt", "Quotation sent", "Frühstück meeting in Zürich"},
	} {
		tt := &crm.Touch{Channel: "visit", Summary: tc.summary, Notes: tc.notes, Contacts: []crm.TouchPerson{{ID: ids[tc.who]}}}
		if err := s.Touches.CreateTouch(ctx, tt); err != nil {
			t.Fatal(err)
		}
		ids[tc.summary] = tt.ID
	}
	return db, s, ids
}

type hitKey struct {
	kind  string
	id    int64
	field string
}

func search(t *testing.T, s *crm.Services, q string, kinds ...string) []*crm.SearchHit {
	t.Helper()
	hits, err := s.Search.Search(context.Background(), q, crm.SearchOptions{Limit: 20, Kinds: kinds})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	return hits
}

func TestSearchFindsChineseAndEnglish(t *testing.T) {
	_, s, ids := searchBook(t)
	for _, tc := range []struct {
		q     string
		first hitKey
		n     int
	}{
		{"张伟", hitKey{"contact", ids["张伟"], "name"}, 2},                // a name, then inside a sentence: 昨天和张伟吃饭
		{"设备", hitKey{"account", 1, "name"}, 5},                        // the account by its name, its contacts, a note, a touch
		{"王", hitKey{"contact", ids["王科长"], "name"}, 1},                // one character
		{"吃饭", hitKey{"contact", ids["李娜"], "notes"}, 1},               // two characters at the end of a sentence
		{"quot", hitKey{"touch", ids["Quotation sent"], "summary"}, 2}, // a Latin prefix
		{"王 科长", hitKey{"contact", ids["王科长"], "name"}, 1},             // mixed: two terms, both must match
		{"quote 设备", hitKey{"contact", ids["Anna Schmidt"], "notes"}, 1},
		{"wkz", hitKey{"contact", ids["王科长"], "name"}, 1},              // pinyin initials
		{"zhangwei", hitKey{"contact", ids["张伟"], "name"}, 1},          // full pinyin
		{"zurich", hitKey{"touch", ids["Quotation sent"], "notes"}, 1}, // accents folded
		{"MÜLLER", hitKey{"account", 2, "name"}, 2},
		{"高尔夫", hitKey{"contact", ids["李娜"], "fields"}, 1},
	} {
		hits := search(t, s, tc.q)
		if len(hits) == 0 {
			t.Errorf("%q: nothing found", tc.q)
			continue
		}
		if got := (hitKey{hits[0].Kind, hits[0].ID, hits[0].Field}); got != tc.first {
			t.Errorf("%q: first hit %+v, want %+v", tc.q, got, tc.first)
		}
		if tc.n > 0 && len(hits) < tc.n {
			t.Errorf("%q: %d hits, want at least %d", tc.q, len(hits), tc.n)
		}
		for _, h := range hits {
			if !strings.Contains(h.MarkedSnippet("«", "»"), "«") {
				t.Errorf("%q: hit %s %d (%s) has no mark in %q", tc.q, h.Kind, h.ID, h.Field, h.Snippet)
			}
		}
	}
	if hits := search(t, s, "备采购"); len(hits) != 1 || hits[0].ID != ids["讨论了设备采购"] {
		t.Errorf("备采购: %d hits, want the touch 讨论了设备采购", len(hits))
	}
	for _, q := range []string{"伟吃饭x", "schmidtz", "科长 Anna", "采购科长"} {
		if hits := search(t, s, q); len(hits) != 0 {
			t.Errorf("%q: found %d, want none: %+v", q, len(hits), hits[0])
		}
	}
}

func found(t *testing.T, s *crm.Services, q string) map[hitKey]bool {
	t.Helper()
	out := map[hitKey]bool{}
	for _, h := range search(t, s, q) {
		out[hitKey{h.Kind, h.ID, h.Field}] = true
	}
	return out
}

// A write that fails takes its index row with it.
func TestSearchRowRolledBackWithItsWrite(t *testing.T) {
	_, s, ids := searchBook(t)
	// The touch is written (and indexed) before its link to the second
	// contact fails: the whole write is rolled back.
	err := s.Touches.CreateTouch(context.Background(), &crm.Touch{Channel: "call", Summary: "失败的电话 rollbackword",
		Contacts: []crm.TouchPerson{{ID: ids["张伟"]}, {ID: 999}}})
	if err == nil {
		t.Fatal("a touch to a missing contact was logged")
	}
	for _, q := range []string{"rollbackword", "失败"} {
		if hits := search(t, s, q); len(hits) != 0 {
			t.Errorf("%q: found %+v after the write failed", q, hits[0])
		}
	}
}

// Undo puts the index back as the records were: an edit undone finds the
// old name again, a touch undone is found no more, an account rename undone
// finds its contacts under the old name.
func TestSearchAfterUndo(t *testing.T) {
	_, s, ids := searchBook(t)
	ctx := context.Background()
	name := "张大伟"
	if _, err := s.Contacts.UpdateContact(ctx, ids["张伟"], crm.ContactUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if !found(t, s, "大伟")[hitKey{"contact", ids["张伟"], "name"}] {
		t.Fatal("the new name is not found after the edit")
	}
	if _, err := s.Journal.Undo(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if f := found(t, s, "大伟"); len(f) != 0 {
		t.Errorf("大伟 found after the edit was undone: %v", f)
	}
	if !found(t, s, "zhangwei")[hitKey{"contact", ids["张伟"], "name"}] {
		t.Error("张伟 (zhangwei) not found after the edit was undone")
	}

	tt := &crm.Touch{Channel: "call", Summary: "undoneword call", Contacts: []crm.TouchPerson{{ID: ids["李娜"]}}}
	if err := s.Touches.CreateTouch(ctx, tt); err != nil {
		t.Fatal(err)
	}
	if !found(t, s, "undoneword")[hitKey{"touch", tt.ID, "summary"}] {
		t.Fatal("a new touch is not found")
	}
	if _, err := s.Journal.Undo(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if f := found(t, s, "undoneword"); len(f) != 0 {
		t.Errorf("an undone touch is still found: %v", f)
	}

	acc, err := s.Accounts.ResolveAccount(ctx, "Müller GmbH")
	if err != nil {
		t.Fatal(err)
	}
	renamed := "Schulz AG"
	if _, err := s.Accounts.UpdateAccount(ctx, acc.ID, crm.AccountUpdate{Name: &renamed}); err != nil {
		t.Fatal(err)
	}
	if !found(t, s, "schulz")[hitKey{"contact", ids["Anna Schmidt"], "account"}] {
		t.Fatal("a contact is not found by its account's new name")
	}
	if _, err := s.Journal.Undo(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if f := found(t, s, "schulz"); len(f) != 0 {
		t.Errorf("the undone account name is still found: %v", f)
	}
	if !found(t, s, "muller")[hitKey{"contact", ids["Anna Schmidt"], "account"}] {
		t.Error("a contact is not found by its account's name after the rename was undone")
	}
}

// Archived contacts are found, and say so; a purged one is found no more,
// nor its touches and tasks, and its words are gone from the file.
func TestSearchArchiveAndPurge(t *testing.T) {
	db, s, ids := searchBook(t)
	ctx := context.Background()
	if _, err := s.Contacts.ArchiveContact(ctx, ids["李娜"]); err != nil {
		t.Fatal(err)
	}
	hits := search(t, s, "李娜")
	if len(hits) == 0 || !hits[0].Archived {
		t.Fatalf("an archived contact: %+v, want found and marked archived", hits)
	}
	wang := ids["王科长"]
	if err := s.Tasks.CreateTask(ctx, &crm.Task{Kind: crm.TaskPromise, Title: "送秘方茶叶 zebraword", DueAt: testNow, ContactID: wang}); err != nil {
		t.Fatal(err)
	}
	if len(search(t, s, "秘方")) != 1 || len(search(t, s, "zebra")) != 1 {
		t.Fatal("the task is not found")
	}
	if _, err := s.Contacts.(*sqlite.ContactService).PurgeContact(ctx, wang); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"王科长", "wkz", "喝茶", "报价", "秘方", "zebra", "讨论了设备采购"} {
		if hits := search(t, s, q); len(hits) != 0 {
			t.Errorf("%q: found %+v after the purge", q, hits[0])
		}
	}
	var n int
	if err := db.QueryRowForTest(`SELECT count(*) FROM search_index_docsize`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	// 3 contacts, 1 touch, 2 accounts left.
	if n != 6 {
		t.Errorf("the index holds %d rows after the purge, want 6", n)
	}
	db.Close()
	b, err := os.ReadFile(db.Path)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"喝茶", "秘方", "zebraword", "报价", "讨论"} {
		if strings.Contains(string(b), w) {
			t.Errorf("the file still holds %q after the purge", w)
		}
	}
}
