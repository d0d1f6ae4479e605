package crmtest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
)

// What a face that pages needs of the listings (a TUI showing "rows 51–100
// of 100,000", fetching a row's details as it draws it, while the user
// writes): pages that add up to the listing, a total, service calls inside
// the callback, readers beside a writer.

// pageSizes are the page sizes every paging test walks the listing by: one
// row, one that divides no total, one larger than the whole.
var pageSizes = []int{1, 7, 1000}

// walkPages lists every page of size n (Offset 0, n, 2n …) through list
// until a page comes back short, and returns the ids in the order listed.
func walkPages(t *testing.T, n int, list func(offset, limit int) []int64) []int64 {
	t.Helper()
	var all []int64
	for offset := 0; ; offset += n {
		page := list(offset, n)
		if len(page) > n {
			t.Fatalf("a page of %d came back with %d rows", n, len(page))
		}
		all = append(all, page...)
		if len(page) < n {
			return all
		}
	}
}

// checkPages checks that walking the listing by pages of every size gives
// what listing it whole gives, each row once, and that total counts it.
func checkPages(t *testing.T, what string, total int, list func(offset, limit int) []int64) {
	t.Helper()
	whole := list(0, 0)
	if len(whole) != total {
		t.Errorf("%s: listed %d rows, counted %d", what, len(whole), total)
	}
	seen := map[int64]bool{}
	for _, id := range whole {
		if seen[id] {
			t.Errorf("%s: #%d listed twice", what, id)
		}
		seen[id] = true
	}
	for _, n := range pageSizes {
		if got := walkPages(t, n, list); !slices.Equal(got, whole) {
			t.Errorf("%s by pages of %d:\n got %v\nwant %v", what, n, got, whole)
		}
	}
	if tail := list(2, 0); len(whole) > 2 && !slices.Equal(tail, whole[2:]) {
		t.Errorf("%s from offset 2 without a limit: %v, want %v", what, tail, whole[2:])
	}
	if past := list(len(whole)+5, 3); len(past) != 0 {
		t.Errorf("%s past the end: %v", what, past)
	}
}

