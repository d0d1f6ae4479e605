package when

import (
	"strconv"
	"time"
)

// The Chinese lunisolar calendar for lunar years 1900–2100, from a table of
// one uint32 per lunar year:
//
//	bits  0–3   the month the leap month follows (0: no leap month)
//	bits  4–15  month 1 at bit 15 down to month 12 at bit 4: 1 = 30 days, 0 = 29
//	bit   16    1 when the leap month has 30 days
//	bits 17–22  the day of the solar year (0 = January 1) on which the lunar
//	            year begins, i.e. Spring Festival
//
// Bits 0–16 follow the layout of the tables published with most calendar
// software. The data was computed astronomically (new moons and principal
// solar terms; from 1929 in UTC+8 as GB/T 33661-2017 prescribes, before
// that in Beijing local mean time, as the calendars of the time were) and
// matches the commonly published tables, except where those disagree among
// themselves (1933, 1996, 2033, 2060), where the computation decides. Two
// years keep the published value over the computation: 1906 (a Qing-era
// calendar) and 2057 (a new moon seconds from midnight). astro_test.go
// repeats the computation and checks every year against this table.
const (
	lunarFirstYear = 1900
	lunarLastYear  = 2100
)

var lunarYears = [lunarLastYear - lunarFirstYear + 1]uint32{
	0x03c4bd8, 0x0624ae0, 0x04ca570, 0x03854d5, 0x05cd260, // 1900
	0x044d950, 0x0316554, 0x05656a0, 0x0409ad0, 0x02a55d2, // 1905
	0x0504ae0, 0x03aa5b6, 0x060a4d0, 0x048d250, 0x033d255, // 1910
	0x058b540, 0x042d6a0, 0x02cada2, 0x05295b0, 0x03f4977, // 1915
	0x0644970, 0x04ca4b0, 0x036b4b5, 0x05c6a50, 0x0466d40, // 1920
	0x02fab54, 0x0562b60, 0x0409570, 0x02c52f2, 0x0504970, // 1925
	0x03a6566, 0x05ed4a0, 0x048ea50, 0x0336a95, 0x0585ad0, // 1930
	0x0442b60, 0x02f86e3, 0x05292e0, 0x03dc8d7, 0x062c950, // 1935
	0x04cd4a0, 0x035d8a6, 0x05ab550, 0x04656a0, 0x031a5b4, // 1940
	0x05625d0, 0x04092d0, 0x02ad2b2, 0x050a950, 0x038b557, // 1945
	0x05e6ca0, 0x048b550, 0x0355355, 0x0584da0, 0x042a5b0, // 1950
	0x02f4573, 0x05452b0, 0x03ca9a8, 0x060e950, 0x04c6aa0, // 1955
	0x036aea6, 0x05aab50, 0x0464b60, 0x030aae4, 0x056a570, // 1960
	0x0405260, 0x028f263, 0x04ed950, 0x03a5b57, 0x05e56a0, // 1965
	0x04896d0, 0x0344dd5, 0x05a4ad0, 0x042a4d0, 0x02cd4d4, // 1970
	0x052d250, 0x03cd558, 0x060b540, 0x04ab6a0, 0x03795a6, // 1975
	0x05c95b0, 0x04649b0, 0x030a974, 0x056a4b0, 0x040b27a, // 1980
	0x0646a50, 0x04e6d40, 0x038af46, 0x05eab60, 0x0489570, // 1985
	0x0344af5, 0x05a4970, 0x04464b0, 0x02c74a3, 0x050ea50, // 1990
	0x03c6b58, 0x0625ac0, 0x04aab60, 0x03696d5, 0x05c92e0, // 1995
	0x046c960, 0x02ed954, 0x054d4a0, 0x03eda50, 0x02a7552, // 2000
	0x04e56a0, 0x038abb7, 0x06025d0, 0x04a92d0, 0x032cab5, // 2005
	0x058a950, 0x042b4a0, 0x02cbaa4, 0x050ad50, 0x03c55d9, // 2010
	0x0624ba0, 0x04ca5b0, 0x0375176, 0x05c52b0, 0x046a930, // 2015
	0x0307954, 0x0546aa0, 0x03ead50, 0x02a5b52, 0x0504b60, // 2020
	0x038a6e6, 0x05ea4e0, 0x048d260, 0x032ea65, 0x056d530, // 2025
	0x0425aa0, 0x02c76a3, 0x05296d0, 0x03c4afb, 0x0624ad0, // 2030
	0x04ca4d0, 0x037d0b6, 0x05ad250, 0x044d520, 0x02edd45, // 2035
	0x054b5a0, 0x03e56d0, 0x02a55b2, 0x05049b0, 0x03aa577, // 2040
	0x05ea4b0, 0x048aa50, 0x033b255, 0x0586d20, 0x040ada0, // 2045
	0x02d4b63, 0x0529370, 0x03e49f8, 0x0624970, 0x04c64b0, // 2050
	0x03768a6, 0x05aea50, 0x0446b20, 0x02fa6c4, 0x054aae0, // 2055
	0x04092e0, 0x028d2e3, 0x04ec960, 0x038d557, 0x05ed4a0, // 2060
	0x046da50, 0x0325d55, 0x05856a0, 0x042a6d0, 0x02c55d4, // 2065
	0x05252d0, 0x03ca9b8, 0x062a950, 0x04ab4a0, 0x034b6a6, // 2070
	0x05aad50, 0x04655a0, 0x02eaba4, 0x054a5b0, 0x04052b0, // 2075
	0x02ab273, 0x04e6930, 0x0387337, 0x05e6aa0, 0x048ad50, // 2080
	0x0334b55, 0x0584b60, 0x042a570, 0x02e54e4, 0x050d160, // 2085
	0x03ae968, 0x060d520, 0x04adaa0, 0x0356aa6, 0x05a56d0, // 2090
	0x0464ae0, 0x030a9d4, 0x054a2d0, 0x03ed150, 0x028f252, // 2095
	0x04ed520, // 2100
}

