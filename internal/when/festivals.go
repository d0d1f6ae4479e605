package when

import (
	"strconv"
	"time"
)

// Festival is a yearly occasion worth a greeting. A solar festival falls on
// Month/Day of the Gregorian calendar; a Lunar one on Month/Day of the
// Chinese calendar (ordinary month). Qingming (key "qingming") is a solar
// term: its date is computed per year, April 4, 5 or 6, and Month/Day hold
// only its usual date.
type Festival struct {
	Key, Name, NameZH string
	Lunar             bool
	Month, Day        int
}

// Festivals are the built-in occasions, in calendar order of a typical year.
var Festivals = []Festival{
	{Key: "newyear", Name: "New Year's Day", NameZH: "元旦", Month: 1, Day: 1},
	{Key: "spring", Name: "Spring Festival", NameZH: "春节", Lunar: true, Month: 1, Day: 1},
	{Key: "lantern", Name: "Lantern Festival", NameZH: "元宵节", Lunar: true, Month: 1, Day: 15},
	{Key: "qingming", Name: "Qingming Festival", NameZH: "清明节", Month: 4, Day: 5},
	{Key: "dragonboat", Name: "Dragon Boat Festival", NameZH: "端午节", Lunar: true, Month: 5, Day: 5},
	{Key: "qixi", Name: "Qixi Festival", NameZH: "七夕", Lunar: true, Month: 7, Day: 7},
	{Key: "midautumn", Name: "Mid-Autumn Festival", NameZH: "中秋节", Lunar: true, Month: 8, Day: 15},
	{Key: "doubleninth", Name: "Double Ninth Festival", NameZH: "重阳节", Lunar: true, Month: 9, Day: 9},
}

// FestivalByKey finds a built-in festival by its key.
func FestivalByKey(key string) (Festival, bool) {
	for _, f := range Festivals {
		if f.Key == key {
			return f, true
		}
	}
	return Festival{}, false
}

// qingmingDays holds the April day of Qingming (the Sun at 15° ecliptic
// longitude, China Standard Time) for 1900–2100, one digit per year. It was
// computed from the solar position (astro_test.go recomputes and checks it)
// and agrees with the published 寿星 formula for every year.
const qingmingDays = "" +
	"5566556655665556555655565556555655565556" + // 1900–1939
	"5556555555555555555555555555555555554555" + // 1940–1979
	"4555455545554555455545554555445544554455" + // 1980–2019
	"4455445544554455445544454445444544454445" + // 2020–2059
	"4445444544454444444444444444444444444444" + // 2060–2099
	"5" // 2100

// Qingming returns the date of the Qingming solar term in year (1900–2100).
func Qingming(year int) (Date, error) {
	if year < lunarFirstYear || year > lunarLastYear {
		return Date{}, errorf("invalid year " + quote(strconv.Itoa(year)) + ": Qingming is known for 1900-2100")
	}
	return Date{year, time.April, int(qingmingDays[year-lunarFirstYear] - '0')}, nil
}

// On returns the festival's date in solar year year. A lunar festival late
// in the lunar year can fall in the next solar year; On returns the first
// occurrence inside year, and an error when there is none (a lunar date
// falls in a solar year at most twice and at least once for months 1–10,
// but a solar Feb 29 misses three years in four).
func (f Festival) On(year int) (Date, error) {
	switch {
	case f.Key == "qingming" && !f.Lunar:
		return Qingming(year)
	case !f.Lunar:
		d := Date{year, time.Month(f.Month), f.Day}
		if err := checkCivil(d); err != nil {
			return Date{}, err
		}
		return d, nil
	}
	for _, ly := range [2]int{year - 1, year} {
		if ly < lunarFirstYear || ly > lunarLastYear {
			continue
		}
		d, err := LunarToSolar(ly, f.Month, f.Day, false)
		if err != nil {
			return Date{}, err
		}
		if d.Year == year {
			return d, nil
		}
	}
	return Date{}, errorf("invalid year " + quote(strconv.Itoa(year)) + ": no " + f.Name + " in it within lunar years 1900-2100")
}

// Next returns the festival's first date on or after from.
func (f Festival) Next(from Date) (Date, error) {
	if err := checkCivil(from); err != nil {
		return Date{}, err
	}
	switch {
	case f.Lunar:
		return NextLunar(f.Month, f.Day, from)
	case f.Key == "qingming":
		d, err := Qingming(from.Year)
		if err == nil && d.Before(from) {
			d, err = Qingming(from.Year + 1)
		}
		return d, err
	}
	// A solar date recurs within four years (Feb 29 skips at most seven,
	// across a century year) unless it never exists.
	for y := from.Year; y <= from.Year+8; y++ {
		d, err := f.On(y)
		if err == nil && !d.Before(from) {
			return d, nil
		}
	}
	return Date{}, errorf("invalid festival " + quote(f.Key) + ": " + strconv.Itoa(f.Month) + "-" + strconv.Itoa(f.Day) + " never occurs")
}
