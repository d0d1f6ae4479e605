package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// writeReference writes the command reference (docs/commands.md) from the
// command tree, so that the docs change with the commands.
func writeReference(w io.Writer, root *cobra.Command) {
	fmt.Fprintf(w, "# Command reference\n\nGenerated from the command tree by `UPDATE_DOCS=1 go test ./internal/cli -run TestCommandReference`; do not edit by hand.\n\n")
	fmt.Fprintf(w, "## Global flags\n\n```\n%s```\n\n", root.PersistentFlags().FlagUsages())
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			return
		}
		if c != root {
			fmt.Fprintf(w, "## %s\n\n%s\n\n```\n%s\n```\n\n", c.CommandPath(), c.Short, c.UseLine())
			if c.Long != "" {
				fmt.Fprintf(w, "%s\n\n", c.Long)
			}
			if c.Example != "" {
				fmt.Fprintf(w, "Examples:\n\n```sh\n%s\n```\n\n", strings.TrimRight(c.Example, "\n"))
			}
			if fl := localFlags(c); fl != "" {
				fmt.Fprintf(w, "Flags:\n\n```\n%s```\n\n", fl)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

func localFlags(c *cobra.Command) string {
	fs := pflag.NewFlagSet(c.Name(), pflag.ContinueOnError)
	c.LocalNonPersistentFlags().VisitAll(func(f *pflag.Flag) {
		if f.Name != "help" {
			fs.AddFlag(f)
		}
	})
	return fs.FlagUsages()
}
