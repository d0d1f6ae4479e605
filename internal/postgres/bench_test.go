package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/postgres"
	"github.com/seedcrm/crm/internal/postgres/pgtest"
)

// BenchmarkConcurrentWriters is 8 writers that each keep their book open
// (the TUI, the MCP server, a script on the services), logging touches
// at once through their own connections: b.N touches in all, reported as
// touches/s. What it measures is the server's side of a write, and the
// writers' turns on the book's row, without a process and a connection
// made per touch as `crm log-visit` makes them (scripts/bench-pg.sh times
// that). On the test server of CRM_TEST_PG: give it a server with fsync
// on (scripts/pg-test-server.sh with FSYNC=on) for honest figures.
func BenchmarkConcurrentWriters(b *testing.B) {
	const writers = 8
	u := pgtest.NewDatabase(b, "crm_test")
	ctx := context.Background()
	books := make([]*crm.Services, writers)
	contacts := make([]int64, writers)
	for i := range books {
		db, err := postgres.Open(ctx, u, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		books[i] = postgres.NewServices(db)
		c := &crm.Contact{Name: fmt.Sprintf("客户%d", i), Tier: "A"}
		if err := books[i].Contacts.CreateContact(ctx, c); err != nil {
			b.Fatal(err)
		}
		contacts[i] = c.ID
	}
	var left atomic.Int64
	left.Store(int64(b.N))
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	b.ResetTimer()
	start := time.Now()
	for i, s := range books {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for left.Add(-1) >= 0 {
				err := s.Touches.CreateTouch(ctx, &crm.Touch{Channel: "call", Summary: "bench touch", At: time.Now(),
					Contacts: []crm.TouchPerson{{ID: contacts[i]}}})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "touches/s")
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}
