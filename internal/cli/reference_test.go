package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

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
