package crm

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// BackupResult describes a copy of the book written by BookFile.Backup.
type BackupResult struct {
	Path          string `json:"path"`
	Size          int64  `json:"size"` // bytes
	SchemaVersion int    `json:"schema_version"`
}

// DoctorCheck is one line of a health report. OK is the state after the
// run: a problem that --fix repaired is OK with Fixed set, and Detail says
// what was found and what was done. A warning is OK too (the book is
// healthy) but says in Detail what the user may want to do, which --fix
// does not do for them.
type DoctorCheck struct {
	Name    string `json:"name"`
	OK      bool   `json:"ok"`
	Detail  string `json:"detail"`
	Fixed   bool   `json:"fixed"`
	Warning bool   `json:"warning,omitempty"`
}

// DoctorReport is the result of BookFile.Doctor, one check per line in a
// stable order. OK is true when every check is OK.
type DoctorReport struct {
	OK     bool          `json:"ok"`
	Checks []DoctorCheck `json:"checks"`
}

// Problems counts the checks that are not OK.
func (r *DoctorReport) Problems() int {
	n := 0
	for _, c := range r.Checks {
		if !c.OK {
			n++
		}
	}
	return n
}

// Warnings counts the checks that are warnings.
func (r *DoctorReport) Warnings() int {
	n := 0
	for _, c := range r.Checks {
		if c.Warning {
			n++
		}
	}
	return n
}

// Fixed counts the checks that a repair made OK.
func (r *DoctorReport) Fixed() int {
	n := 0
	for _, c := range r.Checks {
		if c.Fixed {
			n++
		}
	}
	return n
}

// BookFile is what an open book kept in one local file (SQLite) can do
// beyond the Services: copies of the file and checks of it. A backend that
// keeps books elsewhere (a PostgreSQL server) implements the Services only;
// these are its administrator's tools, not crm's.
//
// Doctor is here whole, its data checks too: they recompute the fields the
// SQLite schema denormalises for its hot queries (last touch, due date,
// tags, search keys), which are that schema's, not the domain's, and they
// read one snapshot with the file checks, in one report.
type BookFile interface {
	// Backup writes a consistent copy of the book at path while others may
	// go on writing, and checks the copy before it appears there; path
	// appears whole or not at all. An existing path is ECONFLICT and is
	// left alone.
	Backup(ctx context.Context, path string) (*BackupResult, error)
	// Doctor checks the file (integrity, foreign keys, schema, modes,
	// leftover temporary files) and recomputes every denormalised field to
	// compare it with what is stored. With fix it repairs what is safe to
	// repair, the data in one transaction; damage to the file itself is
	// only reported (a backup is the cure). full runs the slow, complete
	// integrity check instead of the quick one.
	Doctor(ctx context.Context, fix, full bool) (*DoctorReport, error)
}

// BookFiles makes and replaces whole book files, with no book open: what
// only a backend that keeps each book in a local file can do. now is the
// clock that stamps what they write.
type BookFiles interface {
	// CreateBook makes a new book at path from fill, atomically: the book
	// appears whole when fill and the commit succeed, and not at all
	// otherwise. An existing file at path is ECONFLICT and is left alone.
	CreateBook(ctx context.Context, path string, now func() time.Time, fill func(BookWriter) error) error
	// RestoreBook replaces the book at bookPath with a checked copy of src
	// and returns where the previous book was kept ("" when there was none).
	RestoreBook(ctx context.Context, src, bookPath string, now func() time.Time) (aside string, err error)
	// SchemaVersion is the version of the book files this binary writes.
	SchemaVersion() int
}

// StampLayout is the local time in the names of backups and of books kept
// aside by a restore: 20261122-090000.
const StampLayout = "20060102-150405"

// BackupPath is the default name of a backup of the book made at t, beside
// it: crm.db.backup-20261122-090000.db, and for the seq'th backup made in the
// same second (seq > 1) crm.db.backup-20261122-090000-2.db, as a restore
// names the books it keeps aside.
func BackupPath(book string, t time.Time, seq int) string {
	stamp := t.Format(StampLayout)
	if seq > 1 {
		stamp += "-" + strconv.Itoa(seq)
	}
	return book + ".backup-" + stamp + ".db"
}

// BackupTime reports whether the base name is a default backup name of the
// book, when that backup was made (local time) and its place among the
// backups of that second (1 for the first, which has no suffix).
func BackupTime(book, name string) (t time.Time, seq int, ok bool) {
	prefix := filepath.Base(book) + ".backup-"
	if !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, ".db") {
		return time.Time{}, 0, false
	}
	stamp := strings.TrimSuffix(strings.TrimPrefix(name, prefix), ".db")
	seq = 1
	if len(stamp) > len(StampLayout) {
		n, err := strconv.Atoi(strings.TrimPrefix(stamp[len(StampLayout):], "-"))
		if err != nil || n < 2 || stamp[len(StampLayout)] != '-' || stamp[len(StampLayout)+1] == '0' {
			return time.Time{}, 0, false
		}
		stamp, seq = stamp[:len(StampLayout)], n
	}
	t, err := time.ParseInLocation(StampLayout, stamp, time.Local)
	return t, seq, err == nil
}

// BookMarker marks a store as a crm book ("CRM1"): a SQLite file's
// application_id, a PostgreSQL database's crm_book row. A store without it
// is refused untouched (ENOTBOOK).
const BookMarker = 0x43524d31
