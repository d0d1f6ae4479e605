package cli

import (
	"context"
	"path/filepath"
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
	app := &App{IO: ios, Getenv: func(k string) string { return env[k] }, OpenBook: openSQLiteBook,
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
