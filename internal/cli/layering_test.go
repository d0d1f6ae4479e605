package cli

import (
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestCLIImportsTUIOnlyToStart keeps the CLI off the TUI's insides: the
// wording both faces share lives in internal/i18n/wording, and the CLI
// imports internal/tui only to start it (crm tui).
func TestCLIImportsTUIOnlyToStart(t *testing.T) {
	const tui = "github.com/seedcrm/crm/internal/tui"
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(path, tui+"/") || path == tui && name != "tui.go" {
				t.Errorf("%s imports %s: the CLI may import only %s, and only in tui.go to start it", name, path, tui)
			}
		}
	}
}
