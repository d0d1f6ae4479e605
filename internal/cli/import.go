package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/interop"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/spf13/cobra"
)

// importFormats are the formats crm import reads.
var importFormats = []string{"json", "ndjson", "vcard", "csv"}

// progressMin is the size of a file above which crm import shows its
// progress (on a terminal): smaller files import faster than a glance.
const progressMin = 4 << 20

type importOptions struct {
	*App
	jsonOptions
	File   string
	Format string
	DryRun bool
	mapArg string
	Map    map[string]string
}

func newImportCmd(app *App, runF func(context.Context, *importOptions) error) *cobra.Command {
	opts := &importOptions{App: app}
	cmd := &cobra.Command{
		Use:   "import FILE|- [--format json|ndjson|vcard|csv] [--dry-run]",
		Short: "Import a book file, vCards or a CSV of contacts",
		Long: `Read FILE (- for stdin) into the book, in one change that crm undo removes.
The format comes from --format, else the file's extension (.json .ndjson
.vcf .csv .tsv .txt), else its content.

  json, ndjson  a book that crm export wrote: records merge by uid; a known
                uid is updated to the file's version, a new one added.
                Importing the same file twice changes nothing.
  vcard         vCard 2.1, 3.0 and 4.0 (Google, iOS, Android, Outlook)
  csv           a sheet with a header row (Excel, WPS; comma or tab; Chinese
                headers such as 姓名 公司 手机 邮箱 are known); --map COL=field
                names the field of any other column

A contact of a vCard or CSV that has the uid, an email or a phone of one in
the book (phones compared without +86, spaces or dashes) updates it: empty
fields are filled and new phones, emails and tags added, nothing is wiped.
One that shares only a name with a contact is added and listed as a likely
duplicate (see crm dupes).

--dry-run shows what would be added, updated and skipped, and writes nothing.

Exit status: 0 imported; 2 a file that is not its format, or a bad record
(nothing is written: "crm: FILE: line N: problem"); 1 failure.`,
		Example: `  crm import contacts.vcf
  crm import --dry-run 客户.csv --map 单位=account,QQ=skip
  crm export --ndjson | ssh laptop crm import -`,
		Args: exactArgs("FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if opts.Format != "" && !slices.Contains(importFormats, opts.Format) {
				return crm.Errorf(crm.EINVALID, "unknown format %q (valid: %s)", opts.Format, strings.Join(importFormats, ", "))
			}
			if opts.mapArg != "" {
				var err error
				if opts.Map, err = interop.ParseCSVMap(opts.mapArg); err != nil {
					return err
				}
			}
			return runCmd(cmd, opts, runF, runImport)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Format, "format", "", "the format: "+strings.Join(importFormats, ", ")+" (default: from the name or content)")
	f.BoolVarP(&opts.DryRun, "dry-run", "n", false, "show what would change; write nothing")
	f.StringVar(&opts.mapArg, "map", "", "CSV columns to read as fields: `COL=field,…` (field: "+strings.Join(interop.CSVFieldKeys, ", ")+")")
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

// importFormatOf is the format of a file by its extension, "" when the
// extension says nothing.
func importFormatOf(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return "json"
	case ".ndjson", ".jsonl":
		return "ndjson"
	case ".vcf", ".vcard":
		return "vcard"
	case ".csv", ".tsv", ".txt":
		return "csv"
	}
	return ""
}

// sniffFormat tells a book, vCards and a sheet apart by their start.
func sniffFormat(head []byte) string {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	head = bytes.TrimLeft(head, " \t\r\n")
	switch {
	case bytes.HasPrefix(head, []byte("{")):
		return "json"
	case len(head) >= 11 && strings.EqualFold(string(head[:11]), "BEGIN:VCARD"):
		return "vcard"
	}
	return "csv"
}

func runImport(ctx context.Context, opts *importOptions) error {
	name := opts.File
	var in io.Reader = opts.IO.In
	var size int64
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return crm.Errorf(crm.EINVALID, "%s: %v", name, errors.Unwrap(err))
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil {
			size = st.Size()
		}
		in = f
	} else {
		name = "stdin"
	}
	br := bufio.NewReaderSize(in, 64<<10)
	format := opts.Format
	if format == "" && opts.File != "-" {
		format = importFormatOf(opts.File)
	}
	if format == "" {
		head, _ := br.Peek(512)
		format = sniffFormat(head)
	}
	if opts.Map != nil && format != "csv" {
		return crm.Errorf(crm.EINVALID, "--map applies to CSV only, not to %s", format)
	}
	cc, err := opts.beginNew(ctx, &opts.jsonOptions)
	if err != nil {
		return err
	}
	var r io.Reader = br
	if size >= progressMin && opts.IO.IsStderrTTY() {
		p := newProgress(opts.IO, name, size)
		defer p.done()
		r = io.TeeReader(br, p)
	}
	ctx = crm.WithChangeSummary(ctx, "import "+name)
	o := crm.ImportOptions{Name: filepath.Base(name), DryRun: opts.DryRun}
	var rep *crm.ImportReport
	switch format {
	case "json", "ndjson":
		rep, err = cc.Book.Import.ImportBook(ctx, o, func(s crm.BookSink) error { return interop.DecodeBook(r, s) })
	default:
		rep, err = cc.Book.Import.ImportDrafts(ctx, o, func(fn func(*crm.ImportDraft) error) error {
			each := func(d interop.Draft) error {
				return fn(&crm.ImportDraft{Line: d.Line, Contact: d.Contact, KeyDates: d.KeyDates})
			}
			if format == "vcard" {
				return interop.DecodeVCards(r, each)
			}
			return interop.DecodeContactCSV(r, interop.CSVOptions{Map: opts.Map}, each)
		})
	}
	if err != nil {
		if crm.ErrorCode(err) == crm.EINVALID {
			return crm.Errorf(crm.EINVALID, "%s: %s", iostreams.CleanLine(name), iostreams.CleanLine(crm.ErrorMessage(err)))
		}
		return err
	}
	if cc.JSON {
		return opts.printJSON(opts.IO, rep)
	}
	printImportReport(opts.App, rep)
	return nil
}

