package when

import (
	"strings"
	"testing"
	"time"
)

// Spring Festival (lunar 1-1) and Mid-Autumn (lunar 8-15) for 2000–2050 as
// published in Chinese almanacs; the astronomical model in astro_test.go
// reproduces every one of them independently.
const (
	springFestivals2000 = "" +
		"2000-02-05 2001-01-24 2002-02-12 2003-02-01 2004-01-22 2005-02-09 2006-01-29 2007-02-18 2008-02-07 2009-01-26 " +
		"2010-02-14 2011-02-03 2012-01-23 2013-02-10 2014-01-31 2015-02-19 2016-02-08 2017-01-28 2018-02-16 2019-02-05 " +
		"2020-01-25 2021-02-12 2022-02-01 2023-01-22 2024-02-10 2025-01-29 2026-02-17 2027-02-06 2028-01-26 2029-02-13 " +
		"2030-02-03 2031-01-23 2032-02-11 2033-01-31 2034-02-19 2035-02-08 2036-01-28 2037-02-15 2038-02-04 2039-01-24 " +
		"2040-02-12 2041-02-01 2042-01-22 2043-02-10 2044-01-30 2045-02-17 2046-02-06 2047-01-26 2048-02-14 2049-02-02 " +
		"2050-01-23"
	midAutumns2000 = "" +
		"2000-09-12 2001-10-01 2002-09-21 2003-09-11 2004-09-28 2005-09-18 2006-10-06 2007-09-25 2008-09-14 2009-10-03 " +
		"2010-09-22 2011-09-12 2012-09-30 2013-09-19 2014-09-08 2015-09-27 2016-09-15 2017-10-04 2018-09-24 2019-09-13 " +
		"2020-10-01 2021-09-21 2022-09-10 2023-09-29 2024-09-17 2025-10-06 2026-09-25 2027-09-15 2028-10-03 2029-09-22 " +
		"2030-09-12 2031-10-01 2032-09-19 2033-09-08 2034-09-27 2035-09-16 2036-10-04 2037-09-24 2038-09-13 2039-10-02 " +
		"2040-09-20 2041-09-10 2042-09-28 2043-09-17 2044-10-05 2045-09-25 2046-09-15 2047-10-04 2048-09-22 2049-09-11 " +
		"2050-09-30"
)

func TestSpringFestivalAndMidAutumn(t *testing.T) {
	for name, list := range map[string]string{"spring": springFestivals2000, "midautumn": midAutumns2000} {
		want := strings.Fields(list)
		if len(want) != 51 {
			t.Fatalf("%s: %d dates", name, len(want))
		}
		for i, w := range want {
			year := 2000 + i
			m, d := 1, 1
			if name == "midautumn" {
				m, d = 8, 15
			}
			got, err := LunarToSolar(year, m, d, false)
			if err != nil || got.String() != w {
				t.Errorf("%s %d: LunarToSolar = %v, %v; want %s", name, year, got, err, w)
			}
			ly, lm, ld, leap, err := SolarToLunar(got)
			if err != nil || ly != year || lm != m || ld != d || leap {
				t.Errorf("%s %d: SolarToLunar(%v) = %d-%d-%d leap=%v, %v", name, year, got, ly, lm, ld, leap, err)
			}
		}
	}
}

func TestLunarKnownDates(t *testing.T) {
	tests := []struct {
		y, m, d int
		leap    bool
		want    string
	}{
		{1900, 1, 1, false, "1900-01-31"},
		{1949, 8, 15, false, "1949-10-06"},
		{2001, 4, 1, true, "2001-05-23"},
		{2004, 2, 1, true, "2004-03-21"},
		{2006, 7, 1, true, "2006-08-24"},
		{2009, 5, 1, true, "2009-06-23"},
		{2012, 4, 1, true, "2012-05-21"},
		{2014, 9, 1, true, "2014-10-24"},
		{2017, 6, 1, true, "2017-07-23"},
		{2020, 4, 1, true, "2020-05-23"},
		{2023, 2, 1, true, "2023-03-22"},
		{2023, 2, 1, false, "2023-02-20"},
		{2023, 3, 1, false, "2023-04-20"},
		{2025, 6, 1, true, "2025-07-25"},
		{2025, 6, 1, false, "2025-06-25"},
		{2025, 7, 1, false, "2025-08-23"},
		{2025, 5, 5, false, "2025-05-31"},
		{2026, 1, 15, false, "2026-03-03"},
		{2026, 5, 5, false, "2026-06-19"},
		{2026, 7, 7, false, "2026-08-19"},
		{2026, 9, 9, false, "2026-10-18"},
		{2033, 11, 1, false, "2033-11-22"},
		{2033, 11, 1, true, "2033-12-22"},
		{2034, 1, 1, false, "2034-02-19"},
		// Leap asked where the year has none, or another one: the ordinary month.
		{2026, 6, 1, true, "2026-07-14"},
		{2025, 5, 1, true, "2025-05-27"},
	}
	for _, tt := range tests {
		got, err := LunarToSolar(tt.y, tt.m, tt.d, tt.leap)
		if err != nil || got.String() != tt.want {
			t.Errorf("LunarToSolar(%d, %d, %d, %v) = %v, %v; want %s", tt.y, tt.m, tt.d, tt.leap, got, err, tt.want)
		}
	}
	// Leap months of recent years.
	leaps := map[int]int{2001: 4, 2004: 2, 2006: 7, 2009: 5, 2012: 4, 2014: 9, 2017: 6, 2020: 4, 2023: 2, 2025: 6,
		2028: 5, 2031: 3, 2033: 11, 2036: 6, 2039: 5, 2042: 2, 2044: 7, 2047: 5, 2050: 3}
	for y := 2000; y <= 2050; y++ {
		if got, _ := lunarLeap(lunarInfo(y)); got != leaps[y] {
			t.Errorf("leap month of %d = %d, want %d", y, got, leaps[y])
		}
	}
}

