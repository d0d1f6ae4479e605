package sqlite_test

import (
	"context"
	"testing"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/sqlite"
)

// TestCreateContactAppliesBookDefaults: every face that creates a contact
// gets the book's default.tier and default.ladder where it leaves them
// empty, not only crm add; a stage alone is a stage of the method's ladder.
func TestCreateContactAppliesBookDefaults(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	cs, ss := sqlite.NewContactService(db), sqlite.NewSettingService(db)
	if c := mustAdd(t, cs, &crm.Contact{Name: "before"}); c.Tier != "C" || c.Ladder != crm.DefaultLadder {
		t.Errorf("unset defaults: tier %s ladder %s, want C %s", c.Tier, c.Ladder, crm.DefaultLadder)
	}
	for k, v := range map[string]string{"default.tier": "B", "default.ladder": "bigaccount"} {
		if err := ss.SetSetting(ctx, k, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		c                   crm.Contact
		tier, ladder, stage string
	}{
		{crm.Contact{Name: "plain"}, "B", "bigaccount", "qualify"},
		{crm.Contact{Name: "tiered", Tier: "A"}, "A", "bigaccount", "qualify"},
		{crm.Contact{Name: "laddered", Ladder: "retail"}, "B", "retail", "greet"},
		{crm.Contact{Name: "staged", Stage: "trust"}, "B", crm.DefaultLadder, "trust"},
	} {
		c := mustAdd(t, cs, &tc.c)
		if c.Tier != tc.tier || c.Ladder != tc.ladder || c.Stage != tc.stage {
			t.Errorf("%s: %s %s %s, want %s %s %s", c.Name, c.Tier, c.Ladder, c.Stage, tc.tier, tc.ladder, tc.stage)
		}
	}
}
