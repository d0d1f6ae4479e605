package sqlite_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/interop"
	"github.com/seedcrm/crm/internal/sqlite"
	"github.com/seedcrm/crm/internal/sqlite/sqlitetest"
)

// BenchmarkExportBook writes the synthetic book (sqlitetest.BenchBook) as
// NDJSON, as `crm export --ndjson` does.
func BenchmarkExportBook(b *testing.B) {
	db, err := sqlite.OpenExisting(context.Background(), sqlitetest.BenchBook(b), func() time.Time { return sqlitetest.Now })
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for b.Loop() {
		w := interop.NewBookWriter(io.Discard, true)
		w.Header(crm.BookHeader{ExportedAt: sqlitetest.Now})
		if err := sqlite.NewBookService(db).ExportBook(context.Background(), crm.BookFilter{}, w); err != nil {
			b.Fatal(err)
		}
		w.Close()
	}
}

// BenchmarkImportBook imports the export of the synthetic book into an
// empty book, as `crm import book.ndjson` does.
func BenchmarkImportBook(b *testing.B) {
	ctx := context.Background()
	src, err := sqlite.OpenExisting(ctx, sqlitetest.BenchBook(b), func() time.Time { return sqlitetest.Now })
	if err != nil {
		b.Fatal(err)
	}
	var file bytes.Buffer
	w := interop.NewBookWriter(&file, true)
	w.Header(crm.BookHeader{ExportedAt: sqlitetest.Now})
	if err := sqlite.NewBookService(src).ExportBook(ctx, crm.BookFilter{}, w); err != nil {
		b.Fatal(err)
	}
	w.Close()
	src.Close()
	if p := os.Getenv("CRM_BENCH_EXPORT"); p != "" {
		os.WriteFile(p, file.Bytes(), 0o600)
	}
	for i := 0; b.Loop(); i++ {
		db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "book.db"), func() time.Time { return sqlitetest.Now })
		if err != nil {
			b.Fatal(err)
		}
		_, err = sqlite.NewBookService(db).ImportBook(ctx, crm.ImportOptions{Name: "book.ndjson"}, func(s crm.BookSink) error {
			return interop.DecodeBook(bytes.NewReader(file.Bytes()), s)
		})
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}
