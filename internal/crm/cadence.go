package crm

import (
	"math"
	"strings"
	"time"
)

// Cadence is the follow-up rhythm of METHOD.md §5, in days, read from the
// settings cadence.A, cadence.B, cadence.C and cadence.max.
type Cadence struct {
	A, B, C, Max int
}

// DefaultCadence is the method's rhythm: monthly, quarterly, half-yearly,
// and nobody longer than half a year.
var DefaultCadence = Cadence{A: 30, B: 90, C: 180, Max: 180}

// Rhythm returns a contact's rhythm in days: its own when set (own > 0),
// else its tier's; never longer than Max.
func (cd Cadence) Rhythm(tier string, own int) int {
	r := own
	if r <= 0 {
		switch tier {
		case "A":
			r = cd.A
		case "B":
			r = cd.B
		default:
			r = cd.C
		}
	}
	if cd.Max > 0 && r > cd.Max {
		r = cd.Max
	}
	return r
}

// DueTaskState is the state of the tasks that bring a contact's due date
// forward (DueAt's earliestTask): open ones; a task done or dropped no
// longer counts. The storage's due rule selects its tasks by it.
const DueTaskState = TaskOpen

// DueAt is when a contact needs its next touch: its rhythm after the latest
// touch by when it happened (or after it was added, if never touched), or
// earlier when an open task is due earlier; a snooze moves it later.
func (cd Cadence) DueAt(tier string, own int, lastTouch *time.Time, created time.Time, earliestTask, snoozedUntil *time.Time) time.Time {
	from := created
	if lastTouch != nil {
		from = *lastTouch
	}
	due := from.AddDate(0, 0, cd.Rhythm(tier, own))
	if earliestTask != nil && earliestTask.Before(due) {
		due = *earliestTask
	}
	if snoozedUntil != nil && snoozedUntil.After(due) {
		due = *snoozedUntil
	}
	return due
}

// UrgencyWeights are the weights of the urgency terms (settings urgency.*).
type UrgencyWeights struct {
	Overdue, Tier, Promise, Followup, Date float64
}

// DefaultUrgencyWeights rank an overdue A contact with a broken promise first.
var DefaultUrgencyWeights = UrgencyWeights{Overdue: 10, Tier: 2, Promise: 5, Followup: 2, Date: 3}

// Urgency is a due contact's score and the terms it sums.
type Urgency struct {
	Score    float64 `json:"score"`
	Overdue  float64 `json:"overdue"`  // days overdue / rhythm × weight
	Tier     float64 `json:"tier"`     // A 3, B 2, C 1 × weight
	Promise  float64 `json:"promise"`  // an open promise past due × weight
	Followup float64 `json:"followup"` // an open follow-up past due × weight
	Date     float64 `json:"date"`     // a key date within a week × weight
}

// DueTask is an open task that makes a contact due.
type DueTask struct {
	ID    int64     `json:"id"`
	Kind  string    `json:"kind"`
	Title string    `json:"title"`
	DueAt time.Time `json:"due_at"`
}

// DueItem is one row of `crm due`: a contact, why it is due, how urgent.
type DueItem struct {
	ID           int64      `json:"id"`
	Name         string     `json:"name"`
	Account      string     `json:"account"`
	Tier         string     `json:"tier"`
	Stage        string     `json:"stage"`
	DueAt        time.Time  `json:"due_at"`
	DaysOverdue  int        `json:"days_overdue"` // negative: due in that many days
	RhythmDays   int        `json:"rhythm_days"`
	OwnRhythm    bool       `json:"own_rhythm"`
	LastTouchAt  *time.Time `json:"last_touch_at"`
	Tasks        []DueTask  `json:"tasks"`
	KeyDates     []Occasion `json:"key_dates"`
	SnoozedUntil *time.Time `json:"snoozed_until,omitempty"`
	Urgency      Urgency    `json:"urgency"`
	Terms        []DueTerm  `json:"-"`       // why, as data (see Explain)
	Reasons      []string   `json:"reasons"` // the terms in English

	Reason    string    `json:"reason"`
	CreatedAt time.Time `json:"-"`
}

// Explain fills DaysOverdue, Urgency, the terms and the reasons (the terms
// in English) of a due item as of today (a local date at midnight). Days
// count calendar days.
func (it *DueItem) Explain(today time.Time, w UrgencyWeights) {
	it.DaysOverdue = DaysBetween(it.DueAt, today)
	rhythm := DueTerm{Kind: TermRhythm, Tier: it.Tier, RhythmDays: it.RhythmDays, Own: it.OwnRhythm,
		Days: DaysBetween(today, it.CreatedAt)}
	if it.LastTouchAt != nil {
		rhythm.Touched, rhythm.Days = true, DaysBetween(today, *it.LastTouchAt)
	}
	terms := []DueTerm{rhythm}
	u := Urgency{Tier: w.Tier * float64(tierRank(it.Tier))}
	if base := it.DaysOverdue; base > 0 && it.RhythmDays > 0 {
		u.Overdue = round2(w.Overdue * float64(base) / float64(it.RhythmDays))
	}
	for i := range it.Tasks {
		t := &it.Tasks[i]
		term := DueTerm{Kind: TermTask, Task: t, Days: DaysBetween(today, t.DueAt)}
		if term.Days < 0 {
			if t.Kind == TaskPromise {
				u.Promise = w.Promise
			} else {
				u.Followup = w.Followup
			}
		}
		terms = append(terms, term)
	}
	for i := range it.KeyDates {
		o := &it.KeyDates[i]
		u.Date = w.Date
		terms = append(terms, DueTerm{Kind: TermKeyDate, Occasion: o, Days: DaysBetween(today, o.date.Time(time.Local))})
	}
	u.Score = round2(u.Overdue + u.Tier + u.Promise + u.Followup + u.Date)
	it.Urgency = u
	it.Terms = terms
	it.Reasons = make([]string, len(terms))
	for i, t := range terms {
		it.Reasons[i] = t.English()
	}
	it.Reason = strings.Join(it.Reasons, "; ")
}

func tierRank(tier string) int {
	switch tier {
	case "A":
		return 3
	case "B":
		return 2
	}
	return 1
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// DaysBetween counts calendar days from a to b in local time: positive when b is later.
func DaysBetween(a, b time.Time) int {
	ay, am, ad := a.Local().Date()
	by, bm, bd := b.Local().Date()
	return int(time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC).Sub(time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)).Hours() / 24)
}
