package sqlite_test

import (
	"context"
	"testing"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/sqlite"
)

// TestResolveByCommonReadingFirst: a rare reading of a common character
// (方 as wang, 许 as hu, 王 as yu) finds a contact only when no contact
// matches on its common reading.
func TestResolveByCommonReadingFirst(t *testing.T) {
	ctx := context.Background()
	cs := sqlite.NewContactService(openTest(t))
	wang := mustAdd(t, cs, &crm.Contact{Name: "王科长"})
	fang := mustAdd(t, cs, &crm.Contact{Name: "方总"})
	he := mustAdd(t, cs, &crm.Contact{Name: "何静"})
	xu := mustAdd(t, cs, &crm.Contact{Name: "许娟"})
	anna := mustAdd(t, cs, &crm.Contact{Name: "Anna Schmidt", Emails: []string{"anna@x.de"}, Phones: []string{"+49 30 1234567"}})
	for _, tc := range []struct {
		ref   string
		want  *crm.Contact
		by    crm.MatchKind
		exact bool
		rare  bool
		weak  bool
	}{
		{"wang", wang, crm.MatchPinyin, false, false, false},
		{"hj", he, crm.MatchInitials, true, false, true},
		{"xj", xu, crm.MatchInitials, true, false, true},
		{"hujuan", xu, crm.MatchPinyin, true, true, true},        // only 许 reads hu
		{"wangzong", fang, crm.MatchPinyin, true, true, true},    // nobody's common reading
		{"yukezhang", wang, crm.MatchPinyin, true, true, true},   // 王 as yu
		{"wangkechang", wang, crm.MatchPinyin, true, true, true}, // 长 as chang
		{"王科长", wang, crm.MatchName, true, false, false},
		{"王", wang, crm.MatchPrefix, false, false, true}, // one character
		{"anna s", anna, crm.MatchPrefix, false, false, false},
		{"as", anna, crm.MatchInitials, true, false, true},
		{"anna@x.de", anna, crm.MatchEmail, true, false, false},
		{"4930123", anna, crm.MatchPhone, false, false, false},
		{"+49 30 1234567", anna, crm.MatchPhone, true, false, false},
		{"1", wang, crm.MatchID, true, false, false},
		{anna.UID, anna, crm.MatchUID, true, false, false},
	} {
		c, m, err := cs.MatchContact(ctx, tc.ref)
		if err != nil {
			t.Errorf("%q: %v", tc.ref, err)
			continue
		}
		if c.ID != tc.want.ID || m.By != tc.by || m.Exact != tc.exact || m.Rare != tc.rare || m.Weak() != tc.weak {
			t.Errorf("%q: got %s by %+v (weak %v), want %s by %s exact %v rare %v weak %v",
				tc.ref, c.Name, m, m.Weak(), tc.want.Name, tc.by, tc.exact, tc.rare, tc.weak)
		}
	}
	// A listing filtered by a query follows the same rule.
	var names []string
	cs.FindContacts(ctx, crm.ContactFilter{Query: "wang"}, func(c *crm.Contact) error { names = append(names, c.Name); return nil })
	if len(names) != 1 || names[0] != "王科长" {
		t.Errorf("ls wang = %q, want only 王科长", names)
	}
	names = nil
	cs.FindContacts(ctx, crm.ContactFilter{Query: "wangz"}, func(c *crm.Contact) error { names = append(names, c.Name); return nil })
	if len(names) != 1 || names[0] != "方总" {
		t.Errorf("ls wangz = %q, want 方总 by its rare reading", names)
	}
}
