package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/seedcrm/crm/internal/crm"
)

// TestPublishFile: a new file appears whole under its name and is never put
// over another, unless the caller replaces on purpose (a restore).
func TestPublishFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	read := func(p string) string {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	path := filepath.Join(dir, "book.db")
	tmp := write("tmp1", "first")
	if err := publishFile(tmp, path, false); err != nil {
		t.Fatal(err)
	}
	if got := read(path); got != "first" {
		t.Fatalf("published %q, want first", got)
	}
	if _, err := os.Lstat(tmp); !os.IsNotExist(err) {
		t.Errorf("the temporary file is left behind: %v", err)
	}

	tmp = write("tmp2", "second")
	if err := publishFile(tmp, path, false); crm.ErrorCode(err) != crm.ECONFLICT {
		t.Fatalf("publishing over a file: %v, want ECONFLICT", err)
	}
	if got := read(path); got != "first" {
		t.Fatalf("the file there became %q", got)
	}
	if err := publishFile(tmp, path, true); err != nil {
		t.Fatal(err)
	}
	if got := read(path); got != "second" {
		t.Fatalf("replaced with %q, want second", got)
	}
}

// TestOpenRacesToCreateOneBook: processes that create the same new book at
// once all open the one book that won, whole.
func TestOpenRacesToCreateOneBook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crm.db")
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := Open(ctx, path, nil)
			if err == nil {
				err = d.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), tempPattern+"*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
