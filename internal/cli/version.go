package cli

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set by the release build (-ldflags "-X …cli.version=v1.2.3").
var version = "dev"

type versionOptions struct{ *App }

func newVersionCmd(app *App, runF func(context.Context, *versionOptions) error) *cobra.Command {
	opts := &versionOptions{App: app}
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of crm and the book schema it writes",
		Args:  exactArgs(),
		RunE:  func(cmd *cobra.Command, args []string) error { return runCmd(cmd, opts, runF, runVersion) },
	}
}

func runVersion(ctx context.Context, opts *versionOptions) error {
	fmt.Fprintf(opts.IO.Out, "crm %s (book schema %d)\n", buildVersion(), opts.Files.SchemaVersion())
	return nil
}

// buildVersion is the release's version, else the module version go install
// recorded, else "dev".
func buildVersion() string {
	if version != "dev" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return version
}
