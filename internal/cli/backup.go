package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/postgres"
	"github.com/spf13/cobra"
)

type backupOptions struct {
	*App
	Path string
	Keep int
	jsonOptions
	// Dir is PATH when it names a directory: the copy goes inside it.
	Dir string
}

func newBackupCmd(app *App, runF func(context.Context, *backupOptions) error) *cobra.Command {
	opts := &backupOptions{App: app}
	cmd := &cobra.Command{
		Use:         "backup [PATH] [--keep N]",
		Annotations: map[string]string{pathArgs: "yes"},
		Short:       "Copy the book safely, even while crm is writing to it",
		Long: `Write a consistent copy of the book, made while other crm processes may go on
writing, checked (quick_check, application_id, schema version), synced to disk
and private (mode 0600). The copy appears at PATH whole or not at all, and is
a book like any other: crm --db COPY ls opens it.

Without PATH the copy goes beside the book, named by the time:
crm.db.backup-20261122-090000.db, then crm.db.backup-20261122-090000-2.db for
another in the same second. A PATH that is a directory gets that name inside
it. An existing file is never overwritten.

--keep N then deletes the oldest timestamped backups of this book in that
directory beyond the newest N; no other file is touched.

The path of the copy is printed on stdout (with --json: its path, size and
schema version); its size and the time taken on stderr.

Exit status: 0 written; 2 PATH exists, or a bad --keep; 1 failure.`,
		Example: `  crm backup
  crm backup /media/usb/ --keep 10
  crm backup ~/crm-before-import.db`,
		Args: maxArgs(1, "at most one PATH"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Path = args[0]
			}
			if cmd.Flags().Changed("keep") && opts.Keep < 1 {
				return usageErrorf("--keep must be at least 1, got %d", opts.Keep)
			}
			if p := opts.Path; p != "" {
				if fi, err := os.Stat(p); (err == nil && fi.IsDir()) || strings.HasSuffix(p, string(os.PathSeparator)) {
					opts.Dir = p
				} else if opts.Keep > 0 {
					return usageErrorf("--keep prunes timestamped backups: give a directory as PATH, or none")
				}
			}
			return runCmd(cmd, opts, runF, runBackup)
		},
	}
	cmd.Flags().IntVar(&opts.Keep, "keep", 0, "keep only the newest `N` timestamped backups")
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runBackup(ctx context.Context, opts *backupOptions) error {
	cc, err := opts.begin(ctx, &opts.jsonOptions)
	if err != nil {
		return err
	}
	asJSON, now, book := cc.JSON, cc.Now, cc.Book
	file, err := book.bookFile("crm backup", "back it up with pg_dump")
	if err != nil {
		return err
	}
	dir, path := opts.Dir, opts.Path
	// A timestamped name that is taken (a backup in the same second) gets
	// the next sequence number; a PATH the user named is never replaced.
	named := path != "" && dir == ""
	start := time.Now()
	var res *crm.BackupResult
	for seq := 1; ; seq++ {
		if !named {
			path = crm.BackupPath(book.Path, now, seq)
			if dir != "" {
				path = filepath.Join(dir, filepath.Base(path))
			}
		}
		res, err = file.Backup(ctx, path)
		if named || crm.ErrorCode(err) != crm.ECONFLICT || seq == maxBackupsPerSecond {
			break
		}
	}
	if crm.ErrorCode(err) == crm.ECONFLICT {
		return crm.Errorf(crm.EINVALID, "%s", crm.ErrorMessage(err))
	} else if err != nil {
		return err
	}
	if asJSON {
		err = opts.printJSON(opts.IO, res)
	} else {
		_, err = fmt.Fprintln(opts.IO.Out, iostreams.CleanLine(res.Path))
	}
	if err != nil {
		return err
	}
	opts.notef("backed up the book (%s, schema %d) in %.1fs", fmtSize(res.Size), res.SchemaVersion, time.Since(start).Seconds())
	if opts.Keep == 0 {
		return nil
	}
	removed, err := pruneBackups(book.Path, res.Path, opts.Keep)
	for _, p := range removed {
		opts.notef("removed the old backup %s", iostreams.CleanLine(p))
	}
	return err
}

// maxBackupsPerSecond bounds the sequence numbers tried for the timestamped
// name of a backup.
const maxBackupsPerSecond = 1000

