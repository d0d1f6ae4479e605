package crmtest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/seedcrm/crm/internal/crm"
)

// testOwnersFollowTheUser: what a rep adds is the rep's, a touch records who
// logged it, a given owner stands, and --mine's filters keep one rep's.
func testOwnersFollowTheUser(t *testing.T, s *crm.Services) {
	alice := crm.WithUser(crm.WithChangeSummary(context.Background(), "test"), "alice")
	bob := crm.WithUser(alice, "bob")
	w := mustAddIn(t, alice, s, &crm.Contact{Name: "王科长", Account: "宝山钢铁", Tier: "A"})
	l := mustAddIn(t, bob, s, &crm.Contact{Name: "李处长"})
	given := mustAddIn(t, alice, s, &crm.Contact{Name: "Smith", Owner: "carol"})
	nobody := mustAdd(t, s.Contacts, &crm.Contact{Name: "Nobody"})
	for c, want := range map[*crm.Contact]string{w: "alice", l: "bob", given: "carol", nobody: ""} {
		if c.Owner != want {
			t.Errorf("%s: owner %q, want %q", c.Name, c.Owner, want)
		}
	}
	if a, err := s.Accounts.ResolveAccount(alice, "宝山钢铁"); err != nil || a.Owner != "alice" {
		t.Errorf("the account a contact of alice's created: %+v, %v", a, err)
	}
	if err := s.Accounts.CreateAccount(alice, &crm.Account{Name: "Dave's Co", Owner: "dave"}); err != nil {
		t.Fatal(err)
	}
	if owners, err := s.Contacts.Owners(alice); err != nil || fmt.Sprint(owners) != "[{alice 1} {bob 1} {carol 1} {dave 0}]" {
		t.Errorf("owners: %v %v, want alice, bob and carol with a contact each, and dave with an account", owners, err)
	}
	touch := &crm.Touch{Channel: "visit", Summary: "拜访", Contacts: []crm.TouchPerson{{ID: w.ID}}}
	if err := s.Touches.CreateTouch(bob, touch); err != nil {
		t.Fatal(err)
	}
	var logged []string
	s.Touches.FindTouches(alice, crm.TouchFilter{ContactID: w.ID}, func(t *crm.Touch) error { logged = append(logged, t.LoggedBy); return nil })
	if strings.Join(logged, ",") != "bob" {
		t.Errorf("the touch bob logged says it was logged by %q", logged)
	}
	for _, tc := range []struct {
		owner crm.OwnerFilter
		want  string
	}{{crm.OwnedBy("alice"), "王科长"}, {crm.OwnedBy("bob"), "李处长"}, {crm.OwnedBy(crm.Nobody), "Nobody"}, {crm.OwnerFilter{}, "李处长,Nobody,Smith,王科长"}} {
		var names []string
		if err := s.Contacts.FindContacts(alice, crm.ContactFilter{Owner: tc.owner, Sort: crm.SortName}, func(c *crm.Contact) error {
			names = append(names, c.Name)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(names, ","); got != tc.want {
			t.Errorf("contacts of %+v: %s, want %s", tc.owner, got, tc.want)
		}
	}
}

// testHandoverMovesContactsWithTheirHistory: a handover moves the
// contacts, their account and nothing of anybody else's, notes it on each
// contact, keeps their touches and tasks, and is undone as one change.
func testHandoverMovesContactsWithTheirHistory(t *testing.T, s *crm.Services) {
	alice := crm.WithUser(crm.WithChangeSummary(context.Background(), "test"), "alice")
	w := mustAddIn(t, alice, s, &crm.Contact{Name: "王科长", Account: "宝山钢铁"})
	l := mustAddIn(t, alice, s, &crm.Contact{Name: "李处长", Tags: []string{"key"}})
	b := mustAddIn(t, crm.WithUser(alice, "bob"), s, &crm.Contact{Name: "Smith"})
	if err := s.Touches.CreateTouch(alice, &crm.Touch{Channel: "visit", Summary: "拜访", Contacts: []crm.TouchPerson{{ID: w.ID}},
		Next: &crm.Task{Kind: crm.TaskPromise, Title: "send the deck", DueAt: Now.AddDate(0, 0, 3)}}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, s, w.ID)
	if _, err := s.Contacts.Handover(alice, crm.Handover{From: "alice", To: "carol", ContactIDs: []int64{w.ID, b.ID}}); crm.ErrorCode(err) != crm.EINVALID {
		t.Errorf("handing over bob's contact as alice's: %v, want EINVALID", err)
	}
	if _, err := s.Contacts.Handover(alice, crm.Handover{From: "dave", To: "carol"}); crm.ErrorCode(err) != crm.ENOTFOUND {
		t.Errorf("handing over the contacts of a rep who has none: %v, want ENOTFOUND", err)
	}
	dry, err := s.Contacts.Handover(alice, crm.Handover{From: "alice", To: "carol", DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(dry.Contacts) != 2 || dry.OpenTasks != 1 || len(dry.Accounts) != 1 || snapshot(t, s, w.ID) != before {
		t.Fatalf("dry run: %+v; the contact after it: %s", dry, snapshot(t, s, w.ID))
	}
	rep, err := s.Contacts.Handover(alice, crm.Handover{From: "alice", To: "carol", Tag: "key"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Contacts) != 1 || rep.Contacts[0].ID != l.ID || len(rep.Accounts) != 0 {
		t.Fatalf("handover of the tag: %+v", rep)
	}
	if rep, err = s.Contacts.Handover(alice, crm.Handover{From: "alice", To: "carol"}); err != nil {
		t.Fatal(err)
	}
	if len(rep.Contacts) != 1 || rep.Contacts[0].ID != w.ID || rep.OpenTasks != 1 || len(rep.Accounts) != 1 {
		t.Fatalf("handover of the rest: %+v", rep)
	}
	got, _ := s.Contacts.FindContactByID(alice, w.ID)
	if got.Owner != "carol" || !strings.HasSuffix(got.Notes, crm.HandoverNote("alice", "carol", Now)) {
		t.Errorf("after the handover: owner %q, notes %q", got.Owner, got.Notes)
	}
	tasks, _ := s.Tasks.FindTasks(alice, crm.TaskFilter{Owner: crm.OwnedBy("carol")})
	if len(tasks) != 1 || tasks[0].ContactID != w.ID {
		t.Errorf("carol's open tasks: %+v", tasks)
	}
	if smith, _ := s.Contacts.FindContactByID(alice, b.ID); smith.Owner != "bob" {
		t.Errorf("bob's contact now belongs to %q", smith.Owner)
	}
	if _, err := s.Journal.Undo(alice, 0); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Contacts.FindContactByID(alice, w.ID); got.Owner != "alice" || got.Notes != "" {
		t.Errorf("after undo: owner %q, notes %q", got.Owner, got.Notes)
	}
}

// testTeamReport: each rep's line counts the touches the rep logged and the
// contacts, overdue and promises of the contacts the rep owns.
func testTeamReport(t *testing.T, s *crm.Services) {
	alice := crm.WithUser(crm.WithChangeSummary(context.Background(), "test"), "alice")
	bob := crm.WithUser(alice, "bob")
	w := mustAddIn(t, alice, s, &crm.Contact{Name: "王科长", Tier: "A"})
	mustAddIn(t, alice, s, &crm.Contact{Name: "李处长", Tier: "B"})
	b := mustAddIn(t, bob, s, &crm.Contact{Name: "Smith"})
	for _, tc := range []struct {
		ctx     context.Context
		c       *crm.Contact
		channel string
	}{{alice, w, "visit"}, {bob, w, "call"}, {bob, b, "call"}} {
		if err := s.Touches.CreateTouch(tc.ctx, &crm.Touch{At: Now.AddDate(0, 0, -1), Channel: tc.channel, Summary: "x", Contacts: []crm.TouchPerson{{ID: tc.c.ID}}}); err != nil {
			t.Fatal(err)
		}
	}
	promise := &crm.Task{ContactID: w.ID, Kind: crm.TaskPromise, Title: "deck", DueAt: Now.AddDate(0, 0, -2)}
	if err := s.Tasks.CreateTask(alice, promise); err != nil {
		t.Fatal(err)
	}
	today := crm.Today(Now)
	r, err := s.Reports.Team(alice, today.AddDate(0, 0, -6), today.AddDate(0, 0, 1), today.AddDate(0, 4, 0))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, rep := range r.Reps {
		lines = append(lines, strings.Join([]string{rep.Rep, itoa(rep.Contacts), itoa(rep.Touches), itoa(rep.ByChannel["visit"]), itoa(rep.ByChannel["call"]),
			itoa(rep.Overdue), itoa(rep.OverdueByTier["A"]), itoa(rep.PromisesBroken)}, " "))
	}
	// Four months on, every contact of tier A or B is overdue; Smith (C) is not.
	want := "alice 2 1 1 0 2 1 1|bob 1 2 0 2 0 0 0"
	if got := strings.Join(lines, "|"); got != want {
		t.Errorf("team report (rep contacts touches visits calls overdue overdue-A broken):\n got %s\nwant %s", got, want)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// mustAddIn creates c as the rep of ctx, or stops the test.
func mustAddIn(t *testing.T, ctx context.Context, s *crm.Services, c *crm.Contact) *crm.Contact {
	t.Helper()
	if err := s.Contacts.CreateContact(ctx, c); err != nil {
		t.Fatalf("add %s: %v", c.Name, err)
	}
	return c
}

// testReviewWalksAreEachRepsOwn: where the weekly review's walk stands is
// kept per rep, so two reps walking their lists on one team's book never
// move each other's place, nor that of the book of one ("").
func testReviewWalksAreEachRepsOwn(t *testing.T, s *crm.Services) {
	ctx := context.Background()
	walks := map[string]crm.ReviewState{
		"":      {Week: "2026-W47", Next: 3},
		"alice": {Week: "2026-W47", Next: 7},
		"bob":   {Week: "2026-W48", Next: 0},
	}
	for rep, st := range walks {
		if err := s.Settings.SetReviewState(ctx, rep, st); err != nil {
			t.Fatal(err)
		}
	}
	for rep, want := range walks {
		if got, err := s.Settings.ReviewState(ctx, rep); err != nil || got != want {
			t.Errorf("%q's walk: %+v, %v; want %+v", rep, got, err, want)
		}
	}
	if got, err := s.Settings.ReviewState(ctx, "carol"); err != nil || got != (crm.ReviewState{}) {
		t.Errorf("the walk of a rep who never walked: %+v, %v; want none", got, err)
	}
}
