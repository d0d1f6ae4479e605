package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/i18n"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The CLI speaks the language of --lang, else of the locale (App.lang).
// Its texts stay English in the code and are the keys of the catalogue
// (i18n.Text): a help text is translated when help is shown, an error when
// Main prints it, a message when it is printed. JSON never changes.

// tr is s in the interface's language.
func (a *App) tr(s string) string { return i18n.Text(a.lang(), s) }

// trf formats args with format in the interface's language.
func (a *App) trf(format string, args ...any) string { return i18n.Sprintf(a.lang(), format, args...) }

// notef prints a message on stderr, in the interface's language, with a
// newline.
func (a *App) notef(format string, args ...any) {
	fmt.Fprintln(a.IO.ErrOut, a.trf(format, args...))
}

// errorText is the one line of err in lang: a crm.Error's format or a
// usage error's text translated, then formatted with its arguments, which
// are rendered the same way when they are errors. Other errors (from the
// system, wrapped with context) keep their text.
func errorText(lang string, err error) string {
	var ue *usageError
	if errors.As(err, &ue) {
		if ue.cause != nil {
			return errorText(lang, ue.cause)
		}
		if ue.format == "" {
			return i18n.Text(lang, ue.msg)
		}
		return i18n.Sprintf(lang, ue.format, localArgs(lang, ue.args)...)
	}
	var e *crm.Error
	if errors.As(err, &e) {
		if e.Format == "" {
			return i18n.Text(lang, e.Message)
		}
		return i18n.Sprintf(lang, e.Format, localArgs(lang, e.Args)...)
	}
	return err.Error()
}

func localArgs(lang string, args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case error:
			a = errorText(lang, v)
		case interface{ Text(string) string }:
			a = v.Text(lang)
		}
		out[i] = a
	}
	return out
}

// hintText is a usage error's hint in lang, each line translated.
func (e *usageError) hintText(lang string) string {
	if e.hintArgs != nil {
		return i18n.Sprintf(lang, e.hint, e.hintArgs...)
	}
	lines := strings.Split(e.hint, "\n")
	for i, l := range lines {
		lines[i] = i18n.Text(lang, l)
	}
	return strings.Join(lines, "\n")
}

// localizeHelp puts the whole command tree into lang, once, before help is
// shown: Short, the paragraphs of Long, the comments of Example, flag
// usages and group titles; under zh the usage words too (zhUsage). miss,
// when set, hears every English text the catalogue lacks (the test of the
// catalogue's completeness).
func localizeHelp(root *cobra.Command, lang string, miss func(string)) {
	if i18n.Norm(lang) != "zh" {
		return
	}
	tr := func(s string) string {
		if s == "" {
			return s
		}
		if !i18n.HasText(s) && miss != nil {
			miss(s)
		}
		return i18n.Text(lang, s)
	}
	root.InitDefaultHelpCmd()
	for _, g := range root.Groups() {
		g.Title = tr(g.Title)
	}
	seen := map[*pflag.Flag]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.InitDefaultHelpFlag()
		c.InitDefaultVersionFlag()
		c.Short = tr(c.Short)
		c.Long = localizeLong(c.Long, tr)
		c.Example = localizeExample(c.Example, tr)
		for _, fs := range []*pflag.FlagSet{c.LocalFlags(), c.PersistentFlags(), c.InheritedFlags()} {
			fs.VisitAll(func(f *pflag.Flag) {
				if seen[f] {
					return
				}
				seen[f] = true
				f.Usage = localizeFlag(c, f, tr)
			})
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	root.SetUsageFunc(zhUsage)
}

// localizeFlag is a flag's usage in the catalogue's language; cobra's own
// help and version flags name their command.
func localizeFlag(c *cobra.Command, f *pflag.Flag, tr func(string) string) string {
	name := c.DisplayName()
	switch {
	case f.Name == "help" && f.Usage == "help for "+name:
		return fmt.Sprintf(tr("help for %s"), name)
	case f.Name == "version" && f.Usage == "version for "+name:
		return fmt.Sprintf(tr("version for %s"), name)
	}
	return tr(f.Usage)
}

// localizeLong translates a long help paragraph by paragraph, so that a
// paragraph shared by many commands (the exit status) is translated once;
// a paragraph of command lines alone stays as it is.
func localizeLong(long string, tr func(string) string) string {
	paras := strings.Split(long, "\n\n")
	for i, p := range paras {
		if !onlyCommands(p) {
			paras[i] = tr(p)
		}
	}
	return strings.Join(paras, "\n\n")
}

// onlyCommands reports whether every line of p is a crm command line.
func onlyCommands(p string) bool {
	for _, l := range strings.Split(p, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "crm ") && !strings.HasPrefix(l, "$ crm ") {
			return false
		}
	}
	return true
}

