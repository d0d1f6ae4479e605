package cli

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"
)

// version, commit and date are set by the release build (.goreleaser.yaml:
// -ldflags "-X …cli.version=1.2.3 -X …cli.commit=… -X …cli.date=…").
// A plain go build leaves them empty and readBuild takes what the Go
// toolchain recorded instead.
var (
	version = ""
	commit  = ""
	date    = ""
)

// buildInfo is what crm version prints: which build this is.
type buildInfo struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	// Date is when the release was built, or the time of the commit a
	// plain go build was made from; empty when neither is known.
	Date     string `json:"date"`
	Modified bool   `json:"modified"` // built from a tree with uncommitted changes
	Go       string `json:"go"`
	Platform string `json:"platform"`
	Schema   int    `json:"schema_version"`
}

// readBuild is the release's version, commit and date when the release
// build set them; otherwise the module version go install recorded (else
// "dev") and the VCS revision and time go build stamps into a binary built
// in a git checkout.
func readBuild() buildInfo {
	b := buildInfo{Version: version, Commit: commit, Date: date, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	// goreleaser fills in "none" and the zero time when it cannot read the
	// git state (a snapshot in a clone without a remote): they say nothing.
	if b.Commit == "none" {
		b.Commit = ""
	}
	if t, err := time.Parse(time.RFC3339, b.Date); err == nil && t.Year() < 1970 {
		b.Date = ""
	}
	bi, ok := debug.ReadBuildInfo()
	if ok {
		if b.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			b.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if b.Commit == "" {
					b.Commit = s.Value
				}
			case "vcs.time":
				if b.Date == "" {
					b.Date = s.Value
				}
			case "vcs.modified":
				b.Modified = s.Value == "true" && commit == ""
			}
		}
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	return b
}

// buildVersion is the version crm --version prints.
func buildVersion() string { return readBuild().Version }

// buildTime is the build's date, for the man pages' header; ok is false
// when the build recorded none.
func buildTime() (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, readBuild().Date)
	return t, err == nil
}

type versionOptions struct {
	*App
	jsonOptions
}

func newVersionCmd(app *App, runF func(context.Context, *versionOptions) error) *cobra.Command {
	opts := &versionOptions{App: app}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version of crm, its commit and date, and the book schema it writes",
		Long: `Print the version of crm, the commit and date it was built from, and the
book schema it writes. A release sets them when it is built; a binary built
with go build or go install takes what Go recorded (the module version, the
git commit and its time), and says "modified" when the checkout had
uncommitted changes.

Exit status: 0 printed; 2 invalid usage; 1 failure.`,
		Example: "  crm version\n  crm version --json | jq -r .commit",
		Args:    exactArgs(),
		RunE:    func(cmd *cobra.Command, args []string) error { return runCmd(cmd, opts, runF, runVersion) },
	}
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runVersion(ctx context.Context, opts *versionOptions) error {
	asJSON, err := opts.enabled()
	if err != nil {
		return err
	}
	b := readBuild()
	b.Schema = opts.Files.SchemaVersion()
	if asJSON {
		return opts.printJSON(opts.IO, b)
	}
	out := opts.IO.Out
	fmt.Fprintf(out, "crm %s (book schema %d)\n", b.Version, b.Schema)
	if b.Commit != "" {
		modified := ""
		if b.Modified {
			modified = " (modified)"
		}
		fmt.Fprintf(out, "commit  %s%s\n", b.Commit, modified)
	}
	if b.Date != "" {
		fmt.Fprintf(out, "date    %s\n", b.Date)
	}
	fmt.Fprintf(out, "go      %s %s\n", b.Go, b.Platform)
	return nil
}
