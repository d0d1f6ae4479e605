package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/demo"
	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/sqlite"
)

// testNow is the tests' pinned clock, the CRM_NOW of the scripts.
var testNow = time.Date(2026, 11, 22, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

func clock() time.Time { return testNow }

// book writes a book filled by fill under t.TempDir() and opens it.
func book(tb testing.TB, fill func(crm.BookWriter) error) *crm.Services {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "book.db")
	ctx := context.Background()
	if fill != nil {
		if err := (sqlite.Creator{Now: clock}).CreateBook(ctx, path, fill); err != nil {
			tb.Fatal(err)
		}
	}
	db, err := sqlite.Open(ctx, path, clock)
	if err != nil {
		tb.Fatal(err)
	}
	s := sqlite.NewServices(db)
	tb.Cleanup(func() { s.Close() })
	return s
}

func demoBook(tb testing.TB) *crm.Services {
	return book(tb, func(w crm.BookWriter) error { return demo.Demo(testNow, w) })
}

// run applies msg and then every message its commands produce, breadth
// first, as the program would, up to a bound (the refresh timer is never
// fired: ticks are dropped).
func run(m tea.Model, msgs ...tea.Msg) tea.Model {
	queue := append([]tea.Msg(nil), msgs...)
	for n := 0; len(queue) > 0 && n < 10000; n++ {
		msg := queue[0]
		queue = queue[1:]
		var cmd tea.Cmd
		m, cmd = m.Update(msg)
		queue = append(queue, drain(cmd)...)
	}
	return m
}

// drain runs cmd and the batches within it, leaving out timers.
func drain(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	switch msg := msg.(type) {
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, drain(c)...)
		}
		return out
	case refreshTickMsg, nil:
		return nil
	}
	return []tea.Msg{msg}
}

func newTest(tb testing.TB, s *crm.Services, w, h int) *Model {
	m := New(context.Background(), Options{Services: s, Clock: clock, RefreshEvery: time.Hour})
	run(m, tea.WindowSizeMsg{Width: w, Height: h})
	run(m, drain(m.initPages())...)
	return m
}

