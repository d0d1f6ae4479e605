package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/when"
)

// datesBook is the demo book with an overdue promise and a follow-up of 赵总
// (id 1) and a lunar birthday of 冯董 (id 26) ten days from now, for the
// Due and Upcoming pages.
func datesBook(tb testing.TB) *crm.Services {
	tb.Helper()
	s := demoBook(tb)
	ctx := context.Background()
	for _, t := range []*crm.Task{
		{Kind: crm.TaskPromise, Title: "send the samples", ContactID: 1, DueAt: testNow.AddDate(0, 0, -2)},
		{Kind: crm.TaskFollowup, Title: "call about the pilot", ContactID: 1, DueAt: testNow.AddDate(0, 0, 3)},
	} {
		if err := s.Tasks.CreateTask(ctx, t); err != nil {
			tb.Fatal(err)
		}
	}
	_, mo, d, leap, err := when.SolarToLunar(when.DateOf(testNow.AddDate(0, 0, 10)))
	if err != nil {
		tb.Fatal(err)
	}
	k := &crm.KeyDate{ContactID: 26, Kind: "birthday", Calendar: "lunar", Month: mo, Day: d, Leap: leap}
	if err := s.KeyDates.SetKeyDate(ctx, k); err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestGoldenDue(t *testing.T) {
	s := datesBook(t)
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("due_%dx%d", size[0], size[1]), func(t *testing.T) {
			pageGolden(t, s, size[0], size[1], "2", "tier A, last touch 52 days ago")
		})
	}
}

func TestDuePage(t *testing.T) {
	m := newTest(t, datesBook(t), 120, 40)
	run(m, typed("2")...)
	v := m.View()
	for _, want := range []string{"7 due · 7 overdue", "> 赵总", "22d overdue", `last touch 52 days ago, rhythm 30d; promise "send the`} {
		if !strings.Contains(v, want) {
			t.Errorf("the Due page lacks %q:\n%s", want, v)
		}
	}
	checkView(t, v, 120, 40)
	run(m, tea.KeyMsg{Type: tea.KeyEnter})
	if len(m.stack) != 1 || !strings.Contains(m.View(), "Timeline") {
		t.Fatalf("enter did not open the contact:\n%s", m.View())
	}
	run(m, tea.KeyMsg{Type: tea.KeyEsc})
	run(m, typed("l")...)
	if len(m.stack) != 0 || !strings.Contains(m.View(), "Log a touch") {
		t.Fatalf("l did not open the log form in place:\n%s", m.View())
	}
}

// TestDueActions: l, s and p open the contact page's log form, stage
// chooser and promise form on the selected row, in place; each write is in
// the book after and the list is read again.
func TestDueActions(t *testing.T) {
	s := datesBook(t)
	ctx := context.Background()
	m := newTest(t, s, 80, 24)
	run(m, typed("2")...)
	wantView(t, m, "> 赵总", "7 due")
	// l: a touch of 赵总 shows in his row (his overdue promise keeps him due).
	run(m, typed("l")...)
	wantView(t, m, "Log a touch")
	run(m, typed("called about the pilot")...)
	run(m, press(tea.KeyCtrlS))
	wantView(t, m, "logged visit: called about the pilot", "last touch today")
	if strings.Contains(m.View(), "Log a touch") || len(m.stack) != 0 {
		t.Fatalf("the log form stayed open or the contact opened:\n%s", m.View())
	}
	var got []crm.Touch
	if err := s.Touches.FindTouches(ctx, crm.TouchFilter{Limit: 1}, func(x *crm.Touch) error {
		got = append(got, *x)
		return nil
	}); err != nil || len(got) != 1 || got[0].Summary != "called about the pilot" || got[0].Contacts[0].ID != 1 {
		t.Fatalf("latest touch %+v, %v", got, err)
	}
	// s: the selected row moves one stage on.
	id := selectedDue(t, m)
	before := contactNow(t, s, id).Stage
	run(m, typed("s")...)
	wantView(t, m, "Move ", "n next stage")
	run(m, typed("n")...)
	if after := contactNow(t, s, id).Stage; after == before {
		t.Fatalf("n left the stage at %q", after)
	}
	if m.current().(Capturer).Capturing() {
		t.Fatal("the chooser stayed open after the move")
	}
	wantView(t, m, "→")
	// p: a promise by fri; a promise without a date is refused, form kept.
	run(m, typed("p")...)
	wantView(t, m, "Promise to ")
	run(m, typed("send the deck")...)
	run(m, press(tea.KeyCtrlS))
	wantView(t, m, "error: by:", "Promise to ")
	run(m, press(tea.KeyTab))
	run(m, typed("fri")...)
	run(m, press(tea.KeyCtrlS))
	wantView(t, m, "send the deck by 2026-11-27")
	tasks, err := s.Tasks.FindTasks(ctx, crm.TaskFilter{})
	found := false
	for _, x := range tasks {
		found = found || (x.Title == "send the deck" && x.ContactID == id && x.Kind == crm.TaskPromise)
	}
	if err != nil || !found {
		t.Errorf("no promise of %d in the book: %v", id, err)
	}
	// esc closes an action without a write.
	run(m, typed("p")...)
	run(m, press(tea.KeyEsc))
	if m.current().(Capturer).Capturing() || strings.Contains(m.View(), "Promise to ") {
		t.Errorf("esc did not close the form:\n%s", m.View())
	}
}

