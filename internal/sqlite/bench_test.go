package sqlite_test

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

// benchBook opens a synthetic book of CRM_BENCH_CONTACTS contacts and
// CRM_BENCH_TOUCHES touches (default 100,000 and 1,000,000, the sizes the
// speed targets are set for). It is written once and cached in the temporary
// directory; writes made by benchmarks go to a copy.
func benchBook(b *testing.B) *sqlite.DB {
	b.Helper()
	n, m := envInt("CRM_BENCH_CONTACTS", 100_000), envInt("CRM_BENCH_TOUCHES", 1_000_000)
	path := filepath.Join(os.TempDir(), fmt.Sprintf("crm-bench-%d-%d.db", n, m))
	now := time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)
	if _, err := os.Stat(path); os.IsNotExist(err) {
		b.Logf("writing %s", path)
		err := sqlite.Creator{}.CreateBook(context.Background(), path, func(w crm.BookWriter) error {
			return demo.Synthetic(n, m, now, w)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	copyPath := filepath.Join(b.TempDir(), "book.db")
	if err := copyFile(copyPath, path); err != nil {
		b.Fatal(err)
	}
	db, err := sqlite.Open(context.Background(), copyPath, func() time.Time { return now })
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func envInt(key string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(key)); err == nil && v > 0 {
		return v
	}
	return def
}

func BenchmarkResolveByID(b *testing.B) {
	cs := sqlite.NewContactService(benchBook(b))
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		if _, err := cs.ResolveContact(ctx, strconv.Itoa(1+i%1000)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResolvePinyinPrefix resolves prefixes of pinyin keys; ambiguous
// answers count too, since they cost the same lookup.
func BenchmarkResolvePinyinPrefix(b *testing.B) {
	cs := sqlite.NewContactService(benchBook(b))
	ctx := context.Background()
	refs := []string{"wangw", "zhangl", "lina", "chenj", "annas", "wkz", "liuy"}
	for i := 0; b.Loop(); i++ {
		_, err := cs.ResolveContact(ctx, refs[i%len(refs)])
		if code := crm.ErrorCode(err); code != "" && code != crm.EAMBIGUOUS && code != crm.ENOTFOUND {
			b.Fatal(err)
		}
	}
}

func BenchmarkCreateTouch(b *testing.B) {
	ts := sqlite.NewTouchService(benchBook(b))
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		t := &crm.Touch{Channel: "visit", Summary: "bench", Contacts: []crm.TouchPerson{{ID: int64(1 + i%1000)}}}
		if err := ts.CreateTouch(ctx, t); err != nil {
			b.Fatal(err)
		}
	}
}

func benchmarkList(b *testing.B, f crm.ContactFilter) {
	cs := sqlite.NewContactService(benchBook(b))
	ctx := context.Background()
	var buf []byte
	for b.Loop() {
		n := 0
		err := cs.FindContacts(ctx, f, func(c *crm.Contact) error {
			buf = c.AppendJSON(buf[:0])
			n++
			return nil
		})
		if err != nil || n == 0 {
			b.Fatal(n, err)
		}
	}
}

func BenchmarkListTierA(b *testing.B) {
	benchmarkList(b, crm.ContactFilter{Tiers: []string{"A"}, Sort: crm.SortCreated})
}

func BenchmarkListAllByID(b *testing.B) { benchmarkList(b, crm.ContactFilter{Sort: crm.SortCreated}) }

func BenchmarkListAllByName(b *testing.B) { benchmarkList(b, crm.ContactFilter{Sort: crm.SortName}) }
