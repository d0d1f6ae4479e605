package when

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Span is a calendar span of whole days and months. Weeks are stored as
// days and years as months, so "2w" and "14d" are the same span.
type Span struct {
	Days, Months int
}

// Limits keep every result inside the years time.Time formats and far from
// integer overflow; nobody schedules a follow-up a thousand years away.
const (
	maxSpanMonths = 12 * 1000
	maxSpanDays   = 366 * 1000
)

// AddTo returns t moved by s, keeping the time of day and location. Months
// are added first; a day that the target month lacks becomes its last day
// (Jan 31 + 1m = Feb 28), so a monthly rhythm never skips a month. Days are
// added after that.
func (s Span) AddTo(t time.Time) time.Time {
	y, m, d := t.Date()
	y, m, d = addMonths(y, m, d, s.Months)
	hh, mm, ss := t.Clock()
	return time.Date(y, m, d+s.Days, hh, mm, ss, t.Nanosecond(), t.Location())
}

// addDate moves a civil date by s, or back by s when sign is negative.
func (s Span) addDate(d Date, sign int) Date {
	y, m, day := addMonths(d.Year, d.Month, d.Day, sign*s.Months)
	return Date{y, m, day}.AddDays(sign * s.Days)
}

// addMonths adds n months, clamping the day to the target month's length.
func addMonths(y int, m time.Month, d, n int) (int, time.Month, int) {
	total := y*12 + int(m) - 1 + n
	y = floorDiv(total, 12)
	m = time.Month(total - y*12 + 1)
	if last := daysIn(y, m); d > last {
		d = last
	}
	return y, m, d
}

// ApproxDays is the span's length in days with a month counted as 30 days
// and twelve months as 365, for ranking and comparing spans.
func (s Span) ApproxDays() int {
	return s.Days + s.Months/12*365 + s.Months%12*30
}

// String is the canonical short form, which ParseDuration reads back:
// years when the months make whole years, else months; weeks when the days
// make whole weeks, else days; "0d" for the empty span. Both parts appear
// when both are set ("1y2w"). A negative span formats with a leading minus,
// which ParseDuration rejects.
func (s Span) String() string {
	if s.Days == 0 && s.Months == 0 {
		return "0d"
	}
	var b []byte
	if s.Days <= 0 && s.Months <= 0 {
		b = append(b, '-')
		s.Days, s.Months = -s.Days, -s.Months
	}
	if s.Months != 0 {
		if s.Months%12 == 0 {
			b = strconv.AppendInt(b, int64(s.Months/12), 10)
			b = append(b, 'y')
		} else {
			b = strconv.AppendInt(b, int64(s.Months), 10)
			b = append(b, 'm')
		}
	}
	if s.Days != 0 {
		if s.Days%7 == 0 {
			b = strconv.AppendInt(b, int64(s.Days/7), 10)
			b = append(b, 'w')
		} else {
			b = strconv.AppendInt(b, int64(s.Days), 10)
			b = append(b, 'd')
		}
	}
	return string(b)
}

const durationHint = "(try 30d, 2w, 3m, 1y, 2 weeks, 3天, 两周, 半年)"

// ParseDuration reads a span of days and up: "30d", "2w", "3m" (months),
// "1y", "2 weeks", "a month", "1y6m", and Chinese "3天", "2周", "两个星期",
// "3个月", "半个月", "半年", "一年半", "一年". Hours and minutes are refused
// with a message saying so. Case and surrounding space are ignored.
func ParseDuration(s string) (Span, error) {
	in := s
	s = normalize(s)
	if s == "" {
		return Span{}, errorf("empty duration " + durationHint)
	}
	sp, ok, err := parseSpan(s, in, "invalid duration ")
	if err != nil {
		return Span{}, err
	}
	if !ok {
		return Span{}, errorf("unknown duration " + quote(in) + " " + durationHint)
	}
	return sp, nil
}

// spanUnit is one unit word and what one of it adds.
type spanUnit struct {
	name         string
	days, months int
}

