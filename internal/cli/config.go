package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/spf13/cobra"
)

func newConfigCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Settings stored in the book: get, set, ls",
		Long: `Settings live in the book itself, so the one file is the whole state.

Exit status: 0 done; 2 unknown key or invalid value; 1 failure.`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newConfigGetCmd(app, nil), newConfigSetCmd(app, nil), newConfigLsCmd(app, nil))
	return cmd
}

type configGetOptions struct {
	*App
	Key string
}

func newConfigGetCmd(app *App, runF func(context.Context, *configGetOptions) error) *cobra.Command {
	opts := &configGetOptions{App: app}
	return &cobra.Command{
		Use:     "get KEY",
		Short:   "Print a setting's value",
		Example: "  crm config get default.tier",
		Args:    exactArgs("KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Key = args[0]
			if _, err := crm.FindSettingDef(opts.Key); err != nil {
				return err
			}
			return runCmd(cmd, opts, runF, runConfigGet)
		},
	}
}

func runConfigGet(ctx context.Context, opts *configGetOptions) error {
	cc, err := opts.begin(ctx, nil)
	if err != nil {
		return err
	}
	book := cc.Book
	v, err := book.Settings.GetSetting(ctx, opts.Key)
	if err != nil {
		return err
	}
	fmt.Fprintln(opts.IO.Out, v)
	return nil
}

type configSetOptions struct {
	*App
	Key, Value string
}

func newConfigSetCmd(app *App, runF func(context.Context, *configSetOptions) error) *cobra.Command {
	opts := &configSetOptions{App: app}
	return &cobra.Command{
		Use:     "set KEY VALUE",
		Short:   "Change a setting",
		Example: "  crm config set default.tier B\n  crm config set default.ladder bigaccount",
		Args:    exactArgs("KEY", "VALUE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Key, opts.Value = args[0], args[1]
			def, err := crm.FindSettingDef(opts.Key)
			if err != nil {
				return err
			}
			if _, err := def.Check(opts.Value); err != nil {
				return err
			}
			return runCmd(cmd, opts, runF, runConfigSet)
		},
	}
}

func runConfigSet(ctx context.Context, opts *configSetOptions) error {
	cc, err := opts.beginNew(ctx, nil) // configuring comes before the first contact
	if err != nil {
		return err
	}
	book := cc.Book
	return book.Settings.SetSetting(ctx, opts.Key, opts.Value)
}

type configLsOptions struct {
	*App
	Prefix    string
	prefixSet bool // a PREFIX was given ("" included, which matches none)
	jsonOptions
}

func newConfigLsCmd(app *App, runF func(context.Context, *configLsOptions) error) *cobra.Command {
	opts := &configLsOptions{App: app}
	cmd := &cobra.Command{
		Use:   "ls [PREFIX]",
		Short: "List every setting with its value, or those under PREFIX",
		Long: `List the settings with their values. PREFIX keeps the keys that are it or
start with it and a dot: crm config ls urgency lists urgency.overdue,
urgency.tier and the rest.

Exit status: 0 listed; 2 no setting under PREFIX; 1 failure.`,
		Example: "  crm config ls\n  crm config ls cadence\n  crm config ls --json",
		Args:    maxArgs(1, "at most one PREFIX"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Prefix, opts.prefixSet = args[0], true
			}
			return runCmd(cmd, opts, runF, runConfigLs)
		},
	}
	addJSONFlags(cmd, &opts.jsonOptions)
	return cmd
}

func runConfigLs(ctx context.Context, opts *configLsOptions) error {
	cc, err := opts.begin(ctx, &opts.jsonOptions)
	if err != nil {
		return err
	}
	asJSON, book := cc.JSON, cc.Book
	ss, err := book.Settings.Settings(ctx)
	if err != nil {
		return err
	}
	if opts.prefixSet {
		prefix := strings.TrimSuffix(opts.Prefix, ".")
		ss = slices.DeleteFunc(ss, func(s crm.Setting) bool {
			return s.Key != prefix && !strings.HasPrefix(s.Key, prefix+".")
		})
		if len(ss) == 0 {
			return crm.Errorf(crm.EINVALID, "no setting under %q (crm config ls lists them all)", opts.Prefix)
		}
	}
	if asJSON {
		return opts.printJSON(opts.IO, ss)
	}
	th := opts.Theme()
	t := newTable(opts.IO, th, "KEY", "VALUE", "ABOUT")
	for _, s := range ss {
		def, _ := crm.FindSettingDef(s.Key)
		t.StyledRow(cell{text: s.Key, style: th.Accent}, cell{text: s.Value}, cell{text: def.Help, style: th.Muted})
	}
	return t.Flush()
}
