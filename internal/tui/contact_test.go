package tui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/seedcrm/crm/internal/crm"
)

// openWKZ opens 王科长's page of the demo book and returns his id.
func openWKZ(t *testing.T, m *Model) int64 {
	t.Helper()
	run(m, typed("/wkz")...)
	run(m, tea.KeyMsg{Type: tea.KeyEnter})
	if len(m.stack) != 1 {
		t.Fatal("enter did not open 王科长")
	}
	c, err := m.c.Services.Contacts.ResolveContact(context.Background(), "王科长")
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func press(t tea.KeyType) tea.KeyMsg { return tea.KeyMsg{Type: t} }

func contactNow(t *testing.T, s *crm.Services, id int64) *crm.Contact {
	t.Helper()
	c, err := s.Contacts.FindContactByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantView(t *testing.T, m *Model, want ...string) {
	t.Helper()
	v := m.View()
	checkView(t, v, m.width, m.height)
	for _, w := range want {
		if !strings.Contains(v, w) {
			t.Fatalf("no %q in the view:\n%s", w, v)
		}
	}
}

func TestContactStage(t *testing.T) {
	s := demoBook(t)
	m := newTest(t, s, 80, 24)
	id := openWKZ(t, m)
	run(m, typed("s")...)
	wantView(t, m, "Move 王科长", "icebreak", "打破僵局", "(now)", "n next stage")
	run(m, typed("n")...)
	if got := contactNow(t, s, id).Stage; got != "credible" {
		t.Fatalf("n moved to %q, want credible", got)
	}
	wantView(t, m, "icebreak → credible", "■■■□□□ Showing yourself (3/6)")
	// Chosen from the list: down twice from credible is aligned.
	run(m, typed("s")...)
	run(m, press(tea.KeyDown), press(tea.KeyDown), press(tea.KeyEnter))
	if got := contactNow(t, s, id).Stage; got != "aligned" {
		t.Fatalf("the chooser moved to %q, want aligned", got)
	}
	run(m, typed("sb")...)
	if got := contactNow(t, s, id).Stage; got != "trust" {
		t.Fatalf("b moved to %q, want trust", got)
	}
	// A refused move (to the stage it is at) shows and keeps the chooser.
	run(m, typed("s")...)
	run(m, press(tea.KeyEnter))
	wantView(t, m, "error: ", "Move 王科长")
	run(m, press(tea.KeyEsc))
	if m.current().(Capturer).Capturing() {
		t.Error("esc did not close the chooser")
	}
	if h, err := s.Stages.FindStageChanges(context.Background(), id); err != nil || len(h) != 5 {
		t.Errorf("%d stage changes, want 5: %v", len(h), err)
	}
}

func TestContactSnooze(t *testing.T) {
	s := demoBook(t)
	m := newTest(t, s, 80, 24)
	id := openWKZ(t, m)
	run(m, typed("z")...)
	wantView(t, m, "Snooze 王科长", "Until 1w", "enter save")
	run(m, press(tea.KeyEnter))
	c := contactNow(t, s, id)
	if want := time.Date(2026, 11, 29, 0, 0, 0, 0, time.Local); c.SnoozedUntil == nil || !c.SnoozedUntil.Equal(want) {
		t.Fatalf("snoozed until %v, want %v", c.SnoozedUntil, want)
	}
	wantView(t, m, "snoozed 王科长 until 2026-11-29")
	// A date works too; a bad one is refused with the form kept.
	run(m, typed("z")...)
	run(m, press(tea.KeyCtrlU))
	run(m, typed("nonsense")...)
	run(m, press(tea.KeyEnter))
	wantView(t, m, "error: snooze:", "Snooze 王科长")
	run(m, press(tea.KeyCtrlU))
	run(m, typed("12-24")...)
	run(m, press(tea.KeyEnter))
	if c := contactNow(t, s, id); c.SnoozedUntil == nil || c.SnoozedUntil.Local().Format(time.DateOnly) != "2026-12-24" {
		t.Fatalf("snoozed until %v, want 2026-12-24", c.SnoozedUntil)
	}
}

func TestContactPromiseAndTasks(t *testing.T) {
	s := demoBook(t)
	m := newTest(t, s, 120, 40)
	id := openWKZ(t, m)
	run(m, typed("p")...)
	wantView(t, m, "Promise to 王科长", "tab next field")
	run(m, typed("send the trial terms")...)
	run(m, press(tea.KeyCtrlS))
	wantView(t, m, "error: by:", "Promise to 王科长") // no date: refused, form kept
	run(m, press(tea.KeyTab))
	run(m, typed("fri")...)
	run(m, press(tea.KeyCtrlS))
	wantView(t, m, "promised 王科长: send the trial terms by 2026-11-27")
	run(m, typed("p")...)
	run(m, typed("拿到样品报告")...)
	run(m, press(tea.KeyTab))
	run(m, typed("3d")...)
	run(m, press(tea.KeyEnter))
	open := func() []*crm.Task {
		ts, err := s.Tasks.FindTasks(context.Background(), crm.TaskFilter{ContactID: id})
		if err != nil {
			t.Fatal(err)
		}
		return ts
	}
	ts := open()
	if len(ts) != 2 || ts[0].Kind != crm.TaskPromise || ts[0].Title != "拿到样品报告" || ts[1].Title != "send the trial terms" {
		t.Fatalf("open tasks after two promises: %+v", ts)
	}

	// tab shows the tasks with a cursor; d closes the selected one, x drops.
	run(m, press(tea.KeyTab))
	wantView(t, m, "Open tasks", "▸ promise", "d task done", "x drop task")
	run(m, press(tea.KeyDown))
	run(m, typed("d")...)
	wantView(t, m, "done promise")
	if ts := open(); len(ts) != 1 || ts[0].Title != "拿到样品报告" {
		t.Fatalf("d did not close the selected task: %+v", ts)
	}
	run(m, typed("x")...)
	if ts := open(); len(ts) != 0 {
		t.Fatalf("x did not drop the task: %+v", ts)
	}
	closed, _ := s.Tasks.FindTasks(context.Background(), crm.TaskFilter{ContactID: id, Done: true})
	states := map[string]string{}
	for _, x := range closed {
		states[x.Title] = x.State
	}
	if states["send the trial terms"] != crm.TaskDone || states["拿到样品报告"] != crm.TaskDropped {
		t.Errorf("closed tasks: %v", states)
	}
	wantView(t, m, "No open tasks")
	run(m, press(tea.KeyTab))
	wantView(t, m, "Timeline")
}

// TestContactEdit runs the real program: e opens $EDITOR on the profile
// form over the terminal, and what it saves is written; a refused form is
// kept in a file that the status line names.
func TestContactEdit(t *testing.T) {
	lipgloss.SetColorProfile(termenv.Ascii)
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	t.Setenv("VISUAL", "")
	s := demoBook(t)
	wkz, err := s.Contacts.ResolveContact(context.Background(), "王科长")
	if err != nil {
		t.Fatal(err)
	}
	ids := wkz.ID
	edit := func(editor, want string) {
		t.Helper()
		t.Setenv("EDITOR", editor)
		m := New(context.Background(), Options{Services: s, Clock: clock, RefreshEvery: time.Hour})
		tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
		wait := func(text string) {
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
				teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
		}
		wait("sort: name")
		tm.Type("/wkz")
		wait("1 of ")
		tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
		wait("Timeline")
		tm.Type("e")
		wait(want)
		tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
		tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	}
	edit(`sed -i -e 's/^tier: A$/tier: B/' -e 's/^title: .*$/title: 副厂长/'`, "updated 王科长")
	if c := contactNow(t, s, ids); c.Tier != "B" || c.Title != "副厂长" {
		t.Errorf("after the edit: tier %q, title %q", c.Tier, c.Title)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "crm-edit-*")); len(left) != 0 {
		t.Errorf("the form was not removed: %v", left)
	}
	edit(`sed -i 's/^tier: B$/tier: Z/'`, "your edits are kept in")
	if c := contactNow(t, s, ids); c.Tier != "B" {
		t.Errorf("a refused form changed the tier to %q", c.Tier)
	}
	kept, _ := filepath.Glob(filepath.Join(dir, "crm-edit-*"))
	if len(kept) != 1 {
		t.Fatalf("kept forms: %v", kept)
	}
	if b, _ := os.ReadFile(kept[0]); !strings.Contains(string(b), "tier: Z\n") {
		t.Errorf("the kept form lost the edit:\n%s", b)
	}
}
