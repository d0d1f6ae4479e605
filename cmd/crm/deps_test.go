package main

import (
	"os/exec"
	"strings"
	"testing"
)

// heavyInit are packages whose init does work in every crm process (regular
// expressions compiled, tables built, PATH searched) for something a one-line write never
// uses; crm must not link them (docs/benchmarks.md, issue 10).
var heavyInit = []string{
	"github.com/russross/blackfriday/v2", // cobra/doc's markdown, for man pages: crm writes roff itself
	"github.com/cpuguy83/go-md2man/v2/md2man",
	"github.com/spf13/cobra/doc",
	// bubbles/textinput's clipboard: its init looks up xclip, xsel and more
	// over all of PATH; the TUI's own lineinput takes paste from the terminal
	"github.com/atotto/clipboard",
}

func TestBinaryLinksNoHeavyInit(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	linked := map[string]bool{}
	for _, pkg := range strings.Fields(string(out)) {
		linked[pkg] = true
	}
	for _, pkg := range heavyInit {
		if linked[pkg] {
			t.Errorf("crm links %s, whose init every process pays", pkg)
		}
	}
}
