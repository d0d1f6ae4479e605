package sqlite_test

import (
	"context"
	"strings"
	"testing"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/sqlite"
)

// searchBook is a book with Chinese and English text in every indexed place.
func searchBook(t *testing.T) (*sqlite.DB, *crm.Services, map[string]int64) {
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
