package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/interop"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/spf13/cobra"
)

// exportFormats are the formats crm export writes.
var exportFormats = []string{"json", "ndjson", "csv", "vcard", "ics"}

// exportFlagFormats says which formats each format-specific flag applies
// to; a flag given with another format is refused naming it.
var exportFlagFormats = map[string][]string{
	"since":         {"json", "ndjson"},
	"archived":      {"csv", "vcard"},
	"bom":           {"csv"},
	"columns":       {"csv"},
	"vcard-version": {"vcard"},
	"todos":         {"ics"},
}

type exportOptions struct {
	*App
	Format       string
	NDJSON       bool
	Output       string
	Contact, Tag string
	since        string
	Since        *time.Time
	Archived     bool
	BOM          bool
	columns      string
	Columns      []string
	VCardVersion string
	Todos        bool
}

func newExportCmd(app *App, runF func(context.Context, *exportOptions) error) *cobra.Command {
	opts := &exportOptions{App: app}
	cmd := &cobra.Command{
		Use:   "export [--format json|ndjson|csv|vcard|ics] [--output FILE]",
		Short: "Export the book: JSON for scripts, vCard, CSV, iCalendar",
		Long: `Write the book on stdout (--output: into FILE, mode 0600, whole or not at all).

  json     the whole book as one object (docs/json.md): every record, with
           references by uid; crm import reads it back losslessly
  ndjson   the same, one record a line, each with a "type" key (also --ndjson)
  csv      the active contacts (--archived: the archived ones) for a
           spreadsheet; --bom for Excel, --columns to choose columns; cells a
           spreadsheet would run as a formula get a leading apostrophe
  vcard    one card per contact, vCard 3.0 (--vcard-version 4.0 for RFC 6350)
  ics      key dates, festivals and open follow-ups and promises as an
           iCalendar a calendar app can subscribe to (--todos: also as VTODO)

--contact REF and --tag T keep one contact, or those with a tag (with their
touches, tasks and dates); --since WHEN keeps the touches from then on.

Exit status: 0 written; 2 unknown format or a flag the format does not take; 1 failure.`,
		Example: `  crm export > book.json
  crm export --ndjson | jq -c 'select(.type == "touch")'
  crm export --format csv --bom --columns name,account,phones > contacts.csv
  crm export --format vcard --tag client --output clients.vcf
  crm export --format ics --output ~/Calendars/crm.ics`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.NDJSON {
				if cmd.Flags().Changed("format") && opts.Format != "ndjson" {
					return crm.Errorf(crm.EINVALID, "--ndjson with --format %s: choose one", opts.Format)
				}
				opts.Format = "ndjson"
			}
			if !slices.Contains(exportFormats, opts.Format) {
				return crm.Errorf(crm.EINVALID, "unknown format %q (valid: %s)", opts.Format, strings.Join(exportFormats, ", "))
			}
			for _, flag := range []string{"since", "archived", "bom", "columns", "vcard-version", "todos"} {
				if cmd.Flags().Changed(flag) && !slices.Contains(exportFlagFormats[flag], opts.Format) {
					return crm.Errorf(crm.EINVALID, "--%s does not apply to --format %s (only to %s)", flag, opts.Format, strings.Join(exportFlagFormats[flag], ", "))
				}
			}
			if opts.since != "" {
				now, err := app.Now()
				if err != nil {
					return err
				}
				t, err := whenFlag("since", opts.since, now)
				if err != nil {
					return err
				}
				opts.Since = &t
			}
			if cmd.Flags().Changed("columns") {
				var err error
				if opts.Columns, err = interop.ParseCSVColumns(opts.columns); err != nil {
					return err
				}
			}
			if opts.VCardVersion != "3.0" && opts.VCardVersion != "4.0" {
				return crm.Errorf(crm.EINVALID, "--vcard-version %s: want 3.0 or 4.0", opts.VCardVersion)
			}
			opts.Tag = strings.TrimSpace(opts.Tag)
			if cmd.Flags().Changed("tag") {
				tags := crm.NormalizeTags([]string{opts.Tag})
				if len(tags) == 0 {
					return crm.Errorf(crm.EINVALID, "--tag is empty")
				}
				opts.Tag = tags[0]
			}
			return runCmd(cmd, opts, runF, runExport)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Format, "format", "json", "the format: "+strings.Join(exportFormats, ", "))
	f.BoolVar(&opts.NDJSON, "ndjson", false, "one record a line (--format ndjson)")
	f.StringVarP(&opts.Output, "output", "o", "", "write to `FILE` instead of stdout")
	f.StringVar(&opts.Contact, "contact", "", "only the contact `REF`")
	f.StringVar(&opts.Tag, "tag", "", "only the contacts with tag `T`")
	f.StringVar(&opts.since, "since", "", "only the touches and stage changes on or after `WHEN` (json, ndjson)")
	f.BoolVar(&opts.Archived, "archived", false, "the archived contacts instead of the active ones (csv, vcard)")
	f.BoolVar(&opts.BOM, "bom", false, "start with a byte order mark, for Excel (csv)")
	f.StringVar(&opts.columns, "columns", "", "the `COLS` to write, comma-separated, in order (csv)")
	f.StringVar(&opts.VCardVersion, "vcard-version", "3.0", "vCard `VERSION`: 3.0 or 4.0 (vcard)")
	f.BoolVar(&opts.Todos, "todos", false, "also write follow-ups and promises as VTODO (ics)")
	return cmd
}

