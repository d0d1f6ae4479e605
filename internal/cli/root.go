package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/i18n"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func newRootCmd(app *App) *cobra.Command {
	root := &cobra.Command{
		Use:   "crm",
		Short: "Never let an important relationship go cold",
		Long: `crm keeps your relationships warm: log every touch in one line, see who is
due for a follow-up, move people along a relationship ladder, and pipe JSON
into scripts. The whole book is one SQLite file that you own.`,
		Example: `  crm add 王科长 --account 宝山钢铁 --title 设备科科长 --tier A
  crm log-visit wkz "brought the case study; he asked for a trial"
  crm ls --tier A
  crm show 王科长 --json | jq .stage`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				e := usageErrorf("unknown command %q", args[0]).(*usageError)
				e.hint = "Run 'crm --help' for the commands."
				if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
					e.hint, e.hintArgs = "Did you mean %s?\nRun 'crm --help' for the commands.", []any{orList(s)}
				}
				return e
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if app.onTerminal() {
				return runTUI(cmd.Context(), &tuiOptions{App: app})
			}
			return cmd.Help()
		},
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if app.NoColor {
				app.IO.DisableColor()
			}
			if err := app.checkLang(); err != nil {
				return err
			}
			app.IO.Lang = app.lang()
			if cmd.Flags().Changed("db") && app.DBPath == "" {
				return usageErrorf("--db is empty: give the book's path, or leave --db out for $CRM_DB or the default")
			}
			if err := checkUTF8Args(cmd, args); err != nil {
				return err
			}
			ctx := crm.WithChangeSummary(cmd.Context(), commandLine(app.Args))
			if u := app.Getenv(crm.UserEnv); u != "" {
				name, err := crm.CheckUserName(u)
				if err != nil {
					return crm.Errorf(crm.EINVALID, "$%s: %s", crm.UserEnv, crm.ErrorMessage(err))
				}
				ctx = crm.WithUser(ctx, name)
			}
			cmd.SetContext(ctx)
			return nil
		},
	}
	// cobra's completion command is replaced by crm completion, which says
	// how to install each script (cobra's __complete stays: the scripts call it).
	root.CompletionOptions.DisableDefaultCmd = true
	root.SuggestionsMinimumDistance = 2
	root.Version = buildVersion()
	root.SetVersionTemplate("crm {{.Version}}\n")
	root.SetOut(app.IO.Out)
	root.SetErr(app.IO.ErrOut)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		e := flagError(err)
		e.hint, e.hintArgs = "Run '%s --help' for usage.", []any{cmd.CommandPath()}
		return e
	})
	pf := root.PersistentFlags()
	pf.StringVar(&app.DBPath, "db", "", "the book `PATH` (default $CRM_DB, else $XDG_DATA_HOME/crm/crm.db)")
	pf.BoolVar(&app.NoColor, "no-color", false, "never colour the output (also NO_COLOR, CLICOLOR=0)")
	pf.StringVar(&app.Lang, "lang", "", "interface `LANGUAGE`: en or zh (default from LC_ALL, LC_MESSAGES, then LANG)")

	root.AddGroup(&cobra.Group{ID: "contacts", Title: "Contacts:"}, &cobra.Group{ID: "touches", Title: "Touches and stages:"},
		&cobra.Group{ID: "keep", Title: "Keeping in touch:"}, &cobra.Group{ID: "book", Title: "The book:"},
		&cobra.Group{ID: "shell", Title: "Shell integration:"})
	cmds := topCommands()
	if c, ok := soleCommand(cmds, pf, app.Args); ok {
		cmds = []topCommand{c}
	}
	for _, c := range cmds {
		cmd := c.build(app)
		cmd.GroupID = c.group
		root.AddCommand(cmd)
	}
	root.AddCommand(newHelpTopics()...)
	help := newHelpCmd()
	help.ValidArgsFunction = completeArgs(app, commandValues)
	root.SetHelpCommand(help)
	documentExitStatus(root)
	if wantsCompletions(app.Args) {
		addCompletions(app, root)
	}
	showHelp := root.HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		if !app.helpLocalized {
			app.helpLocalized = true
			localizeHelp(root, app.lang(), nil)
		}
		showHelp(c, args)
	})
	return root
}

