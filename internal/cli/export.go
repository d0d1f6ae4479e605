package cli

import (
	"bufio"
	"context"
	"slices"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/interop"
	"github.com/spf13/cobra"
)

// exportFormats are the formats crm export writes.
var exportFormats = []string{"csv"}

type exportOptions struct {
	*App
	Format   string
	Archived bool
}

func newExportCmd(app *App, runF func(context.Context, *exportOptions) error) *cobra.Command {
	opts := &exportOptions{App: app}
	cmd := &cobra.Command{
		Use:   "export --format csv",
		Short: "Export contacts as CSV for a spreadsheet",
		Long: `Write every active contact (--archived: the archived ones) as CSV on stdout,
one row each, with a header. Lists (phones, emails, tags) are joined with
"; ". Cells that a spreadsheet would run as a formula (starting with = + - @)
get a leading apostrophe, so opening the file never runs anything.

Exit status: 0 written; 2 unknown format; 1 failure.`,
		Example: `  crm export --format csv > contacts.csv`,
		Args:    exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(exportFormats, opts.Format) {
				return crm.Errorf(crm.EINVALID, "unknown format %q (valid: csv)", opts.Format)
			}
			return runCmd(cmd, opts, runF, runExport)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "csv", "the format: csv")
	cmd.Flags().BoolVar(&opts.Archived, "archived", false, "export archived contacts instead")
	return cmd
}

func runExport(ctx context.Context, opts *exportOptions) error {
	app := opts.App
	cc, err := app.begin(ctx, nil)
	if err != nil {
		return err
	}
	book := cc.Book
	out := bufio.NewWriterSize(app.IO.Out, 64<<10)
	w, err := interop.NewContactCSV(out)
	if err != nil {
		return err
	}
	n := 0
	err = book.Contacts.FindContacts(ctx, crm.ContactFilter{Archived: opts.Archived, Sort: crm.SortCreated}, func(c *crm.Contact) error {
		n++
		return w.Write(c)
	})
	if err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return err
	}
	app.notef("exported %s", counted{n: n, word: "contact"})
	return nil
}
