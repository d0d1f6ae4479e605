package crm

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Task kinds: a follow-up is our next step; a promise is what we told the
// contact we would do (METHOD.md §8), and breaking it costs more.
const (
	TaskFollowup = "followup"
	TaskPromise  = "promise"
)

// Task states.
const (
	TaskOpen    = "open"
	TaskDone    = "done"
	TaskDropped = "dropped"
)

// Task is a dated follow-up or promise for one contact.
type Task struct {
	ID        int64      `json:"id"`
	UID       string     `json:"uid"`
	Kind      string     `json:"kind"`
	Title     string     `json:"title"`
	ContactID int64      `json:"contact_id"`
	Contact   string     `json:"contact"`
	DueAt     time.Time  `json:"due_at"`
	State     string     `json:"state"`
	DoneAt    *time.Time `json:"done_at"`
	Note      string     `json:"note,omitempty"`
	TouchID   *int64     `json:"touch_id"`
	CreatedAt time.Time  `json:"created_at"`
}

// Validate normalises and checks a new task, whose contact must be named:
// a ContactID of 0 or less is refused.
func (t *Task) Validate() error {
	if err := t.check(); err != nil {
		return err
	}
	if t.ContactID <= 0 {
		return Errorf(EINVALID, "%s needs a contact", t.Kind)
	}
	return nil
}

// ValidateUnassigned normalises and checks all of a task but whom it is
// for, which must still be unset (ContactID 0): a task whose input is
// checked before its contact is resolved, or a touch's Next, which the
// service copies for each contact of the touch.
func (t *Task) ValidateUnassigned() error {
	if t.ContactID != 0 {
		return Errorf(EINVALID, "%s names contact %d; an unassigned task names none", t.Kind, t.ContactID)
	}
	return t.check()
}

// check normalises and checks what a task says, whoever it is for.
func (t *Task) check() error {
	if err := checkTexts(t.Kind+" text", t.Title, "note", t.Note); err != nil {
		return err
	}
	t.Title = strings.TrimSpace(t.Title)
	if t.Title == "" {
		return Errorf(EINVALID, "%s text is empty", t.Kind)
	}
	if t.Kind != TaskFollowup && t.Kind != TaskPromise {
		return Errorf(EINVALID, "unknown task kind %q (valid: followup, promise)", t.Kind)
	}
	if t.DueAt.IsZero() {
		return Errorf(EINVALID, "%s needs a due date", t.Kind)
	}
	return nil
}

// IsDay reports whether t stands for a calendar day rather than a moment. A
// WHEN given without a time of day reads as local midnight (when.Parse), so
// a due date or a snooze at local midnight means that whole day: it is kept
// as a date and reads as the same day in every time zone. (A time of
// exactly 00:00 typed by the user is taken as the day too.)
func IsDay(t time.Time) bool {
	l := t.Local()
	return l.Hour() == 0 && l.Minute() == 0 && l.Second() == 0 && l.Nanosecond() == 0
}

// Overdue reports whether an open task's due day is before today.
func (t *Task) Overdue(today time.Time) bool {
	return t.State == TaskOpen && DaysBetween(t.DueAt, today) > 0
}

// TaskFilter selects tasks. By default only open tasks are listed.
type TaskFilter struct {
	ContactID int64
	Kind      string
	Done      bool        // closed tasks (done or dropped) instead of open ones
	Before    time.Time   // open tasks due before this instant (overdue: start of today)
	Owner     OwnerFilter // tasks of one rep's contacts (crm tasks --mine, --owner)
	Limit     int
}

// TaskService stores follow-ups and promises. Every change recomputes the
// contact's due date in the same transaction.
type TaskService interface {
	CreateTask(ctx context.Context, t *Task) error
	FindTaskByID(ctx context.Context, id int64) (*Task, error)
	FindTasks(ctx context.Context, f TaskFilter) ([]*Task, error)
	// CloseTask marks an open task done or dropped; closing a closed task is
	// EINVALID naming its state.
	CloseTask(ctx context.Context, id int64, state, note string) (*Task, error)
	// ResolveTask returns the id of the task that ref names: its id or uid.
	ResolveTask(ctx context.Context, ref string) (int64, error)
}

// PlanStep is one dated step of a follow-up plan, e.g. "3d: check delivery".
type PlanStep struct {
	After string `json:"after"` // a span: 3d, 2w, 1m
	Title string `json:"title"`
}

