package crmtest

import (
	"context"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
)

func testTouchMovesLastTouchByWhenItHappened(t *testing.T, s *crm.Services) {
	ctx := context.Background()
	cs, ts := s.Contacts, s.Touches
	a := mustAdd(t, cs, &crm.Contact{Name: "A"})
	b := mustAdd(t, cs, &crm.Contact{Name: "B"})
	log := func(at time.Time, ids ...int64) {
		t.Helper()
		tc := &crm.Touch{Channel: "visit", Summary: "x", At: at}
		for _, id := range ids {
			tc.Contacts = append(tc.Contacts, crm.TouchPerson{ID: id})
		}
		if err := ts.CreateTouch(ctx, tc); err != nil {
			t.Fatal(err)
		}
	}
	day := 24 * time.Hour
	log(Now.Add(-2*day), a.ID, b.ID)
	log(Now.Add(-10*day), a.ID) // backdated: must not move last touch back
	got, _ := cs.FindContactByID(ctx, a.ID)
	if got.LastTouchAt == nil || !got.LastTouchAt.Equal(Now.Add(-2*day)) {
		t.Errorf("last touch = %v, want %v", got.LastTouchAt, Now.Add(-2*day))
	}
	var n int
	ts.FindTouches(ctx, crm.TouchFilter{ContactID: a.ID}, func(*crm.Touch) error { n++; return nil })
	if n != 2 {
		t.Errorf("timeline of A has %d touches, want 2", n)
	}
	if _, err := cs.PurgeContact(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	n = 0
	ts.FindTouches(ctx, crm.TouchFilter{}, func(t *crm.Touch) error { n++; return nil })
	if n != 1 {
		t.Errorf("after purging A, %d touches remain; want the shared one only", n)
	}
}

func testStageMoves(t *testing.T, s *crm.Services) {
	ctx := context.Background()
	cs, ss := s.Contacts, s.Stages
	c := mustAdd(t, cs, &crm.Contact{Name: "王科长"})
	if c.Stage != "cold" || c.Ladder != "ice" {
		t.Fatalf("new contact at %s/%s, want ice/cold", c.Ladder, c.Stage)
	}
	for _, step := range []struct{ to, want, code string }{
		{"next", "icebreak", ""},
		{"trust", "trust", ""},
		{"back", "credible", ""},
		{"credible", "", crm.ECONFLICT},
		{"boiling", "", crm.EINVALID},
	} {
		sc, err := ss.ChangeStage(ctx, c.ID, step.to, time.Time{}, "")
		if crm.ErrorCode(err) != step.code {
			t.Fatalf("%s: %v, want code %q", step.to, err, step.code)
		}
		if err == nil && sc.To != step.want {
			t.Fatalf("%s: moved to %s, want %s", step.to, sc.To, step.want)
		}
	}
	if _, err := ss.ChangeStage(ctx, c.ID, "cold", time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := ss.ChangeStage(ctx, c.ID, "back", time.Time{}, ""); crm.ErrorCode(err) != crm.EINVALID {
		t.Errorf("back from the first stage: %v, want EINVALID", err)
	}
	h, _ := ss.FindStageChanges(ctx, c.ID)
	if len(h) != 5 {
		t.Errorf("history has %d entries, want 5 (creation + 4 moves)", len(h))
	}
}
