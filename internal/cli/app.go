package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/theme"
)

// App is what every command shares: the streams, the environment, the
// global flags and the book, opened on first use.
type App struct {
	IO       *iostreams.IOStreams
	Getenv   func(string) string
	OpenBook func(ctx context.Context, path string, now func() time.Time) (*Book, error)
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

// Book opens the book once: --db, else CRM_DB, else the default path.
func (a *App) Book(ctx context.Context) (*Book, error) {
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
	b, err := a.OpenBook(ctx, path, func() time.Time { return now })
	if err != nil {
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

func (a *App) bookPath() (string, error) {
	if a.DBPath != "" {
		return a.DBPath, nil
	}
	if p := a.Getenv("CRM_DB"); p != "" {
		return p, nil
	}
	return defaultBookPath(a.Getenv)
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
