package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // the SQLite book's schema, read as a plain database

	"github.com/seedcrm/crm/internal/postgres"
	"github.com/seedcrm/crm/internal/postgres/pgtest"
	"github.com/seedcrm/crm/internal/sqlite"
)

// kindOf folds each backend's type names into one: a whole number, a real,
// text or bytes.
func kindOf(decl string) string {
	switch d := strings.ToUpper(decl); {
	case strings.Contains(d, "INT"):
		return "integer"
	case strings.Contains(d, "REAL"), strings.Contains(d, "DOUBLE"):
		return "real"
	case strings.Contains(d, "BLOB"), strings.Contains(d, "BYTEA"):
		return "bytes"
	}
	return "text"
}

// ownTables and ownColumns are what one backend keeps that the other has
// no need of: SQLite's internal tables and the FTS5 index's shadow tables,
// the PostgreSQL book's marker and id counters, and the row ids that SQLite gives every
// table implicitly and PostgreSQL spells out.
func ownTable(name string) bool {
	return strings.HasPrefix(name, "sqlite_") || strings.HasPrefix(name, "search_index_") || name == "crm_book" || name == "crm_ids" || name == "crm_ids_taken" || name == "search_totals"
}

var ownColumns = []string{"touch_contacts.id", "search_index.rowid"}

// TestSchemasAgree: a new book has the same tables, columns (name, kind of
// value, whether NULL is allowed) and indexes on both backends, so that
// neither can drift from the other.
func TestSchemasAgree(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "book.db")
	lite, err := sqlite.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	lite.Close()
	u := pgtest.NewDatabase(t, "crm_test")
	pg, err := postgres.Open(ctx, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	pg.Close()

	ldb, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer ldb.Close()
	var liteCols, liteIdx []string
	rows, err := ldb.QueryContext(ctx, `SELECT m.name, p.name, p.type, p."notnull" OR p.pk > 0 FROM sqlite_schema m, pragma_table_info(m.name) p
		WHERE m.type = 'table' ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var table, name, decl string
		var notNull bool
		if err := rows.Scan(&table, &name, &decl, &notNull); err != nil {
			t.Fatal(err)
		}
		if !ownTable(table) {
			liteCols = append(liteCols, fmt.Sprintf("%s.%s %s notnull=%v", table, name, kindOf(decl), notNull))
		}
	}
	rows.Close()
	rows, err = ldb.QueryContext(ctx, `SELECT tbl_name || '.' || name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		rows.Scan(&s)
		liteIdx = append(liteIdx, s)
	}
	rows.Close()

	conn := connect(t, u)
	var pgCols, pgIdx []string
	prows, err := conn.Query(ctx, `SELECT table_name, column_name, data_type, is_nullable = 'NO' FROM information_schema.columns
		WHERE table_schema = current_schema() ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	for prows.Next() {
		var table, name, decl string
		var notNull bool
		if err := prows.Scan(&table, &name, &decl, &notNull); err != nil {
			t.Fatal(err)
		}
		if !ownTable(table) && !slices.Contains(ownColumns, table+"."+name) {
			pgCols = append(pgCols, fmt.Sprintf("%s.%s %s notnull=%v", table, name, kindOf(decl), notNull))
		}
	}
	prows.Close()
	// Indexes of constraints (primary keys, UNIQUE) are SQLite's autoindexes:
	// the columns above and the constraints say the same. The search index
	// is each backend's own by design: FTS5's shadow tables in SQLite, a
	// table with trigram indexes here (migration 0003).
	prows, err = conn.Query(ctx, `SELECT i.tablename || '.' || i.indexname FROM pg_indexes i
		WHERE i.schemaname = current_schema() AND i.tablename <> 'search_index' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`)
	if err != nil {
		t.Fatal(err)
	}
	for prows.Next() {
		var s string
		prows.Scan(&s)
		pgIdx = append(pgIdx, s)
	}
	prows.Close()

	compare := func(what string, lite, pg []string) {
		slices.Sort(lite)
		slices.Sort(pg)
		for _, s := range lite {
			if !slices.Contains(pg, s) {
				t.Errorf("%s %s is in the SQLite book only", what, s)
			}
		}
		for _, s := range pg {
			if !slices.Contains(lite, s) {
				t.Errorf("%s %s is in the PostgreSQL book only", what, s)
			}
		}
	}
	if len(liteCols) < 100 || len(liteIdx) < 20 {
		t.Fatalf("read %d columns and %d indexes of the SQLite book: too few to compare", len(liteCols), len(liteIdx))
	}
	compare("column", liteCols, pgCols)
	compare("index", liteIdx, pgIdx)
}
