package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/crm/crmtest"
	"github.com/seedcrm/crm/internal/postgres"
	"github.com/seedcrm/crm/internal/postgres/pgtest"
)

// TestKilledConnectionLeavesNothingHalfWritten: the server ends the
// connection of an import in the middle of its transaction (as when a
// server restarts, or an administrator terminates it). The import fails
// with one line, nothing of it is in the book, and the book takes the
// next write as if nothing had happened.
func TestKilledConnectionLeavesNothingHalfWritten(t *testing.T) {
	ctx := crm.WithChangeSummary(context.Background(), "test")
	dbURL := pgtest.NewDatabase(t, "crm_test")
	db, err := postgres.Open(ctx, dbURL, func() time.Time { return crmtest.Now })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := postgres.NewServices(db)
	wang := &crm.Contact{Name: "王科长"}
	if err := s.Contacts.CreateContact(ctx, wang); err != nil {
		t.Fatal(err)
	}
	admin := connect(t, dbURL)
	counts := func() string {
		var contacts, touches, changes int
		if err := admin.QueryRow(ctx, `SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM touches), (SELECT count(*) FROM changes)`).
			Scan(&contacts, &touches, &changes); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%d contacts, %d touches, %d changes", contacts, touches, changes)
	}
	before := counts()

	_, err = s.Import.ImportBook(ctx, crm.ImportOptions{Name: "book.ndjson"}, func(sink crm.BookSink) error {
		if err := sink.Header(crm.BookHeader{Format: crm.BookFormat, Version: crm.BookVersion, ExportedAt: crmtest.Now}); err != nil {
			return err
		}
		for i := range 200 {
			c := &crm.BookContact{Contact: crm.Contact{UID: fmt.Sprintf("0193a000-0000-7000-8000-%012d", i), Name: fmt.Sprintf("客户 %d", i),
				Tier: "B", Ladder: "ice", Stage: "cold", CreatedAt: crmtest.Now, UpdatedAt: crmtest.Now}}
			if err := sink.Contact(i+2, c); err != nil {
				return err
			}
			if i == 100 { // halfway: the server ends every other connection to the book
				if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
					WHERE datname = current_database() AND pid <> pg_backend_pid()`); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err == nil {
		t.Fatal("the import whose connection was killed succeeded")
	}
	t.Logf("the import failed: %v", err)
	if code := crm.ErrorCode(err); code != crm.EINTERNAL {
		t.Errorf("error %v: code %s, want internal", err, code)
	}
	if after := counts(); after != before {
		t.Errorf("after the killed import: %s, want as before: %s", after, before)
	}
	// The pool replaces the dead connection: the next write lands.
	if err := s.Touches.CreateTouch(ctx, &crm.Touch{Channel: "call", Summary: "after the kill", Contacts: []crm.TouchPerson{{ID: wang.ID}}}); err != nil {
		t.Fatalf("a write after the kill: %v", err)
	}
}
