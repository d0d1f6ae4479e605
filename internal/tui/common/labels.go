package common

import (
	"strings"
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/i18n"
)

// StageLabel is the name of a stage of a ladder in the interface's
// language; the key when the ladder does not know it.
func (c Common) StageLabel(ladder, stage string) string {
	l, err := crm.FindLadder(ladder)
	if err != nil {
		return stage
	}
	s, err := l.Stage(stage)
	if err != nil {
		return stage
	}
	if i18n.Norm(c.Lang) == "zh" && s.NameZH != "" {
		return s.NameZH
	}
	return s.Name
}

// Days is a day relative to today for a table cell ("in 3d", "3d ago"):
// past names what a day in the past is ("ago", "overdue"); nil is "—".
func (c Common) Days(t *time.Time, past string) string {
	if t == nil {
		return "—"
	}
	return c.ShortDays(crm.DaysBetween(crm.Today(c.Now()), *t), past)
}

// T is the message key of the catalogue in the interface's language.
func (c Common) T(key string, args ...any) string { return i18n.T(c.Lang, key, args...) }

// ShortDays is crm.ShortDays in the interface's language: past is "ago"
// or "overdue".
func (c Common) ShortDays(d int, past string) string {
	if i18n.Norm(c.Lang) != "zh" {
		return crm.ShortDays(d, past)
	}
	switch {
	case d == 0:
		return c.T("days.today")
	case d > 0:
		return c.T("days.in", d)
	}
	return c.T("days."+past, -d)
}

// ChannelLabel is a channel's name in the interface's language: its key
// in English (as the CLI shows it), its Chinese label under zh.
func (c Common) ChannelLabel(key string) string {
	return c.EnumLabel(crm.Channels, key)
}

// EnumLabel is a value of e by its key: the key in English, its Chinese
// label under zh; the key when e does not know it.
func (c Common) EnumLabel(e *crm.Enum, key string) string {
	if v := e.Value(key); v != nil && i18n.Norm(c.Lang) == "zh" && v.NameZH != "" {
		return v.NameZH
	}
	return key
}

// LadderName is a ladder's name in the interface's language.
func (c Common) LadderName(l *crm.Ladder) string {
	if i18n.Norm(c.Lang) == "zh" && l.NameZH != "" {
		return l.NameZH
	}
	return l.Name
}

// KindLabel is the kind of a task or a key date (promise, birthday) in the
// interface's language: the kind itself in English.
func (c Common) KindLabel(kind string) string {
	if i18n.Norm(c.Lang) != "zh" {
		return kind
	}
	if v := crm.KeyDateKinds.Value(kind); v != nil && v.NameZH != "" {
		return v.NameZH
	}
	if s, ok := i18n.Lookup(c.Lang, "kind."+kind); ok {
		return s
	}
	return kind
}

// StageKey is a stage as the CLI names it: its key in English, its
// Chinese name under zh.
func (c Common) StageKey(ladder, stage string) string {
	if i18n.Norm(c.Lang) != "zh" {
		return stage
	}
	return c.StageLabel(ladder, stage)
}

// Weekday is a day's weekday, short: Mon, or 周一 under zh.
func (c Common) Weekday(t time.Time) string {
	if i18n.Norm(c.Lang) == "zh" {
		return c.T("weekday." + t.Weekday().String())
	}
	return t.Format("Mon")
}

// EnumName is v's name in the interface's language (Driver, 支配型).
func (c Common) EnumName(v *crm.EnumValue) string {
	if i18n.Norm(c.Lang) == "zh" && v.NameZH != "" {
		return v.NameZH
	}
	return v.Name
}

// Reasons says why a contact is due, in the interface's language: the
// domain's English words (crm.DueTerm.English), or the same terms in
// Chinese under zh.
func (c Common) Reasons(it *crm.DueItem) string {
	if i18n.Norm(c.Lang) != "zh" || len(it.Terms) == 0 {
		return strings.Join(it.Reasons, "; ")
	}
	parts := make([]string, len(it.Terms))
	for i, t := range it.Terms {
		parts[i] = c.reason(t)
	}
	return strings.Join(parts, "；")
}

func (c Common) reason(t crm.DueTerm) string {
	switch t.Kind {
	case crm.TermRhythm:
		last := c.T("reason.lastTouch", c.ShortDays(t.Days, "ago"))
		if !t.Touched {
			last = c.T("reason.never", c.ShortDays(t.Days, "ago"))
		}
		own := ""
		if t.Own {
			own = c.T("reason.own")
		}
		return c.T("reason.rhythm", t.Tier, last, t.RhythmDays, own)
	case crm.TermTask:
		if t.Days < 0 {
			return c.T("reason.taskLate", c.KindLabel(t.Task.Kind), t.Task.Title, c.ShortDays(t.Days, "overdue"))
		}
		return c.T("reason.taskDue", c.KindLabel(t.Task.Kind), t.Task.Title, t.Task.DueAt.Local().Format("01-02"))
	case crm.TermKeyDate:
		return c.T("reason.keyDate", c.OccasionTitle(t.Occasion), c.ShortDays(t.Days, "ago"), t.Occasion.Date[5:])
	}
	return t.English()
}

// OccasionTitle is what an occasion is, in the interface's language: the
// domain's English title ("陈晓明's birthday"), or under zh a key date as
// 陈晓明的生日 (its label when it has one); festivals and tasks keep their
// own titles.
func (c Common) OccasionTitle(o *crm.Occasion) string {
	if i18n.Norm(c.Lang) != "zh" || o.KeyDateID == 0 || o.Contact == "" {
		return o.Title
	}
	what := o.Label
	if what == "" {
		what = c.KindLabel(o.Kind)
	}
	return c.T("reason.whose", o.Contact, what)
}
