package crm

import (
	"context"
	"math"
	"strconv"
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
	Cost      *Cost         `json:"cost,omitempty"`
	Contacts  []TouchPerson `json:"contacts"`
	LoggedBy  string        `json:"logged_by,omitempty"` // the rep who logged it (METHOD.md §10); "": nobody
	CreatedAt time.Time     `json:"created_at"`
	// Next, when set, is the follow-up to create with the touch, one per
	// contact; Tasks are the ones created.
	Next  *Task   `json:"-"`
	Tasks []*Task `json:"tasks,omitempty"`
}

// FollowUpTitle is the title of a follow-up logged with a touch but
// without a next step of its own: every face names it the same way.
func FollowUpTitle(summary string) string { return "follow up: " + summary }

// TouchPerson names a contact of a touch.
type TouchPerson struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Validate normalises the touch and reports the first problem. Its Next,
// if any, names no contact: the service makes one follow-up for each
// contact of the touch.
func (t *Touch) Validate() error {
	if t.Next != nil {
		if err := t.Next.ValidateUnassigned(); err != nil {
			return err
		}
	}
	if err := checkTexts("summary", t.Summary, "notes", t.Notes); err != nil {
		return err
	}
	t.Summary = strings.TrimSpace(t.Summary)
	if t.Summary == "" {
		return Errorf(EINVALID, "summary is empty")
	}
	var err error
	if t.LoggedBy, err = CheckUserName(t.LoggedBy); err != nil {
		return err
	}
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
	if t.Cost != nil {
		if err := t.Cost.Check(); err != nil {
			return err
		}
	}
	return nil
}

// CheckTouchAt refuses a touch time that cannot be meant, as of now: more
// than a day ahead, unless future says the touch is logged ahead on
// purpose (a touch is something that happened; a slip of the year would
// otherwise hold the rhythm off for years). Within a day ahead is taken:
// "tomorrow" for an early call, or clocks that disagree.
func CheckTouchAt(at, now time.Time, future bool) error {
	if ahead := at.Sub(now); ahead > 24*time.Hour && !future {
		return Errorf(EINVALID, "%s is %d days ahead: a touch is something that happened (give --future to log it ahead on purpose)",
			at.Local().Format("2006-01-02 15:04"), DaysBetween(now, at))
	}
	return nil
}

// Cost is what a touch cost (a meal, a gift), in the user's currency. A
// valid cost is a finite number, zero or more; Check refuses the rest, so
// that every write path (flags, import, the bulk writer) stores only those.
type Cost float64

// ParseCost reads a cost as typed by a user: a decimal number such as 320 or
// 86.5. NaN, infinities, out-of-range and negative values are EINVALID.
func ParseCost(s string) (Cost, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil && !math.IsInf(f, 0) {
		return 0, Errorf(EINVALID, "invalid cost %q: want a number such as 320 or 86.5", s)
	}
	c := Cost(f)
	return c, c.Check()
}

// Check reports a cost that is not a finite number, zero or more.
func (c Cost) Check() error {
	f := float64(c)
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return Errorf(EINVALID, "invalid cost %v: want a finite number such as 320 or 86.5", f)
	case f < 0:
		return Errorf(EINVALID, "invalid cost %v: a cost cannot be negative", f)
	}
	return nil
}

// MarshalJSON encodes the cost as a JSON number. It cannot fail: a value
// that is not finite (only a book written before costs were checked can
// hold one) encodes as null, so one bad row never breaks a whole listing,
// nor the output of the write that stored it.
func (c Cost) MarshalJSON() ([]byte, error) {
	f := float64(c)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return appendFloat(nil, f), nil
}

// TouchFilter selects touches; zero fields do not filter. Offset and Limit
// cut a page out of the timeline as ContactFilter's do (the order ends with
// the id); Limit 0 is no limit.
type TouchFilter struct {
	ContactID     int64
	Since         time.Time
	Channels      []string // any of these channels; none: all
	Offset, Limit int
}

// TouchService stores touches. CreateTouch also moves each contact's
// LastTouchAt forward when the touch is later, in the same transaction.
type TouchService interface {
	CreateTouch(ctx context.Context, t *Touch) error
	// FindTouches streams matching touches newest first (by when they
	// happened) to fn; fn's error stops it and is returned. fn may call any
	// service, as ContactService.FindContacts's may.
	FindTouches(ctx context.Context, f TouchFilter, fn func(*Touch) error) error
	// CountTouches counts the touches FindTouches would list without Offset
	// and Limit.
	CountTouches(ctx context.Context, f TouchFilter) (int, error)
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
	// LastStageChanges returns when each of the contacts ids last changed
	// stage, in one read; a contact that never changed stage has no entry.
	LastStageChanges(ctx context.Context, ids []int64) (map[int64]time.Time, error)
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
	// ReviewState reads where rep's weekly review walk stands (rep "":
	// the walk of a book of one): the zero state when it never ran.
	// SetReviewState stores it, unjournaled. Each rep of a team's book has
	// a walk of their own (ReviewStateKey).
	ReviewState(ctx context.Context, rep string) (ReviewState, error)
	SetReviewState(ctx context.Context, rep string, s ReviewState) error
}
