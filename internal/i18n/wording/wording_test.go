package wording

import (
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
)

func TestWords(t *testing.T) {
	en, zh := Words{}, Words{Lang: "zh_CN.UTF-8"}
	due := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	today := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	o := &crm.Occasion{KeyDateID: 7, Contact: "陈晓明", Kind: "birthday", Title: "陈晓明's birthday"}
	for _, c := range []struct{ name, got, want string }{
		{"en today", en.ShortDays(0, "ago"), crm.ShortDays(0, "ago")},
		{"en overdue", en.ShortDays(-3, "overdue"), crm.ShortDays(-3, "overdue")},
		{"en days", en.Days(&due, today, "ago"), crm.ShortDays(3, "ago")},
		{"nil days", zh.Days(nil, today, "ago"), "—"},
		{"zh weekday", zh.Weekday(today), "周日"},
		{"en weekday", en.Weekday(today), "Sun"},
		{"en occasion", en.OccasionTitle(o), "陈晓明's birthday"},
		{"zh occasion", zh.OccasionTitle(o), "陈晓明的生日"},
		{"zh kind", zh.KindLabel("birthday"), "生日"},
		{"en kind", en.KindLabel("birthday"), "birthday"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.name, c.got, c.want)
		}
	}
	if zh.ShortDays(3, "ago") == en.ShortDays(3, "ago") || zh.ShortDays(-3, "overdue") == en.ShortDays(-3, "overdue") {
		t.Errorf("zh ShortDays %q, %q speaks English", zh.ShortDays(3, "ago"), zh.ShortDays(-3, "overdue"))
	}
}
