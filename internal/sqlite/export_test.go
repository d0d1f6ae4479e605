package sqlite

import "database/sql"

// QueryRowForTest lets the package's external tests look at the file's
// tables directly (the journal, say), as no service shows them.
func (d *DB) QueryRowForTest(query string, args ...any) *sql.Row {
	return d.db.QueryRow(query, args...)
}