// lunarInfo returns the table word for lunar year y, which must be in range.
func lunarInfo(y int) uint32 { return lunarYears[y-lunarFirstYear] }

// lunarStart is the day number (see Date.days) of the first day of lunar year y.
func lunarStart(y int) int {
	return Date{y, time.January, 1}.days() + int(lunarInfo(y)>>17&0x3f)
}

// lunarMonthDays is the length of ordinary month m in a year's table word.
func lunarMonthDays(info uint32, m int) int {
	if info&(1<<(16-m)) != 0 {
		return 30
	}
	return 29
}

// lunarLeap returns the month the leap month follows (0 if none) and its length.
func lunarLeap(info uint32) (month, days int) {
	month = int(info & 0xf)
	if month == 0 {
		return 0, 0
	}
	if info&0x10000 != 0 {
		return month, 30
	}
	return month, 29
}

// lunarEnd is the day number just after the last day of lunar year 2100.
func lunarEnd() int {
	info := lunarInfo(lunarLastYear)
	n := lunarStart(lunarLastYear)
	for m := 1; m <= 12; m++ {
		n += lunarMonthDays(info, m)
	}
	_, leapDays := lunarLeap(info)
	return n + leapDays
}

func lunarDateError(year, month, day int, leap bool, why string) error {
	s := strconv.Itoa(year) + "-" + strconv.Itoa(month) + "-" + strconv.Itoa(day)
	if leap {
		s += " (leap)"
	}
	return errorf("invalid lunar date " + quote(s) + ": " + why)
}

// lunarMonthDayWhy says what is wrong with a lunar month and day, or "".
func lunarMonthDayWhy(month, day int) string {
	switch {
	case month < 1 || month > 12:
		return "month must be 1-12"
	case day < 1 || day > 30:
		return "day must be 1-30"
	}
	return ""
}

// LunarToSolar converts a lunar date to its solar (Gregorian) date. leap
// asks for the leap month that follows month; in a year without that leap
// month the ordinary month is used. A day the month lacks (30 in a 29-day
// month) becomes the month's last day, so a birthday on the 30th is still
// kept every year. Years outside 1900–2100, months outside 1–12 and days
// outside 1–30 are errors.
func LunarToSolar(year, month, day int, leap bool) (Date, error) {
	if year < lunarFirstYear || year > lunarLastYear {
		return Date{}, lunarDateError(year, month, day, leap, "supported years are 1900-2100")
	}
	if why := lunarMonthDayWhy(month, day); why != "" {
		return Date{}, lunarDateError(year, month, day, leap, why)
	}
	info := lunarInfo(year)
	leapMonth, leapDays := lunarLeap(info)
	if leap && leapMonth != month {
		leap = false
	}
	n := lunarStart(year)
	for m := 1; m < month; m++ {
		n += lunarMonthDays(info, m)
		if m == leapMonth {
			n += leapDays
		}
	}
	length := lunarMonthDays(info, month)
	if leap {
		n += length
		length = leapDays
	}
	if day > length {
		day = length
	}
	return dateOfDays(n + day - 1), nil
}

