package crmtest

import (
	"context"
	"testing"

	"github.com/seedcrm/crm/internal/crm"
)

func testResolveContact(t *testing.T, s *crm.Services) {
	ctx := context.Background()
	cs := s.Contacts
	wang := mustAdd(t, cs, &crm.Contact{Name: "王科长", Account: "宝山钢铁", Emails: []string{"Wang@Steel.cn"}, Phones: []string{"+86 138 0013 8000"}})
	mustAdd(t, cs, &crm.Contact{Name: "张伟", Account: "宝山钢铁"})
	mustAdd(t, cs, &crm.Contact{Name: "张伟", Account: "Acme"})
	anna := mustAdd(t, cs, &crm.Contact{Name: "Anna"})
	mustAdd(t, cs, &crm.Contact{Name: "Anna Schmidt"})

	for _, tc := range []struct {
		ref  string
		want int64
		code string
	}{
		{"王科长", wang.ID, ""},
		{"王", wang.ID, ""},
		{"wangkezhang", wang.ID, ""},
		{"wangkechang", wang.ID, ""},
		{"wang", wang.ID, ""},
		{"wkz", wang.ID, ""},
		{"WKZ", wang.ID, ""},
		{"wang@steel.cn", wang.ID, ""},
		{"13800138000", wang.ID, ""},
		{"+86 138 0013 8000", wang.ID, ""},
		{wang.UID, wang.ID, ""},
		{"1", wang.ID, ""},
		{"anna", anna.ID, ""}, // an exact name beats a longer prefix match
		{"张伟", 0, crm.EAMBIGUOUS},
		{"zw", 0, crm.EAMBIGUOUS},
		{"nobody", 0, crm.ENOTFOUND},
		{"999", 0, crm.ENOTFOUND},
		{"", 0, crm.EINVALID},
	} {
		c, err := cs.ResolveContact(ctx, tc.ref)
		if code := crm.ErrorCode(err); code != tc.code {
			t.Errorf("%q: error %v, want code %q", tc.ref, err, tc.code)
			continue
		}
		if tc.code == "" && c.ID != tc.want {
			t.Errorf("%q: got #%d %s, want #%d", tc.ref, c.ID, c.Name, tc.want)
		}
	}
	_, err := cs.ResolveContact(ctx, "张伟")
	// Candidates are values, by sort key then id: the accounts tell them apart.
	if ch := crm.ErrorCandidates(err); len(ch) != 2 || ch[0].Name != "张伟" || ch[0].ID >= ch[1].ID ||
		ch[0].Account != "宝山钢铁" || ch[1].Account != "Acme" {
		t.Errorf("ambiguous candidates = %+v, want both 张伟 with their accounts", ch)
	}
	_, err = cs.ResolveContact(ctx, "annx")
	if msg := crm.ErrorMessage(err); msg != `no contact matches "annx"; closest: Anna, Anna Schmidt` {
		t.Errorf("not found message = %q", msg)
	}
	// Archived contacts leave name matching but keep their id.
	if _, err := cs.ArchiveContact(ctx, wang.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.ResolveContact(ctx, "wkz"); crm.ErrorCode(err) != crm.ENOTFOUND {
		t.Errorf("archived contact still matched by name: %v", err)
	}
	if c, err := cs.ResolveContact(ctx, "1"); err != nil || c.ArchivedAt == nil {
		t.Errorf("archived contact by id: %v %v", c, err)
	}
}

// testResolveByCommonReadingFirst: a rare reading of a common character
// (方 as wang, 许 as hu, 王 as yu) finds a contact only when no contact
// matches on its common reading.
func testResolveByCommonReadingFirst(t *testing.T, s *crm.Services) {
	ctx := context.Background()
	cs := s.Contacts
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

func testListsAndTimesRoundTrip(t *testing.T, s *crm.Services) {
	ctx := context.Background()
	cs := s.Contacts
	lists := [][]string{{}, {"a"}, {"a", "b c"}, {`quo"te`, `back\slash`, "tab\there", "中文"}, {`","`}}
	for _, l := range lists {
		c := mustAdd(t, cs, &crm.Contact{Name: "x", Phones: l, Tags: nil})
		got, err := cs.FindContactByID(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Phones) != len(l) {
			t.Fatalf("phones %q came back as %q", l, got.Phones)
		}
		for i := range l {
			if got.Phones[i] != l[i] {
				t.Errorf("phones %q came back as %q", l, got.Phones)
			}
		}
		if !got.CreatedAt.Equal(Now) {
			t.Errorf("created_at %v, want %v", got.CreatedAt, Now)
		}
	}
}