// localizeExample translates the comments of an example (after "# "); the
// commands stay runnable as they are.
func localizeExample(ex string, tr func(string) string) string {
	lines := strings.Split(ex, "\n")
	for i, l := range lines {
		if j := strings.Index(l, "# "); j >= 0 && (j == 0 || l[j-1] == ' ') && !inQuotes(l[:j]) {
			lines[i] = l[:j+2] + tr(l[j+2:])
		}
	}
	return strings.Join(lines, "\n")
}

// inQuotes reports whether s leaves a shell quote open.
func inQuotes(s string) bool {
	var q rune
	for _, r := range s {
		switch {
		case q == 0 && (r == '\'' || r == '"'):
			q = r
		case r == q:
			q = 0
		}
	}
	return q != 0
}

// zhUsage is cobra's usage in Chinese: the same sections, Chinese words.
func zhUsage(c *cobra.Command) error {
	w := c.OutOrStderr()
	fmt.Fprint(w, "用法：")
	if c.Runnable() {
		fmt.Fprintf(w, "\n  %s", strings.Replace(c.UseLine(), "[flags]", "[选项]", 1))
	}
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(w, "\n  %s [命令]", c.CommandPath())
	}
	if len(c.Aliases) > 0 {
		fmt.Fprintf(w, "\n\n别名：\n  %s", c.NameAndAliases())
	}
	if c.HasExample() {
		fmt.Fprintf(w, "\n\n示例：\n%s", c.Example)
	}
	if c.HasAvailableSubCommands() {
		listed := func(sub *cobra.Command) bool { return sub.IsAvailableCommand() || sub.Name() == "help" }
		if len(c.Groups()) == 0 {
			fmt.Fprint(w, "\n\n可用命令：")
			usageCommands(w, c, func(sub *cobra.Command) bool { return listed(sub) })
		} else {
			for _, g := range c.Groups() {
				fmt.Fprintf(w, "\n\n%s", g.Title)
				usageCommands(w, c, func(sub *cobra.Command) bool { return sub.GroupID == g.ID && listed(sub) })
			}
			if !c.AllChildCommandsHaveGroup() {
				fmt.Fprint(w, "\n\n其他命令：")
				usageCommands(w, c, func(sub *cobra.Command) bool { return sub.GroupID == "" && listed(sub) })
			}
		}
	}
	if c.HasAvailableLocalFlags() {
		fmt.Fprintf(w, "\n\n选项：\n%s", zhDefaults(c.LocalFlags().FlagUsages()))
	}
	if c.HasAvailableInheritedFlags() {
		fmt.Fprintf(w, "\n\n全局选项：\n%s", zhDefaults(c.InheritedFlags().FlagUsages()))
	}
	if c.HasHelpSubCommands() {
		fmt.Fprint(w, "\n\n更多帮助主题：")
		for _, sub := range c.Commands() {
			if sub.IsAdditionalHelpTopicCommand() {
				fmt.Fprintf(w, "\n  %-*s %s", sub.CommandPathPadding(), sub.CommandPath(), sub.Short)
			}
		}
	}
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(w, "\n\n运行 \"%s [命令] --help\" 查看命令的详细说明。", c.CommandPath())
	}
	fmt.Fprintln(w)
	return nil
}

func usageCommands(w io.Writer, c *cobra.Command, show func(*cobra.Command) bool) {
	for _, sub := range c.Commands() {
		if show(sub) {
			fmt.Fprintf(w, "\n  %-*s %s", sub.NamePadding(), sub.Name(), sub.Short)
		}
	}
}

// zhDefaults says pflag's "(default …)" in Chinese and drops the trailing
// space pflag leaves.
func zhDefaults(usages string) string {
	return strings.TrimRight(strings.ReplaceAll(usages, " (default ", " (默认 "), " \n")
}
