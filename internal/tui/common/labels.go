package common

import (
	"time"

	"github.com/seedcrm/crm/internal/crm"
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
	if c.Lang == "zh" {
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
	return crm.ShortDays(crm.DaysBetween(crm.Today(c.Now()), *t), past)
}