// selectedDue is the id of the Due page's selected row.
func selectedDue(t *testing.T, m *Model) int64 {
	t.Helper()
	p, ok := m.current().(interface{ SelectedID() (int64, bool) })
	if !ok {
		t.Fatal("the Due page does not tell its selected row")
	}
	id, ok := p.SelectedID()
	if !ok {
		t.Fatal("no row selected")
	}
	return id
}

func TestDueSnooze(t *testing.T) {
	s := datesBook(t)
	m := newTest(t, s, 80, 24)
	run(m, typed("2")...)
	run(m, typed("z")...)
	if v := m.View(); !strings.Contains(v, "snooze for 1w") {
		t.Fatalf("z did not open the input with 1w:\n%s", v)
	}
	run(m, tea.KeyMsg{Type: tea.KeyEnter})
	v := m.View()
	if !strings.Contains(v, "snoozed 赵总 until 2026-11-29") || !strings.Contains(v, "6 due") || strings.Contains(v, "22d overdue") {
		t.Errorf("the snooze is not shown or the list not reloaded:\n%s", v)
	}
	c, err := s.Contacts.FindContactByID(context.Background(), 1)
	if err != nil || c.SnoozedUntil == nil || c.SnoozedUntil.Local().Format("2006-01-02") != "2026-11-29" {
		t.Fatalf("赵总 in the book: %+v, %v", c, err)
	}

	// A span typed over the default; a bad one keeps the input open.
	run(m, typed("z")...)
	run(m, tea.KeyMsg{Type: tea.KeyBackspace}, tea.KeyMsg{Type: tea.KeyBackspace})
	run(m, typed("soon")...)
	run(m, tea.KeyMsg{Type: tea.KeyEnter})
	if v := m.View(); !strings.Contains(v, "error: snooze:") || !strings.Contains(v, "snooze for soon") {
		t.Fatalf("a bad span is not reported:\n%s", v)
	}
	run(m, tea.KeyMsg{Type: tea.KeyCtrlU})
	run(m, typed("10d")...)
	run(m, tea.KeyMsg{Type: tea.KeyEnter})
	c, err = s.Contacts.FindContactByID(context.Background(), 26)
	if err != nil || c.SnoozedUntil == nil || c.SnoozedUntil.Local().Format("2006-01-02") != "2026-12-02" {
		t.Fatalf("冯董 is not snoozed for 10d: %+v, %v", c, err)
	}
	// esc closes the input without a write.
	run(m, typed("z")...)
	run(m, tea.KeyMsg{Type: tea.KeyEsc})
	if v := m.View(); strings.Contains(v, "snooze for") || !strings.Contains(v, "5 due") {
		t.Errorf("esc did not cancel the snooze:\n%s", v)
	}
}

