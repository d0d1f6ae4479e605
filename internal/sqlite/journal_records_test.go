package sqlite

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
)

// Every table the journal records reads as records: a new table without a
// line in recordTables would vanish from crm history and crm undo --json.
func TestEveryJournaledTableIsARecord(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "crm.db"), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.db.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		_, known := recordTables[name]
		if !known && name != "touch_contacts" && name != "changes" && name != "journal" && !slices.Contains(derivedTables, name) {
			t.Errorf("table %s is journaled but recordTables does not say which record it holds", name)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// An undo journals a touch's links before the touch: they still fold into
// its remove. Links of a touch the change did not add or remove are an edit.
func TestRecordsFoldTouchLinks(t *testing.T) {
	rows := []journalRow{
		{table: "touch_contacts", op: "delete", rowid: 7, before: map[string]any{"contact_id": int64(2), "touch_id": int64(5), "at": "x"}},
		{table: "touch_contacts", op: "delete", rowid: 8, before: map[string]any{"contact_id": int64(3), "touch_id": int64(5), "at": "x"}},
		{table: "touches", op: "delete", rowid: 5, before: map[string]any{"id": int64(5), "uid": "u5", "summary": "call"}},
		{table: "touch_contacts", op: "insert", rowid: 9, after: map[string]any{"contact_id": int64(4), "touch_id": int64(6), "at": "x"}},
		{table: "contact_keys", op: "insert", rowid: 1, after: map[string]any{"key": "k"}},
	}
	want := []crm.RecordChange{
		{Entity: crm.EntityTouch, ID: 5, UID: "u5", Op: crm.OpRemove,
			Before: map[string]any{"summary": "call", "contacts": []map[string]any{{"id": int64(2)}, {"id": int64(3)}}}},
		{Entity: crm.EntityTouch, ID: 6, Op: crm.OpEdit, After: map[string]any{"contacts": []map[string]any{{"id": int64(4)}}}},
	}
	if got := records(rows); !reflect.DeepEqual(got, want) {
		t.Errorf("records:\n got %#v\nwant %#v", got, want)
	}
}
