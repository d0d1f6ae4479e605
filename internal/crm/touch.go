package crm

import (
	"context"
	"strings"
	"time"
)

// Touch is anything that reached one or more contacts (METHOD.md §6).
type Touch struct {
	ID        int64         `json:"id"`
	UID       string        `json:"uid"`
	At        time.Time     `json:"at"`
	Channel   string        `json:"channel"`
	Direction string        `json:"direction"`
	Summary   string        `json:"summary"`
	Notes     string        `json:"notes,omitempty"`
	Cost      *float64      `json:"cost,omitempty"`
	Contacts  []TouchPerson `json:"contacts"`
	CreatedAt time.Time     `json:"created_at"`
	// Next, when set, is the follow-up to create with the touch, one per
	// contact; Tasks are the ones created.
	Next  *Task   `json:"-"`
	Tasks []*Task `json:"tasks,omitempty"`
}

// TouchPerson names a contact of a touch.
type TouchPerson struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Validate normalises the touch and reports the first problem.
func (t *Touch) Validate() error {
	t.Summary = strings.TrimSpace(t.Summary)
	if t.Summary == "" {
		return Errorf(EINVALID, "summary is empty")
	}
	var err error
	if t.Channel, err = Channels.Check(t.Channel); err != nil {
		return err
	}
	if t.Channel == "" {
		return Errorf(EINVALID, "channel is empty (valid: %s)", strings.Join(Channels.Keys(), ", "))
	}
	if t.Direction, err = Directions.Check(t.Direction); err != nil {
		return err
	}
	if t.Direction == "" {
		t.Direction = "out"
	}
	if len(t.Contacts) == 0 {
		return Errorf(EINVALID, "a touch needs at least one contact")
	}
	if t.Cost != nil && *t.Cost < 0 {
		return Errorf(EINVALID, "cost %v is negative", *t.Cost)
	}
	return nil
}

// TouchFilter selects touches; zero fields do not filter.
type TouchFilter struct {
	ContactID int64
	Since     time.Time
	Channels  []string // any of these channels; none: all
	Limit     int
}

// TouchService stores touches. CreateTouch also moves each contact's
// LastTouchAt forward when the touch is later, in the same transaction.
type TouchService interface {
	CreateTouch(ctx context.Context, t *Touch) error
	// FindTouches streams matching touches newest first (by when they happened).
	FindTouches(ctx context.Context, f TouchFilter, fn func(*Touch) error) error
}

// StageChange records a move on a contact's ladder.
type StageChange struct {
	ID        int64     `json:"id"`
	ContactID int64     `json:"contact_id"`
	Ladder    string    `json:"ladder"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	At        time.Time `json:"at"`
	Note      string    `json:"note,omitempty"`
}

// StageService moves contacts along their ladder.
type StageService interface {
	// ChangeStage moves the contact to stage to at the given time; moving
	// to the current stage is ECONFLICT.
	ChangeStage(ctx context.Context, contactID int64, to string, at time.Time, note string) (*StageChange, error)
	FindStageChanges(ctx context.Context, contactID int64) ([]*StageChange, error)
}

// Setting is one key of the book's settings.
type Setting struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// SettingService reads and writes the settings stored in the book.
type SettingService interface {
	GetSetting(ctx context.Context, key string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
	Settings(ctx context.Context) ([]Setting, error)
}
