package cli

import (
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
	get := &cobra.Command{
		Use:     "get KEY",
		Short:   "Print a setting's value",
		Example: "  crm config get default.tier",
		Args:    exactArgs("KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := crm.FindSettingDef(args[0]); err != nil {
				return err
			}
			book, err := app.Book(cmd.Context())
			if err != nil {
				return err
			}
			v, err := book.Settings.GetSetting(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			fmt.Fprintln(app.IO.Out, v)
			return nil
		},
	}
	set := &cobra.Command{
		Use:     "set KEY VALUE",
		Short:   "Change a setting",
		Example: "  crm config set default.tier B\n  crm config set default.ladder bigaccount",
		Args:    exactArgs("KEY", "VALUE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			def, err := crm.FindSettingDef(args[0])
			if err != nil {
				return err
			}
			if _, err := def.Check(args[1]); err != nil {
				return err
			}
			book, err := app.NewBook(cmd.Context()) // configuring comes before the first contact
			if err != nil {
				return err
			}
			return book.Settings.SetSetting(cmd.Context(), args[0], args[1])
		},
	}
	lsOpts := &jsonOptions{}
	ls := &cobra.Command{
		Use:   "ls [PREFIX]",
		Short: "List every setting with its value, or those under PREFIX",
		Long: `List the settings with their values. PREFIX keeps the keys that are it or
start with it and a dot: crm config ls urgency lists urgency.overdue,
urgency.tier and the rest.

Exit status: 0 listed; 2 no setting under PREFIX; 1 failure.`,
		Example: "  crm config ls\n  crm config ls cadence\n  crm config ls --json",
		Args:    maxArgs(1, "at most one PREFIX"),
		RunE: func(cmd *cobra.Command, args []string) error {
			asJSON, err := lsOpts.enabled()
			if err != nil {
				return err
			}
			book, err := app.Book(cmd.Context())
			if err != nil {
				return err
			}
			ss, err := book.Settings.Settings(cmd.Context())
			if err != nil {
				return err
			}
			if len(args) == 1 {
				prefix := strings.TrimSuffix(args[0], ".")
				ss = slices.DeleteFunc(ss, func(s crm.Setting) bool {
					return s.Key != prefix && !strings.HasPrefix(s.Key, prefix+".")
				})
				if len(ss) == 0 {
					return crm.Errorf(crm.EINVALID, "no setting under %q (crm config ls lists them all)", args[0])
				}
			}
			if asJSON {
				return lsOpts.printJSON(app.IO, ss)
			}
			th := app.Theme()
			t := newTable(app.IO, th, "KEY", "VALUE", "ABOUT")
			for _, s := range ss {
				def, _ := crm.FindSettingDef(s.Key)
				t.StyledRow(cell{text: s.Key, style: th.Accent}, cell{text: s.Value}, cell{text: def.Help, style: th.Muted})
			}
			return t.Flush()
		},
	}
	addJSONFlags(ls, lsOpts)
	cmd.AddCommand(get, set, ls)
	return cmd
}
