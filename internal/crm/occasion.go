package crm

import (
	"cmp"
	"slices"
	"sort"
	"time"

	"github.com/seedcrm/crm/internal/when"
)

// KeyDateWindow is which key dates can fall in a window of days, so that a
// backend reads only those, by its (calendar, month, day) index: the solar
// (month, day) pairs of the window, and the lunar months it touches.
type KeyDateWindow struct {
	AllSolar    bool  // a year or more: every solar date can fall in it
	SolarDays   []int // month*100 + day of each day (229 with 28 February: 29 February is kept on the 28th in common years)
	SolarMonths []int // the months of SolarDays, in order
	LunarMonths []int // the lunar months the window touches, in order
}

// NewKeyDateWindow is the window of days days from the local date from.
func NewKeyDateWindow(from when.Date, days int) KeyDateWindow {
	var w KeyDateWindow
	solarMonths, lunarMonths := map[int]bool{}, map[int]bool{}
	end := from.AddDays(days)
	for d := from; d.Before(end); d = d.AddDays(1) {
		w.SolarDays = append(w.SolarDays, int(d.Month)*100+d.Day)
		solarMonths[int(d.Month)] = true
		if d.Month == time.February && d.Day == 28 {
			w.SolarDays = append(w.SolarDays, 229)
		}
		if _, m, _, _, err := when.SolarToLunar(d); err == nil {
			lunarMonths[m] = true
		}
		if len(w.SolarDays) > 400 {
			w.AllSolar, w.SolarDays = true, nil
			break
		}
	}
	for m := 1; m <= 12; m++ {
		if solarMonths[m] && !w.AllSolar {
			w.SolarMonths = append(w.SolarMonths, m)
		}
		if lunarMonths[m] {
			w.LunarMonths = append(w.LunarMonths, m)
		}
	}
	return w
}

// Occasions lists every occurrence of the key dates kds (of the window's
// candidates, in any order) from the local date from for days days, by
// date, key dates of one day in id order. A window longer than a year holds
// a yearly date more than once.
func Occasions(kds []*KeyDate, from when.Date, days int) []*Occasion {
	kds = slices.Clone(kds)
	slices.SortFunc(kds, func(a, b *KeyDate) int { return cmp.Compare(a.ID, b.ID) })
	end := from.AddDays(days)
	out := []*Occasion{}
	for _, k := range kds {
		for d, err := k.Next(from); err == nil && d.Before(end); d, err = k.Next(d.AddDays(1)) {
			o := &Occasion{Kind: k.Kind, Title: keyDateTitle(k), ContactID: k.ContactID, Contact: k.Contact,
				Lunar: k.Calendar == "lunar", KeyDateID: k.ID, Years: k.YearsOn(d), Label: k.Label}
			o.SetDate(d)
			out = append(out, o)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}

// keyDateTitle names an occasion: "王科长's birthday", or its label.
func keyDateTitle(k *KeyDate) string {
	t := k.Kind
	if k.Label != "" {
		t = k.Label
	}
	return k.Contact + "'s " + t
}