func TestLunarToSolarClampsDay(t *testing.T) {
	// In a 29-day month the 30th is the 29th.
	m := 1
	for lunarMonthDays(lunarInfo(2026), m) != 29 {
		m++
	}
	d29, _ := LunarToSolar(2026, m, 29, false)
	d30, err := LunarToSolar(2026, m, 30, false)
	if err != nil || d30 != d29 {
		t.Errorf("LunarToSolar(2026, %d, 30) = %v, %v; want %v", m, d30, err, d29)
	}
	// 2025's leap sixth month has 29 days.
	if _, n := lunarLeap(lunarInfo(2025)); n != 29 {
		t.Fatal("test assumes 2025 leap month 6 has 29 days")
	}
	l29, _ := LunarToSolar(2025, 6, 29, true)
	l30, err := LunarToSolar(2025, 6, 30, true)
	if err != nil || l30 != l29 || l29.String() != "2025-08-22" {
		t.Errorf("LunarToSolar(2025, 6, 30, leap) = %v, %v; want %v = 2025-08-22", l30, err, l29)
	}
}

func TestLunarErrors(t *testing.T) {
	for _, tt := range []struct {
		y, m, d int
		want    string
	}{
		{1899, 1, 1, `invalid lunar date "1899-1-1": supported years are 1900-2100`},
		{2101, 1, 1, `supported years are 1900-2100`},
		{2026, 0, 1, `month must be 1-12`},
		{2026, 13, 1, `month must be 1-12`},
		{2026, 1, 0, `day must be 1-30`},
		{2026, 1, 31, `day must be 1-30`},
	} {
		_, err := LunarToSolar(tt.y, tt.m, tt.d, false)
		if err == nil {
			t.Errorf("LunarToSolar(%d, %d, %d) succeeded", tt.y, tt.m, tt.d)
			continue
		}
		checkErr(t, "LunarToSolar", "", err, tt.want)
	}
	first := Date{1900, time.January, 31}
	last := dateOfDays(lunarEnd() - 1)
	if last.String() != "2101-01-28" {
		t.Errorf("last day of lunar 2100 = %v, want 2101-01-28", last)
	}
	if y, m, d, leap, err := SolarToLunar(first); err != nil || y != 1900 || m != 1 || d != 1 || leap {
		t.Errorf("SolarToLunar(%v) = %d-%d-%d %v %v", first, y, m, d, leap, err)
	}
	if y, m, _, _, err := SolarToLunar(last); err != nil || y != 2100 || m != 12 {
		t.Errorf("SolarToLunar(%v) = %d-%d %v", last, y, m, err)
	}
	for _, d := range []Date{first.AddDays(-1), last.AddDays(1), {2026, time.February, 30}, {2026, 13, 1}, {0, 1, 1}} {
		if _, _, _, _, err := SolarToLunar(d); err == nil {
			t.Errorf("SolarToLunar(%v) succeeded", d)
		} else {
			checkErr(t, "SolarToLunar", d.String(), err, "invalid date")
		}
	}
}

