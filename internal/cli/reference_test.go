package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/iostreams"
)

// TestCommandReference keeps docs/commands.md in step with the command tree.
func TestCommandReference(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var buf bytes.Buffer
	writeReference(&buf, newRootCmd(&App{IO: ios, Getenv: func(string) string { return "" }}))
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
