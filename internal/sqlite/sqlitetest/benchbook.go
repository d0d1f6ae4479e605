// Package sqlitetest gives benchmarks the synthetic book the speed targets
// are set for, written once and shared by every package's benchmarks.
package sqlitetest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/demo"
	"github.com/seedcrm/crm/internal/sqlite"
)

// Now is the instant the bench book is written as of.
var Now = time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)

// BenchBook returns the path of a synthetic book of CRM_BENCH_CONTACTS
// contacts and CRM_BENCH_TOUCHES touches (default 100,000 and 1,000,000).
// It is written once, as of Now, into the temporary directory and reused
// by later runs: never write to it; CopyBook gives a copy to write to.
func BenchBook(tb testing.TB) string {
	tb.Helper()
	n, m := EnvInt("CRM_BENCH_CONTACTS", 100_000), EnvInt("CRM_BENCH_TOUCHES", 1_000_000)
	path := filepath.Join(os.TempDir(), fmt.Sprintf("crm-bench-%d-%d.db", n, m))
	if _, err := os.Stat(path); os.IsNotExist(err) {
		tb.Logf("writing %s", path)
		err := sqlite.Creator{Now: func() time.Time { return Now }}.CreateBook(context.Background(), path, func(w crm.BookWriter) error {
			return demo.Synthetic(n, m, Now, w)
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	return path
}

// CopyBook copies the book at src to dst, which must not exist, private to
// the user; dst is made whole or the test fails.
func CopyBook(tb testing.TB, dst, src string) {
	tb.Helper()
	in, err := os.Open(src)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		tb.Fatal(err)
	}
	if err := out.Close(); err != nil {
		tb.Fatal(err)
	}
}

// EnvInt reads a positive number from the environment, else def.
func EnvInt(key string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(key)); err == nil && v > 0 {
		return v
	}
	return def
}
