package sqlite

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/seedcrm/crm/internal/crm"
)

// TestConnectionsUnlocked checks that a book's connections get the inert
// mutex (see init in connmutex.go), whichever test opened SQLite first.
func TestConnectionsUnlocked(t *testing.T) {
	db, _ := newTestBook(t, 1)
	defer db.Close()
	tls := libc.NewTLS()
	defer tls.Close()
	if inertMutex == 0 || sqlite3.Xsqlite3_mutex_alloc(tls, sqlite3.SQLITE_MUTEX_RECURSIVE) != inertMutex {
		t.Fatal("connections are opened with a real mutex: the inert one was not installed")
	}
}

// TestConnectionsUnlockedConcurrently runs readers and writers on one book
// from many goroutines at once, as the TUI and the MCP server do: each
// connection is used by one goroutine at a time, which is all the inert
// mutex needs. Every write lands and the file stays sound; run it with
// -race to see that nothing is shared unguarded.
func TestConnectionsUnlockedConcurrently(t *testing.T) {
	ctx := context.Background()
	db, _ := newTestBook(t, 12)
	defer db.Close()
	s := NewServices(db)
	var ids []int64
	if err := s.Contacts.FindContacts(ctx, crm.ContactFilter{}, func(c *crm.Contact) error {
		ids = append(ids, c.ID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	before, err := s.Touches.CountTouches(ctx, crm.TouchFilter{})
	if err != nil {
		t.Fatal(err)
	}
	const goroutines, writes = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*2)
	for g := 0; g < goroutines; g++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := 0; i < writes; i++ {
				err := s.Touches.CreateTouch(ctx, &crm.Touch{Channel: "call", Summary: fmt.Sprintf("g%d touch %d", g, i),
					Contacts: []crm.TouchPerson{{ID: ids[(g+i)%len(ids)]}}})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < writes; i++ {
				if err := s.Contacts.FindContacts(ctx, crm.ContactFilter{Tiers: []string{"A", "B"}}, func(*crm.Contact) error { return nil }); err != nil {
					errs <- err
					return
				}
				if _, err := s.Search.Search(ctx, "touch", crm.SearchOptions{Limit: 5}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	n, err := s.Touches.CountTouches(ctx, crm.TouchFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if n-before != goroutines*writes {
		t.Errorf("%d touches added, want %d", n-before, goroutines*writes)
	}
	var check string
	if err := db.db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check: %q %v", check, err)
	}
}
