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