func runExport(ctx context.Context, opts *exportOptions) error {
	cc, err := opts.begin(ctx, nil)
	if err != nil {
		return err
	}
	var contact *crm.Contact
	if opts.Contact != "" {
		if contact, err = cc.Book.Contacts.ResolveContact(ctx, opts.Contact); err != nil {
			return err
		}
	}
	var n exported
	err = writeOutput(opts.IO.Out, opts.Output, func(w io.Writer) error {
		var err error
		switch opts.Format {
		case "json", "ndjson":
			n, err = exportBookFile(ctx, opts, cc, contact, w)
		case "csv", "vcard":
			n, err = exportContacts(ctx, opts, cc, contact, w)
		case "ics":
			n, err = exportCalendar(ctx, opts, cc, contact, w)
		}
		return err
	})
	if err != nil {
		return err
	}
	contacts := counted{n: n.contacts, word: "contact"}
	dates, tasks := counted{n: n.dates, word: "key date"}, counted{n: n.tasks, word: "task"}
	to := iostreams.CleanLine(opts.Output)
	switch {
	case n.book && to == "":
		opts.notef("exported the book: %s", contacts)
	case n.book:
		opts.notef("exported the book: %s to %s", contacts, to)
	case n.calendar && to == "":
		opts.notef("exported a calendar: %s, %s", dates, tasks)
	case n.calendar:
		opts.notef("exported a calendar: %s, %s to %s", dates, tasks, to)
	case to == "":
		opts.notef("exported %s", contacts)
	default:
		opts.notef("exported %s to %s", contacts, to)
	}
	return nil
}

// exported counts what an export wrote, for the line on stderr.
type exported struct {
	book, calendar         bool
	contacts, dates, tasks int
}