// ParsePlanStep reads a step written as "SPAN: what to do". The colon may
// be the full-width one of Chinese input ("一周：拜访"); the span itself is
// checked when the plan is saved.
func ParsePlanStep(s string) (PlanStep, error) {
	i := strings.IndexAny(s, ":：")
	if i < 0 {
		return PlanStep{}, Errorf(EINVALID, "invalid step %q: want \"SPAN: what to do\", e.g. \"3d: check delivery\"", s)
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	return PlanStep{After: strings.TrimSpace(s[:i]), Title: strings.TrimSpace(s[i+n:])}, nil
}

// Plan is a named sequence of follow-ups relative to an event (METHOD.md §9).
type Plan struct {
	Name   string     `json:"name"`
	Steps  []PlanStep `json:"steps"`
	Preset bool       `json:"preset"`
}

// PresetPlans ship with crm; a plan of the same name in the book replaces one.
var PresetPlans = []*Plan{
	{Name: "after-first-order", Preset: true, Steps: []PlanStep{
		{"3d", "check the delivery arrived and works"},
		{"15d", "review usage and satisfaction"},
		{"1m", "ask for feedback and a reference"},
		{"3m", "review fulfilment; propose the next order"},
	}},
}

// PlanService stores follow-up plans and applies them.
type PlanService interface {
	SavePlan(ctx context.Context, p *Plan) error
	FindPlans(ctx context.Context) ([]*Plan, error)
	FindPlan(ctx context.Context, name string) (*Plan, error)
	// ApplyPlan creates one follow-up per step for the contact, dated from
	// from. A plan applied to the contact from the same day before is
	// EINVALID, unless again.
	ApplyPlan(ctx context.Context, name string, contactID int64, from time.Time, again bool) ([]*Task, error)
}

// DueFilter selects due contacts.
type DueFilter struct {
	Horizon time.Time   // due before this instant: the start of the day after today (+ --within)
	Overdue bool        // only contacts past their due day
	Today   time.Time   // local midnight of today, for overdue and the reasons
	Owner   OwnerFilter // one rep's contacts (crm due --mine, --owner)
}

// DueService answers who needs a touch.
type DueService interface {
	// FindDue lists contacts due before f.Horizon, unranked, with their open
	// tasks due before the horizon.
	FindDue(ctx context.Context, f DueFilter) ([]*DueItem, error)
	CountDue(ctx context.Context, f DueFilter) (int, error)
	// Snooze moves a contact's due date to until; until in the past ends a snooze.
	Snooze(ctx context.Context, contactID int64, until time.Time) (*Contact, error)
	// Cadence returns the rhythm settings and the urgency weights.
	Cadence(ctx context.Context) (Cadence, UrgencyWeights, error)
}

// WeekReport is `crm report week`: the window against the one before it.
type WeekReport struct {
	Since          time.Time      `json:"since"`
	Until          time.Time      `json:"until"`
	Touches        int            `json:"touches"`
	TouchesBefore  int            `json:"touches_before"`
	ByChannel      map[string]int `json:"by_channel"`
	ByChannelPrev  map[string]int `json:"by_channel_before"`
	ByDay          []DayCount     `json:"by_day"`
	StagesUp       int            `json:"stages_up"`
	StagesDown     int            `json:"stages_down"`
	StagesUpPrev   int            `json:"stages_up_before"`
	StagesDownPrev int            `json:"stages_down_before"`
	NewContacts    int            `json:"new_contacts"`
	NewBefore      int            `json:"new_contacts_before"`
	PromisesKept   int            `json:"promises_kept"`
	PromisesBroken int            `json:"promises_broken"`
	DueNow         int            `json:"due_now"`
	Moves          []StageMove    `json:"stage_moves"`
}

// DayCount is the number of touches on one local day.
type DayCount struct {
	Date    string `json:"date"`
	Touches int    `json:"touches"`
}

// StageMove is a stage change with its contact and direction.
type StageMove struct {
	ContactID int64     `json:"contact_id"`
	Contact   string    `json:"contact"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	Up        bool      `json:"up"`
	At        time.Time `json:"at"`
}

// ReportService summarises the book over a period.
type ReportService interface {
	// Week reports on [since, until) against the same span before since;
	// horizon is the due horizon for DueNow.
	Week(ctx context.Context, since, until, horizon time.Time) (*WeekReport, error)
	// Team reports on [since, until) for each rep (see TeamReport); today
	// is the start of today, before which a contact is overdue.
	Team(ctx context.Context, since, until, today time.Time) (*TeamReport, error)
}