// SolarToLunar converts a solar date to the lunar calendar. leap reports
// that month is the leap month following the ordinary month of that number.
// Dates outside lunar years 1900–2100 (1900-01-31 to 2101-01-28) and dates
// that do not exist are errors.
func SolarToLunar(d Date) (year, month, day int, leap bool, err error) {
	if err := checkCivil(d); err != nil {
		return 0, 0, 0, false, err
	}
	n := d.days()
	if n < lunarStart(lunarFirstYear) || n >= lunarEnd() {
		return 0, 0, 0, false, errorf("invalid date " + quote(d.String()) + ": the lunar calendar covers " +
			dateOfDays(lunarStart(lunarFirstYear)).String() + " to " + dateOfDays(lunarEnd()-1).String())
	}
	year = d.Year
	if year > lunarLastYear || n < lunarStart(year) {
		year--
	}
	info := lunarInfo(year)
	leapMonth, leapDays := lunarLeap(info)
	off := n - lunarStart(year)
	for m := 1; m <= 12; m++ {
		l := lunarMonthDays(info, m)
		if off < l {
			return year, m, off + 1, false, nil
		}
		off -= l
		if m == leapMonth {
			if off < leapDays {
				return year, m, off + 1, true, nil
			}
			off -= leapDays
		}
	}
	// Unreachable while the table is consistent with lunarEnd.
	return 0, 0, 0, false, errorf("invalid date " + quote(d.String()) + ": outside the lunar table")
}

// NextLunar returns the first solar date on or after from that falls on
// lunar month/day in an ordinary (not leap) month. A day 30 in a year whose
// month has 29 days falls on the 29th, as in LunarToSolar.
func NextLunar(month, day int, from Date) (Date, error) {
	if why := lunarMonthDayWhy(month, day); why != "" {
		return Date{}, errorf("invalid lunar date " + quote(strconv.Itoa(month)+"-"+strconv.Itoa(day)) + ": " + why)
	}
	if err := checkCivil(from); err != nil {
		return Date{}, err
	}
	year := lunarFirstYear
	if n := from.days(); n >= lunarStart(lunarFirstYear) {
		y, _, _, _, err := SolarToLunar(from)
		if err != nil {
			return Date{}, err
		}
		year = y
	}
	for ; year <= lunarLastYear; year++ {
		d, err := LunarToSolar(year, month, day, false)
		if err != nil {
			return Date{}, err
		}
		if !d.Before(from) {
			return d, nil
		}
	}
	return Date{}, errorf("invalid date " + quote(from.String()) + ": no lunar " + strconv.Itoa(month) + "-" + strconv.Itoa(day) +
		" after it within lunar years 1900-2100")
}

// FormatLunarZH writes a lunar month and day the way a Chinese calendar
// does: 正月初一, 闰六月十五, 冬月廿三, 腊月三十.
func FormatLunarZH(month, day int, leap bool) string {
	zh := func(n int) string { return zhNumerals[n] }
	var s string
	if leap {
		s = "闰"
	}
	switch month {
	case 1:
		s += "正"
	case 11:
		s += "冬"
	case 12:
		s += "腊"
	default:
		if month < 1 || month > 12 {
			s += strconv.Itoa(month)
		} else {
			s += zh(month)
		}
	}
	s += "月"
	switch {
	case day >= 1 && day <= 10:
		s += "初" + zh(day)
	case day > 10 && day < 20:
		s += "十" + zh(day-10)
	case day == 20:
		s += "二十"
	case day > 20 && day < 30:
		s += "廿" + zh(day-20)
	case day == 30:
		s += "三十"
	default:
		s += strconv.Itoa(day)
	}
	return s
}

var zhNumerals = [...]string{"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// checkCivil reports a Date that is not a real day of years 1–9999.
func checkCivil(d Date) error {
	if d.Year >= 1 && d.Year <= 9999 && d.Month >= 1 && d.Month <= 12 && d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month) {
		return nil
	}
	if d.Year < 1 {
		return errorf("invalid date " + quote(d.String()) + ": year must be 1-9999")
	}
	return checkDate(d.Year, int(d.Month), d.Day, d.String())
}