// writeOutput runs write on stdout, or on a new file at path that replaces
// path only once it is complete and synced (mode 0600: a book is personal
// data); an error leaves path as it was.
func writeOutput(stdout io.Writer, path string, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		out := bufio.NewWriterSize(stdout, 64<<10)
		if err := write(out); err != nil {
			return err
		}
		return out.Flush()
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".crm-export-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op once renamed
	out := bufio.NewWriterSize(f, 64<<10)
	err = write(out)
	if err == nil {
		err = out.Flush()
	}
	if err == nil {
		err = f.Chmod(0o600)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// countingSink counts the records going through to a book file.
type countingSink struct {
	crm.BookSink
	contacts, records int
}

func (c *countingSink) Contact(line int, x *crm.BookContact) error {
	c.contacts++
	return c.BookSink.Contact(line, x)
}

func exportBookFile(ctx context.Context, opts *exportOptions, cc *cmdContext, contact *crm.Contact, w io.Writer) (exported, error) {
	bw := interop.NewBookWriter(w, opts.Format == "ndjson")
	if err := bw.Header(crm.BookHeader{ExportedAt: cc.Now}); err != nil {
		return exported{}, err
	}
	f := crm.BookFilter{Tag: opts.Tag, Since: opts.Since}
	if contact != nil {
		f.ContactID = contact.ID
	}
	sink := &countingSink{BookSink: bw}
	if err := cc.Book.Export.ExportBook(ctx, f, sink); err != nil {
		return exported{}, err
	}
	if err := bw.Close(); err != nil {
		return exported{}, err
	}
	return exported{book: true, contacts: sink.contacts}, nil
}

// exportedContacts streams the contacts an export of contacts holds.
func exportedContacts(ctx context.Context, opts *exportOptions, cc *cmdContext, contact *crm.Contact, fn func(*crm.Contact) error) error {
	if contact != nil {
		return fn(contact)
	}
	f := crm.ContactFilter{Archived: opts.Archived, Sort: crm.SortCreated}
	if opts.Tag != "" {
		f.Tags = []string{opts.Tag}
	}
	return cc.Book.Contacts.FindContacts(ctx, f, fn)
}

func exportContacts(ctx context.Context, opts *exportOptions, cc *cmdContext, contact *crm.Contact, w io.Writer) (exported, error) {
	n := 0
	if opts.Format == "csv" {
		cw, err := interop.NewContactCSV(w, interop.ContactCSVOptions{BOM: opts.BOM, Columns: opts.Columns})
		if err != nil {
			return exported{}, err
		}
		if err := exportedContacts(ctx, opts, cc, contact, func(c *crm.Contact) error { n++; return cw.Write(c) }); err != nil {
			return exported{}, err
		}
		return exported{contacts: n}, cw.Close()
	}
	dates, err := keyDatesByContact(ctx, cc, contact)
	if err != nil {
		return exported{}, err
	}
	vw, err := interop.NewVCardWriter(w, opts.VCardVersion)
	if err != nil {
		return exported{}, err
	}
	err = exportedContacts(ctx, opts, cc, contact, func(c *crm.Contact) error {
		n++
		return vw.Write(c, dates[c.ID])
	})
	if err != nil {
		return exported{}, err
	}
	return exported{contacts: n}, vw.Close()
}

// keyDatesByContact reads the key dates of the book (of contact, when
// given) at once, by contact.
func keyDatesByContact(ctx context.Context, cc *cmdContext, contact *crm.Contact) (map[int64][]crm.KeyDate, error) {
	var id int64
	if contact != nil {
		id = contact.ID
	}
	all, err := cc.Book.KeyDates.FindKeyDates(ctx, id)
	if err != nil {
		return nil, err
	}
	out := map[int64][]crm.KeyDate{}
	for _, k := range all {
		out[k.ContactID] = append(out[k.ContactID], *k)
	}
	return out, nil
}

func exportCalendar(ctx context.Context, opts *exportOptions, cc *cmdContext, contact *crm.Contact, w io.Writer) (exported, error) {
	book := cc.Book
	contacts := map[int64]*crm.Contact{}
	if err := exportedContacts(ctx, opts, cc, contact, func(c *crm.Contact) error { contacts[c.ID] = c; return nil }); err != nil {
		return exported{}, err
	}
	var dates []*crm.KeyDate
	var id int64
	if contact != nil {
		id = contact.ID
	}
	all, err := book.KeyDates.FindKeyDates(ctx, id)
	if err != nil {
		return exported{}, err
	}
	for _, k := range all {
		if contacts[k.ContactID] != nil {
			dates = append(dates, k)
		}
	}
	open, err := book.Tasks.FindTasks(ctx, crm.TaskFilter{ContactID: id})
	if err != nil {
		return exported{}, err
	}
	tasks := open[:0]
	for _, t := range open {
		if contacts[t.ContactID] != nil {
			tasks = append(tasks, t)
		}
	}
	fs, err := book.Settings.GetSetting(ctx, "festivals")
	if err != nil {
		return exported{}, err
	}
	festivals, err := crm.ParseFestivals(fs)
	if err != nil {
		return exported{}, err
	}
	err = interop.WriteCalendar(w, interop.CalendarOptions{Now: cc.Now, Todos: opts.Todos, Loc: time.Local, Lang: opts.lang()},
		contacts, dates, tasks, festivals)
	return exported{calendar: true, dates: len(dates), tasks: len(tasks)}, err
}
