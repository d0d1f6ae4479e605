package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// TestCommandReference keeps docs/commands.md in step with the command tree.
func TestCommandReference(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var buf bytes.Buffer
	if err := writeReference(&buf, newRootCmd(&App{IO: ios, Getenv: func(string) string { return "" }})); err != nil {
		t.Fatal(err)
	}
	checkReference(t, buf.String())
	path := filepath.Join("..", "..", "docs", "commands.md")
	if os.Getenv("UPDATE_DOCS") == "1" {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, buf.Bytes()) {
		t.Error("docs/commands.md is out of date; run: UPDATE_DOCS=1 go test ./internal/cli -run TestCommandReference")
	}
}

// checkReference: every link goes to a section of the page; the help
// topics have one each, crm completion and crm man one, help none.
func checkReference(t *testing.T, ref string) {
	t.Helper()
	headings := map[string]bool{}
	for _, line := range strings.Split(ref, "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			headings[anchor(h)] = true
		} else if h, ok := strings.CutPrefix(line, "### crm "); ok {
			headings[anchor("crm "+h)] = true
		}
	}
	for _, m := range regexp.MustCompile(`\]\(#([^)]*)\)`).FindAllStringSubmatch(ref, -1) {
		if !headings[m[1]] {
			t.Errorf("link to #%s, which no heading has", m[1])
		}
	}
	for _, topic := range []string{"crm-help-ref", "crm-help-when", "crm-help-dur"} {
		if !headings[topic] {
			t.Errorf("no section for the help topic %s", topic)
		}
	}
	for _, cmd := range []string{"crm-completion", "crm-man", "crm-version"} {
		if !headings[cmd] {
			t.Errorf("no section for %s", cmd)
		}
	}
	for _, hidden := range []string{"crm-help", "crm-ref"} {
		if headings[hidden] {
			t.Errorf("a section for %s, which is hidden or no command", hidden)
		}
	}
}

// writeReference writes the command reference (docs/commands.md) from the
// command tree (here, so that the binary links no doc generator), so that the docs change with the commands: one section per
// command as cobra's doc package writes it, in one file whose "see also"
// links are anchors, then the help topics (crm help ref|when|dur), which
// cobra's generator leaves out. Hidden commands and help stay out.
func writeReference(w io.Writer, root *cobra.Command) error {
	var topics []*cobra.Command
	for _, c := range root.Commands() {
		if c.IsAdditionalHelpTopicCommand() {
			topics = append(topics, c)
		}
	}
	fmt.Fprintf(w, "# Command reference\n\nGenerated from the command tree by `UPDATE_DOCS=1 go test ./internal/cli -run TestCommandReference`; do not edit by hand.\n\n")
	fmt.Fprintf(w, "Commands start at [crm](#crm). Help topics:\n\n")
	for _, t := range topics {
		fmt.Fprintf(w, "* [crm help %s](#%s) - %s\n", t.Name(), anchor("crm help "+t.Name()), t.Short)
	}
	fmt.Fprintln(w)
	if err := writeCommandDocs(w, root); err != nil {
		return err
	}
	if len(topics) > 0 {
		fmt.Fprintf(w, "## Help topics\n\n")
	}
	for _, t := range topics {
		fmt.Fprintf(w, "### crm help %s\n\n%s\n\n```\n%s\n```\n\n", t.Name(), t.Short, t.Long)
	}
	return nil
}

// writeCommandDocs writes c's section and those of its commands, depth first.
func writeCommandDocs(w io.Writer, c *cobra.Command) error {
	c.DisableAutoGenTag = true // no date: the file is compared with the tree
	if err := doc.GenMarkdownCustom(c, w, fileAnchor); err != nil {
		return err
	}
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() && !sub.IsAdditionalHelpTopicCommand() {
			if err := writeCommandDocs(w, sub); err != nil {
				return err
			}
		}
	}
	return nil
}

// fileAnchor turns the file name cobra links a command by (crm_log-visit.md)
// into the anchor of its section in this one file (#crm-log-visit).
func fileAnchor(file string) string {
	return "#" + anchor(strings.ReplaceAll(strings.TrimSuffix(file, ".md"), "_", " "))
}

// anchor is the id GitHub gives a heading of ASCII words.
func anchor(heading string) string {
	return strings.ReplaceAll(strings.ToLower(heading), " ", "-")
}

// TestPrintChoices pins the layout of an ambiguous reference's candidates:
// columns aligned by display width (CJK counts two), no account column
// when a candidate has none.
func TestPrintChoices(t *testing.T) {
	var b strings.Builder
	printChoices(&b, []crm.Candidate{{ID: 2, Name: "张伟", Account: "宝山钢铁"}, {ID: 13, Name: "Zhang Wei", Account: "Acme"}, {ID: 140, Name: "张"}}, nil)
	want := "  2    张伟       宝山钢铁\n" +
		"  13   Zhang Wei  Acme\n" +
		"  140  张\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	printChoices(&b, nil, []string{"no tag \"x\" to remove"})
	if want := "  no tag \"x\" to remove\n"; b.String() != want {
		t.Errorf("details: got %q, want %q", b.String(), want)
	}
}
