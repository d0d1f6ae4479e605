// Package cli is the cobra command tree of crm. Main wires the services of
// a backend (internal/sqlite, internal/postgres) and the hooks to the
// commands and decides exit codes; commands use only the crm interfaces.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/hooks"
	"github.com/seedcrm/crm/internal/i18n"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/match"
	"github.com/seedcrm/crm/internal/postgres"
	"github.com/seedcrm/crm/internal/sqlite"
)

// Exit codes, decided here and nowhere else.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// Main runs crm with os.Args and returns the process exit code.
func Main() int {
	// A command lives for milliseconds to seconds and its live heap stays
	// small (lists are streamed): collect less often, finish sooner; but
	// collect harder near 256 MiB, which a change to a whole book (a new
	// rhythm for every contact, its undo) can reach.
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(256 << 20)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	app := &App{
		IO:         iostreams.System(),
		Args:       os.Args[1:],
		Getenv:     os.Getenv,
		OpenBook:   openBook,
		OpenReader: openReader,
		Files:      sqlite.Files{},
	}
	app.Events = func(book string) crm.EventSink { return hooks.New(app.Getenv, book, app.IO.ErrOut) }
	defer app.Close()
	root := newRootCmd(app)
	root.SetArgs(os.Args[1:])
	_, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	return app.reportError(ctx, err)
}

// reportError prints err as one line (plus choices or a hint) on stderr and
// returns its exit code.
func (a *App) reportError(ctx context.Context, err error) int {
	w := a.IO.ErrOut
	if errors.Is(err, context.Canceled) || ctx.Err() != nil {
		fmt.Fprintln(w, "crm: "+a.tr("interrupted"))
		return exitInterrupted
	}
	var ue *usageError
	errors.As(err, &ue)
	code := exitFailure
	if isUserError(err) {
		code = exitUsage
	}
	if a.Lang == "" {
		a.Lang = langArg(a.Args)
	}
	lang := a.lang()
	msg := iostreams.CleanLine(errorText(lang, err))
	fmt.Fprintf(w, "crm: %s\n", msg)
	details := crm.ErrorDetails(err)
	for i, d := range details {
		details[i] = i18n.Text(lang, d)
	}
	printChoices(w, crm.ErrorCandidates(err), details)
	if ue != nil && ue.hint != "" {
		fmt.Fprintln(w, ue.hintText(lang))
	}
	return code
}

// printChoices lists the candidates of an error, their columns (id, name,
// account when there is one) aligned by display width, then its detail
// lines.
func printChoices(w io.Writer, candidates []crm.Candidate, details []string) {
	rows := make([][]string, 0, len(candidates)+len(details))
	for _, c := range candidates {
		row := []string{strconv.FormatInt(c.ID, 10), c.Name}
		if c.Account != "" {
			row = append(row, c.Account)
		}
		rows = append(rows, row)
	}
	for _, d := range details {
		rows = append(rows, []string{d})
	}
	var widths []int
	for _, row := range rows {
		for j, cell := range row {
			cell = iostreams.CleanLine(cell)
			row[j] = cell
			if j == len(widths) {
				widths = append(widths, 0)
			}
			widths[j] = max(widths[j], match.Width(cell))
		}
	}
	for _, row := range rows {
		line := "  "
		for j, cell := range row {
			if j < len(row)-1 {
				cell = match.PadRight(cell, widths[j]) + "  "
			}
			line += cell
		}
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
}

// isUserError reports whether err is the user's input (exit 2): bad usage,
// or a domain error about what was typed.
func isUserError(err error) bool {
	var ue *usageError
	if errors.As(err, &ue) {
		return true
	}
	switch crm.ErrorCode(err) {
	case crm.EINVALID, crm.ENOTFOUND, crm.EAMBIGUOUS, crm.ENOCHANGE, crm.ENOTBOOK:
		return true
	}
	return false
}

// usageError is bad usage: an unknown flag or command, a wrong number of
// arguments, a malformed value. It exits 2. msg is the English line; format
// and args, when set, are what made it, for Main to say it in the
// interface's language (errorText), and cause, when set, is the error it
// reports. hint is a format when hintArgs are set.
type usageError struct {
	msg, hint string
	format    string
	args      []any
	hintArgs  []any
	cause     error
}

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...), format: format, args: args}
}

// openBook opens the book at the path the App resolved: the one place that
// picks the services' backend. A postgres:// URL is a team's book on a
// PostgreSQL server (docs/team.md), which is made a book when its database
// is empty; anything else is a SQLite file.
func openBook(ctx context.Context, path string, now func() time.Time, create bool) (*Book, error) {
	if postgres.IsURL(path) {
		open := postgres.OpenExisting
		if create {
			open = postgres.Open
		}
		db, err := open(ctx, path, now)
		if err != nil {
			return nil, err
		}
		return &Book{Services: postgres.NewServices(db), Path: path, Team: true}, nil
	}
	open := sqlite.OpenExisting
	if create {
		open = sqlite.Open
	}
	db, err := open(ctx, path, now)
	if err != nil {
		return nil, err
	}
	return &Book{
		Services: sqlite.NewServices(db),
		Path:     path,
		File:     sqlite.NewMaintenanceService(db),
	}, nil
}

// openReader opens the book at path only to read it (completion): a SQLite
// file read-only, waiting at most busy for a writer; a PostgreSQL book as
// any other client of its server.
func openReader(ctx context.Context, path string, now func() time.Time, busy time.Duration) (*crm.Services, error) {
	if postgres.IsURL(path) {
		db, err := postgres.OpenExisting(ctx, path, now)
		if err != nil {
			return nil, err
		}
		return postgres.NewServices(db), nil
	}
	db, err := sqlite.OpenReadOnly(ctx, path, now, busy)
	if err != nil {
		return nil, err
	}
	return sqlite.NewServices(db), nil
}

// defaultBookPath is $XDG_DATA_HOME/crm/crm.db, else ~/.local/share/crm/crm.db.
func defaultBookPath(getenv func(string) string) (string, error) {
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "crm", "crm.db"), nil
	}
	home := getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return "", fmt.Errorf("cannot find the book: set --db, CRM_DB or HOME")
		}
	}
	return filepath.Join(home, ".local", "share", "crm", "crm.db"), nil
}
