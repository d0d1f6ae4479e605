package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/spf13/cobra"
)

type manOptions struct {
	*App
	Dir  string
	Root *cobra.Command // the tree the pages describe
}

// defaultManDir is where crm man writes without a DIR: a man directory in
// the current one, as a release archive or a package build lays them out,
// rather than a system or home directory that a command should not fill
// unasked (crm man ~/.local/share/man/man1 installs them for man to find).
const defaultManDir = "man"

func newManCmd(app *App, runF func(context.Context, *manOptions) error) *cobra.Command {
	opts := &manOptions{App: app}
	cmd := &cobra.Command{
		Use:   "man [DIR]",
		Short: "Write a man page for every command (crm.1, crm-log-visit.1, …)",
		Long: `Write one man page (section 1) per command into DIR, default ./man,
creating it. The pages are generated from the same command tree as --help.
Their header names "crm VERSION" and a date: SOURCE_DATE_EPOCH when set (so
that a package build is reproducible), else the date of the build or of its
commit, else today.

To read them with man, write them where man looks:

  crm man ~/.local/share/man/man1 && man crm-log-visit

Exit status: 0 written; 2 invalid usage or a bad SOURCE_DATE_EPOCH; 1 failure
(DIR cannot be created or written).`,
		Example: `  crm man
  crm man ~/.local/share/man/man1
  SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) crm man dist/man`,
		Annotations: map[string]string{pathArgs: "yes"},
		Args:        maxArgs(1, "at most one DIR"),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return nil, cobra.ShellCompDirectiveFilterDirs
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir, opts.Root = defaultManDir, cmd.Root()
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			return runCmd(cmd, opts, runF, runMan)
		},
	}
	return cmd
}

func runMan(ctx context.Context, opts *manOptions) error {
	day, err := manDate(opts.Getenv)
	if err != nil {
		return err
	}
	dir, err := expandHome(opts.Dir, opts.Getenv)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	header := manHeader{Date: day, Source: "crm " + buildVersion(), Manual: "crm manual"}
	if err := writeManTree(opts.Root, dir, header); err != nil {
		return fmt.Errorf("write man pages into %s: %w", dir, err)
	}
	n, _ := filepath.Glob(filepath.Join(dir, "crm*.1"))
	opts.notef("wrote %d man pages into %s", len(n), iostreams.CleanLine(dir))
	return nil
}

// manDate is the date of the pages: SOURCE_DATE_EPOCH (seconds since the
// epoch, the reproducible-builds convention), else the build's, else now.
func manDate(getenv func(string) string) (time.Time, error) {
	if s := getenv("SOURCE_DATE_EPOCH"); s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, usageErrorf("invalid SOURCE_DATE_EPOCH %q: want seconds since 1970", s)
		}
		// A negative epoch is what a release tool passes for a commit time it
		// could not read: no date, rather than the year 1.
		if sec >= 0 {
			return time.Unix(sec, 0).UTC(), nil
		}
	}
	if t, ok := buildTime(); ok {
		return t.UTC(), nil
	}
	return time.Now().UTC(), nil
}
