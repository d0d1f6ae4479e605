package sqlite

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
)

// TestOpenRebuildsOldKeys: a book whose keys were made before rare
// readings were kept apart (schema 1 here) gets them rebuilt on opening,
// once, without a journaled change; then "wang" no longer finds 王 read yu.
func TestOpenRebuildsOldKeys(t *testing.T) {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC) }
	path := copyBook(t, "schema1.db")
	count := func(db *DB, key string) int {
		var n int
		if err := db.db.QueryRow(`SELECT count(*) FROM contact_keys WHERE key = ?`, key).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	db, err := Open(ctx, path, now)
	if err != nil {
		t.Fatal(err)
	}
	if count(db, "yukezhang") != 0 || count(db, crm.RareKeyMark+"yukezhang") != 1 || count(db, "wangkezhang") != 1 {
		t.Errorf("keys of 王科长 not rebuilt: yukezhang %d, rare %d, wangkezhang %d",
			count(db, "yukezhang"), count(db, crm.RareKeyMark+"yukezhang"), count(db, "wangkezhang"))
	}
	changes, err := NewJournalService(db).Changes(ctx, 0, 10)
	if err != nil || len(changes) != 0 {
		t.Errorf("the rebuild was journaled: %v %v", changes, err)
	}
	var stale []int64
	err = db.readTx(ctx, func(tx *sql.Tx) error { stale, err = staleKeys(ctx, tx); return err })
	if err != nil || len(stale) != 0 {
		t.Errorf("doctor finds stale keys after the rebuild: %v %v", stale, err)
	}
	// Keys written the old way into a book without the mark are rebuilt at
	// the next opening.
	db.db.Exec(`INSERT INTO contact_keys (key, contact_id) SELECT 'yukezhang', contact_id FROM contact_keys WHERE key = 'wangkezhang'`)
	db.db.Exec(`DELETE FROM settings WHERE key = ?`, keysVersionKey)
	db.Close()
	if db, err = Open(ctx, path, now); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if count(db, "yukezhang") != 0 {
		t.Errorf("old key survived reopening")
	}
	if c, err := NewContactService(db).ResolveContact(ctx, "yukezhang"); err != nil || c.Name != "王科长" {
		t.Errorf("rare reading no longer resolves: %v %v", c, err)
	}
	// A new book is marked at creation and never rebuilt.
	fresh, err := Open(ctx, t.TempDir()+"/new.db", now)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	var v string
	if err := fresh.db.QueryRow(`SELECT value FROM settings WHERE key = ?`, keysVersionKey).Scan(&v); err != nil || v != keysVersion {
		t.Errorf("new book's keys version %q, %v", v, err)
	}
	if _, err := NewSettingService(fresh).GetSetting(ctx, keysVersionKey); crm.ErrorCode(err) != crm.EINVALID {
		t.Errorf("the mark is a setting users can read: %v", err)
	}
}
