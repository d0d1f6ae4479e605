package cli

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/i18n"
	"github.com/seedcrm/crm/internal/i18n/wording"
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
func (a *App) trf(format string, args ...any) string {
	lang := a.lang()
	return i18n.Sprintf(lang, format, localArgs(lang, format, args)...)
}

// ago is the package's ago in the interface's language: "3d ago", 3天前.
func (a *App) ago(t *time.Time, now time.Time) string {
	if t == nil || a.lang() != "zh" {
		return a.tr(ago(t, now))
	}
	return wording.Words{Lang: "zh"}.ShortDays(crm.DaysBetween(now, *t), "ago")
}

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
	if i18n.Norm(lang) != "zh" {
		return crm.ErrorMessage(err) // the English as built, whatever was added to it
	}
	var ue *usageError
	if errors.As(err, &ue) {
		if ue.cause != nil {
			return errorText(lang, ue.cause)
		}
		if ue.format == "" {
			return i18n.Text(lang, ue.msg)
		}
		return i18n.Sprintf(lang, ue.format, localArgs(lang, ue.format, ue.args)...)
	}
	var e *crm.Error
	if errors.As(err, &e) {
		if e.Format == "" || fmt.Sprintf(e.Format, e.Args...) != e.Message {
			// Built another way, or changed after Errorf: its text as a key.
			return i18n.Text(lang, e.Message)
		}
		return i18n.Sprintf(lang, e.Format, localArgs(lang, e.Format, e.Args)...)
	}
	return err.Error()
}

// localArgs renders the arguments of a message in lang: errors as
// errorText, values that know their words (plainText, counted) in lang, and
// a domain word given to a %s (see nounArgs) as its label.
func localArgs(lang string, format string, args []any) []any {
	if i18n.Norm(lang) != "zh" {
		return args
	}
	verbs := fmtVerb.FindAllString(strings.ReplaceAll(format, "%%", ""), -1)
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case error:
			a = errorText(lang, v)
		case interface{ Text(string) string }:
			a = v.Text(lang)
		case string:
			if i < len(verbs) && strings.HasSuffix(verbs[i], "s") {
				a = nounText(lang, v)
			}
		}
		out[i] = a
	}
	return out
}

var fmtVerb = regexp.MustCompile(`%[-+# 0-9.*]*[a-zA-Z]`)

// nounArgs are the domain's words that its messages take as arguments
// ("no %s matches %q" with "contact"): said in the interface's language
// when given to a %s. A user's text is never among them but by accident,
// and is then only shown as the word's label.
var nounArgs = []string{
	"contact", "account", "task", "key date", "change", "kind", "tier", "style",
	"level", "role", "attitude", "channel", "direction", "more than ", "first",
	"last", "done", "dropped", "id", "uid",
}

// nounText is a domain word in lang: a channel, key date kind or task kind
// by its Chinese label, a word of nounArgs from the catalogue.
func nounText(lang, s string) string {
	if i18n.Norm(lang) != "zh" {
		return s
	}
	for _, e := range []*crm.Enum{crm.Channels, crm.KeyDateKinds} {
		if v := e.Value(s); v != nil && v.Key == s && v.NameZH != "" {
			return v.NameZH
		}
	}
	if s == crm.TaskFollowup || s == crm.TaskPromise {
		return i18n.T(lang, "kind."+s)
	}
	if slices.Contains(nounArgs, s) {
		return i18n.Text(lang, s)
	}
	return s
}

// counted is a number of things: "3 contacts", 3 位联系人 under zh.
type counted struct {
	n          int
	word, many string // as crm.Plural takes them; many may be ""
}

func (c counted) String() string {
	if c.many != "" {
		return crm.Plural(c.n, c.word, c.many)
	}
	return crm.Plural(c.n, c.word)
}

// countWords are the Chinese of counted's words, with their measure word.
var countWords = map[string]string{
	"contact": "位联系人", "record": "条记录", "step": "个步骤", "problem": "个问题",
	"warning": "个警告", "supporter": "位支持者", "opponent": "位反对者", "coach": "位向导",
	"day": "天", "follow-up": "个跟进", "key date": "个重要日期", "task": "个任务",
	"likely duplicate": "个可能的重复", "touch": "次接触", "stage change": "次阶段变化", "tag": "个标签",
	"reporting line": "条汇报关系",
	"account":        "个单位", "open task": "个未完成任务",
}

func (c counted) Text(lang string) string {
	if w, ok := countWords[c.word]; ok && i18n.Norm(lang) == "zh" {
		return fmt.Sprintf("%d %s", c.n, w)
	}
	return c.String()
}

// hintText is a usage error's hint in lang, each line translated.
func (e *usageError) hintText(lang string) string {
	var s string
	if e.hintArgs != nil {
		s = i18n.Sprintf(lang, e.hint, localArgs(lang, e.hint, e.hintArgs)...)
	} else {
		lines := strings.Split(e.hint, "\n")
		for i, l := range lines {
			lines[i] = i18n.Text(lang, l)
		}
		s = strings.Join(lines, "\n")
	}
	if i18n.Norm(lang) == "zh" {
		s = strings.ReplaceAll(s, "[flags]", "[选项]")
	}
	return s
}

// langArg is the value of --lang in args, for an error met before the
// flags were all parsed (crm due --bogus --lang zh): "" when there is none.
func langArg(args []string) string {
	for i, a := range args {
		switch {
		case a == "--":
			return ""
		case a == "--lang" && i+1 < len(args):
			return args[i+1]
		case strings.HasPrefix(a, "--lang="):
			return strings.TrimPrefix(a, "--lang=")
		}
	}
	return ""
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
