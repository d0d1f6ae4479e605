package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/seedcrm/crm/internal/mcpserver"
)

type mcpOptions struct {
	*App
	AllowWrites bool
}

func newMCPCmd(app *App, runF func(context.Context, *mcpOptions) error) *cobra.Command {
	opts := &mcpOptions{App: app}
	cmd := &cobra.Command{
		Use:   "mcp [--allow-writes]",
		Short: "Serve the book to an AI agent over the Model Context Protocol (stdio)",
		Long: `Serve the book over the Model Context Protocol on standard input and output,
for an agent or an AI desktop app that starts crm as an MCP server. It runs
until standard input closes; nothing but the protocol is written to standard
output, and messages go to standard error.

Tools: search (full text, as crm search), find_contacts (filter by tier,
stage, tag, account, text), show_contact (a REF's card, as crm show --json),
list_due (crm due --json, ranked, with reasons). With --allow-writes also
log_touch (as crm log-visit and crm log) and add_promise (as crm promise). Without it those tools are not offered at
all, so a client lists only what it may call.

Each call reads the book afresh, so it sees what other crm commands wrote
meanwhile. A write is one journaled change (crm undo takes it back, crm
history shows it as "crm mcp log_touch …") and runs your hooks, as the same
change made by a command would. A failed call (an unknown or ambiguous REF,
a bad date) is an error result for the agent, with the candidates listed;
the server goes on.

A client starts it with, for example:

  {"mcpServers": {"crm": {"command": "crm", "args": ["mcp"]}}}

Exit status: 0 standard input closed; 1 the book cannot be opened; 130 interrupted.`,
		Example: `  crm mcp
  crm mcp --allow-writes
  crm --db ~/work.db mcp`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error { return runCmd(cmd, opts, runF, runMCP) },
	}
	cmd.Flags().BoolVar(&opts.AllowWrites, "allow-writes", false, "also offer the tools that write: log_touch and add_promise")
	return cmd
}

// runMCP opens the book (never creating it: an agent pointed at a mistyped
// path fails at once) and serves it until standard input ends.
func runMCP(ctx context.Context, opts *mcpOptions) error {
	clock, err := opts.Clock()
	if err != nil {
		return err
	}
	book, err := opts.Book(ctx)
	if err != nil {
		return err
	}
	return mcpserver.Run(ctx, mcpserver.Options{
		Services:    book.Services,
		Clock:       clock,
		AllowWrites: opts.AllowWrites,
		Version:     buildVersion(),
		Log:         opts.IO.ErrOut,
	}, opts.IO.In, opts.IO.Out)
}
