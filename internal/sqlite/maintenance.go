package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"modernc.org/sqlite"
)

// MaintenanceService implements crm.BookFile: backups and checks of the
// book's file.
type MaintenanceService struct{ db *DB }

// NewMaintenanceService returns the maintenance service of the book.
func NewMaintenanceService(db *DB) *MaintenanceService { return &MaintenanceService{db} }

var _ crm.BookFile = (*MaintenanceService)(nil)

// Files implements crm.BookFiles: new books, restores and the schema
// version, for books that are SQLite files.
type Files struct{}

var _ crm.BookFiles = Files{}

// CreateBook implements crm.BookFiles with Creator.
func (Files) CreateBook(ctx context.Context, path string, now func() time.Time, fill func(crm.BookWriter) error) error {
	return Creator{Now: now}.CreateBook(ctx, path, fill)
}

// RestoreBook implements crm.BookFiles with RestoreBook.
func (Files) RestoreBook(ctx context.Context, src, bookPath string, now func() time.Time) (string, error) {
	return RestoreBook(ctx, src, bookPath, now)
}

// SchemaVersion implements crm.BookFiles with SchemaVersion.
func (Files) SchemaVersion() int { return SchemaVersion() }

// tempPattern names the files a book is built in before it is linked into
// place (new books, backups, restores); doctor looks for leftovers of it.
const tempPattern = ".crm-new-*.db"

// Backup implements crm.BookFile. The copy is made with SQLite's online
// backup API inside one read transaction of the book, so it is one
// consistent snapshot while other processes go on writing (in WAL mode they
// are never blocked). It is written to a temporary file beside path,
// checked (application_id, quick_check, schema version), and only then
// published (publishFile).
func (s *MaintenanceService) Backup(ctx context.Context, path string) (*crm.BackupResult, error) {
	if _, err := os.Lstat(path); err == nil {
		return nil, existsError(path)
	}
	dir := filepath.Dir(path)
	if err := MkdirPrivate(dir); err != nil {
		return nil, err
	}
	tmp, cleanup, err := newTempBook(dir)
	if err != nil {
		return nil, fmt.Errorf("back up to %s: %w", path, err)
	}
	defer cleanup()
	version, err := onlineCopy(ctx, s.db.db, tmp)
	if err != nil {
		return nil, mapError(fmt.Errorf("back up to %s: %w", path, err))
	}
	if _, err := verifyCopy(ctx, tmp, func(v int) error {
		if v != version {
			return crm.Errorf(crm.EINVALID, "the copy has schema %d, the book %d", v, version)
		}
		return nil
	}); err != nil {
		if crm.ErrorCode(err) == crm.EINVALID || crm.ErrorCode(err) == crm.ENOTBOOK {
			return nil, crm.Errorf(crm.EINTERNAL, "no backup written: %s; the book may be damaged: run crm doctor", crm.ErrorMessage(err))
		}
		return nil, err
	}
	if err := publishFile(tmp, path, false); err != nil {
		return nil, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("back up to %s: %w", path, err)
	}
	return &crm.BackupResult{Path: path, Size: fi.Size(), SchemaVersion: version}, nil
}

// newTempBook creates an empty private file beside the final one; cleanup
// removes it and whatever SQLite left beside it, unless it was renamed away.
func newTempBook(dir string) (path string, cleanup func(), err error) {
	f, err := os.CreateTemp(dir, tempPattern)
	if err != nil {
		return "", nil, err
	}
	path = f.Name()
	f.Close()
	cleanup = func() { removeWithSidecars(path) }
	if err := os.Chmod(path, 0o600); err != nil {
		cleanup()
		return "", nil, err
	}
	return path, cleanup, nil
}

// removeWithSidecars removes a database file and its journal, WAL and
// shared-memory files; missing ones are no error.
func removeWithSidecars(path string) error {
	var first error
	for _, p := range []string{path, path + "-journal", path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) && first == nil {
			first = err
		}
	}
	return first
}

// backuper is the online backup API of a modernc.org/sqlite connection.
type backuper interface {
	NewBackup(dstURI string) (*sqlite.Backup, error)
}

// copyStep is how many pages one backup step copies (16 MiB of 4 KiB
// pages): between steps an interrupt is noticed. Tests make it small.
var copyStep int32 = 4096

// onlineCopy copies the database behind db into dst, an empty file, and
// returns the schema version of what it copied. The source stays in one
// read transaction from the first page to the last, so the copy is a single
// snapshot whatever other connections write meanwhile, and a busy book
// never makes the copy start over.
func onlineCopy(ctx context.Context, db *sql.DB, dst string) (version int, err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		return 0, err
	}
	defer conn.ExecContext(context.Background(), "ROLLBACK")
	// Reading the version opens the read transaction the backup then uses.
	if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return 0, err
	}
	err = conn.Raw(func(dc any) error {
		bc, ok := dc.(backuper)
		if !ok {
			return errors.New("the sqlite driver has no online backup")
		}
		b, err := bc.NewBackup("file:" + escapePath(dst))
		if err != nil {
			return err
		}
		for more := true; more; {
			if more, err = b.Step(copyStep); err == nil {
				err = ctx.Err()
			}
			if err != nil {
				b.Finish()
				return err
			}
		}
		return b.Finish()
	})
	return version, err
}

// verifyCopy checks that the file at path is a sound book, in WAL mode,
// whose schema version version accepts, and returns that version. A failed
// check is a domain error naming what is wrong.
func verifyCopy(ctx context.Context, path string, version func(int) error) (int, error) {
	if _, err := checkFile(path); err != nil {
		return 0, err
	}
	d, err := openDSN(path, time.Now, "_pragma=busy_timeout(10000)")
	if err != nil {
		return 0, err
	}
	defer d.Close()
	var v int
	if err := d.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, mapError(fmt.Errorf("check the copy: %w", err))
	}
	if err := version(v); err != nil {
		return v, err
	}
	if problems, err := integrityProblems(ctx, d.db, false); err != nil {
		return v, mapError(fmt.Errorf("check the copy: %w", err))
	} else if len(problems) > 0 {
		return v, crm.Errorf(crm.EINVALID, "the copy fails quick_check: %s", summarize(problems, 3))
	}
	if err := d.setWAL(ctx); err != nil {
		return v, mapError(fmt.Errorf("check the copy: %w", err))
	}
	return v, nil
}

// integrityProblems runs quick_check (or integrity_check when full) and
// returns what it found; none when the file is sound.
func integrityProblems(ctx context.Context, q querier, full bool) ([]string, error) {
	pragma := "quick_check"
	if full {
		pragma = "integrity_check"
	}
	rows, err := q.QueryContext(ctx, "PRAGMA "+pragma+"(20)")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		if s != "ok" {
			out = append(out, s)
		}
	}
	return out, rows.Err()
}

// summarize joins the first n items and says how many more there are.
func summarize(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, "; ")
	}
	return fmt.Sprintf("%s; and %d more", strings.Join(items[:n], "; "), len(items)-n)
}

// hasCode reports whether err is a SQLite error with one of the primary
// result codes.
func hasCode(err error, codes ...int) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	for _, c := range codes {
		if se.Code()&0xff == c {
			return true
		}
	}
	return false
}
