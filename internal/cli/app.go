package cli

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/theme"
)

// App is what every command shares: the streams, the environment, the
// global flags and the book, opened on first use.
type App struct {
	IO     *iostreams.IOStreams
	Getenv func(string) string
	// OpenBook opens the book at path; a missing book is created only when
	// create is set, and is crm.ENOBOOK otherwise.
	OpenBook func(ctx context.Context, path string, now func() time.Time, create bool) (*Book, error)
	// CreateBook writes a whole new book at path from fill, atomically.
	CreateBook    func(ctx context.Context, path string, now func() time.Time, fill func(crm.BookWriter) error) error
	SchemaVersion int
	// RestoreBook replaces the book at bookPath with a checked copy of src
	// and returns where the previous book was kept; the book need not be open.
	RestoreBook func(ctx context.Context, src, bookPath string, now func() time.Time) (string, error)

	// Args are the command line, journaled as the summary of each change.
	Args []string

	// global flags
	DBPath  string
	NoColor bool
	Lang    string

	book *Book
	now  time.Time
	// colorForced turns colour on for a terminal that tests simulate.
	colorForced bool
}

// Book is the set of services over one open book.
type Book struct {
	Path     string
	Contacts crm.ContactService
	Accounts crm.AccountService
	Touches  crm.TouchService
	Stages   crm.StageService
	Settings crm.SettingService
	Tasks    crm.TaskService
	Plans    crm.PlanService
	KeyDates crm.KeyDateService
	Due      crm.DueService
	Reports  crm.ReportService
	Journal  crm.JournalService
	// Maintenance makes backups and checks the book (crm backup, crm doctor).
	Maintenance crm.Maintenance
	close       func() error
}

// Book opens the book once: --db, else CRM_DB, else the default path. It
// never creates one: a command that only reads, or changes records that must
// exist already, says there is no book rather than leave an empty one at a
// mistyped path. Commands that add the first records use NewBook.
func (a *App) Book(ctx context.Context) (*Book, error) { return a.openBook(ctx, false) }

// NewBook opens the book as Book does, creating it when it does not exist:
// for the commands that add records from nothing (crm add, crm account add,
// crm config set).
func (a *App) NewBook(ctx context.Context) (*Book, error) { return a.openBook(ctx, true) }

func (a *App) openBook(ctx context.Context, create bool) (*Book, error) {
	if a.book != nil {
		return a.book, nil
	}
	path, err := a.bookPath()
	if err != nil {
		return nil, err
	}
	now, err := a.Now()
	if err != nil {
		return nil, err
	}
	b, err := a.OpenBook(ctx, path, func() time.Time { return now }, create)
	if crm.ErrorCode(err) == crm.ENOBOOK {
		return nil, crm.Errorf(crm.ENOBOOK, "no book at %s; crm add creates one, crm restore brings back a backup", path)
	} else if err != nil {
		return nil, err
	}
	a.book = b
	return b, nil
}

// contact opens the book and resolves a contact REF, the start of most commands.
func (a *App) contact(ctx context.Context, ref string) (*Book, *crm.Contact, error) {
	book, err := a.Book(ctx)
	if err != nil {
		return nil, nil, err
	}
	c, err := book.Contacts.ResolveContact(ctx, ref)
	return book, c, err
}

// bookPath is --db, else CRM_DB, else the default path, with a leading ~
// expanded as a shell would (a quoted "~/crm.db" reaches crm unexpanded).
// An empty --db is refused before any command runs (see newRootCmd); an
// empty CRM_DB counts as unset.
func (a *App) bookPath() (string, error) {
	if a.DBPath != "" {
		return expandHome(a.DBPath, a.Getenv)
	}
	if p := a.Getenv("CRM_DB"); p != "" {
		return expandHome(p, a.Getenv)
	}
	return defaultBookPath(a.Getenv)
}

// expandHome replaces a leading ~ or ~user of path by that home directory.
func expandHome(path string, getenv func(string) string) (string, error) {
	if !strings.HasPrefix(path, "~") {
		return path, nil
	}
	name, rest, _ := strings.Cut(path[1:], string(filepath.Separator))
	var home string
	if name == "" {
		home = getenv("HOME")
		if home == "" {
			var err error
			if home, err = os.UserHomeDir(); err != nil {
				return "", crm.Errorf(crm.EINVALID, "cannot expand %s: no home directory (set HOME)", path)
			}
		}
	} else {
		u, err := user.Lookup(name)
		if err != nil {
			return "", crm.Errorf(crm.EINVALID, "cannot expand %s: no user %q", path, name)
		}
		home = u.HomeDir
	}
	return filepath.Join(home, rest), nil
}

// Now is the command's clock, read once: CRM_NOW (RFC 3339) pins it.
func (a *App) Now() (time.Time, error) {
	if !a.now.IsZero() {
		return a.now, nil
	}
	a.now = time.Now()
	if s := a.Getenv("CRM_NOW"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return time.Time{}, usageErrorf("invalid CRM_NOW %q: want RFC 3339, e.g. 2026-11-22T09:00:00+08:00", s)
		}
		a.now = t
	}
	a.now = a.now.Local()
	return a.now, nil
}

// Theme returns the colours for stdout.
func (a *App) Theme() *theme.Theme {
	return theme.New((a.IO.ColorEnabled() || a.colorForced) && !a.NoColor)
}

// Close closes the book if it was opened.
func (a *App) Close() {
	if a.book != nil && a.book.close != nil {
		a.book.close()
	}
}

// committed takes the error of what a write command does once its change
// has committed (printing the result, reading it back to show it) and makes
// it a warning: the command still succeeds. The change is saved; a script
// that retried on a failing exit status would make it twice.
func (a *App) committed(err error) error {
	if err != nil {
		a.warnf("warning: the change is saved, but showing it failed (do not retry): %s", crm.ErrorMessage(err))
	}
	return nil
}

// warnf prints a warning on stderr.
func (a *App) warnf(format string, args ...any) {
	fmt.Fprintf(a.IO.ErrOut, "crm: "+format+"\n", args...)
}
