package crm

import (
	"testing"
	"time"
)

// TestTaskNeedsARealContact: a task for nobody in particular is refused,
// whether its contact is missing or a stand-in that no contact has; a
// touch's Next names none, since the service makes one per contact.
func TestTaskNeedsARealContact(t *testing.T) {
	due := time.Date(2026, 11, 27, 0, 0, 0, 0, time.Local)
	for _, id := range []int64{0, -1} {
		task := &Task{Kind: TaskPromise, Title: "send the terms", DueAt: due, ContactID: id}
		if err := task.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("ContactID %d: Validate = %v, want EINVALID", id, err)
		}
	}
	if err := (&Task{Kind: TaskPromise, Title: "send", DueAt: due, ContactID: 3}).Validate(); err != nil {
		t.Errorf("a task for contact 3: %v", err)
	}
	if err := (&Task{Kind: TaskFollowup, Title: "call", DueAt: due}).ValidateUnassigned(); err != nil {
		t.Errorf("an unassigned task: %v", err)
	}
	touch := &Touch{Channel: "call", Summary: "talked", Contacts: []TouchPerson{{ID: 1}},
		Next: &Task{Kind: TaskFollowup, Title: "call", DueAt: due, ContactID: -1}}
	if err := touch.Validate(); ErrorCode(err) != EINVALID {
		t.Errorf("a touch whose Next names a contact: Validate = %v, want EINVALID", err)
	}
}
