package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
)

// rebuildSearch makes the index as migration 0005 made it, and indexes
// every record again.
func TestRebuildSearchMatchesMigration(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "crm.db"), func() time.Time { return time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC) })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	schema := func() string {
		var b strings.Builder
		rows, err := db.db.Query(`SELECT type, name, coalesce(sql, '') FROM sqlite_schema WHERE name LIKE 'search_index%' ORDER BY name`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var typ, name, sql string
			rows.Scan(&typ, &name, &sql)
			b.WriteString(typ + " " + name + " " + sql + "\n")
		}
		var secure string
		db.db.QueryRow(`SELECT v FROM search_index_config WHERE k = 'secure-delete'`).Scan(&secure)
		return b.String() + "secure-delete=" + secure
	}
	before := schema()
	if !strings.Contains(before, "secure-delete=1") {
		t.Fatalf("the migration left secure-delete off:\n%s", before)
	}
	if err := NewContactService(db).CreateContact(ctx, &crm.Contact{Name: "王科长"}); err != nil {
		t.Fatal(err)
	}
	if err := db.inTx(ctx, func(tx *Tx) error { return rebuildSearch(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
	if after := schema(); after != before {
		t.Errorf("after a rebuild the index is\n%s\nwhere the migration made\n%s", after, before)
	}
	hits, err := NewSearchService(db).Search(ctx, "王科长", crm.SearchOptions{Limit: 5})
	if err != nil || len(hits) != 1 {
		t.Errorf("after a rebuild: %d hits, %v", len(hits), err)
	}
}

// crm doctor finds the records another tool wrote without an index row,
// and the rows of records it deleted; --fix reindexes them.
func TestDoctorSearchIndex(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "crm.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := &crm.Contact{Name: "王科长"}
	if err := NewContactService(db).CreateContact(ctx, c); err != nil {
		t.Fatal(err)
	}
	// As the sqlite3 shell would: a touch without its row, a contact's row gone.
	for _, q := range []string{
		`INSERT INTO touches (uid, at, channel, summary, created_at) VALUES ('x', '2026-11-01T00:00:00Z', 'call', 'shell wrote 仓库', '2026-11-01T00:00:00Z')`,
		`DELETE FROM search_index WHERE rowid = 1`,
	} {
		if _, err := db.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	check := func(fix bool) crm.DoctorCheck {
		r, err := NewMaintenanceService(db).Doctor(ctx, fix, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range r.Checks {
			if c.Name == "search_index" {
				return c
			}
		}
		t.Fatal("no search_index check")
		return crm.DoctorCheck{}
	}
	if c := check(false); c.OK || !strings.Contains(c.Detail, "2 records have no row, or a row left over, in the search index (contact #1, touch #1)") {
		t.Errorf("doctor: %+v", c)
	}
	if c := check(true); !c.OK || !c.Fixed {
		t.Errorf("doctor --fix: %+v", c)
	}
	ss := NewSearchService(db)
	for _, q := range []string{"仓库", "wkz"} {
		if hits, err := ss.Search(ctx, q, crm.SearchOptions{Limit: 5}); err != nil || len(hits) != 1 {
			t.Errorf("%s after the fix: %d hits, %v", q, len(hits), err)
		}
	}
}
