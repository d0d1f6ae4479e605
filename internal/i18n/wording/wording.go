// Package wording is the wording both faces of crm share, the CLI and the
// TUI: stages, channels, kinds and other enum values by name, days relative
// to today, due reasons and occasions, in the interface's language. Each
// is rendered here once, so that crm due and the TUI's due list say the
// same thing in the same words.
package wording

import (
	"strings"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/i18n"
)

// Words renders in Lang (en or zh; as i18n.Norm reads it). The zero value
// speaks English.
type Words struct {
	Lang string
}

// StageLabel is the name of a stage of a ladder in the interface's
// language; the key when the ladder does not know it.
func (w Words) StageLabel(ladder, stage string) string {
	l, err := crm.FindLadder(ladder)
	if err != nil {
		return stage
	}
	s, err := l.Stage(stage)
	if err != nil {
		return stage
	}
	if i18n.Norm(w.Lang) == "zh" && s.NameZH != "" {
		return s.NameZH
	}
	return s.Name
}

// Days is a day relative to today for a table cell ("in 3d", "3d ago"):
// past names what a day in the past is ("ago", "overdue"); nil is "—".
func (w Words) Days(t *time.Time, today time.Time, past string) string {
	if t == nil {
		return "—"
	}
	return w.ShortDays(crm.DaysBetween(today, *t), past)
}

// T is the message key of the catalogue in the interface's language.
func (w Words) T(key string, args ...any) string { return i18n.T(w.Lang, key, args...) }

// ShortDays is crm.ShortDays in the interface's language: past is "ago"
// or "overdue".
func (w Words) ShortDays(d int, past string) string {
	if i18n.Norm(w.Lang) != "zh" {
		return crm.ShortDays(d, past)
	}
	switch {
	case d == 0:
		return w.T("days.today")
	case d > 0:
		return w.T("days.in", d)
	}
	return w.T("days."+past, -d)
}

// ChannelLabel is a channel's name in the interface's language: its key
// in English (as the CLI shows it), its Chinese label under zh.
func (w Words) ChannelLabel(key string) string {
	return w.EnumLabel(crm.Channels, key)
}

// EnumLabel is a value of e by its key: the key in English, its Chinese
// label under zh; the key when e does not know it.
func (w Words) EnumLabel(e *crm.Enum, key string) string {
	if v := e.Value(key); v != nil && i18n.Norm(w.Lang) == "zh" && v.NameZH != "" {
		return v.NameZH
	}
	return key
}

// LadderName is a ladder's name in the interface's language.
func (w Words) LadderName(l *crm.Ladder) string {
	if i18n.Norm(w.Lang) == "zh" && l.NameZH != "" {
		return l.NameZH
	}
	return l.Name
}

// KindLabel is the kind of a task or a key date (promise, birthday) in the
// interface's language: the kind itself in English.
func (w Words) KindLabel(kind string) string {
	if i18n.Norm(w.Lang) != "zh" {
		return kind
	}
	if v := crm.KeyDateKinds.Value(kind); v != nil && v.NameZH != "" {
		return v.NameZH
	}
	if s, ok := i18n.Lookup(w.Lang, "kind."+kind); ok {
		return s
	}
	return kind
}

// StageKey is a stage as the CLI names it: its key in English, its
// Chinese name under zh.
func (w Words) StageKey(ladder, stage string) string {
	if i18n.Norm(w.Lang) != "zh" {
		return stage
	}
	return w.StageLabel(ladder, stage)
}

// Weekday is a day's weekday, short: Mon, or 周一 under zh.
func (w Words) Weekday(t time.Time) string {
	if i18n.Norm(w.Lang) == "zh" {
		return w.T("weekday." + t.Weekday().String())
	}
	return t.Format("Mon")
}

// EnumName is v's name in the interface's language (Driver, 支配型).
func (w Words) EnumName(v *crm.EnumValue) string {
	if i18n.Norm(w.Lang) == "zh" && v.NameZH != "" {
		return v.NameZH
	}
	return v.Name
}

// Reasons says why a contact is due, in the interface's language: the
// domain's English words (crm.DueTerm.English), or the same terms in
// Chinese under zh.
func (w Words) Reasons(it *crm.DueItem) string {
	if i18n.Norm(w.Lang) != "zh" || len(it.Terms) == 0 {
		return strings.Join(it.Reasons, "; ")
	}
	parts := make([]string, len(it.Terms))
	for i, t := range it.Terms {
		parts[i] = w.reason(t)
	}
	return strings.Join(parts, "；")
}

func (w Words) reason(t crm.DueTerm) string {
	switch t.Kind {
	case crm.TermRhythm:
		last := w.T("reason.lastTouch", w.ShortDays(t.Days, "ago"))
		if !t.Touched {
			last = w.T("reason.never", w.ShortDays(t.Days, "ago"))
		}
		own := ""
		if t.Own {
			own = w.T("reason.own")
		}
		return w.T("reason.rhythm", t.Tier, last, t.RhythmDays, own)
	case crm.TermTask:
		if t.Days < 0 {
			return w.T("reason.taskLate", w.KindLabel(t.Task.Kind), t.Task.Title, w.ShortDays(t.Days, "overdue"))
		}
		return w.T("reason.taskDue", w.KindLabel(t.Task.Kind), t.Task.Title, t.Task.DueAt.Local().Format("01-02"))
	case crm.TermKeyDate:
		return w.T("reason.keyDate", w.OccasionTitle(t.Occasion), w.ShortDays(t.Days, "ago"), t.Occasion.Date[5:])
	}
	return t.English()
}

// OccasionTitle is what an occasion is, in the interface's language: the
// domain's English title ("陈晓明's birthday"), or under zh a key date as
// 陈晓明的生日 (its label when it has one); festivals and tasks keep their
// own titles.
func (w Words) OccasionTitle(o *crm.Occasion) string {
	if i18n.Norm(w.Lang) != "zh" || o.KeyDateID == 0 || o.Contact == "" {
		return o.Title
	}
	what := o.Label
	if what == "" {
		what = w.KindLabel(o.Kind)
	}
	return w.T("reason.whose", o.Contact, what)
}
