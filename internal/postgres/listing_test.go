package postgres_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/crm/crmtest"
	"github.com/seedcrm/crm/internal/interop"
	"github.com/seedcrm/crm/internal/postgres"
)

// TestLongListingsComeInOrder: a listing longer than a batch (streamed on a
// connection of its own) comes whole, in its order, each contact once, as
// the same listing read a page at a time; and it is one snapshot, as on
// SQLite: a contact deleted while it runs is still listed.
func TestLongListingsComeInOrder(t *testing.T) {
	ctx := context.Background()
	s := postgres.NewServices(openBook(t))
	n := 2*postgres.ListBatch + 300
	var b bytes.Buffer
	w := interop.NewBookWriter(&b, true)
	w.Header(crm.BookHeader{ExportedAt: crmtest.Now})
	tiers, stages := []string{"A", "B", "C"}, []string{"cold", "icebreak", "trust"}
	for i := range n {
		c := crm.Contact{UID: fmt.Sprintf("0190aaaa-0000-7000-8000-%012d", i), Name: fmt.Sprintf("name %04d", (i*7919)%n),
			Tier: tiers[i%3], Ladder: crm.DefaultLadder, Stage: stages[i%len(stages)],
			Phones: []string{}, Emails: []string{}, Tags: []string{}, CreatedAt: crmtest.Now, UpdatedAt: crmtest.Now}
		if i%5 == 0 {
			at := crmtest.Now.Add(-time.Duration(i) * time.Hour)
			c.LastTouchAt = &at
		}
		w.Contact(0, &crm.BookContact{Contact: c})
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	importBook(t, s, b.Bytes())

	list := func(f crm.ContactFilter) (ids []int64) {
		t.Helper()
		if err := s.Contacts.FindContacts(ctx, f, func(c *crm.Contact) error { ids = append(ids, c.ID); return nil }); err != nil {
			t.Fatal(err)
		}
		return ids
	}
	for _, f := range []crm.ContactFilter{
		{}, {Sort: crm.SortCreated}, {Sort: crm.SortLastTouch}, {Sort: crm.SortStage},
		{Tiers: []string{"A", "B"}}, {Offset: 700}, {Offset: 10, Limit: postgres.ListBatch + 5},
	} {
		whole := list(f)
		want := f.Limit
		if want == 0 {
			want = n - f.Offset
			if len(f.Tiers) > 0 {
				want = n - n/3 // tier C is every third
			}
		}
		if len(whole) != want {
			t.Errorf("%+v listed %d contacts, want %d", f, len(whole), want)
		}
		var paged []int64
		for off := f.Offset; len(paged) < len(whole); off += 500 {
			p := f
			p.Offset, p.Limit = off, min(500, len(whole)-len(paged))
			got := list(p)
			if len(got) == 0 {
				break
			}
			paged = append(paged, got...)
		}
		if !slices.Equal(whole, paged) {
			t.Errorf("%+v: the whole listing and its pages differ in order", f)
		}
	}

	// Deleted while the listing runs: the last contact of the order.
	order := list(crm.ContactFilter{})
	last := order[len(order)-1]
	var seen []int64
	err := s.Contacts.FindContacts(ctx, crm.ContactFilter{}, func(c *crm.Contact) error {
		if len(seen) == 0 {
			if _, err := s.Contacts.PurgeContact(ctx, last); err != nil {
				return err
			}
		}
		seen = append(seen, c.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(seen, order) {
		t.Errorf("a contact deleted during the listing: listed %d of %d, last %d (deleted %d)", len(seen), len(order), seen[len(seen)-1], last)
	}
	if after := list(crm.ContactFilter{}); !slices.Equal(after, order[:len(order)-1]) {
		t.Errorf("the listing after the deletion has %d contacts, want %d", len(after), len(order)-1)
	}
}