// topCommand is a command of crm's first level: its group in crm --help,
// the words that run it (its name and aliases, which TestTopCommandWords
// checks against what it builds) and its constructor.
type topCommand struct {
	group string
	words []string
	build func(*App) *cobra.Command
	// tree marks the commands that read the whole command tree (scripts,
	// pages): they are never built alone.
	tree bool
}

// runs adapts a constructor that takes a test's run function: the command
// it builds runs itself.
func runs[O any](newCmd func(*App, func(context.Context, *O) error) *cobra.Command) func(*App) *cobra.Command {
	return func(a *App) *cobra.Command { return newCmd(a, nil) }
}

func topCommands() []topCommand {
	top := func(group string, build func(*App) *cobra.Command, words ...string) topCommand {
		return topCommand{group: group, words: words, build: build}
	}
	wholeTree := func(group string, build func(*App) *cobra.Command, word string) topCommand {
		return topCommand{group: group, words: []string{word}, build: build, tree: true}
	}
	logAs := func(channel string) func(*App) *cobra.Command {
		return func(a *App) *cobra.Command { return newLogShortcutCmd(a, channel, nil) }
	}
	closeAs := func(state string) func(*App) *cobra.Command {
		return func(a *App) *cobra.Command { return newCloseTaskCmd(a, state, nil) }
	}
	return []topCommand{
		top("contacts", runs(newAddCmd), "add"),
		top("contacts", runs(newEditCmd), "edit"),
		top("contacts", runs(newShowCmd), "show"),
		top("contacts", runs(newLsCmd), "ls", "list"),
		top("contacts", runs(newSearchCmd), "search"),
		top("contacts", runs(newRmCmd), "rm"),
		top("contacts", newAccountCmd, "account", "accounts"),
		top("contacts", runs(newDupesCmd), "dupes"),
		top("contacts", runs(newMergeCmd), "merge"),
		top("contacts", runs(newHandoverCmd), "handover"),
		top("touches", runs(newLogVisitCmd), "log-visit"),
		top("touches", runs(newLogCmd), "log"),
		top("touches", logAs("call"), "log-call"),
		top("touches", logAs("email"), "log-email"),
		top("touches", logAs("message"), "log-message"),
		top("touches", runs(newTouchesCmd), "touches"),
		top("touches", runs(newStageCmd), "stage"),
		top("touches", newLadderCmd, "ladder"),
		top("keep", runs(newDueCmd), "due"),
		top("keep", runs(newOverdueCmd), "overdue"),
		top("keep", runs(newSnoozeCmd), "snooze"),
		top("keep", runs(newUpcomingCmd), "upcoming"),
		top("keep", runs(newPromiseCmd), "promise"),
		top("keep", runs(newTasksCmd), "tasks"),
		top("keep", closeAs("done"), "done"),
		top("keep", closeAs("dropped"), "drop"),
		top("keep", runs(newDateCmd), "date"),
		top("keep", runs(newDatesCmd), "dates"),
		top("keep", newPlanCmd, "plan"),
		top("keep", newReportCmd, "report"),
		top("keep", runs(newTUICmd), "tui"),
		top("keep", runs(newReviewCmd), "review"),
		top("book", runs(newUndoCmd), "undo"),
		top("book", runs(newHistoryCmd), "history"),
		top("book", runs(newExportCmd), "export"),
		top("book", runs(newImportCmd), "import"),
		top("book", newConfigCmd, "config"),
		top("book", runs(newDemoCmd), "demo"),
		top("book", runs(newBackupCmd), "backup"),
		top("book", runs(newRestoreCmd), "restore"),
		top("book", runs(newDoctorCmd), "doctor"),
		wholeTree("shell", runs(newCompletionCmd), "completion"),
		wholeTree("shell", runs(newManCmd), "man"),
		top("shell", runs(newVersionCmd), "version"),
		top("shell", runs(newMCPCmd), "mcp"),
	}
}

