package crmtest

import (
	"context"
	"slices"
	"testing"

	"github.com/seedcrm/crm/internal/crm"
)

// testFindDuplicates: each reason finds its pair, names count only within
// an account, and archived contacts pair with nobody.
func testFindDuplicates(t *testing.T, s *crm.Services) {
	ctx := context.Background()
	cs := s.Contacts
	wang := mustAdd(t, cs, &crm.Contact{Name: "王科长", Account: "宝山钢铁", Phones: []string{"+86 138 1762 4409"}})
	wang2 := mustAdd(t, cs, &crm.Contact{Name: "王科长", Account: "宝山钢铁", Phones: []string{"0086 138-1762-4409"}})
	wang3 := mustAdd(t, cs, &crm.Contact{Name: "汪科长", Account: "宝山钢铁"})
	mustAdd(t, cs, &crm.Contact{Name: "张科长", Account: "宝山钢铁"})
	mustAdd(t, cs, &crm.Contact{Name: "王科长", Account: "Acme"})
	anna := mustAdd(t, cs, &crm.Contact{Name: "Anna Schmidt", Emails: []string{"anna@example.com"}})
	anna2 := mustAdd(t, cs, &crm.Contact{Name: "Anna Schmitt"})
	li := mustAdd(t, cs, &crm.Contact{Name: "李娜", Account: "Acme", Emails: []string{"ANNA@example.com"}})
	gone := mustAdd(t, cs, &crm.Contact{Name: "Anna Schmidt"})
	if _, err := cs.ArchiveContact(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	pairs, err := s.Duplicates.FindDuplicates(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	type pair struct {
		a, b    int64
		reasons string
	}
	var got []pair
	for _, p := range pairs {
		got = append(got, pair{p.Contacts[0].ID, p.Contacts[1].ID, join(p.Reasons)})
		if p.Score <= 0 || p.Score > 1 || p.Reason == "" {
			t.Errorf("pair %+v: score or reason missing", p)
		}
	}
	want := []pair{
		{wang.ID, wang2.ID, "phone,name"},
		{anna.ID, li.ID, "email"},
		{wang.ID, wang3.ID, "pinyin"},
		{wang2.ID, wang3.ID, "pinyin"},
		{anna.ID, anna2.ID, "similar_name"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("duplicates\n got %v\nwant %v", got, want)
	}
	if top, _ := s.Duplicates.FindDuplicates(ctx, 1); len(top) != 1 || top[0].Contacts[1].ID != wang2.ID {
		t.Errorf("limit 1: %+v", top)
	}
	// A contact edited into a duplicate pairs at once, and out of it too.
	name := "Anna Schmidt"
	if _, err := cs.UpdateContact(ctx, anna2.ID, crm.ContactUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	pairs, _ = s.Duplicates.FindDuplicates(ctx, 0)
	if !slices.ContainsFunc(pairs, func(p *crm.DuplicatePair) bool { return p.Contacts[1].ID == anna2.ID && join(p.Reasons) == "name" }) {
		t.Errorf("renamed to the same name, not a pair: %+v", pairs)
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}

// testMergeMovesEverything: a merge moves every record of the other onto
// the kept contact, a shared touch once and a second birthday not at all,
// fills the kept profile, re-points reporting lines, archives the other,
// makes its uid find the kept contact, and is one change that undo reverts
// whole. A dry run writes nothing and says the same.
func testMergeMovesEverything(t *testing.T, s *crm.Services) {
	ctx := crm.WithChangeSummary(context.Background(), "test")
	cs := s.Contacts
	keep := mustAdd(t, cs, &crm.Contact{Name: "王科长", Account: "宝山钢铁", Tier: "A", Phones: []string{"+86 138 1762 4409"},
		Tags: []string{"steel"}, Birthday: "04-18", Notes: "likes tea"})
	other := mustAdd(t, cs, &crm.Contact{Name: "王科长", Title: "科长", Phones: []string{"13817624409"}, Emails: []string{"wang@bs.cn"},
		Tags: []string{"key"}, Birthday: "05-01", Notes: "his son studies in Munich"})
	li := mustAdd(t, cs, &crm.Contact{Name: "李娜", ReportsTo: "2"})
	if err := s.KeyDates.SetKeyDate(ctx, &crm.KeyDate{ContactID: other.ID, Kind: "anniversary", Calendar: "solar", Month: 6, Day: 1}); err != nil {
		t.Fatal(err)
	}
	both := &crm.Touch{Channel: "visit", Summary: "met both", At: Now.AddDate(0, 0, -3), Contacts: []crm.TouchPerson{{ID: keep.ID}, {ID: other.ID}}}
	later := &crm.Touch{Channel: "call", Summary: "called him", At: Now.AddDate(0, 0, -1), Contacts: []crm.TouchPerson{{ID: other.ID}},
		Next: &crm.Task{Kind: crm.TaskFollowup, Title: "send terms", DueAt: Now.AddDate(0, 0, 2)}}
	for _, tc := range []*crm.Touch{both, later} {
		if err := s.Touches.CreateTouch(ctx, tc); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Stages.ChangeStage(ctx, other.ID, "next", Now, ""); err != nil {
		t.Fatal(err)
	}
	before := []string{snapshot(t, s, keep.ID), snapshot(t, s, other.ID), snapshot(t, s, li.ID)}

	plan, err := s.Duplicates.MergeContacts(ctx, keep.ID, other.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if now := []string{snapshot(t, s, keep.ID), snapshot(t, s, other.ID), snapshot(t, s, li.ID)}; !slices.Equal(now, before) {
		t.Fatalf("a dry run changed the book:\n%v\n%v", before, now)
	}
	res, err := s.Duplicates.MergeContacts(ctx, keep.ID, other.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Touches != 2 || res.SharedTouches != 1 || res.Tasks != 1 || res.KeyDates != 1 || res.DroppedKeyDates != 1 ||
		res.StageChanges != 2 || !slices.Equal(res.Tags, []string{"key"}) || res.ReportsTo != 1 || res.Alias != other.UID {
		t.Errorf("merge result %+v", res)
	}
	if !slices.Equal(res.Filled, []string{"title", "emails", "notes", "tags"}) {
		t.Errorf("filled %v", res.Filled)
	}
	if !plan.DryRun || plan.Touches != res.Touches || plan.DroppedKeyDates != res.DroppedKeyDates || !slices.Equal(plan.Filled, res.Filled) {
		t.Errorf("the dry run said %+v, the merge did %+v", plan, res)
	}
	k := res.Keep
	if k.Title != "科长" || k.Tier != "A" || k.Account != "宝山钢铁" || !slices.Equal(k.Phones, []string{"+86 138 1762 4409"}) ||
		!slices.Equal(k.Emails, []string{"wang@bs.cn"}) || !slices.Equal(k.Tags, []string{"steel", "key"}) || k.Birthday != "04-18" {
		t.Errorf("kept contact %+v", k)
	}
	if k.LastTouchAt == nil || !k.LastTouchAt.Equal(later.At) {
		t.Errorf("last touch %v, want the other's later touch %v", k.LastTouchAt, later.At)
	}
	if res.Other.ArchivedAt == nil || res.Other.LastTouchAt != nil {
		t.Errorf("other after the merge: archived %v, last touch %v", res.Other.ArchivedAt, res.Other.LastTouchAt)
	}
	var touches []int64
	s.Touches.FindTouches(ctx, crm.TouchFilter{ContactID: keep.ID}, func(tc *crm.Touch) error {
		touches = append(touches, tc.ID)
		if len(tc.Contacts) != 1 {
			t.Errorf("touch #%d reaches %v, want the kept contact once", tc.ID, tc.Contacts)
		}
		return nil
	})
	if len(touches) != 2 {
		t.Errorf("kept contact's touches %v, want 2", touches)
	}
	tasks, _ := s.Tasks.FindTasks(ctx, crm.TaskFilter{ContactID: keep.ID})
	dates, _ := s.KeyDates.FindKeyDates(ctx, keep.ID)
	if len(tasks) != 1 || len(dates) != 2 {
		t.Errorf("kept contact has %d tasks and %d key dates, want 1 and 2 (one birthday)", len(tasks), len(dates))
	}
	if c, _ := cs.FindContactByID(ctx, li.ID); c.ReportsToID != keep.ID {
		t.Errorf("李娜 reports to #%d, want #%d", c.ReportsToID, keep.ID)
	}
	if c, err := cs.ResolveContact(ctx, other.UID); err != nil || c.ID != keep.ID {
		t.Errorf("the merged contact's uid finds %v %v, want #%d", c, err, keep.ID)
	}
	if pairs, _ := s.Duplicates.FindDuplicates(ctx, 0); len(pairs) != 0 {
		t.Errorf("still duplicates after the merge: %+v", pairs)
	}

	for _, bad := range [][2]int64{{keep.ID, keep.ID}, {keep.ID, other.ID}, {other.ID, li.ID}} {
		if _, err := s.Duplicates.MergeContacts(ctx, bad[0], bad[1], false); crm.ErrorCode(err) != crm.EINVALID {
			t.Errorf("merge #%d into #%d: %v, want EINVALID", bad[1], bad[0], err)
		}
	}

	if _, err := s.Journal.Undo(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if after := []string{snapshot(t, s, keep.ID), snapshot(t, s, other.ID), snapshot(t, s, li.ID)}; !slices.Equal(after, before) {
		t.Errorf("undo did not restore both:\nbefore %v\nafter  %v", before, after)
	}
	if c, err := cs.ResolveContact(ctx, other.UID); err != nil || c.ID != other.ID {
		t.Errorf("after undo the uid finds %v %v, want #%d again", c, err, other.ID)
	}
	if pairs, _ := s.Duplicates.FindDuplicates(ctx, 0); len(pairs) != 1 {
		t.Errorf("after undo %d pairs, want the one again", len(pairs))
	}
}

// testMergeChainsAliases: merging A into B and then B into C leaves both
// uids finding C.
func testMergeChainsAliases(t *testing.T, s *crm.Services) {
	ctx := context.Background()
	cs := s.Contacts
	a := mustAdd(t, cs, &crm.Contact{Name: "A one"})
	b := mustAdd(t, cs, &crm.Contact{Name: "B two"})
	c := mustAdd(t, cs, &crm.Contact{Name: "C three"})
	if _, err := s.Duplicates.MergeContacts(ctx, b.ID, a.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Duplicates.MergeContacts(ctx, c.ID, b.ID, false); err != nil {
		t.Fatal(err)
	}
	for _, uid := range []string{a.UID, b.UID, c.UID} {
		if got, err := cs.ResolveContact(ctx, uid); err != nil || got.ID != c.ID {
			t.Errorf("uid %s finds %v %v, want #%d", uid, got, err, c.ID)
		}
	}
}
