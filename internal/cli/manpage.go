package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The man pages are roff written here rather than by cobra/doc: that
// package converts through markdown (go-md2man, blackfriday), whose
// package init compiles regular expressions in every crm process, half the
// start-up of a one-line write, for pages that only crm man writes.

// manHeader is what every page's .TH line carries besides its title.
type manHeader struct {
	Date   time.Time
	Source string // "crm VERSION"
	Manual string
}

// writeManTree writes one page per available command under root into dir,
// named by the command path joined with "-" (crm-log-visit.1), skipping help
// and help topics as --help's list does.
func writeManTree(root *cobra.Command, dir string, h manHeader) error {
	for _, c := range manSubcommands(root) {
		if err := writeManTree(c, dir, h); err != nil {
			return err
		}
	}
	path := filepath.Join(dir, manName(root)+".1")
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	writeManPage(w, root, h)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// manSubcommands are the subcommands of c that have a page: those --help
// lists, help and the help topics left out.
func manSubcommands(c *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() && !sub.IsAdditionalHelpTopicCommand() {
			out = append(out, sub)
		}
	}
	return out
}

func manName(c *cobra.Command) string {
	return strings.ReplaceAll(c.CommandPath(), " ", "-")
}

// writeManPage writes the page of one command: NAME, SYNOPSIS, DESCRIPTION
// (its Long text), OPTIONS, the options inherited from its parents, EXAMPLE
// and SEE ALSO (its parent and subcommands).
func writeManPage(w io.Writer, c *cobra.Command, h manHeader) {
	name := manName(c)
	fmt.Fprintf(w, ".nh\n.TH %q \"1\" %q %q %q\n", strings.ToUpper(name), h.Date.Format("Jan 2006"), h.Source, h.Manual)
	fmt.Fprintf(w, ".SH NAME\n%s \\- %s\n", name, roffText(c.Short))
	fmt.Fprintf(w, ".SH SYNOPSIS\n\\fB%s\\fR\n", roffText(c.UseLine()))
	long := c.Long
	if long == "" {
		long = c.Short
	}
	fmt.Fprintf(w, ".SH DESCRIPTION\n")
	writeRoffParagraphs(w, long)
	c.InitDefaultHelpFlag()
	writeManFlags(w, "OPTIONS", c.NonInheritedFlags())
	writeManFlags(w, "OPTIONS INHERITED FROM PARENT COMMANDS", c.InheritedFlags())
	if c.Example != "" {
		fmt.Fprintf(w, ".SH EXAMPLE\n.EX\n")
		for _, line := range strings.Split(strings.TrimRight(c.Example, "\n"), "\n") {
			fmt.Fprintln(w, roffLine(line))
		}
		fmt.Fprintf(w, ".EE\n")
	}
	var related []string
	if c.HasParent() {
		related = append(related, manName(c.Parent()))
	}
	for _, sub := range manSubcommands(c) {
		related = append(related, manName(sub))
	}
	if len(related) > 0 {
		fmt.Fprintf(w, ".SH SEE ALSO\n")
		for i, r := range related {
			sep := ","
			if i == len(related)-1 {
				sep = ""
			}
			fmt.Fprintf(w, "\\fB%s\\fR(1)%s\n", roffText(r), sep)
		}
	}
}

// writeRoffParagraphs writes help text: paragraphs split at blank lines,
// and lines indented by two spaces or more (examples, tables) kept as they
// are, unfilled.
func writeRoffParagraphs(w io.Writer, text string) {
	paragraphs := strings.Split(strings.TrimSpace(text), "\n\n")
	for i, p := range paragraphs {
		if i > 0 {
			fmt.Fprintln(w, ".PP")
		}
		lines := strings.Split(p, "\n")
		verbatim := false
		for _, line := range lines {
			indented := strings.HasPrefix(line, "  ")
			if indented != verbatim {
				if indented {
					fmt.Fprintln(w, ".EX")
				} else {
					fmt.Fprintln(w, ".EE")
				}
				verbatim = indented
			}
			fmt.Fprintln(w, roffLine(line))
		}
		if verbatim {
			fmt.Fprintln(w, ".EE")
		}
	}
}

// writeManFlags lists flags as tagged paragraphs: "-a, --at WHEN" then its
// usage and default, as --help shows them.
func writeManFlags(w io.Writer, title string, flags *pflag.FlagSet) {
	var any bool
	flags.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		if !any {
			fmt.Fprintf(w, ".SH %s\n", title)
			any = true
		}
		varname, usage := pflag.UnquoteUsage(f)
		tag := "\\fB\\-\\-" + roffText(f.Name) + "\\fR"
		if f.Shorthand != "" {
			tag = "\\fB\\-" + roffText(f.Shorthand) + "\\fR, " + tag
		}
		if varname != "" {
			tag += " \\fI" + roffText(varname) + "\\fR"
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "[]" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, ".TP\n%s\n%s\n", tag, roffLine(usage))
	})
}

// roffText escapes text for a roff line: backslashes, and hyphens as \- so
// that options and commands copy out of the page as typed.
func roffText(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	return strings.ReplaceAll(s, "-", `\-`)
}

// roffLine escapes one line of text; a line that would start with a roff
// control character (. or ') is guarded with \&.
func roffLine(s string) string {
	s = roffText(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}
