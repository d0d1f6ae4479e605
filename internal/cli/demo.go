package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	demo "github.com/seedcrm/crm/internal/demo"
	"github.com/seedcrm/crm/internal/postgres"
	"github.com/spf13/cobra"
)

type demoOptions struct {
	*App
	Contacts, Touches int
	Synthetic         bool // --contacts or --touches was given
}

func newDemoCmd(app *App, runF func(context.Context, *demoOptions) error) *cobra.Command {
	opts := &demoOptions{App: app}
	cmd := &cobra.Command{
		Use:   "demo [--db PATH] [--contacts N --touches M]",
		Short: "Write a demo book, or a large synthetic one for benchmarks",
		Long: `Write the demo book: 小刘, a rep working a Shanghai steel company whose
equipment head 王科长 guards the door, and about 40 contacts in 8 accounts with
six months of touches, dated relative to now. With --contacts and --touches,
write a large synthetic book instead (100,000 contacts and 1,000,000 touches
take well under a minute).

The book appears whole or not at all. --db must name a file that does not
exist yet; without --db the book goes to a new temporary file, whose path is
printed on stdout, and at a terminal the interface (crm tui) opens on it.

Exit status: 0 written; 2 bad counts or an existing --db; 1 failure.`,
		Example: `  crm demo --db /tmp/demo.db && crm --db /tmp/demo.db ls --tier A
  crm demo --db /tmp/big.db --contacts 100000 --touches 1000000`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Synthetic = cmd.Flags().Changed("contacts") || cmd.Flags().Changed("touches")
			if opts.Synthetic && (opts.Contacts < 1 || opts.Touches < 0) {
				return usageErrorf("--contacts must be at least 1 and --touches at least 0")
			}
			return runCmd(cmd, opts, runF, runDemo)
		},
	}
	cmd.Flags().IntVar(&opts.Contacts, "contacts", 0, "write a synthetic book of `N` contacts")
	cmd.Flags().IntVar(&opts.Touches, "touches", 0, "… and `M` touches")
	return cmd
}

func runDemo(ctx context.Context, opts *demoOptions) error {
	synthetic := opts.Synthetic
	now, err := opts.Now()
	if err != nil {
		return err
	}
	path, err := expandHome(opts.DBPath, opts.Getenv)
	if err != nil {
		return err
	}
	if postgres.IsURL(path) {
		return crm.Errorf(crm.EINVALID, "crm demo writes a book file; give --db a path, not a PostgreSQL URL")
	}
	open := path == "" && !synthetic && opts.onTerminal()
	if path == "" {
		dir, err := os.MkdirTemp("", "crm-demo-")
		if err != nil {
			return err
		}
		path = filepath.Join(dir, "demo.db")
	}
	start := time.Now()
	fill := func(w crm.BookWriter) error { return demo.Demo(now, w) }
	if synthetic {
		fill = func(w crm.BookWriter) error { return demo.Synthetic(opts.Contacts, opts.Touches, now, w) }
	}
	if err := opts.Files.CreateBook(ctx, path, func() time.Time { return now }, fill); err != nil {
		if crm.ErrorCode(err) == crm.ECONFLICT {
			return crm.Errorf(crm.EINVALID, "%s", crm.ErrorMessage(err))
		}
		return err
	}
	fmt.Fprintln(opts.IO.Out, path)
	opts.notef("wrote the %s book in %.1fs; use it with --db %s (or set CRM_DB to it)",
		map[bool]string{true: "synthetic", false: "demo"}[synthetic], time.Since(start).Seconds(), path)
	if open { // bare crm demo at a terminal: show the book just written
		opts.DBPath = path
		return runTUI(ctx, &tuiOptions{App: opts.App})
	}
	return nil
}
