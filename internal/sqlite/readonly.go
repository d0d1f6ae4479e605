package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/seedcrm/crm/internal/crm"
)

// OpenReadOnly opens an existing book only to read it, for a caller that
// must never change the file and must never wait long: shell completion. The
// file is opened read-only (mode=ro, query_only), nothing is created,
// migrated or rebuilt, and a lock is waited for at most busy. A missing file
// is ENOBOOK; a file that is not a book, or a book of another schema version
// than this binary's (older ones are migrated only by a command that may
// write), is ENOTBOOK.
func OpenReadOnly(ctx context.Context, path string, now func() time.Time, busy time.Duration) (*DB, error) {
	if now == nil {
		now = time.Now
	}
	fresh, err := checkFile(path)
	if err != nil {
		return nil, err
	}
	if fresh {
		return nil, crm.Errorf(crm.ENOBOOK, "no book at %s", path)
	}
	params := fmt.Sprintf("mode=ro&_pragma=busy_timeout(%d)&_pragma=query_only(1)&_pragma=foreign_keys(1)", busy.Milliseconds())
	d, err := openDSN(path, now, params)
	if err != nil {
		return nil, err
	}
	var v int
	if err := d.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		d.Close()
		return nil, mapError(fmt.Errorf("read schema version of %s: %w", path, err))
	}
	if v != SchemaVersion() {
		d.Close()
		return nil, crm.Errorf(crm.ENOTBOOK, "%s has schema version %d, not %d: open it once with a command that writes", path, v, SchemaVersion())
	}
	// Writes are refused by the connection; the journal's recorder never runs.
	d.journal = false
	return d, nil
}
