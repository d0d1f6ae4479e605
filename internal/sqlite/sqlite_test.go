package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/crm/crmtest"
	"github.com/seedcrm/crm/internal/sqlite"
)

var testNow = crmtest.Now

// TestCompliance runs the compliance suite of the services on SQLite books.
func TestCompliance(t *testing.T) {
	crmtest.Run(t, func(t *testing.T) *crm.Services { return sqlite.NewServices(openTest(t)) })
}

func openTest(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "book", "crm.db"), func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func mustAdd(t testing.TB, s *sqlite.ContactService, c *crm.Contact) *crm.Contact {
	t.Helper()
	if err := s.CreateContact(context.Background(), c); err != nil {
		t.Fatalf("add %s: %v", c.Name, err)
	}
	return c
}

func TestOpenCreatesPrivateBook(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "a", "b")
	path := filepath.Join(dir, "crm.db")
	db, err := sqlite.Open(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	for p, want := range map[string]os.FileMode{path: 0o600, dir: 0o700} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %o, want %o", p, got, want)
		}
	}
}

func TestOpenRefusesForeignFiles(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("hello, this is not a database at all, it is a text file of some length......................................................"), 0o644)
	other := filepath.Join(dir, "other.db")
	odb, _ := sql.Open("sqlite", other)
	odb.Exec("CREATE TABLE t(x)")
	odb.Close()
	otherBefore, _ := os.ReadFile(other)

	for _, p := range []string{text, other} {
		_, err := sqlite.Open(context.Background(), p, nil)
		if crm.ErrorCode(err) != crm.ENOTBOOK {
			t.Errorf("%s: got %v, want ENOTBOOK", p, err)
		}
	}
	if after, _ := os.ReadFile(other); string(after) != string(otherBefore) {
		t.Error("a foreign SQLite file was modified")
	}
	if _, err := os.Stat(other + "-wal"); err == nil {
		t.Error("a foreign SQLite file got a WAL")
	}
}

func TestOpenRefusesNewerBook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crm.db")
	db, err := sqlite.Open(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, _ := sql.Open("sqlite", path)
	raw.Exec("PRAGMA user_version=999")
	raw.Close()
	_, err = sqlite.Open(context.Background(), path, nil)
	if crm.ErrorCode(err) != crm.ENOTBOOK {
		t.Fatalf("got %v, want ENOTBOOK for a newer book", err)
	}
}

func TestCreateBookIsAtomic(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bulk.db")
	boom := crm.Errorf(crm.EINVALID, "boom")
	err := sqlite.Creator{}.CreateBook(ctx, path, func(w crm.BookWriter) error {
		if err := w.AddContact(&crm.Contact{Name: "x"}); err != nil {
			return err
		}
		return boom
	})
	if err != boom {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("a failed bulk write left a book behind")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 0 {
		t.Errorf("temporary files left: %v", entries)
	}
	err = sqlite.Creator{}.CreateBook(ctx, path, func(w crm.BookWriter) error {
		c := &crm.Contact{Name: "王科长"}
		if err := w.AddContact(c); err != nil {
			return err
		}
		return w.AddTouch(&crm.Touch{Channel: "call", Summary: "hi", At: testNow, Contacts: []crm.TouchPerson{{ID: c.ID}}})
	})
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := sqlite.NewContactService(db).ResolveContact(ctx, "wkz")
	if err != nil || c.LastTouchAt == nil || !c.LastTouchAt.Equal(testNow) {
		t.Fatalf("bulk book: %+v %v", c, err)
	}
	if err := (sqlite.Creator{}).CreateBook(ctx, path, func(crm.BookWriter) error { return nil }); crm.ErrorCode(err) != crm.ECONFLICT {
		t.Errorf("writing over an existing book: %v, want ECONFLICT", err)
	}
}
