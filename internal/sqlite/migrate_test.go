package sqlite

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
)

// copyBook copies a book kept in testdata to a temporary path.
func copyBook(t *testing.T, name string) string {
	t.Helper()
	src, err := os.Open(filepath.Join("..", "..", "testdata", "books", name))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	path := filepath.Join(t.TempDir(), name)
	dst, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	dst.Close()
	return path
}

// TestMigrateFromSchema1 opens a book written by the first schema (made
// with that version of crm, kept in testdata/books) and checks that every
// later migration keeps its data and gives it the new features.
func TestMigrateFromSchema1(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)
	db, err := Open(ctx, copyBook(t, "schema1.db"), func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v int
	db.db.QueryRow(`PRAGMA user_version`).Scan(&v)
	if v != SchemaVersion() {
		t.Fatalf("schema %d after opening, want %d", v, SchemaVersion())
	}
	cs := NewContactService(db)
	wang, err := cs.ResolveContact(ctx, "wkz")
	if err != nil {
		t.Fatal(err)
	}
	if wang.Account != "宝山钢铁" || wang.Tier != "A" || wang.Stage != "icebreak" || wang.ReportsTo != "赵总" ||
		wang.Fields["competitor"] != "西门子" || wang.Birthday != "1973-04-18" || len(wang.Phones) != 1 {
		t.Errorf("王科长 after migration: %+v", wang)
	}
	// Schema 2: due dates from the last touch, birthdays as key dates.
	if wang.DueAt == nil || !wang.DueAt.Equal(wang.LastTouchAt.AddDate(0, 0, 30)) {
		t.Errorf("due_at %v, want last touch %v + 30d", wang.DueAt, wang.LastTouchAt)
	}
	kds, err := NewKeyDateService(db).FindKeyDates(ctx, 0)
	if err != nil || len(kds) != 2 {
		t.Fatalf("key dates after migration: %d, %v", len(kds), err)
	}
	var touches int
	NewTouchService(db).FindTouches(ctx, crm.TouchFilter{}, func(*crm.Touch) error { touches++; return nil })
	if touches != 3 {
		t.Errorf("%d touches, want 3", touches)
	}
	if tier, _ := NewSettingService(db).GetSetting(ctx, "default.tier"); tier != "B" {
		t.Errorf("setting default.tier = %q, want B", tier)
	}
	archived, err := cs.FindContactByID(ctx, 4)
	if err != nil || archived.ArchivedAt == nil {
		t.Errorf("archived contact: %+v %v", archived, err)
	}
	// Schema 3: the journal records new changes and undoes them.
	tier := "C"
	if _, err := cs.UpdateContact(ctx, wang.ID, crm.ContactUpdate{Tier: &tier}); err != nil {
		t.Fatal(err)
	}
	if _, err := NewJournalService(db).Undo(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if c, _ := cs.FindContactByID(ctx, wang.ID); c.Tier != "A" {
		t.Errorf("tier after undo = %s", c.Tier)
	}
	var ok string
	db.db.QueryRow(`PRAGMA integrity_check`).Scan(&ok)
	if ok != "ok" {
		t.Errorf("integrity_check: %s", ok)
	}
}

// TestFailedMigrationLeavesTheBook applies the real migrations plus one
// that fails halfway: the book must stay exactly at schema 1.
func TestFailedMigrationLeavesTheBook(t *testing.T) {
	ctx := context.Background()
	path := copyBook(t, "schema1.db")
	before, _ := os.ReadFile(path)
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	bad := migration{Version: len(ms) + 1, Name: "9999_bad.sql", SQL: `CREATE TABLE half_done (x); INSERT INTO no_such_table VALUES (1);`}
	d, err := openDSN(path, time.Now, bookParams)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.migrateWith(ctx, append(ms, bad)); err == nil {
		t.Fatal("a failing migration reported success")
	}
	var v, n int
	d.db.QueryRow(`PRAGMA user_version`).Scan(&v)
	d.db.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name IN ('half_done', 'tasks', 'journal')`).Scan(&n)
	d.Close()
	if v != 1 || n != 0 {
		t.Errorf("after a failed migration: schema %d, %d new tables; want 1 and 0", v, n)
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Error("the book file changed")
	}
}

// TestMigrateFromSchema3 opens a book written by schema 3 (made with that
// crm: contact 3 was added, touched, given task 2 and purged; then a new
// task got id 2 again, and was undone) and checks that 0004 keeps every row and reference and
// that no id used before, even of a row deleted before the upgrade, is
// given again.
func TestMigrateFromSchema3(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)
	db, err := Open(ctx, copyBook(t, "schema3.db"), func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cs, ts, tk := NewContactService(db), NewTouchService(db), NewTaskService(db)
	li, err := cs.ResolveContact(ctx, "李娜")
	if err != nil || li.ReportsTo != "王科长" || li.ID != 2 {
		t.Fatalf("李娜 after migration: %+v %v", li, err)
	}
	wang, _ := cs.ResolveContact(ctx, "wkz")
	if wang.Account != "宝山钢铁" {
		t.Errorf("王科长's account after migration: %q", wang.Account)
	}
	var n int
	db.db.QueryRow(`SELECT count(*) FROM pragma_foreign_key_check`).Scan(&n)
	if n != 0 {
		t.Errorf("%d rows point to no row", n)
	}
	// The children reference the rebuilt tables: a purge still cascades.
	c := &crm.Contact{Name: "New"}
	if err := cs.CreateContact(ctx, c); err != nil {
		t.Fatal(err)
	}
	if c.ID != 4 {
		t.Errorf("a new contact got id %d; 3 was used (and purged) before the upgrade", c.ID)
	}
	tch := &crm.Touch{Channel: "call", Summary: "hello", Contacts: []crm.TouchPerson{{ID: c.ID}}}
	if err := ts.CreateTouch(ctx, tch); err != nil {
		t.Fatal(err)
	}
	if tch.ID != 3 {
		t.Errorf("a new touch got id %d, want 3", tch.ID)
	}
	task := &crm.Task{Kind: crm.TaskPromise, Title: "p", DueAt: now, ContactID: c.ID}
	if err := tk.CreateTask(ctx, task); err != nil {
		t.Fatal(err)
	}
	if task.ID != 3 { // schema 3 gave id 2 twice: to Gone's promise, purged, then to the one undone
		t.Errorf("a new task got id %d; 2 was used before the upgrade", task.ID)
	}
	if _, err := cs.PurgeContact(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	db.db.QueryRow(`SELECT count(*) FROM touch_contacts WHERE contact_id = ?`, c.ID).Scan(&n)
	if n != 0 {
		t.Errorf("the purge left %d touch_contacts rows", n)
	}
	changes, err := NewJournalService(db).Changes(ctx, 0, 100)
	if err != nil || len(changes) == 0 {
		t.Fatal(err)
	}
	for _, ch := range changes {
		if len(ch.UID) != 36 {
			t.Errorf("change #%d has uid %q", ch.ID, ch.UID)
		}
	}
	var ok string
	db.db.QueryRow(`PRAGMA integrity_check`).Scan(&ok)
	if ok != "ok" {
		t.Errorf("integrity_check: %s", ok)
	}
}
