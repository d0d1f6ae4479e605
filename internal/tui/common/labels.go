package common

import (
	"time"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/i18n"
	"github.com/seedcrm/crm/internal/i18n/wording"
)

// The TUI's wording is the one both faces share (package wording); these
// methods speak it in the interface's language of c.

// Words is the shared wording in the interface's language.
func (c Common) Words() wording.Words { return wording.Words{Lang: c.Lang} }

// StageLabel is wording.Words.StageLabel.
func (c Common) StageLabel(ladder, stage string) string { return c.Words().StageLabel(ladder, stage) }

// Days is wording.Words.Days, relative to today by c's clock.
func (c Common) Days(t *time.Time, past string) string {
	if t == nil {
		return c.Words().Days(nil, time.Time{}, past)
	}
	return c.Words().Days(t, crm.Today(c.Now()), past)
}

// T is the message key of the catalogue in the interface's language.
func (c Common) T(key string, args ...any) string { return i18n.T(c.Lang, key, args...) }

// ShortDays is wording.Words.ShortDays.
func (c Common) ShortDays(d int, past string) string { return c.Words().ShortDays(d, past) }

// ChannelLabel is wording.Words.ChannelLabel.
func (c Common) ChannelLabel(key string) string { return c.Words().ChannelLabel(key) }

// EnumLabel is wording.Words.EnumLabel.
func (c Common) EnumLabel(e *crm.Enum, key string) string { return c.Words().EnumLabel(e, key) }

// LadderName is wording.Words.LadderName.
func (c Common) LadderName(l *crm.Ladder) string { return c.Words().LadderName(l) }

// KindLabel is wording.Words.KindLabel.
func (c Common) KindLabel(kind string) string { return c.Words().KindLabel(kind) }

// StageKey is wording.Words.StageKey.
func (c Common) StageKey(ladder, stage string) string { return c.Words().StageKey(ladder, stage) }

// Weekday is wording.Words.Weekday.
func (c Common) Weekday(t time.Time) string { return c.Words().Weekday(t) }

// EnumName is wording.Words.EnumName.
func (c Common) EnumName(v *crm.EnumValue) string { return c.Words().EnumName(v) }

// Reasons is wording.Words.Reasons.
func (c Common) Reasons(it *crm.DueItem) string { return c.Words().Reasons(it) }

// OccasionTitle is wording.Words.OccasionTitle.
func (c Common) OccasionTitle(o *crm.Occasion) string { return c.Words().OccasionTitle(o) }
