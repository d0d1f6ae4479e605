package crmtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
)

// testDueAtMatchesTheRule drives a book through random touches (many
// backdated), tier and rhythm edits, tasks and snoozes, and checks after
// each step that the stored due date is what crm.Cadence.DueAt says, and
// that the due listing agrees with it.
func testDueAtMatchesTheRule(t *testing.T, s *crm.Services) {
	ctx := context.Background()
	cs, ts, tasks, due := s.Contacts, s.Touches, s.Tasks, s.Due
	settings := s.Settings
	r := rand.New(rand.NewPCG(7, 11))
	var ids []int64
	for i := 0; i < 5; i++ {
		c := mustAdd(t, cs, &crm.Contact{Name: "c", Tier: []string{"A", "B", "C"}[i%3]})
		ids = append(ids, c.ID)
	}
	// Tasks and snoozes are moments or, as often, calendar days (stored as
	// dates; run under several TZ values to cover the zones).
	day := func(n int) time.Time {
		if r.IntN(2) == 0 {
			return crm.Today(Now).AddDate(0, 0, n)
		}
		return Now.AddDate(0, 0, n)
	}
	for step := 0; step < 300; step++ {
		id := ids[r.IntN(len(ids))]
		var err error
		switch r.IntN(7) {
		case 0, 1:
			err = ts.CreateTouch(ctx, &crm.Touch{Channel: "call", Summary: "x", At: day(-r.IntN(400)), Contacts: []crm.TouchPerson{{ID: id}}})
		case 2:
			tier := []string{"A", "B", "C"}[r.IntN(3)]
			every := r.IntN(4) * 70 // up to 210 days, beyond the longest cadence.max drawn below
			_, err = cs.UpdateContact(ctx, id, crm.ContactUpdate{Tier: &tier, CadenceDays: &every})
			if crm.ErrorCode(err) == crm.ENOCHANGE { // the draw repeated the contact's values
				err = nil
			}
		case 3:
			err = tasks.CreateTask(ctx, &crm.Task{Kind: crm.TaskPromise, Title: "p", ContactID: id, DueAt: day(r.IntN(200) - 100)})
		case 4:
			open, _ := tasks.FindTasks(ctx, crm.TaskFilter{ContactID: id})
			if len(open) > 0 {
				_, err = tasks.CloseTask(ctx, open[0].ID, crm.TaskDone, "")
			}
		case 5:
			_, err = due.Snooze(ctx, id, day(r.IntN(100)-20))
		case 6: // the settings are inputs of the rule too: every tier's rhythm and the cap
			key := []string{"cadence.A", "cadence.B", "cadence.C", "cadence.max"}[r.IntN(4)]
			err = settings.SetSetting(ctx, key, fmt.Sprintf("%dd", 10+r.IntN(190)))
		}
		if err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		c, err := cs.FindContactByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		open, _ := tasks.FindTasks(ctx, crm.TaskFilter{ContactID: id})
		var earliest *time.Time
		if len(open) > 0 {
			earliest = &open[0].DueAt
		}
		cd, _, err := due.Cadence(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := cd.DueAt(c.Tier, c.CadenceDays, c.LastTouchAt, c.CreatedAt, earliest, c.SnoozedUntil)
		if c.DueAt == nil || !c.DueAt.Equal(want) {
			t.Fatalf("step %d: due_at %v, rule says %v (contact %+v)", step, c.DueAt, want, c)
		}
		today := crm.Today(Now)
		items, err := due.FindDue(ctx, crm.DueFilter{Horizon: today.AddDate(0, 0, 1), Today: today})
		if err != nil {
			t.Fatal(err)
		}
		listed := slices.ContainsFunc(items, func(it *crm.DueItem) bool { return it.ID == id })
		if wantListed := crm.DaysBetween(want, today) >= 0; listed != wantListed {
			t.Fatalf("step %d: due %v (today %v): listed %v", step, want, today, listed)
		}
	}
}
