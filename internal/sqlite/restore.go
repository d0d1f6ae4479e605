package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	sqlite3 "modernc.org/sqlite/lib"
)

// RestoreBook replaces the book at bookPath with a copy of the book at src
// and returns where the previous book was kept ("" when there was none).
//
// src is checked before anything changes: it must be a crm book (header and
// application_id), pass quick_check once copied, and have a schema this
// binary knows (an older one is migrated by the next open). A file that
// fails is refused with ENOTFOUND, ENOTBOOK or EINVALID, and neither it nor
// the book is touched. The copy is made in a temporary file beside the
// book, synced, and renamed over it; the previous book is first folded into
// its main file and kept as <book>.before-restore-<time>.db. A book that
// another program holds open is ECONFLICT: nothing is replaced under a
// running crm.
func RestoreBook(ctx context.Context, src, bookPath string, now func() time.Time) (aside string, err error) {
	if now == nil {
		now = time.Now
	}
	fresh, err := checkFile(src)
	if err != nil {
		return "", err
	}
	if fresh {
		return "", crm.Errorf(crm.ENOTFOUND, "%s does not exist", src)
	}
	if sameFile(src, bookPath) {
		return "", crm.Errorf(crm.EINVALID, "%s is the book itself", src)
	}
	dir := filepath.Dir(bookPath)
	if err := MkdirPrivate(dir); err != nil {
		return "", err
	}
	tmp, cleanup, err := newTempBook(dir)
	if err != nil {
		return "", fmt.Errorf("restore %s: %w", bookPath, err)
	}
	defer cleanup()
	if err := copyBookFile(ctx, src, tmp); err != nil {
		return "", err
	}
	known := SchemaVersion()
	if _, err := verifyCopy(ctx, tmp, func(v int) error {
		if v > known {
			return crm.Errorf(crm.ENOTBOOK, "%s was written by a newer crm (schema %d; this crm knows %d): upgrade crm", src, v, known)
		}
		return nil
	}); err != nil {
		if crm.ErrorCode(err) == crm.EINVALID {
			return "", crm.Errorf(crm.EINVALID, "%s is damaged: %s", src, crm.ErrorMessage(err))
		}
		return "", err
	}
	if err := syncFile(tmp); err != nil { // before the book is set aside
		return "", fmt.Errorf("restore %s: %w", bookPath, err)
	}
	if aside, err = setAside(ctx, bookPath, now()); err != nil {
		return "", err
	}
	if err := publishFile(tmp, bookPath, true); err != nil {
		return aside, fmt.Errorf("restore %s: %w (the previous book is at %s)", bookPath, err, aside)
	}
	return aside, nil
}

// copyBookFile copies the book at src, with whatever its WAL holds, into
// dst through the online backup API. src is opened query-only.
func copyBookFile(ctx context.Context, src, dst string) error {
	d, err := openDSN(src, time.Now, "_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := onlineCopy(ctx, d.db, dst); err != nil {
		if isCorrupt(err) {
			return crm.Errorf(crm.EINVALID, "%s is damaged: %v", src, err)
		}
		return mapError(fmt.Errorf("read %s: %w", src, err))
	}
	return nil
}

// setAside keeps the book at bookPath under a new name beside it and
// returns that name; "" when there is no book. A sound book is first
// switched out of WAL mode, which folds the WAL into the main file and
// succeeds only when no other connection has the book open; its -wal and
// -shm files are gone afterwards. A damaged book's WAL goes along with it.
func setAside(ctx context.Context, bookPath string, t time.Time) (string, error) {
	if _, err := os.Lstat(bookPath); errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if fresh, err := checkFile(bookPath); err == nil && !fresh {
		if err := foldWAL(ctx, bookPath); err != nil {
			return "", err
		}
	}
	aside, err := linkAside(bookPath, t)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(bookPath + "-wal"); err == nil {
		if err := os.Rename(bookPath+"-wal", aside+"-wal"); err != nil {
			return aside, fmt.Errorf("keep the previous book: %w", err)
		}
	}
	if err := os.Remove(bookPath + "-shm"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return aside, fmt.Errorf("keep the previous book: %w", err)
	}
	// The copy kept aside is a book like any other: back to WAL mode.
	if d, err := openDSN(aside, time.Now, "_pragma=busy_timeout(10000)"); err == nil {
		d.setWAL(ctx)
		d.Close()
	}
	return aside, nil
}

// foldWAL switches the book to rollback-journal mode, which checkpoints and
// removes its WAL. ECONFLICT when another connection has the book open; a
// book too damaged to switch is left as it is.
func foldWAL(ctx context.Context, path string) error {
	d, err := openDSN(path, time.Now, "_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer d.Close()
	var mode string
	err = d.db.QueryRowContext(ctx, "PRAGMA journal_mode=DELETE").Scan(&mode)
	if isBusy(err) || (err == nil && mode != "delete") {
		return crm.Errorf(crm.ECONFLICT, "%s is open in another program (a running crm?); close it and try again", path)
	}
	return nil
}

// linkAside links the book to <book>.before-restore-<time>.db, adding -2,
// -3 … when a restore in the same second kept one already; a file system
// without hard links gets a rename.
func linkAside(bookPath string, t time.Time) (string, error) {
	stamp := t.Local().Format(crm.StampLayout)
	for i := 1; ; i++ {
		aside := fmt.Sprintf("%s.before-restore-%s.db", bookPath, stamp)
		if i > 1 {
			aside = fmt.Sprintf("%s.before-restore-%s-%d.db", bookPath, stamp, i)
		}
		err := os.Link(bookPath, aside)
		if err == nil {
			return aside, nil
		}
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if _, serr := os.Lstat(aside); serr == nil {
			continue
		}
		if err := os.Rename(bookPath, aside); err != nil {
			return "", fmt.Errorf("keep the previous book: %w", err)
		}
		return aside, nil
	}
}

func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

func isBusy(err error) bool    { return hasCode(err, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) }
func isCorrupt(err error) bool { return hasCode(err, sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) }
