package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// tourBlock returns the first ```sh block after the heading "## A short
// tour" of the README: the commands a new user types first.
func tourBlock(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, tour, ok := strings.Cut(string(b), "\n## A short tour\n")
	if !ok {
		t.Fatal(`README.md has no "## A short tour"`)
	}
	m := regexp.MustCompile("(?s)```sh\n(.*?)```").FindStringSubmatch(tour)
	if m == nil {
		t.Fatal("the tour has no ```sh block")
	}
	return m[1]
}

// TestReadmeTour runs the README's tour as written, in order, in one shell
// against a fresh demo book: every command must succeed and none may warn
// or fail on stderr ("crm: …"), so the tour cannot drift from the demo book.
func TestReadmeTour(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("needs sh")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	// crm on PATH is this test binary acting as crm (see TestMain).
	shim := "#!/bin/sh\nCRM_TEST_AS_CRM=1 exec '" + os.Args[0] + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "crm"), []byte(shim), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("jq"); err != nil {
		t.Log("jq is not installed: its lines read the JSON and drop it")
		os.WriteFile(filepath.Join(bin, "jq"), []byte("#!/bin/sh\ncat >/dev/null\n"), 0o755)
	}
	cmd := exec.Command("sh", "-e", "-x", "-c", tourBlock(t))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "TMPDIR="+dir,
		"CRM_NOW=2026-11-22T09:00:00+08:00", "TZ=Asia/Shanghai", "NO_COLOR=1", "CRM_DB=", "XDG_DATA_HOME="+filepath.Join(dir, "xdg"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("the tour failed: %v\n%s", err, stderr.String())
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.HasPrefix(line, "crm: ") {
			t.Errorf("the tour warned or failed: %s\n(the whole stderr:)\n%s", line, stderr.String())
		}
	}
}
