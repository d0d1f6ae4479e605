package cli

import (
	"context"

	"github.com/spf13/cobra"
)

type completionOptions struct {
	*App
	Shell  string
	NoDesc bool
	Root   *cobra.Command // the tree the script completes
}

// completionShells are the shells cobra writes scripts for.
var completionShells = []string{"bash", "zsh", "fish", "powershell"}

// newCompletionCmd replaces cobra's default completion command (turned off
// in newRootCmd) with one that says how to install each script, and is
// listed with the other commands.
func newCompletionCmd(app *App, runF func(context.Context, *completionOptions) error) *cobra.Command {
	opts := &completionOptions{App: app}
	cmd := &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print the shell completion script: TAB completes commands, flags, contacts, stages",
		Long: `Print the script that makes TAB complete crm's commands and flags, and
values from the book: contact REFs (typing wang or wkz offers 王科长, as the
key that matched, with the name and account shown beside it), the stages of
the contact's ladder, channels, tiers, ladders, plans, config keys, open tasks.
Completion reads the book read-only and briefly: a missing or locked book
completes nothing, and never shows an error.

Install, once:

  bash (needs the bash-completion package):
    crm completion bash > ~/.local/share/bash-completion/completions/crm
    or, in ~/.bashrc:  source <(crm completion bash)

  zsh (completion on: autoload -U compinit; compinit in ~/.zshrc):
    crm completion zsh > "${fpath[1]}/_crm"
    or, in ~/.zshrc:  source <(crm completion zsh)

  fish:
    crm completion fish > ~/.config/fish/completions/crm.fish

  PowerShell, in $PROFILE:
    crm completion powershell | Out-String | Invoke-Expression

Then open a new shell.

Exit status: 0 printed; 2 unknown shell; 1 failure.`,
		Example: `  crm completion zsh > "${fpath[1]}/_crm"
  source <(crm completion bash)`,
		ValidArgs: completionShells,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return argsError(cmd, "one shell: bash, zsh, fish or powershell", len(args))
			}
			switch args[0] {
			case "bash", "zsh", "fish", "powershell":
				return nil
			}
			return usageErrorf("unknown shell %q (valid: bash, zsh, fish, powershell)", args[0])
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Shell, opts.Root = args[0], cmd.Root()
			return runCmd(cmd, opts, runF, runCompletion)
		},
	}
	cmd.Flags().BoolVar(&opts.NoDesc, "no-descriptions", false, "offer values without their descriptions")
	return cmd
}

func runCompletion(ctx context.Context, opts *completionOptions) error {
	root, out := opts.Root, opts.IO.Out
	desc := !opts.NoDesc
	switch opts.Shell {
	case "bash":
		return root.GenBashCompletionV2(out, desc)
	case "zsh":
		if desc {
			return root.GenZshCompletion(out)
		}
		return root.GenZshCompletionNoDesc(out)
	case "fish":
		return root.GenFishCompletion(out, desc)
	default:
		if desc {
			return root.GenPowerShellCompletionWithDesc(out)
		}
		return root.GenPowerShellCompletion(out)
	}
}
