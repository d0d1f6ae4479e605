package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
	"github.com/seedcrm/crm/internal/sqlite"
	"github.com/spf13/cobra"
)

// listedInRoot are commands a new user looks for in crm --help (issue 9).
var listedInRoot = []string{"completion", "man", "tui", "review", "version", "log-email", "export", "due",
	"search", "dupes", "merge", "handover", "import", "mcp"}

func testRoot() *cobra.Command {
	ios, _, _, _ := iostreams.Test()
	return newRootCmd(&App{IO: ios, Getenv: func(string) string { return "" }})
}

// TestRootHelpListsCommands: crm --help names every command of the tree
// that is not hidden, each under a group, and those of listedInRoot.
func TestRootHelpListsCommands(t *testing.T) {
	root := testRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetArgs([]string{"--help"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	help := out.String()
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^  (\S+)\s+\S`).FindAllStringSubmatch(help, -1) {
		listed[m[1]] = true
	}
	for _, name := range listedInRoot {
		if !listed[name] {
			t.Errorf("crm --help does not list %s", name)
		}
	}
	for _, c := range root.Commands() {
		if !c.IsAvailableCommand() || c.IsAdditionalHelpTopicCommand() {
			continue
		}
		if !listed[c.Name()] {
			t.Errorf("crm --help does not list %s", c.Name())
		}
		if c.GroupID == "" && c.Name() != "help" {
			t.Errorf("%s is in no group of crm --help (see newRootCmd)", c.Name())
		}
	}
	if strings.Contains(help, "Log a email") || !strings.Contains(help, "Log an email") {
		t.Errorf("log-email's article:\n%s", help)
	}
}

// TestEveryCommandDocumented: every command of the tree (subcommands
// included) has its section in docs/ (commands.md counts).
func TestEveryCommandDocumented(t *testing.T) {
	var docs strings.Builder
	files, _ := filepath.Glob(filepath.Join("..", "..", "docs", "*.md"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs.Write(b)
	}
	text := docs.String()
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if !c.IsAvailableCommand() || c.IsAdditionalHelpTopicCommand() {
			return
		}
		if !strings.Contains(text, "## "+c.CommandPath()+"\n") {
			t.Errorf("%s has no section in docs/ (run UPDATE_DOCS=1 go test ./internal/cli -run TestCommandReference)", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(testRoot())
}

// TestREFArgumentsComplete: every command whose first argument is a REF
// completes it from the book: a contact's by pinyin, an account's (crm
// account …) by its own. A new command gets this by one line,
// ValidArgsFunction: completeContacts(app) or completeArgs(app,
// contactValues, …), or by its path in argValues.
func TestREFArgumentsComplete(t *testing.T) {
	app, _, _ := seamApp(t)
	app.OpenReader = func(ctx context.Context, path string, now func() time.Time, busy time.Duration) (*crm.Services, error) {
		db, err := sqlite.OpenReadOnly(ctx, path, now, busy)
		if err != nil {
			return nil, err
		}
		return sqlite.NewServices(db), nil
	}
	ctx := context.Background()
	b, err := app.NewBook(ctx)
	if err != nil {
		t.Fatal(err)
	}
	acc := &crm.Account{Name: "宝山钢铁"}
	if err := b.Accounts.CreateAccount(ctx, acc); err != nil {
		t.Fatal(err)
	}
	if err := b.Contacts.CreateContact(ctx, &crm.Contact{Name: "王科长", AccountID: acc.ID}); err != nil {
		t.Fatal(err)
	}
	app.Close()
	app.book = nil
	// newRootCmd's --db resets DBPath: the book is found by CRM_DB.
	book := app.DBPath
	app.Getenv = func(k string) string {
		if k == "CRM_DB" {
			return book
		}
		return pinnedEnv[k]
	}

	checked := 0
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			walk(sub)
		}
		words := strings.Fields(c.Use)
		if !c.Runnable() || len(words) < 2 || !strings.HasPrefix(words[1], "REF") {
			return
		}
		path := strings.Fields(c.CommandPath())[1:]
		typed, want := "wang", "wangkezhang\t王科长 · 宝山钢铁"
		if path[0] == "account" {
			typed, want = "bao", "baoshangangtie\t宝山钢铁"
		}
		ios, _, out, _ := iostreams.Test()
		app.IO = ios
		root := newRootCmd(app)
		root.SetArgs(append(append([]string{cobra.ShellCompRequestCmd}, path...), typed))
		if err := root.Execute(); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), want+"\n") {
			t.Errorf("crm __complete %s %s offers\n%s\nwant %q", strings.Join(path, " "), typed, out, want)
		}
		checked++
	}
	walk(testRoot())
	if checked < 10 {
		t.Errorf("only %d commands take a REF first", checked)
	}
}

// TestTopCommandWords: the words that pick a command to build alone are its
// name and aliases, every command of the tree has its entry, and a command
// built alone has the help it has in the whole tree.
func TestTopCommandWords(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	app := &App{IO: ios, Getenv: func(string) string { return "" }}
	for _, c := range topCommands() {
		cmd := c.build(app)
		if want := append([]string{cmd.Name()}, cmd.Aliases...); !slices.Equal(c.words, want) {
			t.Errorf("topCommands names %v for the command whose words are %v", c.words, want)
		}
	}
	built := map[string]bool{}
	for _, c := range topCommands() {
		built[c.words[0]] = true
	}
	for _, c := range testRoot().Commands() {
		if !built[c.Name()] && c.Name() != "help" && !c.IsAdditionalHelpTopicCommand() {
			t.Errorf("%s is in the tree but not in topCommands", c.Name())
		}
	}

	helpOf := func(args ...string) string {
		ios, _, out, _ := iostreams.Test()
		root := newRootCmd(&App{IO: ios, Args: args, Getenv: func(string) string { return "" }})
		root.SetArgs(args)
		if err := root.Execute(); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	for _, args := range [][]string{{"log-visit", "--help"}, {"--db", "x.db", "account", "map", "--help"}, {"list", "-h"}} {
		sole := helpOf(args...)
		ios, _, out, _ := iostreams.Test()
		full := newRootCmd(&App{IO: ios, Getenv: func(string) string { return "" }})
		full.SetArgs(args)
		if err := full.Execute(); err != nil {
			t.Fatal(err)
		}
		if sole != out.String() || !strings.Contains(sole, "Usage:") {
			t.Errorf("crm %v: help built alone differs from the whole tree's:\n%s\n---\n%s", args, sole, out.String())
		}
	}
}

func TestSoleCommand(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // "" for the whole tree
	}{
		{[]string{"log-visit", "wkz", "lunch"}, "log-visit"},
		{[]string{"--db", "x.db", "--no-color", "ls", "--tier", "A"}, "ls"},
		{[]string{"--db=x.db", "list"}, "ls"},
		{[]string{"--lang", "zh", "accounts"}, "account"},
		{[]string{"help", "log-visit"}, ""},
		{[]string{"completion", "bash"}, ""},
		{[]string{"man"}, ""},
		{[]string{"__complete", "show", ""}, ""},
		{[]string{"show", "__complete"}, ""},
		{[]string{"lgo-visit"}, ""},
		{[]string{"--help"}, ""},
		{[]string{}, ""},
		{nil, ""},
	} {
		c, ok := soleCommand(topCommands(), testRoot().PersistentFlags(), tc.args)
		got := ""
		if ok {
			got = c.words[0]
		}
		if got != tc.want {
			t.Errorf("soleCommand(%q) = %q, want %q", tc.args, got, tc.want)
		}
	}
}
