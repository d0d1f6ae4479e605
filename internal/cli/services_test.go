package cli

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
)

// testApp is an App over a new book in a temporary directory, as cli.Main
// wires it, with env as its whole environment.
func testApp(t *testing.T, env map[string]string) *App {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	app := &App{IO: ios, Getenv: func(k string) string { return env[k] }, OpenBook: openBook,
		DBPath: filepath.Join(t.TempDir(), "crm.db")}
	t.Cleanup(app.Close)
	return app
}

// TestClock: CRM_NOW pins the clock; without it every reading is the real
// time of that call; a command's Now is one reading, whatever the clock does.
func TestClock(t *testing.T) {
	pinned := testApp(t, map[string]string{"CRM_NOW": "2026-11-22T09:00:00+08:00"})
	clock, err := pinned.Clock()
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)
	if a, b := clock(), clock(); !a.Equal(want) || !b.Equal(want) {
		t.Errorf("pinned clock reads %s, %s; want %s", a, b, want)
	}

	live := testApp(t, nil)
	clock, err = live.Clock()
	if err != nil {
		t.Fatal(err)
	}
	first := clock()
	time.Sleep(2 * time.Millisecond)
	if second := clock(); !second.After(first) {
		t.Errorf("the live clock stands still: %s, then %s", first, second)
	}
	now, _ := live.Now()
	time.Sleep(2 * time.Millisecond)
	if again, _ := live.Now(); !again.Equal(now) {
		t.Errorf("a command's now moved: %s, then %s", now, again)
	}

	bad := testApp(t, map[string]string{"CRM_NOW": "yesterday-ish"})
	if _, err := bad.Clock(); err == nil {
		t.Error("a malformed CRM_NOW was accepted")
	}
}

// TestServicesReadAMovingClock: the services an App opens (what the TUI
// will use) stamp each write with the clock's time at that write, not with
// the time the book was opened.
func TestServicesReadAMovingClock(t *testing.T) {
	ctx := context.Background()
	app := testApp(t, nil)
	at := time.Date(2026, 11, 22, 23, 59, 0, 0, time.Local)
	app.clock = func() time.Time { return at }
	book, err := app.NewBook(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var s *crm.Services = book.Services
	first := &crm.Contact{Name: "王科长"}
	if err := s.Contacts.CreateContact(ctx, first); err != nil {
		t.Fatal(err)
	}
	at = at.Add(2 * time.Minute) // past midnight
	second := &crm.Contact{Name: "李娜"}
	if err := s.Contacts.CreateContact(ctx, second); err != nil {
		t.Fatal(err)
	}
	if !second.CreatedAt.After(first.CreatedAt) {
		t.Errorf("both writes stamped %s and %s; the second should be 2 minutes later", first.CreatedAt, second.CreatedAt)
	}
}

// recorder is an event sink that keeps what it hears.
type recorder struct{ events []crm.Event }

func (r *recorder) Emit(_ context.Context, e crm.Event) { r.events = append(r.events, e) }

func (r *recorder) kinds() []string {
	var out []string
	for _, e := range r.events {
		out = append(out, e.Kind)
	}
	return out
}

// TestEventsFireBelowTheFaces: writes through the services wrapped with a
// sink (no command involved) emit their events after they commit, with the
// records as saved; a write that fails emits nothing.
func TestEventsFireBelowTheFaces(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crm.db")
	book, err := openBook(ctx, path, func() time.Time { return time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC) }, true)
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	sink := &recorder{}
	s := book.Services.WithEvents(sink)

	c := &crm.Contact{Name: "王科长", Tier: "A", Ladder: crm.DefaultLadder}
	if err := s.Contacts.CreateContact(ctx, c); err != nil {
		t.Fatal(err)
	}
	due := crm.Today(time.Date(2026, 11, 27, 0, 0, 0, 0, time.Local))
	touch := &crm.Touch{Channel: "visit", Summary: "brought the terms", Contacts: []crm.TouchPerson{{ID: c.ID}},
		Next: &crm.Task{Kind: crm.TaskFollowup, Title: "send terms", DueAt: due}}
	if err := s.Touches.CreateTouch(ctx, touch); err != nil {
		t.Fatal(err)
	}
	sc, err := s.Stages.ChangeStage(ctx, c.ID, "icebreak", time.Time{}, "")
	if err != nil {
		t.Fatal(err)
	}
	promise := &crm.Task{Kind: crm.TaskPromise, Title: "case study", DueAt: due, ContactID: c.ID}
	if err := s.Tasks.CreateTask(ctx, promise); err != nil {
		t.Fatal(err)
	}
	closed, err := s.Tasks.CloseTask(ctx, promise.ID, crm.TaskDone, "")
	if err != nil {
		t.Fatal(err)
	}
	planned, err := s.Plans.ApplyPlan(ctx, "after-first-order", c.ID, due, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Tasks.CloseTask(ctx, promise.ID, crm.TaskDone, ""); err == nil {
		t.Fatal("closing a closed task succeeded")
	}

	want := []string{crm.EventAdd, crm.EventLog, crm.EventTask, crm.EventStage, crm.EventTask, crm.EventTask}
	for range planned {
		want = append(want, crm.EventTask)
	}
	if got := sink.kinds(); !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	records := []any{c, touch, touch.Tasks[0], sc, promise, closed}
	for i, r := range records {
		if sink.events[i].Record != r {
			t.Errorf("event %d (%s) carries %#v, want the saved record %#v", i, sink.events[i].Kind, sink.events[i].Record, r)
		}
	}
	if c.ID == 0 || touch.ID == 0 || len(touch.Tasks) != 1 {
		t.Errorf("records emitted before they were saved: contact %d, touch %d, %d tasks", c.ID, touch.ID, len(touch.Tasks))
	}
}
