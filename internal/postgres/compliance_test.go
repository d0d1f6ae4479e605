package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/crm/crmtest"
	"github.com/seedcrm/crm/internal/postgres"
	"github.com/seedcrm/crm/internal/postgres/pgtest"
)

// TestCompliance runs the compliance suite of the services on PostgreSQL
// books, a new database each.
func TestCompliance(t *testing.T) {
	crmtest.Run(t, func(t *testing.T) *crm.Services { return postgres.NewServices(openBook(t)) })
}

// openBook opens a book in a new database whose clock reads crmtest.Now.
func openBook(t testing.TB) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), pgtest.NewDatabase(t, "crm_test"), func() time.Time { return crmtest.Now })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
