package sqlite

import (
	"errors"
	"fmt"

	"github.com/seedcrm/crm/internal/crm"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// mapError turns driver errors into domain errors by SQLite result code,
// once, here; domain errors and nil pass through.
func mapError(err error) error {
	var se *sqlite.Error
	if err == nil || !errors.As(err, &se) {
		return err
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_NOTADB:
		return crm.Errorf(crm.ENOTBOOK, "not a crm book: %v", err)
	case sqlite3.SQLITE_CORRUPT:
		return crm.Errorf(crm.EINTERNAL, "the book is damaged (%v); run `crm doctor`", err)
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return crm.Errorf(crm.EINTERNAL, "the book stayed busy for 10 s; another crm is writing a lot: %v", err)
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM:
		return crm.Errorf(crm.EINTERNAL, "cannot write the book: %v", err)
	case sqlite3.SQLITE_FULL:
		return crm.Errorf(crm.EINTERNAL, "the disk is full: %v", err)
	case sqlite3.SQLITE_CONSTRAINT:
		return crm.Errorf(crm.ECONFLICT, "the change conflicts with the book: %v", err)
	}
	return fmt.Errorf("sqlite: %w", err)
}