// TestLunarRoundTrip converts every day of 1901–2099 to the lunar calendar
// and back, and checks that lunar dates advance one day at a time.
func TestLunarRoundTrip(t *testing.T) {
	start := Date{1901, time.January, 1}
	end := Date{2099, time.December, 31}
	py, pm, pd, pleap, err := SolarToLunar(start.AddDays(-1))
	if err != nil {
		t.Fatal(err)
	}
	for d := start; !end.Before(d); d = d.AddDays(1) {
		y, m, dd, leap, err := SolarToLunar(d)
		if err != nil {
			t.Fatalf("SolarToLunar(%v): %v", d, err)
		}
		back, err := LunarToSolar(y, m, dd, leap)
		if err != nil || back != d {
			t.Fatalf("LunarToSolar(SolarToLunar(%v) = %d-%d-%d leap=%v) = %v, %v", d, y, m, dd, leap, back, err)
		}
		switch {
		case y == py && m == pm && leap == pleap && dd == pd+1:
		case dd == 1 && pd >= 29 && (
		// into the leap month, out of it, to the next month, or to a new year
		(y == py && m == pm && leap && !pleap) ||
			(y == py && m == pm+1 && !leap) ||
			(y == py+1 && m == 1 && !leap && pm == 12)):
		default:
			t.Fatalf("%v: lunar %d-%d-%d leap=%v follows %d-%d-%d leap=%v", d, y, m, dd, leap, py, pm, pd, pleap)
		}
		py, pm, pd, pleap = y, m, dd, leap
	}
}

// TestLunarTableConsistent checks the table's internal invariants: each
// year starts the day after the previous one ends, new years fall between
// January 21 and February 20, and no table word has stray bits.
func TestLunarTableConsistent(t *testing.T) {
	for y := lunarFirstYear; y <= lunarLastYear; y++ {
		info := lunarInfo(y)
		if info>>23 != 0 {
			t.Errorf("%d: stray high bits in %#x", y, info)
		}
		leap, leapDays := lunarLeap(info)
		if leap == 0 && info&0x10000 != 0 {
			t.Errorf("%d: leap length bit without a leap month", y)
		}
		if leap > 12 {
			t.Errorf("%d: leap month %d", y, leap)
		}
		start := dateOfDays(lunarStart(y))
		if start.Before(Date{y, time.January, 21}) || (Date{y, time.February, 20}).Before(start) {
			t.Errorf("%d: new year on %v", y, start)
		}
		if y == lunarLastYear {
			continue
		}
		n := lunarStart(y) + leapDays
		for m := 1; m <= 12; m++ {
			n += lunarMonthDays(info, m)
		}
		if n != lunarStart(y+1) {
			t.Errorf("%d: months end on day %d, next year starts on %d", y, n, lunarStart(y+1))
		}
	}
}

func TestNextLunar(t *testing.T) {
	d := func(s string) Date {
		t.Helper()
		y, m, dd, err := ParseMonthDay(s)
		if err != nil {
			t.Fatal(err)
		}
		return Date{y, time.Month(m), dd}
	}
	tests := []struct {
		m, day int
		from   string
		want   string
	}{
		{8, 15, "2026-01-01", "2026-09-25"},
		{8, 15, "2026-09-25", "2026-09-25"},
		{8, 15, "2026-09-26", "2027-09-15"},
		{1, 1, "2026-02-17", "2026-02-17"},
		{1, 1, "2026-02-18", "2027-02-06"},
		{12, 30, "2026-01-01", "2026-02-16"}, // the eve of Spring Festival
		{1, 1, "1899-06-01", "1900-01-31"},
		// The ordinary sixth month, never the leap one that follows it.
		{6, 1, "2025-06-26", "2026-07-14"},
		{6, 1, "2025-06-25", "2025-06-25"},
		// A lunar date late in the lunar year falls in the next solar year.
		{12, 1, "2025-12-31", "2026-01-19"},
	}
	for _, tt := range tests {
		got, err := NextLunar(tt.m, tt.day, d(tt.from))
		if err != nil || got.String() != tt.want {
			t.Errorf("NextLunar(%d, %d, %s) = %v, %v; want %s", tt.m, tt.day, tt.from, got, err, tt.want)
		}
	}
	for _, tt := range []struct {
		m, day int
		from   Date
	}{
		{0, 1, Date{2026, 1, 1}},
		{1, 31, Date{2026, 1, 1}},
		{1, 1, Date{2101, 1, 28}},
		{1, 1, Date{2026, 2, 30}},
	} {
		if _, err := NextLunar(tt.m, tt.day, tt.from); err == nil {
			t.Errorf("NextLunar(%d, %d, %v) succeeded", tt.m, tt.day, tt.from)
		} else {
			checkErr(t, "NextLunar", tt.from.String(), err, "invalid")
		}
	}
}

func TestFormatLunarZH(t *testing.T) {
	tests := []struct {
		m, d int
		leap bool
		want string
	}{
		{1, 1, false, "正月初一"},
		{1, 15, false, "正月十五"},
		{6, 1, true, "闰六月初一"},
		{8, 15, false, "八月十五"},
		{10, 10, false, "十月初十"},
		{11, 20, false, "冬月二十"},
		{12, 23, false, "腊月廿三"},
		{12, 30, false, "腊月三十"},
	}
	for _, tt := range tests {
		if got := FormatLunarZH(tt.m, tt.d, tt.leap); got != tt.want {
			t.Errorf("FormatLunarZH(%d, %d, %v) = %q, want %q", tt.m, tt.d, tt.leap, got, tt.want)
		}
	}
}
