package cli

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/i18n"
	"github.com/seedcrm/crm/internal/iostreams"
)

// TestCLIComplete checks that every English text the CLI shows has its
// Chinese in internal/i18n/zh_cli.go: the help of the whole command tree
// (Short, paragraphs of Long, example comments, flag usages, group
// titles), and, by a scan of the repository's code, the formats of
// crm.Errorf and usage errors, hints, table headers and stderr messages.
// A command or error added without its Chinese fails here, and the
// failure lists the missing entries ready to paste into zh_cli.go.
func TestCLIComplete(t *testing.T) {
	missing := map[string]bool{}
	miss := func(s string) {
		if hasWords(s) && !i18n.HasText(s) {
			missing[s] = true
		}
	}
	ios, _, _, _ := iostreams.Test()
	root := newRootCmd(&App{IO: ios, Getenv: func(string) string { return "" }})
	localizeHelp(root, "zh", miss)
	for _, s := range codeTexts(t) {
		miss(s)
	}
	for _, s := range domainTexts() {
		miss(s)
	}
	if len(missing) == 0 {
		return
	}
	keys := make([]string, 0, len(missing))
	for k := range missing {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "\t\t%s: \"\",\n", strconv.Quote(k))
	}
	t.Errorf("%d English texts have no Chinese; add them to internal/i18n/zh_cli.go, translated:\n%s", len(keys), b.String())
}

// hasWords reports whether s says anything besides its fmt verbs and
// punctuation ("%s: %s" needs no translation).
func hasWords(s string) bool {
	return strings.IndexFunc(fmtVerb.ReplaceAllString(s, ""), unicode.IsLetter) >= 0
}

// domainTexts are the domain's English texts that the CLI shows in the
// interface's language: the ladders' jobs and marks of leaving a stage, the
// styles' tips, and the labels of the profile's text fields on the card.
func domainTexts() []string {
	var out []string
	for _, l := range crm.Ladders() {
		for _, s := range l.Stages {
			out = append(out, s.Job, s.LeavesWhen)
		}
	}
	for _, v := range crm.Styles.Values {
		out = append(out, v.Tip)
	}
	for _, f := range crm.ProfileFields {
		if f.Kind == crm.KindText {
			out = append(out, f.Key)
		}
	}
	return out
}

// textCalls are the functions and methods whose argument at the index is a
// text shown to the user (from there on for newTable's headers).
var textCalls = map[string]int{
	"Errorf":      1, // crm.Errorf(code, format, …)
	"usageErrorf": 0,
	"notef":       0,
	"warnf":       0,
	"tr":          0,
	"trf":         0,
	"plainText":   0,
	"WhenEmpty":   0,
	"cardLine":    0, // the labels of crm show
	"cardText":    0,
	"newTable":    2,
	"Text":        1, // i18n.Text(lang, s)
	"Sprintf":     1, // i18n.Sprintf(lang, format, …)
}

// codeTexts scans the Go code of the repository (tests, the catalogue and
// the TUI, which has its own keyed catalogue, aside) for the texts that
// reach the user through the calls in textCalls, usageError literals and
// hints, and pflagFormats.
func codeTexts(t *testing.T) []string {
	t.Helper()
	var out []string
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			switch rel {
			case "internal/i18n", "internal/tui", "testdata", ".git":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		out = append(out, fileTexts(f)...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func fileTexts(f *ast.File) []string {
	var out []string
	add := func(e ast.Expr, lines bool) {
		s, ok := literal(e)
		if !ok || s == "" {
			return
		}
		if lines && !strings.Contains(s, "%") {
			out = append(out, strings.Split(s, "\n")...)
			return
		}
		out = append(out, s)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			name := ""
			switch fn := n.Fun.(type) {
			case *ast.Ident:
				name = fn.Name
			case *ast.SelectorExpr:
				name = fn.Sel.Name
				if x, ok := fn.X.(*ast.Ident); ok && (name == "Errorf" && x.Name != "crm" ||
					(name == "Text" || name == "Sprintf") && x.Name != "i18n") {
					return true
				}
			}
			if name == "Errorf" && f.Name.Name != "crm" {
				if _, ok := n.Fun.(*ast.Ident); ok {
					return true
				}
			}
			i, ok := textCalls[name]
			if !ok {
				return true
			}
			for j := i; j < len(n.Args); j++ {
				add(n.Args[j], false)
				if name != "newTable" {
					break
				}
			}
		case *ast.CompositeLit:
			if id, ok := n.Type.(*ast.Ident); ok && id.Name == "usageError" {
				for _, el := range n.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if k, ok := kv.Key.(*ast.Ident); ok && (k.Name == "msg" || k.Name == "hint") {
							add(kv.Value, k.Name == "hint")
						}
					}
				}
			}
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if sel, ok := l.(*ast.SelectorExpr); ok && sel.Sel.Name == "hint" && i < len(n.Rhs) {
					add(n.Rhs[i], len(n.Lhs) == 1)
				}
			}
		case *ast.ValueSpec:
			for i, name := range n.Names {
				if (name.Name == "pflagFormats" || name.Name == "nounArgs") && i < len(n.Values) {
					if cl, ok := n.Values[i].(*ast.CompositeLit); ok {
						for _, el := range cl.Elts {
							add(el, false)
						}
					}
				}
			}
		}
		return true
	})
	return out
}

