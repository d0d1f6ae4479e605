package crmtest

import (
	"context"
	"strconv"
	"testing"

	"github.com/seedcrm/crm/internal/crm"
)

// snapshot captures what a user sees of a contact and the book's counts.
func snapshot(t *testing.T, s *crm.Services, id int64) string {
	t.Helper()
	ctx := context.Background()
	c, err := s.Contacts.FindContactByID(ctx, id)
	if err != nil {
		return "gone"
	}
	var touches int
	s.Touches.FindTouches(ctx, crm.TouchFilter{ContactID: id}, func(*crm.Touch) error { touches++; return nil })
	tasks, _ := s.Tasks.FindTasks(ctx, crm.TaskFilter{ContactID: id})
	stages, _ := s.Stages.FindStageChanges(ctx, id)
	c.UpdatedAt = Now
	return string(c.AppendJSON(nil)) + " touches=" + strconv.Itoa(touches) + " tasks=" + strconv.Itoa(len(tasks)) + " stages=" + strconv.Itoa(len(stages))
}

func testUndoRestoresEachChange(t *testing.T, s *crm.Services) {
	ctx := crm.WithChangeSummary(context.Background(), "test")
	cs, ts, ss, tk, js := s.Contacts, s.Touches, s.Stages, s.Tasks, s.Journal
	c := &crm.Contact{Name: "王科长", Tier: "B", Tags: []string{"steel"}, Emails: []string{"w@x.cn"}}
	if err := cs.CreateContact(ctx, c); err != nil {
		t.Fatal(err)
	}
	var states []string
	steps := []func() error{
		func() error {
			return ts.CreateTouch(ctx, &crm.Touch{Channel: "visit", Summary: "v", Contacts: []crm.TouchPerson{{ID: c.ID}},
				Next: &crm.Task{Kind: crm.TaskFollowup, Title: "call", DueAt: Now.AddDate(0, 0, 3)}})
		},
		func() error {
			tier, name := "A", "王建林"
			_, err := cs.UpdateContact(ctx, c.ID, crm.ContactUpdate{Tier: &tier, Name: &name, AddTags: []string{"key"}})
			return err
		},
		func() error { _, err := ss.ChangeStage(ctx, c.ID, "next", Now, ""); return err },
		func() error { _, err := tk.CloseTask(ctx, 1, crm.TaskDone, ""); return err },
		func() error { _, err := cs.ArchiveContact(ctx, c.ID); return err },
	}
	for _, step := range steps {
		states = append(states, snapshot(t, s, c.ID))
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	for i := len(states) - 1; i >= 0; i-- {
		if _, err := js.Undo(ctx, 0); err != nil {
			t.Fatalf("undo step %d: %v", i, err)
		}
		if got := snapshot(t, s, c.ID); got != states[i] {
			t.Fatalf("after undoing step %d:\n got %s\nwant %s", i, got, states[i])
		}
	}
	// The keys came back with the row: the old name resolves again.
	if got, err := cs.ResolveContact(ctx, "wkz"); err != nil || got.ID != c.ID {
		t.Fatalf("resolve after undo: %v %v", got, err)
	}
	// Undoing an undo redoes.
	changes, _ := js.Changes(ctx, 0, 1)
	if _, err := js.Undo(ctx, changes[0].ID); err != nil {
		t.Fatal(err)
	}
	if got := snapshot(t, s, c.ID); got != states[1] {
		t.Errorf("redo: got %s\nwant %s", got, states[1])
	}
}

func testUndoRefusesWhatLaterChangesBuildOn(t *testing.T, s *crm.Services) {
	ctx := context.Background()
	cs, js := s.Contacts, s.Journal
	c := mustAdd(t, cs, &crm.Contact{Name: "A"})
	first, _ := js.Changes(ctx, 0, 1)
	tier := "A"
	if _, err := cs.UpdateContact(ctx, c.ID, crm.ContactUpdate{Tier: &tier}); err != nil {
		t.Fatal(err)
	}
	if _, err := js.Undo(ctx, first[0].ID); crm.ErrorCode(err) != crm.ECONFLICT {
		t.Fatalf("undo of a change a later one builds on: %v, want ECONFLICT", err)
	}
	if _, err := js.Undo(ctx, 9999); crm.ErrorCode(err) != crm.ENOTFOUND {
		t.Errorf("undo of no change: %v", err)
	}
	u, err := js.Undo(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.Undo(ctx, u.ID); crm.ErrorCode(err) != crm.EINVALID {
		t.Errorf("undoing twice: %v, want EINVALID", err)
	}
	hist, err := js.Changes(ctx, c.ID, 10)
	if err != nil || len(hist) != 3 {
		t.Fatalf("history of the contact: %d changes, %v", len(hist), err)
	}
}
