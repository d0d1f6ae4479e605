package sqlite_test

import (
	"context"
	"testing"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/sqlite"
)

// TestReviewState: the review's walk position survives reopening the
// service, is no setting that crm config reads or lists, and writing it is
// no journaled change (crm undo undoes the user's last write, not a step of
// the walk).
func TestReviewState(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	ss, js := sqlite.NewSettingService(db), sqlite.NewJournalService(db)
	if st, err := ss.ReviewState(ctx, ""); err != nil || st != (crm.ReviewState{}) {
		t.Fatalf("unset state %+v, %v; want the zero state", st, err)
	}
	want := crm.ReviewState{Week: "2026-W47", Next: 42}
	for _, st := range []crm.ReviewState{{Week: "2026-W47", Next: 7}, want} {
		if err := ss.SetReviewState(ctx, "", st); err != nil {
			t.Fatal(err)
		}
	}
	if st, err := sqlite.NewSettingService(db).ReviewState(ctx, ""); err != nil || st != want {
		t.Errorf("state %+v, %v; want %+v", st, err, want)
	}
	if changes, err := js.Changes(ctx, 0, 10); err != nil || len(changes) != 0 {
		t.Errorf("the state was journaled: %v %v", changes, err)
	}
	all, err := ss.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if s.Key == "internal.review_walk" {
			t.Errorf("crm config ls lists the review state")
		}
	}
	if _, err := ss.GetSetting(ctx, "internal.review_walk"); crm.ErrorCode(err) != crm.EINVALID {
		t.Errorf("the state is a setting users can read: %v", err)
	}
	if err := ss.SetSetting(ctx, "internal.review_walk", "{}"); crm.ErrorCode(err) != crm.EINVALID {
		t.Errorf("the state is a setting users can set: %v", err)
	}
}
