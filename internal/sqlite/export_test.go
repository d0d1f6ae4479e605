package sqlite

import (
	"context"
	"database/sql"
)

// QueryRowForTest lets the package's external tests look at the file's
// tables directly (the journal, say), as no service shows them.
func (d *DB) QueryRowForTest(query string, args ...any) *sql.Row {
	return d.db.QueryRow(query, args...)
}

// IndexTouchForTest writes the search row of a touch in a transaction of
// its own, as createTouch does within its own: what indexing adds to a
// write, measured apart.
func (d *DB) IndexTouchForTest(ctx context.Context, id int64, summary, notes string) error {
	return d.inTx(ctx, func(tx *Tx) error { return writeSearchRow(ctx, tx, kindTouch, id, touchTexts(summary, notes)) })
}

// EmptyTxForTest is a write transaction that writes nothing: the baseline
// of IndexTouchForTest.
func (d *DB) EmptyTxForTest(ctx context.Context) error {
	return d.inTx(ctx, func(tx *Tx) error { return nil })
}
