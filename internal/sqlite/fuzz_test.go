package sqlite_test

import (
	"context"
	"testing"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/sqlite"
)

// FuzzResolveContact feeds arbitrary references to the resolver of a small
// book: it must never panic, and every failure must carry a code for the CLI.
func FuzzResolveContact(f *testing.F) {
	for _, s := range []string{"王科长", "wkz", "wang", "1", "13800138000", "anna@x.de", "%", "_", "'", "\\", "\x00", "0190", "张", "+86 (138)", "a b", "\U0010FFFF"} {
		f.Add(s)
	}
	db := openTest(f)
	cs := sqlite.NewContactService(db)
	for _, c := range []*crm.Contact{
		{Name: "王科长", Emails: []string{"wang@x.cn"}, Phones: []string{"+86 138 0013 8000"}},
		{Name: "张伟"}, {Name: "张伟"}, {Name: "Anna Schmidt", Emails: []string{"anna@x.de"}},
	} {
		if err := cs.CreateContact(context.Background(), c); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, ref string) {
		c, err := cs.ResolveContact(context.Background(), ref)
		switch code := crm.ErrorCode(err); code {
		case "":
			if c == nil || c.ID == 0 {
				t.Fatalf("%q resolved to nothing without an error", ref)
			}
		case crm.EINVALID, crm.ENOTFOUND, crm.EAMBIGUOUS:
		default:
			t.Fatalf("%q: unexpected error %v (code %s)", ref, err, code)
		}
	})
}

// FuzzSearchQuery feeds arbitrary text to crm search over a small book of
// Chinese and English text: it must never panic, and never fail but with
// EINVALID (empty, only punctuation, too long): user text is always quoted
// into the FTS5 query, never passed as its syntax.
func FuzzSearchQuery(f *testing.F) {
	for _, s := range []string{"张伟", "王", "quote 设备", `"`, `""`, "*", "a*", "NEAR(a b)", "a OR b", "a AND", "NOT", "-", "^a", "{name}: x",
		"name:王", "(", ")", "'", "\x00", "é", "ＡＢＣ", "o'brien", "设备。采购", "\U0010FFFF", "\uFFFD", "⺀王", "ー", "\u3007"} {
		f.Add(s)
	}
	_, s, _ := searchBook(f)
	f.Fuzz(func(t *testing.T, q string) {
		hits, err := s.Search.Search(context.Background(), q, crm.SearchOptions{Limit: 5})
		switch code := crm.ErrorCode(err); code {
		case "":
			for _, h := range hits {
				if h.ID == 0 || h.Kind == "" {
					t.Fatalf("%q: a hit without kind or id: %+v", q, h)
				}
				for _, m := range h.Marks {
					if m[0] < 0 || m[1] > len(h.Snippet) || m[0] >= m[1] {
						t.Fatalf("%q: mark %v outside the snippet %q", q, m, h.Snippet)
					}
				}
			}
		case crm.EINVALID:
		default:
			t.Fatalf("%q: unexpected error %v (code %s)", q, err, code)
		}
	})
}
