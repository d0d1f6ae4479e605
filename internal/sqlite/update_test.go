package sqlite_test

import (
	"context"
	"testing"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/sqlite"
)

// TestUpdateThatChangesNothingWritesNothing: an update whose every value
// is already held, or whose removals find nothing, is ENOCHANGE and leaves
// no change in the journal; a phone removed in another format is found.
func TestUpdateThatChangesNothingWritesNothing(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	cs, js := sqlite.NewContactService(db), sqlite.NewJournalService(db)
	c := mustAdd(t, cs, &crm.Contact{Name: "王科长", Tier: "A", Phones: []string{"+86 138 1762 4409"}, Tags: []string{"steel"}})
	before, err := js.Changes(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	tier, empty := "A", ""
	for name, u := range map[string]crm.ContactUpdate{
		"same tier":                           {Tier: &tier},
		"no such tag":                         {RemoveTags: []string{"nosuchtag"}},
		"no such email":                       {RemoveEmails: []string{"nobody@x"}},
		"no such field":                       {Fields: map[string]string{"shoe": ""}},
		"tag added again":                     {AddTags: []string{"Steel"}},
		"phone added again in another format": {AddPhones: []string{"13817624409"}},
	} {
		if _, err := cs.UpdateContact(ctx, c.ID, u); crm.ErrorCode(err) != crm.ENOCHANGE {
			t.Errorf("%s: %v, want ENOCHANGE", name, err)
		}
	}
	if _, err := cs.UpdateContact(ctx, c.ID, crm.ContactUpdate{Tier: &empty}); crm.ErrorCode(err) != crm.EINVALID {
		t.Errorf("empty tier: %v, want EINVALID", err)
	}
	after, err := js.Changes(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Fatalf("journal grew from %d to %d changes", len(before), len(after))
	}
	got, err := cs.UpdateContact(ctx, c.ID, crm.ContactUpdate{RemovePhones: []string{"138 1762 4409"}})
	if err != nil || len(got.Phones) != 0 || got.Tier != "A" {
		t.Fatalf("remove phone in another format: %+v, %v", got, err)
	}
}

// TestReportsToCycle: a reporting line that would close a loop is refused
// naming it, whatever its length.
func TestReportsToCycle(t *testing.T) {
	ctx := context.Background()
	cs := sqlite.NewContactService(openTest(t))
	a := mustAdd(t, cs, &crm.Contact{Name: "A"})
	mustAdd(t, cs, &crm.Contact{Name: "B", ReportsTo: "A"})
	mustAdd(t, cs, &crm.Contact{Name: "C", ReportsTo: "B"})
	ref := "C"
	_, err := cs.UpdateContact(ctx, a.ID, crm.ContactUpdate{ReportsTo: &ref})
	if crm.ErrorCode(err) != crm.EINVALID || crm.ErrorMessage(err) != "a reporting cycle: A → C → B → A" {
		t.Fatalf("got %v", err)
	}
}