// literal is the value of a string literal, or of a sum of them.
func literal(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		a, ok1 := literal(e.X)
		b, ok2 := literal(e.Y)
		return a + b, ok1 && ok2
	case *ast.ParenExpr:
		return literal(e.X)
	}
	return "", false
}

// TestTableInChinese: on a terminal, a table's header and its empty
// message follow the language; the rows keep the book's values.
func TestTableInChinese(t *testing.T) {
	b := newTTYBook(t)
	b.run("add", "王科长", "--tier", "A", "--account", "宝山钢铁")
	_, errOut := b.run("--lang", "zh", "tasks")
	if errOut != "没有任务\n" {
		t.Errorf("empty tasks on stderr = %q, want 没有任务", errOut)
	}
	b.run("log-visit", "王科长", "plant tour", "--at", "2026-10-01")
	out, _ := b.run("--lang", "zh", "due")
	header := strings.Fields(strings.SplitN(out, "\n", 2)[0])
	if want := []string{"编号", "姓名", "级别", "到期", "紧迫度", "原因"}; !slices.Equal(header, want) {
		t.Errorf("due header = %q, want %q", header, want)
	}
	if !strings.Contains(out, "逾期22天") || !strings.Contains(out, "A级，上次接触52天前，节奏30天") {
		t.Errorf("due rows are not in Chinese:\n%s", out)
	}
	out, _ = b.run("ls")
	if !strings.HasPrefix(out, "ID") || !strings.Contains(out, "LAST TOUCH") {
		t.Errorf("ls without --lang is not English:\n%s", out)
	}
}

// FuzzLocalizeHelpText: translating nothing changes nothing, and what is
// translated in an example is only a comment: the command before "# "
// stays as typed.
func FuzzLocalizeHelpText(f *testing.F) {
	f.Add("  crm due --count             # for a shell prompt or status bar")
	f.Add("  crm log-visit wkz \"a # not a comment\" # a comment\n  crm ls")
	f.Add("para one\n\npara two\n\n  crm ls --tier A")
	f.Add("«")
	f.Fuzz(func(t *testing.T, s string) {
		same := func(x string) string { return x }
		if got := localizeExample(s, same); got != s {
			t.Fatalf("localizeExample(identity) = %q, want %q", got, s)
		}
		if got := localizeLong(s, same); got != s {
			t.Fatalf("localizeLong(identity) = %q, want %q", got, s)
		}
		if strings.ContainsAny(s, "«»") {
			return // the marks below must be told from the text
		}
		mark := func(x string) string { return "«" + x + "»" }
		got := strings.Split(localizeExample(s, mark), "\n")
		for i, l := range strings.Split(s, "\n") {
			j := strings.Index(got[i], "«")
			if j < 0 {
				if got[i] != l {
					t.Fatalf("line %q became %q", l, got[i])
				}
				continue
			}
			if !strings.HasPrefix(l, got[i][:j]) || !strings.HasSuffix(got[i][:j], "# ") {
				t.Fatalf("line %q: the command changed: %q", l, got[i])
			}
		}
		_ = langArg(strings.Fields(s))
	})
}
