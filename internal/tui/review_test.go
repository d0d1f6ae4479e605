package tui

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/crm"
)

// walkName is the name of the contact the review's walk shows: the first
// bold line under its title.
func walkName(t *testing.T, m *Model) string {
	t.Helper()
	lines := strings.Split(m.View(), "\n")
	for i, l := range lines {
		if strings.Contains(l, "Walk through the due") && i+2 < len(lines) {
			return strings.SplitN(lines[i+2], " · ", 2)[0]
		}
	}
	t.Fatalf("no walk in the view:\n%s", m.View())
	return ""
}

func ranked(t *testing.T, s *crm.Services, now time.Time) []*crm.DueItem {
	today := crm.Today(now)
	items, err := crm.RankedDue(context.Background(), s.Due, s.KeyDates, crm.DueFilter{Today: today, Horizon: today.AddDate(0, 0, 1)})
	if err != nil || len(items) < 4 {
		t.Fatalf("due list %v %v", items, err)
	}
	return items
}

// TestReviewWeek: the page shows the week as crm report week counts it.
func TestReviewWeek(t *testing.T) {
	s := demoBook(t)
	m := newTest(t, s, 80, 24)
	run(m, typed("5")...)
	v := m.View()
	for _, want := range []string{"Week in review  2026-11-16 → 2026-11-22", "due now             7", "By day", "11-16 Mon",
		"By channel", "w walks through the 7 due contacts"} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q in the review:\n%s", want, v)
		}
	}
	checkView(t, v, 80, 24)
}