// spanUnits lists longer names before their prefixes so that the first
// match is the longest; English names must end at a word boundary.
var spanUnits = [...]spanUnit{
	{"个星期", 7, 0}, {"个礼拜", 7, 0}, {"个月", 0, 1},
	{"星期", 7, 0}, {"礼拜", 7, 0},
	{"天", 1, 0}, {"日", 1, 0}, {"周", 7, 0}, {"年", 0, 12},
	{"months", 0, 1}, {"month", 0, 1}, {"mons", 0, 1}, {"mon", 0, 1}, {"mos", 0, 1}, {"mo", 0, 1}, {"m", 0, 1},
	{"weeks", 7, 0}, {"week", 7, 0}, {"wks", 7, 0}, {"wk", 7, 0}, {"w", 7, 0},
	{"years", 0, 12}, {"year", 0, 12}, {"yrs", 0, 12}, {"yr", 0, 12}, {"y", 0, 12},
	{"days", 1, 0}, {"day", 1, 0}, {"d", 1, 0},
}

// clockUnits are units finer than a day, refused with a clear message.
var clockUnits = [...]string{
	"小时", "钟头", "分钟", "秒",
	"hours", "hour", "hrs", "hr", "h", "minutes", "minute", "mins", "min",
	"seconds", "second", "secs", "sec", "s",
}

// parseSpan reads one or more amount–unit pieces making up all of s (already
// normalised). ok is false when s is not a span at all; err reports a span
// that is recognisable but unacceptable, its message starting with prefix.
func parseSpan(s, in, prefix string) (sp Span, ok bool, err error) {
	pieces := 0
	for {
		s = strings.TrimLeft(s, " ")
		if s == "" {
			break
		}
		if pieces > 0 {
			s = strings.TrimPrefix(s, "and ")
		}
		var n int
		var half bool
		switch {
		case strings.HasPrefix(s, "半"):
			half = true
			s = s[len("半"):]
		case strings.HasPrefix(s, "an "):
			n, s = 1, s[3:]
		case strings.HasPrefix(s, "a "):
			n, s = 1, s[2:]
		default:
			var okN bool
			n, s, okN = scanInt(s)
			if !okN {
				return Span{}, false, nil
			}
		}
		s = strings.TrimLeft(s, " ")
		// "一个半月": one and a half months.
		if !half && strings.HasPrefix(s, "个半月") {
			sp.Months += n
			sp.Days += 15
			s = s[len("个半月"):]
			pieces++
			continue
		}
		if half && (strings.HasPrefix(s, "个月") || strings.HasPrefix(s, "月")) {
			sp.Days += 15
			s = strings.TrimPrefix(strings.TrimPrefix(s, "个"), "月")
			pieces++
			continue
		}
		u, rest, found := matchUnit(s)
		if !found {
			for _, c := range clockUnits {
				if hasWord(s, c) {
					return Span{}, true, errorf(prefix + quote(in) + ": hours and minutes are not supported, spans count days and up (e.g. 1d)")
				}
			}
			return Span{}, false, nil
		}
		s = rest
		if half {
			if u.months != 12 {
				return Span{}, false, nil
			}
			sp.Months += 6
		} else {
			sp.Days += n * u.days
			sp.Months += n * u.months
			// "一年半": a year and a half.
			if u.months == 12 && strings.HasPrefix(s, "半") {
				sp.Months += 6
				s = s[len("半"):]
			}
		}
		pieces++
		if sp.Months > maxSpanMonths || sp.Days > maxSpanDays {
			return Span{}, true, errorf(prefix + quote(in) + ": too long (at most 1000 years)")
		}
	}
	if pieces == 0 {
		return Span{}, false, nil
	}
	return sp, true, nil
}

// matchUnit finds the unit at the start of s.
func matchUnit(s string) (spanUnit, string, bool) {
	for _, u := range spanUnits {
		if hasWord(s, u.name) {
			return u, s[len(u.name):], true
		}
	}
	return spanUnit{}, s, false
}

// hasWord reports whether s starts with w and, for an ASCII w, the next
// character is not an ASCII letter (so "m" does not match "min").
func hasWord(s, w string) bool {
	if !strings.HasPrefix(s, w) {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(w); r >= utf8.RuneSelf {
		return true
	}
	if len(s) == len(w) {
		return true
	}
	c := s[len(w)]
	return !(c >= 'a' && c <= 'z')
}