// importListMax is how many records of each list the report names on a
// terminal or in a pipe; --json lists them all.
const importListMax = 50

// printImportReport lists the records by what became of them, on stdout,
// and sums it up on stderr.
func printImportReport(app *App, rep *crm.ImportReport) {
	ios := app.IO
	verb := map[bool][2]string{false: {"added", "updated"}, true: {"would add", "would update"}}[rep.DryRun]
	list := func(what string, items []*crm.ImportItem, detail func(*crm.ImportItem) string) {
		for i, it := range items {
			if i == importListMax {
				fmt.Fprintf(ios.Out, "%s\t… and %d more (--json lists them all)\n", what, len(items)-i)
				break
			}
			line := fmt.Sprintf("%s\tline %d\t%s", what, it.Line, iostreams.CleanLine(it.Name))
			if d := detail(it); d != "" {
				line += "\t" + d
			}
			fmt.Fprintln(ios.Out, line)
		}
	}
	none := func(*crm.ImportItem) string { return "" }
	matched := func(it *crm.ImportItem) string {
		if it.Match == "" {
			return ""
		}
		return fmt.Sprintf("matched %s (%d) by %s", iostreams.CleanLine(it.Match), it.MatchID, it.By)
	}
	list(verb[0], rep.Added, none)
	list(verb[1], rep.Updated, matched)
	var matchedSame []*crm.ImportItem
	for _, it := range rep.Unchanged {
		if it.Match != "" {
			matchedSame = append(matchedSame, it)
		}
	}
	list("unchanged", matchedSame, matched)
	list("skipped", rep.Skipped, func(it *crm.ImportItem) string { return it.Reason })
	list("duplicate?", rep.Duplicates, func(it *crm.ImportItem) string {
		return fmt.Sprintf("same name as %s (%d); see crm dupes", iostreams.CleanLine(it.Match), it.MatchID)
	})
	kinds := make([]string, 0, len(rep.Counts))
	for k := range rep.Counts {
		kinds = append(kinds, k)
	}
	slices.SortFunc(kinds, func(a, b string) int { return kindOrder(a) - kindOrder(b) })
	var parts []string
	for _, k := range kinds {
		c := rep.Counts[k]
		parts = append(parts, app.trf("%s: %d added, %d updated, %d unchanged", kindPlural(app, k), c.Added, c.Updated, c.Unchanged))
	}
	if len(parts) == 0 {
		parts = append(parts, app.tr("nothing to import"))
	}
	if len(rep.Skipped) > 0 {
		parts = append(parts, app.trf("%d skipped", len(rep.Skipped)))
	}
	if len(rep.Duplicates) > 0 {
		parts = append(parts, counted{n: len(rep.Duplicates), word: "likely duplicate"}.Text(app.lang()))
	}
	file, body := iostreams.CleanLine(rep.File), strings.Join(parts, app.tr("; "))
	switch {
	case rep.DryRun:
		app.notef("dry run, nothing written: %s: %s", file, body)
	case !rep.Changed():
		app.notef("nothing changed: %s: %s", file, body)
	default:
		app.notef("imported %s: %s", file, body)
	}
}

// kindPlural names records of a kind in the report, in the interface's
// language.
func kindPlural(app *App, k string) string {
	switch k {
	case "account":
		return app.tr("accounts")
	case "contact":
		return app.tr("contacts")
	case "touch":
		return app.tr("touches")
	case "stage_change":
		return app.tr("stage changes")
	case "task":
		return app.tr("tasks")
	case "key_date":
		return app.tr("key dates")
	case "plan":
		return app.tr("plans")
	case "setting":
		return app.tr("settings")
	case "alias":
		return app.tr("aliases")
	}
	return strings.ReplaceAll(k, "_", " ") + "s"
}

func kindOrder(k string) int {
	for i, x := range []string{"account", "contact", "touch", "stage_change", "task", "key_date", "plan", "setting", "alias"} {
		if x == k {
			return i
		}
	}
	return 99
}

// progress draws a bar of the bytes read on stderr, at most ten times a
// second, and clears it when done.
type progress struct {
	mu         sync.Mutex
	ios        *iostreams.IOStreams
	name       string
	size, read int64
	last       time.Time
	shown      bool
}

func newProgress(ios *iostreams.IOStreams, name string, size int64) *progress {
	return &progress{ios: ios, name: iostreams.CleanLine(filepath.Base(name)), size: size}
}

func (p *progress) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.read += int64(len(b))
	if now := time.Now(); now.Sub(p.last) >= 100*time.Millisecond {
		p.last = now
		const width = 30
		done := int(min(p.read*width/p.size, width))
		fmt.Fprintf(p.ios.ErrOut, "\rimporting %s [%s%s] %3d%%", p.name, strings.Repeat("=", done), strings.Repeat(" ", width-done), p.read*100/p.size)
		p.shown = true
	}
	return len(b), nil
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.ios.ErrOut, "\r\x1b[K")
	}
}
