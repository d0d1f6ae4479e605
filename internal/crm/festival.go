package crm

import (
	"strings"
	"time"

	"github.com/seedcrm/crm/internal/when"
)

// DefaultFestivals is the festivals setting of a new book: every built-in one.
var DefaultFestivals = strings.Join(festivalKeys(), ",")

func festivalKeys() []string {
	keys := make([]string, len(when.Festivals))
	for i, f := range when.Festivals {
		keys[i] = f.Key
	}
	return keys
}

// ParseFestivals reads the festivals setting: built-in keys, and the user's
// own as name=MM-DD (solar) or name=lunar:MM-DD, separated by commas.
func ParseFestivals(s string) ([]when.Festival, error) {
	var out []when.Festival
	for _, item := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		name, date, custom := strings.Cut(item, "=")
		if !custom {
			f, ok := when.FestivalByKey(item)
			if !ok {
				return nil, Errorf(EINVALID, "unknown festival %q (built in: %s; or name=MM-DD, name=lunar:MM-DD)", item, strings.Join(festivalKeys(), ", "))
			}
			out = append(out, f)
			continue
		}
		lunar := false
		if rest, ok := strings.CutPrefix(date, "lunar:"); ok {
			date, lunar = rest, true
		}
		y, m, d, err := when.ParseMonthDay(date)
		if err != nil || y != 0 || name == "" {
			return nil, Errorf(EINVALID, "invalid festival %q: want name=MM-DD or name=lunar:MM-DD", item)
		}
		out = append(out, when.Festival{Key: name, Name: name, NameZH: name, Lunar: lunar, Month: m, Day: d})
	}
	return out, nil
}

// FestivalOccasions lists the festivals that fall from from for days days.
func FestivalOccasions(fs []when.Festival, from when.Date, days int, lang string) []*Occasion {
	var out []*Occasion
	end := from.AddDays(days)
	for _, f := range fs {
		d, err := f.Next(from)
		if err != nil || !d.Before(end) {
			continue
		}
		title := f.Name
		if lang == "zh" || f.Name == "" {
			title = f.NameZH
		} else if f.NameZH != "" && f.NameZH != f.Name {
			title = f.Name + " " + f.NameZH
		}
		o := &Occasion{Kind: "festival", Title: title, Lunar: f.Lunar}
		o.SetDate(d)
		out = append(out, o)
	}
	return out
}

// Today is the local midnight of now.
func Today(now time.Time) time.Time {
	y, m, d := now.Local().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.Local)
}