// TestReviewWalk: w walks the due list in crm due's order; s skips, z
// snoozes a week and > moves a stage on through the book; esc stops, and a
// new program on the same book resumes at the contact it stopped at, until
// the ISO week changes.
func TestReviewWalk(t *testing.T) {
	s := demoBook(t)
	ctx := context.Background()
	items := ranked(t, s, testNow)
	m := newTest(t, s, 80, 24)
	run(m, typed("5w")...)
	if got := walkName(t, m); got != items[0].Name {
		t.Fatalf("walk starts at %s, want %s", got, items[0].Name)
	}
	checkView(t, m.View(), 80, 24)
	run(m, typed("s")...)
	if got := walkName(t, m); got != items[1].Name {
		t.Fatalf("s went to %s, want %s", got, items[1].Name)
	}
	run(m, typed("z")...)
	c, _ := s.Contacts.FindContactByID(ctx, items[1].ID)
	if c.SnoozedUntil == nil || c.SnoozedUntil.Format("2006-01-02") != "2026-11-29" {
		t.Errorf("z snoozed %s until %v, want 2026-11-29", c.Name, c.SnoozedUntil)
	}
	if got := walkName(t, m); got != items[2].Name {
		t.Fatalf("after z the walk shows %s, want %s", got, items[2].Name)
	}
	before, _ := s.Contacts.FindContactByID(ctx, items[2].ID)
	run(m, typed(">")...)
	after, _ := s.Contacts.FindContactByID(ctx, items[2].ID)
	if l, _ := crm.FindLadder(before.Ladder); l.Index(after.Stage) != l.Index(before.Stage)+1 {
		t.Errorf("> moved %s from %s to %s", after.Name, before.Stage, after.Stage)
	}
	if got := walkName(t, m); got != items[2].Name {
		t.Errorf("> moved the walk on to %s", got)
	}
	if v := m.View(); !strings.Contains(v, "Stage: ") || !strings.Contains(v, items[2].Name+": "+before.Stage+" → "+after.Stage) {
		t.Errorf("no notice of the move:\n%s", v)
	}
	run(m, typed("l")...)
	if len(m.stack) != 1 || !strings.Contains(m.View(), "Timeline") {
		t.Fatalf("l did not open the contact:\n%s", m.View())
	}
	run(m, tea.KeyMsg{Type: tea.KeyEsc}, tea.KeyMsg{Type: tea.KeyEsc}) // back to the walk, then stop it
	if v := m.View(); !strings.Contains(v, "w resumes the walk") {
		t.Fatalf("esc did not stop the walk:\n%s", v)
	}
	// Quit and reopen: the walk resumes at the contact it showed.
	m = newTest(t, s, 80, 24)
	run(m, typed("5w")...)
	if got := walkName(t, m); got != items[2].Name {
		t.Errorf("the reopened walk resumes at %s, want %s", got, items[2].Name)
	}
	// Next week, the walk starts at the top again.
	next := testNow.AddDate(0, 0, 7)
	m = New(context.Background(), Options{Services: s, Clock: func() time.Time { return next }, RefreshEvery: time.Hour})
	run(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	run(m, drain(m.initPages())...)
	run(m, typed("5w")...)
	if got, want := walkName(t, m), ranked(t, s, next)[0].Name; got != want {
		t.Errorf("next week's walk starts at %s, want %s", got, want)
	}
}

// TestReviewWalkEnd: skipping past the last contact ends the walk and
// says so; the stored walk is through.
func TestReviewWalkEnd(t *testing.T) {
	s := demoBook(t)
	n := len(ranked(t, s, testNow))
	m := newTest(t, s, 80, 24)
	run(m, typed("5w")...)
	for i := 0; i < n; i++ {
		run(m, typed("s")...)
	}
	if v := m.View(); !strings.Contains(v, "Walked through "+crm.Plural(n, "due contact")) {
		t.Errorf("no end of the walk:\n%s", v)
	}
	if st, err := s.Settings.ReviewState(context.Background(), ""); err != nil || st.Next != 0 || st.Week != "2026-W47" {
		t.Errorf("stored walk %+v %v, want through in 2026-W47", st, err)
	}
}

// TestStartPage: Options.Start opens the program on that tab (crm review).
func TestStartPage(t *testing.T) {
	m := New(context.Background(), Options{Services: demoBook(t), Clock: clock, RefreshEvery: time.Hour, Start: "review"})
	run(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	run(m, drain(m.initPages())...)
	if v := m.View(); !strings.Contains(v, "[5 Review]") || !strings.Contains(v, "Week in review") {
		t.Errorf("Start review does not open the Review page:\n%s", v)
	}
}

// TestReviewWalkTaskAndStage: in the walk, d marks the shown contact's
// first open task done (crm done) and S opens the contact page's stage
// chooser; both writes are in the book after, and the walk stays on him.
func TestReviewWalkTaskAndStage(t *testing.T) {
	s := datesBook(t)
	ctx := context.Background()
	items := ranked(t, s, testNow)
	m := newTest(t, s, 80, 24)
	run(m, typed("5w")...)
	pos := -1
	for i, it := range items {
		if it.ID == 1 {
			pos = i
		}
	}
	if pos < 0 {
		t.Fatal("赵总 is not due")
	}
	for range pos {
		run(m, typed("s")...)
	}
	if got := walkName(t, m); got != "赵总" {
		t.Fatalf("the walk shows %s, want 赵总", got)
	}
	wantView(t, m, "promise: send the samples", "S stage", "d task done")
	run(m, typed("d")...)
	wantView(t, m, "done promise", "send the samples")
	if got := walkName(t, m); got != "赵总" {
		t.Fatalf("d moved the walk to %s", got)
	}
	if strings.Contains(strings.SplitN(m.View(), "\n\n", 2)[1], "promise: send the samples") {
		t.Errorf("the task done is still listed:\n%s", m.View())
	}
	// d again closes the next open one (not due yet, so not listed); with
	// none left it says so.
	run(m, typed("d")...)
	wantView(t, m, "done followup", "call about the pilot")
	run(m, typed("d")...)
	wantView(t, m, "no open task to mark done")
	open, err := s.Tasks.FindTasks(ctx, crm.TaskFilter{ContactID: 1})
	closed, err2 := s.Tasks.FindTasks(ctx, crm.TaskFilter{ContactID: 1, Done: true})
	if err != nil || err2 != nil || len(open) != 0 || len(closed) != 2 {
		t.Fatalf("open %v, closed %v, %v %v", open, closed, err, err2)
	}
	for _, x := range closed {
		if x.State != crm.TaskDone {
			t.Errorf("%s is %s in the book, want done", x.Title, x.State)
		}
	}

	// S: the chooser, n one stage on; esc closes it without a write.
	before := contactNow(t, s, 1).Stage
	run(m, typed("S")...)
	wantView(t, m, "Move 赵总", "n next stage")
	run(m, typed("n")...)
	if after := contactNow(t, s, 1).Stage; after == before {
		t.Fatalf("n left 赵总 at %q", after)
	}
	if m.current().(Capturer).Capturing() || walkName(t, m) != "赵总" {
		t.Fatalf("the chooser stayed open or the walk moved:\n%s", m.View())
	}
	wantView(t, m, "→")
	run(m, typed("S")...)
	run(m, press(tea.KeyEsc))
	if m.current().(Capturer).Capturing() || walkName(t, m) != "赵总" {
		t.Errorf("esc did not close the chooser, or stopped the walk:\n%s", m.View())
	}
}

// TestReviewTeam: t shows the week by rep, as crm report team counts it,
// and t again the week in numbers.
func TestReviewTeam(t *testing.T) {
	s := demoBook(t)
	ctx := crm.WithUser(context.Background(), "alice")
	if err := s.Contacts.CreateContact(ctx, &crm.Contact{Name: "新客户", Tier: "A"}); err != nil {
		t.Fatal(err)
	}
	m := newTest(t, s, 80, 24)
	run(m, typed("5t")...)
	v := m.View()
	for _, want := range []string{"Team review  2026-11-16 → 2026-11-22", "REP", "CONTACTS", "alice", "nobody", "t: the week"} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q in the team review:\n%s", want, v)
		}
	}
	if !regexp.MustCompile(`(?m)^alice +1 +0 +0 `).MatchString(v) || !regexp.MustCompile(`(?m)^nobody +40 +3 +7 +4/3/0 `).MatchString(v) {
		t.Errorf("the lines do not count alice's one contact and the demo's 40 of nobody:\n%s", v)
	}
	checkView(t, v, 80, 24)
	run(m, typed("t")...)
	if v := m.View(); !strings.Contains(v, "Week in review") || strings.Contains(v, "REP") {
		t.Errorf("t again does not show the week:\n%s", v)
	}
}