// pruneBackups deletes the oldest timestamped backups of book beside the
// one just made beyond the newest keep (that one counted, and never
// deleted, whatever its time), and returns what it deleted. Only names that
// crm.BackupTime recognises are considered.
func pruneBackups(book, made string, keep int) ([]string, error) {
	dir := filepath.Dir(made)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("prune backups in %s: %w", dir, err)
	}
	type backup struct {
		name string
		at   time.Time
		seq  int
	}
	var backups []backup
	for _, e := range entries {
		if t, seq, ok := crm.BackupTime(book, e.Name()); ok && e.Type().IsRegular() && e.Name() != filepath.Base(made) {
			backups = append(backups, backup{e.Name(), t, seq})
		}
	}
	// Oldest first: by time, then by sequence within a second (…-2 before
	// …-10, which the names alone would not sort).
	sort.Slice(backups, func(i, j int) bool {
		if !backups[i].at.Equal(backups[j].at) {
			return backups[i].at.Before(backups[j].at)
		}
		if backups[i].seq != backups[j].seq {
			return backups[i].seq < backups[j].seq
		}
		return backups[i].name < backups[j].name
	})
	var removed []string
	for _, b := range backups[:max(0, len(backups)-(keep-1))] {
		p := filepath.Join(dir, b.name)
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("prune backups: %w", err)
		}
		os.Remove(p + "-wal")
		os.Remove(p + "-shm")
		removed = append(removed, p)
	}
	return removed, nil
}

// fmtSize says how big a file is, in binary units.
func fmtSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n)/unit, 0
	for v >= unit && i < 3 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGT"[i])
}

type restoreOptions struct {
	*App
	Path string
	Yes  bool
}

func newRestoreCmd(app *App, runF func(context.Context, *restoreOptions) error) *cobra.Command {
	opts := &restoreOptions{App: app}
	cmd := &cobra.Command{
		Use:         "restore PATH --yes",
		Annotations: map[string]string{pathArgs: "yes"},
		Short:       "Replace the book with a backup (the current book is kept aside)",
		Long: `Replace the book with a copy of the book at PATH, usually one that crm backup
wrote. PATH is checked first: it must be a crm book, pass quick_check, and not
come from a newer crm (an older one is brought up to date when crm next opens
it). A file that fails is refused, and nothing changes.

The current book is not deleted: it is kept beside it as
crm.db.before-restore-20261122-090000.db, whose path is printed on stdout.
The new book is put in place in one atomic rename. A book that another crm
has open (a script that is still running, say) is left alone: close it and try again.

Restoring replaces everything in the book, so --yes is required.

Exit status: 0 restored; 2 no --yes, or PATH missing, not a book, damaged or
too new; 1 the book is in use, or another failure.`,
		Example: `  crm restore ~/.local/share/crm/crm.db.backup-20261122-090000.db --yes
  crm --db /tmp/test.db restore /media/usb/crm.db.backup-20261101-080000.db --yes`,
		Args: exactArgs("PATH"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Path = args[0]
			if !opts.Yes {
				return &usageError{msg: "restore replaces the book; add --yes", hint: "The current book is kept aside, but check PATH first: crm --db PATH ls"}
			}
			return runCmd(cmd, opts, runF, runRestore)
		},
	}
	cmd.Flags().BoolVar(&opts.Yes, "yes", false, "confirm that the book is to be replaced")
	return cmd
}

func runRestore(ctx context.Context, opts *restoreOptions) error {
	now, err := opts.Now()
	if err != nil {
		return err
	}
	bookPath, err := opts.bookPath()
	if err != nil {
		return err
	}
	if postgres.IsURL(bookPath) {
		return crm.Errorf(crm.EINVALID, "crm restore replaces a book file; this book is on a PostgreSQL server: restore it with pg_restore (docs/team.md)")
	}
	aside, err := opts.Files.RestoreBook(ctx, opts.Path, bookPath, func() time.Time { return now })
	if err != nil {
		return err
	}
	src, book := iostreams.CleanLine(opts.Path), iostreams.CleanLine(bookPath)
	if aside == "" {
		opts.notef("restored %s from %s", book, src)
		return nil
	}
	fmt.Fprintln(opts.IO.Out, iostreams.CleanLine(aside))
	opts.notef("restored %s from %s; the previous book is kept at %s", book, src, iostreams.CleanLine(aside))
	return nil
}

type doctorOptions struct {
	*App
	Fix, Full bool
	jsonOptions
}