// testPagesListEachContactOnce: in every order and under a filter, the
// pages of a listing are the listing, whatever ties the order has (same
// names, same last touch, same stage), and CountContacts is its total.
func testPagesListEachContactOnce(t *testing.T, s *crm.Services) {
	ctx := context.Background()
	names := []string{"张伟", "Anna", "张伟", "王科长", "Anna", "李娜", "张伟", "Bob", "Anna", "王科长", "Zoe", "张伟"}
	var ids []crm.TouchPerson
	for i := range 3 * len(names) {
		c := mustAdd(t, s.Contacts, &crm.Contact{Name: names[i%len(names)], Tier: []string{"A", "B", "C"}[i%3]})
		ids = append(ids, crm.TouchPerson{ID: c.ID})
		if i%4 == 0 {
			if _, err := s.Stages.ChangeStage(ctx, c.ID, "next", Now, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	// One touch for a third of them, all at one instant: a tie for last-touch.
	if err := s.Touches.CreateTouch(ctx, &crm.Touch{Channel: "event", Summary: "fair", At: Now.Add(-time.Hour), Contacts: ids[:len(ids)/3]}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []crm.ContactFilter{{}, {Tiers: []string{"A"}}, {Tiers: []string{"A", "B"}}, {Query: "zhang"}} {
		for _, sort := range crm.ContactSorts {
			f.Sort = crm.ContactSort(sort)
			total, err := s.Contacts.CountContacts(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			checkPages(t, fmt.Sprintf("contacts %+v", f), total, func(offset, limit int) []int64 {
				f.Offset, f.Limit = offset, limit
				var got []int64
				if err := s.Contacts.FindContacts(ctx, f, func(c *crm.Contact) error { got = append(got, c.ID); return nil }); err != nil {
					t.Fatal(err)
				}
				return got
			})
		}
	}
	if n, err := s.Contacts.CountContacts(ctx, crm.ContactFilter{Limit: 2, Offset: 1}); err != nil || n != len(ids) {
		t.Errorf("count with a page: %d, %v; want all %d (a count ignores the page)", n, err, len(ids))
	}
}

// testPagesListEachTouchOnce: touches at one instant come in one order
// page after page, in the whole timeline and in one contact's.
func testPagesListEachTouchOnce(t *testing.T, s *crm.Services) {
	ctx := context.Background()
	a := mustAdd(t, s.Contacts, &crm.Contact{Name: "A"})
	b := mustAdd(t, s.Contacts, &crm.Contact{Name: "B"})
	for i := range 23 {
		people := []crm.TouchPerson{{ID: a.ID}}
		if i%3 == 0 {
			people = append(people, crm.TouchPerson{ID: b.ID})
		}
		at := Now.Add(-time.Duration(i%4) * 24 * time.Hour) // many touches share an instant
		if err := s.Touches.CreateTouch(ctx, &crm.Touch{Channel: "call", Summary: strconv.Itoa(i), At: at, Contacts: people}); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []crm.TouchFilter{{}, {ContactID: b.ID}, {Channels: []string{"call"}, Since: Now.Add(-48 * time.Hour)}} {
		total, err := s.Touches.CountTouches(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		checkPages(t, fmt.Sprintf("touches %+v", f), total, func(offset, limit int) []int64 {
			f.Offset, f.Limit = offset, limit
			var got []int64
			if err := s.Touches.FindTouches(ctx, f, func(x *crm.Touch) error { got = append(got, x.ID); return nil }); err != nil {
				t.Fatal(err)
			}
			return got
		})
	}
}

// testServiceCallsInsideAListing: the callback of a listing reads and
// writes through the services, a listing inside it included, without
// waiting for the listing; the listing goes on with its own snapshot.
func testServiceCallsInsideAListing(t *testing.T, s *crm.Services) {
	for _, n := range []string{"王科长", "李娜", "Anna"} {
		mustAdd(t, s.Contacts, &crm.Contact{Name: n})
	}
	ctx, cancel := watch()
	defer cancel()
	listed := 0
	err := s.Contacts.FindContacts(ctx, crm.ContactFilter{Sort: crm.SortCreated}, func(c *crm.Contact) error {
		listed++
		if _, err := s.Contacts.FindContactByID(ctx, c.ID); err != nil {
			return fmt.Errorf("read inside the listing: %w", err)
		}
		if _, err := s.Contacts.ResolveContact(ctx, strconv.FormatInt(c.ID, 10)); err != nil {
			return fmt.Errorf("resolve inside the listing: %w", err)
		}
		if _, err := s.Contacts.CountContacts(ctx, crm.ContactFilter{}); err != nil {
			return fmt.Errorf("count inside the listing: %w", err)
		}
		if err := s.Touches.CreateTouch(ctx, &crm.Touch{Channel: "call", Summary: "hi " + c.Name, Contacts: []crm.TouchPerson{{ID: c.ID}}}); err != nil {
			return fmt.Errorf("write inside the listing: %w", err)
		}
		if err := s.Contacts.CreateContact(ctx, &crm.Contact{Name: "new " + c.Name}); err != nil {
			return fmt.Errorf("add inside the listing: %w", err)
		}
		tier := "A"
		if _, err := s.Contacts.UpdateContact(ctx, c.ID, crm.ContactUpdate{Tier: &tier}); err != nil {
			return fmt.Errorf("update inside the listing: %w", err)
		}
		// A timeline inside the listing, and a read inside that.
		return s.Touches.FindTouches(ctx, crm.TouchFilter{ContactID: c.ID}, func(x *crm.Touch) error {
			if _, err := s.Tasks.FindTasks(ctx, crm.TaskFilter{ContactID: c.ID}); err != nil {
				return fmt.Errorf("read inside the timeline: %w", err)
			}
			_, err := s.Settings.GetSetting(ctx, "cadence.A")
			return err
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if listed != 3 {
		t.Errorf("the listing gave %d contacts, want the 3 there were when it began", listed)
	}
	var tiers []string
	s.Contacts.FindContacts(ctx, crm.ContactFilter{Sort: crm.SortCreated, Limit: 3}, func(c *crm.Contact) error {
		tiers = append(tiers, c.Tier)
		return nil
	})
	if n, _ := s.Touches.CountTouches(ctx, crm.TouchFilter{}); n != 3 || !slices.Equal(tiers, []string{"A", "A", "A"}) {
		t.Errorf("after the listing: %d touches (want 3), tiers %v (want A A A)", n, tiers)
	}
	// The error of a callback stops the listing and comes back as it is.
	stop := crm.Errorf(crm.ECONFLICT, "stop")
	if err := s.Contacts.FindContacts(ctx, crm.ContactFilter{}, func(*crm.Contact) error { return stop }); err != stop {
		t.Errorf("a callback's error came back as %v", err)
	}
}

// testReadersAndAWriterAtOnce: several goroutines list, count and look up
// while one writes; every call succeeds, and every listing is whole.
func testReadersAndAWriterAtOnce(t *testing.T, s *crm.Services) {
	const seed, added = 20, 10
	for i := range seed {
		mustAdd(t, s.Contacts, &crm.Contact{Name: "c" + strconv.Itoa(i)})
	}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	wg.Add(1)
	go func() { // the writer
		defer wg.Done()
		for i := range added {
			ctx, cancel := watch()
			c := &crm.Contact{Name: "w" + strconv.Itoa(i)}
			err := s.Contacts.CreateContact(ctx, c)
			if err == nil {
				err = s.Touches.CreateTouch(ctx, &crm.Touch{Channel: "call", Summary: "x", Contacts: []crm.TouchPerson{{ID: int64(i + 1)}, {ID: c.ID}}})
			}
			cancel()
			if err != nil {
				errs <- fmt.Errorf("writer: %w", err)
				return
			}
		}
	}()
	today := crm.Today(Now)
	for r := range 4 {
		wg.Add(1)
		go func() { // a reader
			defer wg.Done()
			for range 5 {
				ctx, cancel := watch()
				err := readAll(ctx, s, today)
				cancel()
				if err != nil {
					errs <- fmt.Errorf("reader %d: %w", r, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n, err := s.Contacts.CountContacts(context.Background(), crm.ContactFilter{}); n != seed+added || err != nil {
		t.Errorf("%d contacts at the end (%v), want %d", n, err, seed+added)
	}
}

// readAll is one round of a reader: a listing that looks up each row, its
// count, a timeline and the due list.
func readAll(ctx context.Context, s *crm.Services, today time.Time) error {
	seen := map[int64]bool{}
	err := s.Contacts.FindContacts(ctx, crm.ContactFilter{}, func(c *crm.Contact) error {
		if seen[c.ID] {
			return fmt.Errorf("#%d listed twice", c.ID)
		}
		seen[c.ID] = true
		_, err := s.Contacts.FindContactByID(ctx, c.ID)
		return err
	})
	if err != nil {
		return err
	}
	if _, err := s.Contacts.CountContacts(ctx, crm.ContactFilter{}); err != nil {
		return err
	}
	if err := s.Touches.FindTouches(ctx, crm.TouchFilter{Limit: 5}, func(*crm.Touch) error { return nil }); err != nil {
		return err
	}
	_, err = s.Due.FindDue(ctx, crm.DueFilter{Horizon: today.AddDate(0, 0, 1), Today: today})
	return err
}
