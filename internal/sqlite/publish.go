package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/seedcrm/crm/internal/crm"
)

// publishFile makes tmp, a finished and closed book file beside path (see
// newTempBook), appear at path whole: the one way a new book file is put in
// place (new books, bulk-built books, backups, restores). tmp is synced
// first, so that a crash after the name appears never shows a file with
// pages missing, and the directory after, so that the name survives a crash.
//
// Without replace, a file already at path is never replaced and is
// ECONFLICT: a hard link where the file system has them (then tmp goes), so
// that of two processes racing for path one wins whole; else a rename after
// checking that path is free. With replace, tmp is renamed over path, which
// readers see change from one whole file to the other.
func publishFile(tmp, path string, replace bool) error {
	if err := syncFile(tmp); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if replace {
		if err := os.Rename(tmp, path); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	} else if err := linkNoReplace(tmp, path); err != nil {
		return err
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// linkNoReplace puts tmp at path unless a file is there (ECONFLICT).
func linkNoReplace(tmp, path string) error {
	err := os.Link(tmp, path)
	switch {
	case err == nil:
		os.Remove(tmp)
	case errors.Is(err, fs.ErrExist):
		return existsError(path)
	default:
		if _, serr := os.Lstat(path); serr == nil {
			return existsError(path)
		}
		if err := os.Rename(tmp, path); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return nil
}

// existsError is the ECONFLICT of a new file whose path is taken.
func existsError(path string) error {
	return crm.Errorf(crm.ECONFLICT, "%s exists already; choose another path", path)
}
