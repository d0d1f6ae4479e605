package crm

import (
	"context"
	"sort"
	"time"

	"github.com/seedcrm/crm/internal/when"
)

// Upcoming is what falls in the days days from today (a local midnight,
// included), in date order: occurrences of the key dates of active
// contacts, the festivals of the setting festivals (titled for lang), and
// the open follow-ups and promises due before the window ends, those past
// their day first (marked Overdue). crm upcoming lists it; the TUI's
// Upcoming page and a calendar export show the same list.
func Upcoming(ctx context.Context, keyDates KeyDateService, settings SettingService, tasks TaskService, today time.Time, days int, lang string) ([]*Occasion, error) {
	from := when.DateOf(today)
	out, err := keyDates.KeyDateOccasions(ctx, from, days)
	if err != nil {
		return nil, err
	}
	fs, err := settings.GetSetting(ctx, "festivals")
	if err != nil {
		return nil, err
	}
	festivals, err := ParseFestivals(fs)
	if err != nil {
		return nil, err
	}
	out = append(out, FestivalOccasions(festivals, from, days, lang)...)
	open, err := tasks.FindTasks(ctx, TaskFilter{Before: today.AddDate(0, 0, days)})
	if err != nil {
		return nil, err
	}
	for _, t := range open {
		out = append(out, t.Occasion(today))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out, nil
}

// Occasion is the task as a row of what is upcoming, on its local due day,
// overdue when that day is before today.
func (t *Task) Occasion(today time.Time) *Occasion {
	o := &Occasion{Kind: t.Kind, Title: t.Title, ContactID: t.ContactID, Contact: t.Contact, TaskID: t.ID, Overdue: t.Overdue(today)}
	o.SetDate(when.DateOf(t.DueAt.Local()))
	return o
}
