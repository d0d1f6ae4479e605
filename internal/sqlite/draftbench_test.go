package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/interop"
	"github.com/seedcrm/crm/internal/sqlite"
	"github.com/seedcrm/crm/internal/sqlite/sqlitetest"
)

// BenchmarkImportVCards imports a vCard file (CRM_BENCH_VCF, e.g. 10,000
// cards from `crm export --format vcard`) into an empty book.
func BenchmarkImportVCards(b *testing.B) {
	path := os.Getenv("CRM_BENCH_VCF")
	if path == "" {
		b.Skip("CRM_BENCH_VCF names no vCard file")
	}
	ctx := context.Background()
	for b.Loop() {
		db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "book.db"), func() time.Time { return sqlitetest.Now })
		if err != nil {
			b.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		_, err = sqlite.NewBookService(db).ImportDrafts(ctx, crm.ImportOptions{Name: "cards.vcf"}, func(fn func(*crm.ImportDraft) error) error {
			return interop.DecodeVCards(f, func(d interop.Draft) error {
				return fn(&crm.ImportDraft{Line: d.Line, Contact: d.Contact, KeyDates: d.KeyDates})
			})
		})
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}
