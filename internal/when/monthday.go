package when

import (
	"strconv"
	"strings"
	"time"
)

const monthDayHint = "(try 03-05, 1990-03-05, 3月5日, 1990年3月5日)"

// ParseMonthDay reads a key date such as a birthday: "MM-DD", "M-D",
// "MM/DD", "YYYY-MM-DD", "YYYY/MM/DD", "YYYYMMDD", vCard's "--MM-DD",
// "3月5日", "1990年3月5日" (Chinese numerals too) and "mar 5" or
// "5 march 1990". year is 0 when absent. February 29 is accepted without a
// year, and with a year only when that year is a leap year.
func ParseMonthDay(s string) (year, month, day int, err error) {
	in := s
	s = normalize(s)
	if s == "" {
		return 0, 0, 0, errorf("empty date " + monthDayHint)
	}
	y, m, d, ok := parseDateShape(s)
	if !ok {
		return 0, 0, 0, errorf("unknown date " + quote(in) + " " + monthDayHint)
	}
	if err := checkDate(y, m, d, in); err != nil {
		return 0, 0, 0, err
	}
	return y, m, d, nil
}

// parseDateShape recognises a calendar date written out, without checking
// that it exists. y is 0 when the year is absent; y is -1 when a year was
// written but is out of the range 1–9999.
func parseDateShape(s string) (y, m, d int, ok bool) {
	if y, m, d, ok = numericDate(s); ok {
		return
	}
	if y, m, d, ok = chineseDate(s); ok {
		return
	}
	return englishDate(s)
}

// numericDate reads Y-M-D, Y/M/D, Y.M.D, M-D, M/D, --M-D, --MMDD and YYYYMMDD.
func numericDate(s string) (y, m, d int, ok bool) {
	if rest, vcard := strings.CutPrefix(s, "--"); vcard {
		if len(rest) == 4 && digits(rest) {
			return 0, atoi(rest[:2]), atoi(rest[2:]), true
		}
		s = rest
		if strings.Count(s, "-") != 1 {
			return 0, 0, 0, false
		}
	}
	if len(s) == 8 && digits(s) {
		return year4(s[:4]), atoi(s[4:6]), atoi(s[6:]), true
	}
	var sep byte
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '-' || c == '/' || c == '.' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return 0, 0, 0, false
	}
	parts := strings.Split(s, string(sep))
	switch len(parts) {
	case 2:
		if sep == '.' || !short(parts[0]) || !short(parts[1]) {
			return 0, 0, 0, false
		}
		return 0, atoi(parts[0]), atoi(parts[1]), true
	case 3:
		if len(parts[0]) != 4 || !digits(parts[0]) || !short(parts[1]) || !short(parts[2]) {
			return 0, 0, 0, false
		}
		return year4(parts[0]), atoi(parts[1]), atoi(parts[2]), true
	}
	return 0, 0, 0, false
}

// year4 converts four digits to a year, -1 for "0000".
func year4(s string) int {
	if y := atoi(s); y > 0 {
		return y
	}
	return -1
}

// short reports whether s is one or two ASCII digits.
func short(s string) bool { return len(s) >= 1 && len(s) <= 2 && digits(s) }

// chineseDate reads [Y年]M月D[日|号], numbers in digits or Chinese numerals.
func chineseDate(s string) (y, m, d int, ok bool) {
	if i := strings.Index(s, "年"); i >= 0 {
		ys := s[:i]
		switch {
		case len(ys) == 4 && digits(ys):
			y = year4(ys)
		default:
			v, rest, okY := scanInt(ys)
			if !okY || rest != "" || v < 1000 || v > 9999 {
				return 0, 0, 0, false
			}
			y = v
		}
		s = s[i+len("年"):]
	}
	m, rest, okM := scanInt(s)
	if !okM || !strings.HasPrefix(rest, "月") {
		return 0, 0, 0, false
	}
	rest = rest[len("月"):]
	d, rest, okD := scanInt(rest)
	if !okD {
		return 0, 0, 0, false
	}
	if rest != "" && rest != "日" && rest != "号" {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

// monthNames are matched by their first three letters or in full; "sept"
// is accepted as well.
var monthNames = [12]string{"january", "february", "march", "april", "may", "june",
	"july", "august", "september", "october", "november", "december"}

// monthByName returns the month for an English name or abbreviation.
func monthByName(w string) (int, bool) {
	w = strings.TrimSuffix(w, ".")
	if len(w) < 3 {
		return 0, false
	}
	if w == "sept" {
		return 9, true
	}
	for i, name := range monthNames {
		if w == name || w == name[:3] {
			return i + 1, true
		}
	}
	return 0, false
}

// englishDate reads "mar 5", "march 5th, 1990", "5 mar" and "5th march 1990".
func englishDate(s string) (y, m, d int, ok bool) {
	f := strings.Fields(strings.ReplaceAll(s, ",", " "))
	if len(f) < 2 || len(f) > 3 {
		return 0, 0, 0, false
	}
	var okM, okD bool
	if m, okM = monthByName(f[0]); okM {
		d, okD = dayOrdinal(f[1])
	} else if m, okM = monthByName(f[1]); okM {
		d, okD = dayOrdinal(f[0])
	}
	if !okM || !okD {
		return 0, 0, 0, false
	}
	if len(f) == 3 {
		if len(f[2]) != 4 || !digits(f[2]) {
			return 0, 0, 0, false
		}
		y = year4(f[2])
	}
	return y, m, d, true
}

// dayOrdinal reads "5", "05", "5th", "1st", "22nd", "3rd".
func dayOrdinal(w string) (int, bool) {
	for _, suf := range [...]string{"st", "nd", "rd", "th"} {
		if strings.HasSuffix(w, suf) {
			w = w[:len(w)-2]
			break
		}
	}
	if !short(w) {
		return 0, false
	}
	return atoi(w), true
}

// checkDate reports why y-m-d is not a real date; y 0 means "any year", so
// February 29 passes.
func checkDate(y, m, d int, in string) error {
	switch {
	case y < 0 || y > 9999:
		return errorf("invalid date " + quote(in) + ": year must be 1-9999")
	case m < 1 || m > 12:
		return errorf("invalid date " + quote(in) + ": month must be 1-12")
	case d < 1 || d > 31:
		return errorf("invalid date " + quote(in) + ": day must be 1-31")
	}
	month := time.Month(m)
	last := daysIn(y, month)
	if y == 0 && month == time.February {
		last = 29
	}
	if d <= last {
		return nil
	}
	if month == time.February && d == 29 {
		return errorf("invalid date " + quote(in) + ": " + strconv.Itoa(y) + " is not a leap year")
	}
	return errorf("invalid date " + quote(in) + ": " + month.String() + " has no " + ordinal(d) + " day")
}

// ordinal spells 1 as "1st", 2 as "2nd", 30 as "30th".
func ordinal(n int) string {
	suf := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suf = "st"
		case 2:
			suf = "nd"
		case 3:
			suf = "rd"
		}
	}
	return strconv.Itoa(n) + suf
}
