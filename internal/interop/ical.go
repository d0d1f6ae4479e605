package interop

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/charmbracelet/x/ansi"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/when"
)

// CalendarOptions shape a calendar of the book.
type CalendarOptions struct {
	// Now is the time of the export: every DTSTAMP, and the start of the
	// years lunar dates and festivals are expanded for.
	Now time.Time
	// Years is how many years lunar dates and festivals without a yearly
	// rule are expanded for; 0: 10.
	Years int
	// Todos adds each open follow-up and promise as a VTODO with DUE too.
	Todos bool
	// Loc is where a task's due time falls on its day; nil: time.Local.
	Loc *time.Location
	// Name is the calendar's name (X-WR-CALNAME); "": "crm".
	Name string
	// Lang is the language of festival and key date titles: "zh" or
	// anything else for English.
	Lang string
}

// WriteCalendar writes an iCalendar 2.0 (RFC 5545) calendar of the book
// on w: the key dates of the contacts in contacts as all-day events, a
// solar one as one event repeating yearly, a lunar one as one event for
// each of the next Years years (iCalendar has no lunar rule); the
// festivals (crm.ParseFestivals), the same way; and the open follow-ups
// and promises among tasks as all-day events on their day with a display
// alarm at nine in the morning (subscribed calendars do not show VTODO),
// and as VTODOs when opts.Todos. A key date whose contact is not in
// contacts is left out. Every UID is the record's uid ("festival-" and the
// festival's key for a festival) with the year for expanded dates, and
// "@crm", so that a calendar subscribed to the file updates its events
// rather than adding them again; the output is the same for the same book
// and Now.
func WriteCalendar(w io.Writer, opts CalendarOptions, contacts map[int64]*crm.Contact, dates []*crm.KeyDate, tasks []*crm.Task, festivals []when.Festival) error {
	if opts.Years <= 0 {
		opts.Years = 10
	}
	if opts.Loc == nil {
		opts.Loc = time.Local
	}
	if opts.Name == "" {
		opts.Name = "crm"
	}
	stamp := opts.Now.UTC()
	today := when.DateOf(opts.Now.In(opts.Loc))
	cal := ics.NewCalendarFor("seedcrm//crm")
	cal.SetProductId("-//seedcrm//crm//EN")
	cal.SetCalscale("GREGORIAN")
	cal.SetXWRCalName(cleanText(opts.Name))

	kds := append([]*crm.KeyDate(nil), dates...)
	sort.SliceStable(kds, func(i, j int) bool { return kds[i].UID < kds[j].UID })
	for _, k := range kds {
		c := contacts[k.ContactID]
		if c == nil {
			continue
		}
		summary := c.Name + " · " + kindTitle(k, opts.Lang)
		if k.Calendar == "lunar" {
			ly, _, _, _, err := when.SolarToLunar(today)
			if err != nil {
				continue // beyond the lunar table: nothing to expand
			}
			desc := "lunar " + fmt.Sprintf("%02d-%02d", k.Month, k.Day) + " (" + when.FormatLunarZH(k.Month, k.Day, k.Leap) + ")"
			for y := ly; y < ly+opts.Years; y++ {
				d, err := when.LunarToSolar(y, k.Month, k.Day, k.Leap)
				if err != nil {
					break
				}
				e := allDay(cal, k.UID+"-"+strconv.Itoa(y)+"@crm", stamp, d, summary)
				e.SetDescription(desc)
			}
			continue
		}
		start, rule := yearly(k.Year, k.Month, k.Day)
		e := allDay(cal, k.UID+"@crm", stamp, start, summary)
		e.AddRrule(rule)
	}

	for _, f := range festivals {
		title := festivalTitle(f, opts.Lang)
		if !f.Lunar && f.Key != "qingming" {
			start, rule := yearly(0, f.Month, f.Day)
			e := allDay(cal, "festival-"+f.Key+"@crm", stamp, start, title)
			e.AddRrule(rule)
			continue
		}
		for y := today.Year; y < today.Year+opts.Years; y++ {
			d, err := f.On(y)
			if err != nil {
				continue
			}
			allDay(cal, "festival-"+f.Key+"-"+strconv.Itoa(y)+"@crm", stamp, d, title)
		}
	}

	open := make([]*crm.Task, 0, len(tasks))
	for _, t := range tasks {
		if t.State == crm.TaskOpen && (t.Kind == "followup" || t.Kind == "promise") {
			open = append(open, t)
		}
	}
	sort.SliceStable(open, func(i, j int) bool {
		if !open[i].DueAt.Equal(open[j].DueAt) {
			return open[i].DueAt.Before(open[j].DueAt)
		}
		return open[i].UID < open[j].UID
	})
	for _, t := range open {
		day := when.DateOf(t.DueAt.In(opts.Loc))
		summary := taskTitle(t)
		e := allDay(cal, t.UID+"@crm", stamp, day, summary)
		if t.Note != "" {
			e.SetDescription(cleanText(t.Note))
		}
		a := e.AddAlarm()
		a.SetAction(ics.ActionDisplay)
		a.SetProperty(ics.ComponentPropertyDescription, cleanText(summary))
		a.SetTrigger("PT9H") // nine in the morning of the day
		if opts.Todos {
			td := ics.NewTodo(cleanText(t.UID + "-todo@crm"))
			td.SetDtStampTime(stamp)
			td.SetAllDayDueAt(day.Time(time.UTC))
			td.SetSummary(cleanText(summary))
			td.SetStatus(ics.ObjectStatusNeedsAction)
			cal.Components = append(cal.Components, td)
		}
	}
	return cal.SerializeTo(w, ics.WithNewLine("\r\n"))
}