func newDoctorCmd(app *App, runF func(context.Context, *doctorOptions) error) *cobra.Command {
	opts := &doctorOptions{App: app}
	cmd := &cobra.Command{
		Use:   "doctor [--fix] [--full]",
		Short: "Check the book's health; --fix repairs what is safe to repair",
		Long: `Check the book and print one line per check, ok or problem:

  application_id, schema   the file is a crm book this crm knows
  integrity                PRAGMA quick_check (--full: integrity_check, slower)
  foreign_keys             every reference points to a row
  file_mode, dir_mode      the book is 0600 and its directory 0700
  temp_files               no temporary files left by an interrupted crm
  touch_times, last_touch, due_dates, tags, search_keys, duplicate_pairs,
  birthdays                every stored copy (a contact's last touch and due
                           date, its tag and search indexes, the candidate
                           pairs of crm dupes, its birthday) equals what it
                           is computed from

--fix recomputes the copies that differ in one transaction (crm undo can take
it back), sets the modes, and removes temporary files older than an hour; it
says what it did. A directory that others may list but that holds other files
than the book's (a shared folder) is a warning, not a problem: --fix leaves it
alone, and the warning gives the command that makes it private. A damaged file (integrity, foreign_keys) is only reported:
restore a backup with crm restore PATH --yes.

Exit status: 0 healthy (or everything fixed; warnings too); 1 problems remain;
2 invalid flags.`,
		Example: `  crm doctor
  crm doctor --fix
  crm doctor --json --jq '.checks[] | select(.ok | not) | .name'`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error { return runCmd(cmd, opts, runF, runDoctor) },
	}
	cmd.Flags().BoolVar(&opts.Fix, "fix", false, "repair what is safe to repair")
	cmd.Flags().BoolVar(&opts.Full, "full", false, "run the full integrity check (minutes on a large book)")
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

// damageChecks are the checks that only a backup cures.
var damageChecks = []string{"application_id", "schema", "integrity", "foreign_keys"}

func runDoctor(ctx context.Context, opts *doctorOptions) error {
	cc, err := opts.begin(ctx, &opts.jsonOptions)
	if err != nil {
		return err
	}
	asJSON, book := cc.JSON, cc.Book
	file, err := book.bookFile("crm doctor", "the server keeps it whole; check it with amcheck")
	if err != nil {
		return err
	}
	r, err := file.Doctor(ctx, opts.Fix, opts.Full)
	if err != nil {
		return err
	}
	if asJSON {
		if err := opts.printJSON(opts.IO, r); err != nil {
			return err
		}
	} else if err := printDoctor(opts.App, r); err != nil {
		return err
	}
	fixed, problems := r.Fixed(), r.Problems()
	if problems == 0 {
		msg := opts.tr("the book is healthy")
		if fixed > 0 {
			msg = opts.trf("fixed %s; %s", counted{n: fixed, word: "problem"}, msg)
		}
		if w := r.Warnings(); w > 0 {
			msg += opts.trf(" (%s: see above)", counted{n: w, word: "warning"})
		}
		fmt.Fprintln(opts.IO.ErrOut, msg)
		return nil
	}
	var advice []string
	damaged, fixable := false, false
	for _, c := range r.Checks {
		if !c.OK && slices.Contains(damageChecks, c.Name) {
			damaged = true
		} else if !c.OK {
			fixable = true
		}
	}
	if fixable && !opts.Fix {
		advice = append(advice, opts.tr("run crm doctor --fix"))
	}
	if damaged {
		advice = append(advice, opts.tr("the file is damaged: restore a backup with crm restore PATH --yes"))
	}
	msg := opts.trf("%s found", counted{n: problems, word: "problem"})
	if opts.Fix {
		msg = opts.trf("%s remain", counted{n: problems, word: "problem"})
	}
	if len(advice) > 0 {
		msg += opts.tr("; ") + strings.Join(advice, opts.tr("; "))
	}
	return crm.Errorf(crm.EINTERNAL, "%s", msg)
}

func printDoctor(app *App, r *crm.DoctorReport) error {
	th := app.Theme()
	t := newTable(app.IO, th, "STATUS", "CHECK", "DETAIL")
	for _, c := range r.Checks {
		status := cell{text: "ok", style: th.Good}
		switch {
		case c.Fixed:
			status = cell{text: "fixed", style: th.Accent}
		case !c.OK:
			status = cell{text: "problem", style: th.Bad}
		case c.Warning:
			status = cell{text: "warning", style: th.Accent}
		}
		t.StyledRow(status, cell{text: c.Name}, cell{text: c.Detail})
	}
	return t.Flush()
}