// soleCommand is the one first-level command a known command line runs,
// found as cobra finds it (the first argument that is neither one of crm's
// own flags, rootFlags, nor its value): only it is built, since building all
// of them, with their flags, costs more than a one-line write's own work.
// Help, completion, the man pages and an unknown word get the whole tree.
func soleCommand(cmds []topCommand, rootFlags *pflag.FlagSet, args []string) (topCommand, bool) {
	if args == nil || wantsCompletions(args) {
		return topCommand{}, false
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return topCommand{}, false
		case strings.HasPrefix(a, "--") && !strings.Contains(a, "="):
			if f := rootFlags.Lookup(a[2:]); f != nil && f.NoOptDefVal == "" {
				i++ // its value
			}
		case strings.HasPrefix(a, "-"):
		default:
			for _, c := range cmds {
				if slices.Contains(c.words, a) && !c.tree {
					return c, true
				}
			}
			return topCommand{}, false
		}
	}
	return topCommand{}, false
}

// wantsCompletions reports whether a command line may ask for dynamic
// completions (cobra's __complete, which the shell scripts run on TAB):
// only then are they registered, since walking every flag of the tree costs
// a quarter of the start-up of any other command (2M of 8.6M instructions
// for crm version). A command line not known (nil, as in tests that set
// their own arguments) gets them.
func wantsCompletions(args []string) bool {
	return args == nil || slices.Contains(args, cobra.ShellCompRequestCmd) || slices.Contains(args, cobra.ShellCompNoDescRequestCmd)
}

// documentExitStatus gives every command's help an exit status paragraph:
// the commands that say more about theirs keep their own.
func documentExitStatus(c *cobra.Command) {
	if c.Runnable() && !strings.Contains(c.Long, "Exit status:") {
		long := c.Long
		if long == "" {
			long = c.Short + "."
		}
		c.Long = long + "\n\nExit status: 0 done; 2 invalid usage or input (unknown flag, bad value,\nunknown or ambiguous REF); 1 failure; 130 interrupted."
	}
	for _, sub := range c.Commands() {
		documentExitStatus(sub)
	}
}

// pathArgs marks a command whose arguments are file paths, which need not
// be UTF-8; the --db flag is one too.
const pathArgs = "crm:path-args"

// checkUTF8Args refuses an argument or flag value that is not valid UTF-8,
// naming it, before anything is read or written: every text a book stores
// is UTF-8 (see crm.CheckText, which the domain applies again for texts
// that arrive another way).
func checkUTF8Args(cmd *cobra.Command, args []string) error {
	if cmd.Annotations[pathArgs] == "" {
		for i, a := range args {
			if !utf8.ValidString(a) {
				return usageErrorf("argument %d %q is not valid UTF-8 text", i+1, a)
			}
		}
	}
	var err error
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if v := f.Value.String(); err == nil && f.Name != "db" && !utf8.ValidString(v) {
			err = usageErrorf("--%s %q is not valid UTF-8 text", f.Name, v)
		}
	})
	return err
}

// exactArgs, minArgs and maxArgs report a wrong number of arguments as a
// usage error that names what was expected.
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != len(names) {
			return argsError(cmd, strings.Join(names, " "), len(args))
		}
		return nil
	}
}

func minArgs(n int, want string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return argsError(cmd, want, len(args))
		}
		return nil
	}
}

func maxArgs(n int, want string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return argsError(cmd, want, len(args))
		}
		return nil
	}
}

func argsError(cmd *cobra.Command, want string, got int) error {
	// Errors print as "crm: …", so the path is said without the "crm".
	path := strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
	e := usageErrorf("%s: expected %s, got %s", path, want, argCount(got)).(*usageError)
	if want == "" {
		e = usageErrorf("%s takes no arguments, got %s", path, argCount(got)).(*usageError)
	}
	e.hint, e.hintArgs = "Usage: %s", []any{cmd.UseLine()}
	return e
}

// argCount says how many arguments were given: "none", "1 argument".
type argCount int

func (n argCount) String() string {
	if n == 0 {
		return "none"
	}
	return crm.Plural(int(n), "argument")
}

// Text is the count in lang (see localArgs).
func (n argCount) Text(lang string) string {
	if i18n.Norm(lang) != "zh" {
		return n.String()
	}
	return fmt.Sprintf("%d 个参数", int(n))
}

// orList are alternatives, said "a or b" (a 或 b under zh).
type orList []string

func (l orList) String() string { return l.Text("en") }

func (l orList) Text(lang string) string { return strings.Join(l, i18n.Text(lang, " or ")) }

// commandLine renders the arguments as a shell line, quoting where needed:
// the summary of the change a command makes.
func commandLine(args []string) string {
	return crm.ShellQuote(append([]string{"crm"}, args...)...)
}