// allDay adds an all-day event on d, transparent (it does not make the
// day busy).
func allDay(cal *ics.Calendar, uid string, stamp time.Time, d when.Date, summary string) *ics.VEvent {
	e := cal.AddEvent(cleanText(uid))
	e.SetDtStampTime(stamp)
	e.SetAllDayStartAt(d.Time(time.UTC))
	e.SetAllDayEndAt(d.AddDays(1).Time(time.UTC))
	e.SetSummary(cleanText(summary))
	e.SetTimeTransparency(ics.TransparencyTransparent)
	return e
}

// yearly is the first date and the rule of a solar date every year: from
// its year when known (else 2000), and 29 February on the last day of
// February in common years, as crm upcoming keeps it.
func yearly(year, month, day int) (when.Date, string) {
	if year == 0 {
		year = 2000 // a leap year: 29 February exists
	}
	d := when.Date{Year: year, Month: time.Month(month), Day: day}
	if month == 2 && day == 29 {
		return d, "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1"
	}
	return d, "FREQ=YEARLY"
}

func kindTitle(k *crm.KeyDate, lang string) string {
	if k.Label != "" {
		return k.Label
	}
	if v := crm.KeyDateKinds.Value(k.Kind); v != nil && lang == "zh" {
		return v.NameZH
	}
	return k.Kind
}

// festivalTitle names a festival as crm upcoming does.
func festivalTitle(f when.Festival, lang string) string {
	switch {
	case lang == "zh" || f.Name == "":
		return f.NameZH
	case f.NameZH != "" && f.NameZH != f.Name:
		return f.Name + " " + f.NameZH
	}
	return f.Name
}

// taskTitle is "Promise: send the quote (王科长)".
func taskTitle(t *crm.Task) string {
	what := "Follow up"
	if t.Kind == "promise" {
		what = "Promise"
	}
	s := what + ": " + t.Title
	if t.Contact != "" {
		s += " (" + t.Contact + ")"
	}
	return s
}

// cleanText is a text for a calendar: terminal sequences and control
// characters, which iCalendar text may not hold, removed; line ends as
// "\n".
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = ansi.Strip(s)
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return '\n'
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return -1
		}
		return r
	}, s)
}
