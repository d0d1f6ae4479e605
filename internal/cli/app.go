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
	"github.com/seedcrm/crm/internal/postgres"
	"github.com/seedcrm/crm/internal/theme"
)

// App is what every command shares: the streams, the environment, the
// global flags and the book, opened on first use.
type App struct {
	IO     *iostreams.IOStreams
	Getenv func(string) string
	// OpenBook opens the book at path; a missing book is created only when
	// create is set, and is crm.ENOBOOK otherwise. now is the clock its
	// writes read, once per transaction.
	OpenBook func(ctx context.Context, path string, now func() time.Time, create bool) (*Book, error)
	// OpenReader opens the book at path only to read it, waiting at most
	// busy for a lock: for shell completion, which must never write the book
	// nor keep a shell waiting. Any error means: offer nothing.
	OpenReader func(ctx context.Context, path string, now func() time.Time, busy time.Duration) (*crm.Services, error)
	// Files makes, restores and versions book files (crm demo, crm restore,
	// crm version): the backend's, when it keeps books in files.
	Files crm.BookFiles
	// Events, when set, makes the sink that hears of every write to the
	// book at bookPath (the user's hooks); openBook puts it around the
	// services, so that the commands never run hooks themselves.
	Events func(bookPath string) crm.EventSink

	// Args are the command line, journaled as the summary of each change.
	Args []string

	// global flags
	DBPath  string
	NoColor bool
	Lang    string

	book *Book
	// clock is the process's clock once Clock has made it; now is the
	// command's reading of it (see Now).
	clock func() time.Time
	now   time.Time
	// colorForced turns colour on for a terminal that tests simulate.
	colorForced bool
	// helpLocalized is set once the help texts are in the interface's language.
	helpLocalized bool
}

// Book is the open book as the commands hold it: the services that every
// face uses, where the book is, and what only a book kept in a file can do.
type Book struct {
	*crm.Services
	Path string
	// File makes backups and checks the book file (crm backup, crm doctor);
	// nil for a book on a PostgreSQL server, which has no file of its own.
	File crm.BookFile
	// Team is a book a team shares on a PostgreSQL server (team mode):
	// crm due shows the acting user's contacts unless told otherwise.
	Team bool
}

// bookFile is the book's file, or EINVALID when the book is on a
// PostgreSQL server: what names the command that asked, instead what the
// server offers for it.
func (b *Book) bookFile(what, instead string) (crm.BookFile, error) {
	if b.File == nil {
		return nil, crm.Errorf(crm.EINVALID, "%s works on a book file; this book is on a PostgreSQL server: %s (docs/team.md)", what, instead)
	}
	return b.File, nil
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
	clock, err := a.Clock()
	if err != nil {
		return nil, err
	}
	b, err := a.OpenBook(ctx, path, clock, create)
	if crm.ErrorCode(err) == crm.ENOBOOK && !postgres.IsURL(path) { // a server's says which database
		return nil, crm.Errorf(crm.ENOBOOK, "no book at %s; crm add creates one, crm restore brings back a backup", path)
	} else if err != nil {
		return nil, err
	}
	if a.Events != nil {
		b.Services = b.Services.WithEvents(a.Events(path))
	}
	a.book = b
	return b, nil
}

// contactID resolves the REF of a filter flag (--contact, touches [REF]):
// 0, every contact, when ref is empty.
func (b *Book) contactID(ctx context.Context, ref string) (int64, error) {
	if ref == "" {
		return 0, nil
	}
	c, err := b.Contacts.ResolveContact(ctx, ref)
	if err != nil {
		return 0, err
	}
	return c.ID, nil
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

// Clock is the process's clock, for the book's writes and for a face that
// lives long (the TUI): CRM_NOW (RFC 3339) pins it, parsed once; otherwise
// every call reads the real time, so that each write is stamped with when
// it was made. Its times are local.
func (a *App) Clock() (func() time.Time, error) {
	if a.clock != nil {
		return a.clock, nil
	}
	s := a.Getenv("CRM_NOW")
	if s == "" {
		a.clock = func() time.Time { return time.Now().Local() }
		return a.clock, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, usageErrorf("invalid CRM_NOW %q: want RFC 3339, e.g. 2026-11-22T09:00:00+08:00", s)
	}
	t = t.Local()
	a.clock = func() time.Time { return t }
	return a.clock, nil
}

// Now is the command's now: the clock read once, at the first call, so that
// whatever one command computes and prints ("today", "3 days ago") agrees
// with itself. The book's writes read the clock themselves, once per
// transaction.
func (a *App) Now() (time.Time, error) {
	if !a.now.IsZero() {
		return a.now, nil
	}
	clock, err := a.Clock()
	if err != nil {
		return time.Time{}, err
	}
	a.now = clock()
	return a.now, nil
}

// Theme returns the colours for stdout.
func (a *App) Theme() *theme.Theme {
	return theme.New((a.IO.ColorEnabled() || a.colorForced) && !a.NoColor)
}

// Close closes the book if it was opened.
func (a *App) Close() {
	if a.book != nil {
		a.book.Close()
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
	fmt.Fprintln(a.IO.ErrOut, "crm: "+a.trf(format, args...))
}