// TestDueRefresh: a write made elsewhere (the CLI) shows after r.
func TestDueRefresh(t *testing.T) {
	s := datesBook(t)
	m := newTest(t, s, 80, 24)
	run(m, typed("2")...)
	if _, err := s.Due.Snooze(context.Background(), 1, testNow.AddDate(0, 0, 5)); err != nil {
		t.Fatal(err)
	}
	run(m, typed("r")...)
	if v := m.View(); !strings.Contains(v, "6 due") || strings.Contains(v, "赵总") {
		t.Errorf("r did not reload the list:\n%s", v)
	}
}

func TestDueEmpty(t *testing.T) {
	m := newTest(t, book(t, nil), 80, 24)
	run(m, typed("2")...)
	if v := m.View(); !strings.Contains(v, "nobody is due — well kept") || !strings.Contains(v, "0 due · 0 overdue") {
		t.Errorf("the empty due list:\n%s", v)
	}
	run(m, typed("z")...)
	run(m, tea.KeyMsg{Type: tea.KeyEnter})
	if len(m.stack) != 0 || strings.Contains(m.View(), "snooze for") {
		t.Errorf("z or enter acted on an empty list:\n%s", m.View())
	}
}

// TestDueOnATeamBookIsYours: with a rep at the keyboard (a team's book),
// the Due page and the review's walk list that rep's contacts, as crm due
// does; t on the Due page switches to the team's list and back, and a rep
// with nothing due is told the team's list is one key away.
func TestDueOnATeamBookIsYours(t *testing.T) {
	s := datesBook(t)
	ctx := context.Background()
	alice := "alice"
	for _, id := range []int64{1, 2} { // 赵总, overdue, and one more
		if _, err := s.Contacts.UpdateContact(ctx, id, crm.ContactUpdate{Owner: &alice}); err != nil {
			t.Fatal(err)
		}
	}
	mine, err := crm.RankedDue(ctx, s.Due, s.KeyDates, crm.DueFilter{Today: crm.Today(testNow),
		Horizon: crm.Today(testNow).AddDate(0, 0, 1), Owner: crm.OwnedBy(alice)})
	if err != nil || len(mine) == 0 {
		t.Fatalf("alice has %d due (%v); the test needs some", len(mine), err)
	}
	open := func(me string) *Model {
		m := New(ctx, Options{Services: s, Clock: clock, RefreshEvery: time.Hour, Me: me})
		run(m, tea.WindowSizeMsg{Width: 100, Height: 30})
		run(m, drain(m.initPages())...)
		return m
	}
	m := open(alice)
	run(m, typed("2")...)
	wantView(t, m, fmt.Sprintf("%d due", len(mine)), "alice's · t: the team's", "> 赵总")
	if v := m.View(); strings.Contains(v, "冯董") {
		t.Errorf("alice's list shows 冯董, who is nobody's:\n%s", v)
	}
	run(m, typed("j")...)
	run(m, typed("t")...)
	wantView(t, m, "7 due · 7 overdue", "the team's · t: alice's", "> 赵总")
	run(m, typed("t")...)
	wantView(t, m, fmt.Sprintf("%d due", len(mine)), "alice's · t: the team's")

	// The review counts the walk it offers as the walk goes: alice's.
	run(m, typed("5")...)
	wantView(t, m, fmt.Sprintf("w walks through the %s", crm.Plural(len(mine), "due contact")))
	run(m, typed("w")...)
	if got := walkName(t, m); got != mine[0].Name {
		t.Errorf("alice's walk starts at %s, want %s", got, mine[0].Name)
	}

	bob := open("bob")
	run(bob, typed("2")...)
	wantView(t, bob, "0 due", "none of bob's contacts is due — t shows the team's")
	run(bob, typed("t")...)
	wantView(t, bob, "7 due · 7 overdue", "> 赵总")
	run(bob, typed("5")...)
	wantView(t, bob, "None of bob's contacts is due")

	// A book of one (no rep given) lists everyone's and t does nothing.
	one := open("")
	run(one, typed("2t")...)
	wantView(t, one, "7 due · 7 overdue")
	if v := one.View(); strings.Contains(v, "t: ") {
		t.Errorf("a book of one offers a team's list:\n%s", v)
	}
}
