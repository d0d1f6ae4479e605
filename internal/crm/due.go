package crm

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/seedcrm/crm/internal/when"
)

// Kinds of DueTerm: each is one reason a contact is on the due list.
const (
	TermRhythm  = "rhythm"   // the tier, the last touch (or when the contact was added) and the rhythm
	TermTask    = "task"     // an open follow-up or promise due before the horizon
	TermKeyDate = "key_date" // a key date within DueKeyDateDays
)

// DueKeyDateDays is how far ahead a key date makes a contact more urgent
// (and is named among its reasons): a week, time to prepare a card or gift.
const DueKeyDateDays = 7

// DueTerm is one reason a contact is due, as data: a face turns it into
// words (English does it in English; a catalogue may in Chinese). Days is
// the calendar days from today to the term's day (negative: in the past):
// the last touch, or the day the contact was added when Touched is false,
// for a rhythm; the due day for a task; the occasion's day for a key date.
type DueTerm struct {
	Kind       string
	Days       int
	Tier       string    // rhythm: the contact's tier
	Touched    bool      // rhythm: Days counts from the last touch, not from when the contact was added
	RhythmDays int       // rhythm: its length in days
	Own        bool      // rhythm: the contact's own, not its tier's
	Task       *DueTask  // task
	Occasion   *Occasion // key date
}

// English says the term as crm due prints it and as the JSON reasons hold it:
// "tier A, last touch 3 days ago, rhythm 30d", `promise "terms" 2 days overdue`,
// "王科长's birthday in 3 days (11-25)".
func (t DueTerm) English() string {
	switch t.Kind {
	case TermRhythm:
		last := "last touch " + RelativeDays(t.Days)
		if !t.Touched {
			last = fmt.Sprintf("never touched (added %s)", RelativeDays(t.Days))
		}
		rhythm := fmt.Sprintf("rhythm %dd", t.RhythmDays)
		if t.Own {
			rhythm += " (own)"
		}
		return fmt.Sprintf("tier %s, %s, %s", t.Tier, last, rhythm)
	case TermTask:
		state := "due " + t.Task.DueAt.Local().Format("01-02")
		if t.Days < 0 {
			state = Plural(-t.Days, "day") + " overdue"
		}
		return fmt.Sprintf("%s %q %s", t.Task.Kind, t.Task.Title, state)
	case TermKeyDate:
		return fmt.Sprintf("%s %s (%s)", t.Occasion.Title, RelativeDays(t.Days), t.Occasion.Date[5:])
	}
	return t.Kind
}

// RankDue explains each due item as of today (a local midnight) with the
// weights, naming the occasions of its contact among occasions (the key
// dates of the coming DueKeyDateDays), and sorts by urgency: the highest
// score first, then the most days overdue, then the lowest id. It sorts
// items in place and returns them.
func RankDue(items []*DueItem, occasions []*Occasion, w UrgencyWeights, today time.Time) []*DueItem {
	byContact := map[int64][]Occasion{}
	for _, o := range occasions {
		byContact[o.ContactID] = append(byContact[o.ContactID], *o)
	}
	for _, it := range items {
		if o := byContact[it.ID]; o != nil {
			it.KeyDates = o
		}
		it.Explain(today, w)
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.Urgency.Score != b.Urgency.Score {
			return a.Urgency.Score > b.Urgency.Score
		}
		if a.DaysOverdue != b.DaysOverdue {
			return a.DaysOverdue > b.DaysOverdue
		}
		return a.ID < b.ID
	})
	return items
}

// RankedDue is the due list as crm due shows it: the contacts f selects,
// with the key dates of the coming week, explained and ranked by RankDue.
func RankedDue(ctx context.Context, due DueService, keyDates KeyDateService, f DueFilter) ([]*DueItem, error) {
	items, err := due.FindDue(ctx, f)
	if err != nil {
		return nil, err
	}
	_, w, err := due.Cadence(ctx)
	if err != nil {
		return nil, err
	}
	occ, err := keyDates.KeyDateOccasions(ctx, when.DateOf(f.Today), DueKeyDateDays)
	if err != nil {
		return nil, err
	}
	return RankDue(items, occ, w, f.Today), nil
}

// DueAsOf is the filter of the due list as of now, as every face asks for
// it: contacts due before the start of tomorrow, moved on by within (the
// zero span for none); only those past their due day when overdue.
func DueAsOf(now time.Time, within when.Span, overdue bool) DueFilter {
	today := Today(now)
	return DueFilter{Today: today, Horizon: within.AddTo(today.AddDate(0, 0, 1)), Overdue: overdue}
}
