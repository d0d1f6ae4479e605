package sqlite_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/sqlite"
	"github.com/seedcrm/crm/internal/sqlite/sqlitetest"
)

// benchBook opens a copy of the synthetic book the speed targets are set
// for (sqlitetest.BenchBook), so that benchmarks may write to it.
func benchBook(b *testing.B) *sqlite.DB {
	b.Helper()
	copyPath := filepath.Join(b.TempDir(), "book.db")
	sqlitetest.CopyBook(b, copyPath, sqlitetest.BenchBook(b))
	db, err := sqlite.Open(context.Background(), copyPath, func() time.Time { return sqlitetest.Now })
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
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

// benchQueries are typical searches of the synthetic book: a full name, a
// surname, pinyin, a word of many touches in Chinese and in English, a
// mixed query and a rare word.
var benchQueries = []string{"王伟", "欧阳", "zhangwei", "茶叶", "预算", "trade fair", "engineer", "王 科长", "wkz", "维修专家"}

func BenchmarkSearch(b *testing.B) {
	ss := sqlite.NewSearchService(benchBook(b))
	ctx := context.Background()
	for _, q := range benchQueries {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				hits, err := ss.Search(ctx, q, crm.SearchOptions{Limit: crm.DefaultSearchLimit})
				if err != nil || len(hits) == 0 {
					b.Fatal(len(hits), err)
				}
			}
		})
	}
}

// BenchmarkIndexTouch is what indexing adds to logging a touch: the same
// write transaction with and without the touch's search row.
func BenchmarkIndexTouch(b *testing.B) {
	db := benchBook(b)
	ctx := context.Background()
	b.Run("empty-tx", func(b *testing.B) {
		for b.Loop() {
			if err := db.EmptyTxForTest(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("index-row", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if err := db.IndexTouchForTest(ctx, int64(2_000_000+i), "讨论了设备采购，他要一份报价", "brought the case study"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