func typed(s string) []tea.Msg {
	var out []tea.Msg
	for _, r := range s {
		out = append(out, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return out
}

func TestTooSmall(t *testing.T) {
	m := newTest(t, book(t, nil), 60, 20)
	if v := m.View(); !strings.Contains(v, "enlarge") {
		t.Errorf("view at 60×20 = %q, want a message to enlarge", v)
	}
	run(m, tea.WindowSizeMsg{Width: 0, Height: 0})
	_ = m.View() // never a panic
}

func TestQuitAndHelp(t *testing.T) {
	m := newTest(t, book(t, nil), 80, 24)
	run(m, typed("?")...)
	if !m.full {
		t.Error("? did not open the full help")
	}
	run(m, tea.KeyMsg{Type: tea.KeyEsc})
	if m.full {
		t.Error("esc did not close the full help")
	}
	for _, k := range []tea.KeyMsg{{Type: tea.KeyRunes, Runes: []rune("q")}, {Type: tea.KeyCtrlC}} {
		_, cmd := m.Update(k)
		if cmd == nil || cmd() != tea.Quit() {
			t.Errorf("%s does not quit", k)
		}
	}
}

func TestViewWidth(t *testing.T) {
	m := newTest(t, demoBook(t), 80, 24)
	for _, k := range []string{"1", "2", "3", "4", "5"} {
		run(m, typed(k)...)
		checkView(t, m.View(), 80, 24)
	}
}

// checkView fails when the view has more lines or wider lines than the
// terminal.
func checkView(t *testing.T, v string, w, h int) {
	t.Helper()
	lines := strings.Split(v, "\n")
	if len(lines) > h {
		t.Errorf("%d lines, terminal has %d", len(lines), h)
	}
	for _, l := range lines {
		if lw := match.Width(l); lw > w {
			t.Errorf("line %q is %d cells wide, terminal has %d", l, lw, w)
		}
	}
}

func TestMain(m *testing.M) {
	// The book's days are local days: pin the zone of the scripts.
	time.Local = testNow.Location()
	os.Exit(m.Run())
}

func TestContactsFilter(t *testing.T) {
	m := newTest(t, demoBook(t), 80, 24)
	if v := m.View(); !strings.Contains(v, "contacts · sort: name") {
		t.Fatalf("no count in the view:\n%s", v)
	}
	run(m, typed("/wkz")...)
	v := m.View()
	if !strings.Contains(v, "王科长") || !strings.Contains(v, "1 of ") {
		t.Fatalf("/wkz does not list 王科长 alone:\n%s", v)
	}
	run(m, tea.KeyMsg{Type: tea.KeyEnter})
	if len(m.stack) != 1 {
		t.Fatalf("enter did not open the contact")
	}
	run(m, tea.KeyMsg{Type: tea.KeyEsc})
	if len(m.stack) != 0 {
		t.Fatalf("esc did not go back")
	}
	run(m, tea.KeyMsg{Type: tea.KeyEsc}) // clears the filter
	if v := m.View(); strings.Contains(v, " of ") {
		t.Errorf("esc kept the filter:\n%s", v)
	}
	run(m, typed("s")...)
	if v := m.View(); !strings.Contains(v, "sort: last-touch") {
		t.Errorf("s did not change the sort:\n%s", v)
	}
}

func TestContactsEmpty(t *testing.T) {
	m := newTest(t, book(t, nil), 80, 24)
	if v := m.View(); !strings.Contains(v, "crm add") {
		t.Errorf("the empty book does not say how to add contacts:\n%s", v)
	}
}

func TestLogTouch(t *testing.T) {
	s := demoBook(t)
	m := newTest(t, s, 120, 40)
	run(m, typed("/wkz")...)
	run(m, tea.KeyMsg{Type: tea.KeyEnter})
	run(m, typed("l")...)
	if v := m.View(); !strings.Contains(v, "Log a touch") {
		t.Fatalf("l did not open the form:\n%s", v)
	}
	msgs := typed("brought the trial terms")
	msgs = append(msgs, tea.KeyMsg{Type: tea.KeyTab})
	msgs = append(msgs, typed("send the quote")...)
	msgs = append(msgs, tea.KeyMsg{Type: tea.KeyTab})
	msgs = append(msgs, typed("fri")...)
	msgs = append(msgs, tea.KeyMsg{Type: tea.KeyCtrlS})
	run(m, msgs...)
	v := m.View()
	if strings.Contains(v, "Log a touch") || !strings.Contains(v, "brought the trial terms") {
		t.Fatalf("the touch is not in the timeline after ctrl+s:\n%s", v)
	}
	var got []string
	err := s.Touches.FindTouches(context.Background(), crm.TouchFilter{Limit: 1}, func(x *crm.Touch) error {
		got = append(got, x.Summary)
		return nil
	})
	if err != nil || len(got) != 1 || got[0] != "brought the trial terms" {
		t.Errorf("latest touch %v, %v", got, err)
	}
	tasks, _ := s.Tasks.FindTasks(context.Background(), crm.TaskFilter{})
	found := false
	for _, x := range tasks {
		found = found || x.Title == "send the quote"
	}
	if !found {
		t.Error("the next step is not a task")
	}
	// A failed write shows in the status line and keeps the form.
	run(m, typed("l")...)
	run(m, tea.KeyMsg{Type: tea.KeyCtrlS})
	if v := m.View(); !strings.Contains(v, "error: summary is empty") || !strings.Contains(v, "Log a touch") {
		t.Errorf("an empty summary is not reported:\n%s", v)
	}
}

// TestKeysInOneRead: runes that arrive in one read (a fast typist, tmux
// send-keys, a slow link) work as the same keys typed one by one.
func TestKeysInOneRead(t *testing.T) {
	m := newTest(t, demoBook(t), 80, 24)
	run(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/wkz")})
	if v := m.View(); !strings.Contains(v, "王科长") || !strings.Contains(v, "1 of ") {
		t.Fatalf("/wkz in one read does not filter to 王科长:\n%s", v)
	}
}

// TestViewMemo: a message that changes nothing (mouse motion) does not
// draw the frame again; a keypress does.
func TestViewMemo(t *testing.T) {
	m := newTest(t, demoBook(t), 80, 24)
	v := m.View()
	n := m.memo.Renders
	run(m, tea.MouseMsg{X: 3, Y: 5, Action: tea.MouseActionMotion})
	if m.View() != v || m.memo.Renders != n {
		t.Errorf("mouse motion drew the frame again (%d renders, was %d)", m.memo.Renders, n)
	}
	run(m, tea.KeyMsg{Type: tea.KeyDown})
	if m.View(); m.memo.Renders != n+1 {
		t.Errorf("a keypress did not draw the frame again")
	}
}
