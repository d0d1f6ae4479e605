package when

import (
	"errors"
	"strings"
	"time"
)

const parseHint = "(try today, fri, +3d, 2026-12-01, 下周五)"

// maxInput bounds the work spent on input that cannot be a date.
const maxInput = 120

// Parse reads a WHEN expression relative to now, in now's location.
//
// Date-only forms return midnight at the start of that day; forms with a
// time of day keep it; "now" returns now. Input is case-insensitive and
// surrounding space is ignored. Accepted:
//
//	now today yesterday tomorrow          现在 今天 昨天 前天 明天 后天 大后天 大前天
//	fri friday                            周五 星期五 礼拜五 (the next one after today)
//	last fri                              (the last one before today)
//	next fri  this fri                    下周五 这周五 本周五 (in that calendar week, weeks start Monday)
//	                                      上周五 (in last calendar week)
//	next week  last week                  下周 上周 (Monday of that week)
//	next month last month                 下个月 上个月 (the 1st), 下个月5号, 5号 (this month)
//	+3d -2w +1m +1y in 2 weeks 3 days ago 三天后 两周前 一个月后 半年后
//	3d 2w 1m 2 weeks                      (a span alone is from today on: 3d is +3d)
//	+2h in 3 hours 2 hours ago 30 min ago 两小时前 半小时后 (a moment: now moved by hours or minutes)
//	eow eom eoy sow som soy               月底 年底 (end or start of this week, month, year)
//	2026-12-01 2026/12/01 12-01 12/01     2026年12月1日 12月1日 dec 1 1 dec 2026
//	2026-12-01T15:04  2026-12-01 15:04    RFC 3339 with an offset (converted to now's location)
//
// Any date form may carry a time of day: "fri 15:00", "today 9:30",
// "tomorrow at 3pm", "明天下午3点", "下周一 10:30"; a time alone means today.
// A date that does not exist ("02-30", "2025-02-29") is an error, never
// rolled over. Every error wraps ErrInvalid.
func Parse(s string, now time.Time) (time.Time, error) {
	in := s
	s = normalize(s)
	if s == "" {
		return time.Time{}, errorf("empty date " + parseHint)
	}
	if len(s) > maxInput {
		return time.Time{}, unknownDate(in)
	}
	loc := now.Location()
	if s == "now" || s == "现在" || s == "此刻" {
		return now, nil
	}
	if t, ok, err := parseDateTime(s, in, loc); ok {
		return t, err
	}
	if t, ok, err := relativeMoment(s, in, now); ok {
		return t, err
	}
	today := DateOf(now)
	d, c, hasClock, err := splitClock(s, in, today)
	if isUnknown(err) {
		return time.Time{}, unknownDate(in)
	}
	if err != nil {
		return time.Time{}, err
	}
	if d.Year < 1 || d.Year > 9999 {
		return time.Time{}, errorf("invalid date " + quote(in) + ": out of range")
	}
	if !hasClock {
		return d.Time(loc), nil
	}
	return time.Date(d.Year, d.Month, d.Day, c.h, c.m, c.s, 0, loc), nil
}

// clock is a time of day.
type clock struct{ h, m, s int }

// splitClock separates an optional time of day from the date words and
// reads both. The time may follow the date ("fri 15:00", "明天下午3点"),
// precede it ("3pm fri") or stand alone ("15:00" is today).
func splitClock(s, in string, today Date) (Date, clock, bool, error) {
	// Space-separated: a clock as the last or first word.
	if i := strings.LastIndexByte(s, ' '); i >= 0 {
		if c, ok, err := parseClock(s[i+1:], in); ok || err != nil {
			if err != nil {
				return Date{}, clock{}, false, err
			}
			datePart := strings.TrimSuffix(s[:i], " at")
			d, err := parseDay(datePart, in, today)
			return d, c, true, err
		}
	}
	if i := strings.IndexByte(s, ' '); i >= 0 {
		if c, ok, err := parseClock(s[:i], in); ok && err == nil {
			d, err := parseDay(s[i+1:], in, today)
			return d, c, true, err
		}
	}
	// The whole input as a date.
	d, err := parseDay(s, in, today)
	if err == nil || !isUnknown(err) {
		return d, clock{}, false, err
	}
	// A clock alone, or attached without a space (Chinese: "明天下午3点").
	// The shortest clock suffix whose remaining prefix reads as a date
	// wins, so "下周一十点" is Monday 10:00, not "下周" at 一十点.
	for i := len(s) - 1; i >= 0; i-- {
		if !startsRune(s, i) {
			continue
		}
		c, ok, cerr := parseClock(s[i:], in)
		if !ok {
			continue
		}
		if i == 0 {
			return today, c, true, cerr
		}
		d, derr := parseDay(strings.TrimSuffix(s[:i], " "), in, today)
		if isUnknown(derr) {
			continue
		}
		if derr != nil {
			return Date{}, clock{}, false, derr
		}
		return d, c, true, cerr
	}
	return Date{}, clock{}, false, err
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// startsRune reports whether byte i of s begins a UTF-8 sequence.
func startsRune(s string, i int) bool { return s[i]&0xc0 != 0x80 }

func unknownDate(in string) error {
	return errorf("unknown date " + quote(in) + " " + parseHint)
}

// errNotDate is parseDay's "not a date form at all", as opposed to a
// recognised form with a bad value, so that other readings can be tried
// before Parse reports the input as unknown.
var errNotDate = errors.New("not a date form")

func isUnknown(err error) bool { return err == errNotDate }

// parseDay reads the date words of s (normalised, no time of day).
func parseDay(s, in string, today Date) (Date, error) {
	if s == "" {
		return Date{}, errNotDate
	}
	if d, ok := keywordDay(s, today); ok {
		return d, nil
	}
	if d, ok := englishWeekday(s, today); ok {
		return d, nil
	}
	if d, ok := chineseWeekday(s, today); ok {
		return d, nil
	}
	if d, ok, err := relativeDay(s, in, today); ok {
		return d, err
	}
	if d, ok, err := dayOfMonth(s, in, today); ok {
		return d, err
	}
	if y, m, dd, ok := parseDateShape(s); ok {
		if y == 0 {
			y = today.Year
		}
		if err := checkDate(y, m, dd, in); err != nil {
			return Date{}, err
		}
		return Date{y, time.Month(m), dd}, nil
	}
	return Date{}, errNotDate
}

// keywordDay reads the fixed words.
func keywordDay(s string, today Date) (Date, bool) {
	switch s {
	case "today", "今天", "今日":
		return today, true
	case "yesterday", "昨天", "昨日":
		return today.AddDays(-1), true
	case "tomorrow", "明天", "明日":
		return today.AddDays(1), true
	case "前天":
		return today.AddDays(-2), true
	case "大前天":
		return today.AddDays(-3), true
	case "后天":
		return today.AddDays(2), true
	case "大后天":
		return today.AddDays(3), true
	case "sow", "start of week":
		return weekStart(today), true
	case "eow", "end of week":
		return weekStart(today).AddDays(6), true
	case "som", "start of month":
		return Date{today.Year, today.Month, 1}, true
	case "eom", "end of month", "月底", "月末":
		return Date{today.Year, today.Month, daysIn(today.Year, today.Month)}, true
	case "soy", "start of year":
		return Date{today.Year, time.January, 1}, true
	case "eoy", "end of year", "年底", "年末":
		return Date{today.Year, time.December, 31}, true
	case "next week", "下周", "下星期", "下个星期", "下礼拜", "下个礼拜":
		return weekStart(today).AddDays(7), true
	case "last week", "上周", "上星期", "上个星期", "上礼拜", "上个礼拜":
		return weekStart(today).AddDays(-7), true
	case "next month", "下个月", "下月":
		y, m, _ := addMonths(today.Year, today.Month, 1, 1)
		return Date{y, m, 1}, true
	case "last month", "上个月", "上月":
		y, m, _ := addMonths(today.Year, today.Month, 1, -1)
		return Date{y, m, 1}, true
	case "next year", "明年":
		return Date{today.Year + 1, time.January, 1}, true
	case "last year", "去年":
		return Date{today.Year - 1, time.January, 1}, true
	}
	return Date{}, false
}

// weekStart is the Monday on or before d.
func weekStart(d Date) Date {
	wd := int(d.Time(time.UTC).Weekday())
	return d.AddDays(-((wd + 6) % 7))
}

// weekdayNames are matched in full or by the listed abbreviations.
var weekdayNames = [...]struct {
	name string
	wd   time.Weekday
}{
	{"sunday", time.Sunday}, {"sun", time.Sunday},
	{"monday", time.Monday}, {"mon", time.Monday},
	{"tuesday", time.Tuesday}, {"tues", time.Tuesday}, {"tue", time.Tuesday},
	{"wednesday", time.Wednesday}, {"weds", time.Wednesday}, {"wed", time.Wednesday},
	{"thursday", time.Thursday}, {"thurs", time.Thursday}, {"thur", time.Thursday}, {"thu", time.Thursday},
	{"friday", time.Friday}, {"fri", time.Friday},
	{"saturday", time.Saturday}, {"sat", time.Saturday},
}

func weekdayByName(w string) (time.Weekday, bool) {
	w = strings.TrimSuffix(w, ".")
	for _, n := range weekdayNames {
		if w == n.name {
			return n.wd, true
		}
	}
	return 0, false
}

// englishWeekday reads "fri" (the next Friday after today), "last fri"
// (the last Friday before today), and "next fri" and "this fri", which are
// 下周五 and 本周五: the Friday of next week and of this week (Monday
// first). On a Sunday "next fri" and "fri" are the same day.
func englishWeekday(s string, today Date) (Date, bool) {
	week, calendar, last := 0, false, false
	switch {
	case strings.HasPrefix(s, "next "):
		s, week, calendar = s[len("next "):], 1, true
	case strings.HasPrefix(s, "this "):
		s, calendar = s[len("this "):], true
	case strings.HasPrefix(s, "last "):
		s, last = s[len("last "):], true
	}
	wd, ok := weekdayByName(s)
	switch {
	case !ok:
		return Date{}, false
	case last:
		return lastWeekday(today, wd), true
	case calendar:
		return weekdayOfWeek(today, week, wd), true
	}
	return nextWeekday(today, wd), true
}

// weekdayOfWeek is wd in the calendar week week weeks from today's (weeks
// start on Monday).
func weekdayOfWeek(today Date, week int, wd time.Weekday) Date {
	return weekStart(today).AddDays(7*week + (int(wd)+6)%7)
}

func weekdayOf(d Date) time.Weekday { return d.Time(time.UTC).Weekday() }

// nextWeekday is the first wd strictly after d.
func nextWeekday(d Date, wd time.Weekday) Date {
	n := (int(wd) - int(weekdayOf(d)) + 7) % 7
	if n == 0 {
		n = 7
	}
	return d.AddDays(n)
}

// lastWeekday is the last wd strictly before d.
func lastWeekday(d Date, wd time.Weekday) Date {
	n := (int(weekdayOf(d)) - int(wd) + 7) % 7
	if n == 0 {
		n = 7
	}
	return d.AddDays(-n)
}

// chineseWeekday reads 周五, 星期五, 礼拜五 (the next one after today) and
// 下周五, 上周五, 这周五, 本周五 (in that calendar week, Monday first); 个
// may follow 下/上/这 ("下个星期五"). 日 and 天 are Sunday.
func chineseWeekday(s string, today Date) (Date, bool) {
	week := 0
	calendar := true
	switch {
	case strings.HasPrefix(s, "下"):
		week, s = 1, s[len("下"):]
	case strings.HasPrefix(s, "上"):
		week, s = -1, s[len("上"):]
	case strings.HasPrefix(s, "这"):
		s = s[len("这"):]
	case strings.HasPrefix(s, "本"):
		s = s[len("本"):]
	default:
		calendar = false
	}
	if calendar {
		s = strings.TrimPrefix(s, "个")
	}
	switch {
	case strings.HasPrefix(s, "周"):
		s = s[len("周"):]
	case strings.HasPrefix(s, "星期"):
		s = s[len("星期"):]
	case strings.HasPrefix(s, "礼拜"):
		s = s[len("礼拜"):]
	default:
		return Date{}, false
	}
	var wd time.Weekday
	switch s {
	case "一":
		wd = time.Monday
	case "二":
		wd = time.Tuesday
	case "三":
		wd = time.Wednesday
	case "四":
		wd = time.Thursday
	case "五":
		wd = time.Friday
	case "六":
		wd = time.Saturday
	case "日", "天":
		wd = time.Sunday
	default:
		return Date{}, false
	}
	if !calendar {
		return nextWeekday(today, wd), true
	}
	return weekdayOfWeek(today, week, wd), true
}

// splitRelative separates a relative form into its span and direction:
// "+3d", "-2w", "in 2 weeks", "3 days ago", "三天后", "两周前". ok is false
// when s has no direction.
func splitRelative(s string) (span string, sign int, ok bool) {
	switch {
	case strings.HasPrefix(s, "+"):
		return s[1:], 1, true
	case strings.HasPrefix(s, "-"):
		return s[1:], -1, true
	case strings.HasPrefix(s, "in "):
		return s[len("in "):], 1, true
	case strings.HasSuffix(s, " ago"):
		return s[:len(s)-len(" ago")], -1, true
	}
	for _, suf := range [...]struct {
		word string
		sign int
	}{{"以后", 1}, {"之后", 1}, {"后", 1}, {"以前", -1}, {"之前", -1}, {"前", -1}} {
		if strings.HasSuffix(s, suf.word) && len(s) > len(suf.word) {
			return s[:len(s)-len(suf.word)], suf.sign, true
		}
	}
	return "", 0, false
}

// relativeDay reads spans from today: "+3d", "-2w", "in 2 weeks",
// "3 days ago", "三天后", "两周前", and an English span alone, "3d" or
// "2 weeks", which counts forward (a due date or snooze is rarely in the
// past). A Chinese span needs its direction: "5日" is the 5th.
func relativeDay(s, in string, today Date) (Date, bool, error) {
	span, sign, directed := splitRelative(s)
	if !directed {
		if !isASCII(s) {
			return Date{}, false, nil
		}
		span, sign = s, 1
	}
	sp, ok, err := parseSpan(span, in, "invalid date ")
	if err != nil && !directed {
		return Date{}, false, nil // not a span after all; other forms may read it
	}
	if err != nil {
		return Date{}, true, err
	}
	if !ok {
		return Date{}, false, nil
	}
	return sp.addDate(today, sign), true, nil
}

// momentUnits are the units of relativeMoment, longer names first.
var momentUnits = [...]struct {
	name string
	d    time.Duration
}{
	{"个小时", time.Hour}, {"小时", time.Hour}, {"个钟头", time.Hour}, {"钟头", time.Hour}, {"分钟", time.Minute},
	{"hours", time.Hour}, {"hour", time.Hour}, {"hrs", time.Hour}, {"hr", time.Hour}, {"h", time.Hour},
	{"minutes", time.Minute}, {"minute", time.Minute}, {"mins", time.Minute}, {"min", time.Minute},
}

// maxMomentHours bounds relativeMoment: a few years of hours is plenty.
const maxMomentHours = 24 * 366 * 10

// relativeMoment reads now moved by hours and minutes: "+2h", "in 3 hours",
// "2 hours ago", "an hour ago", "1h30min ago", "两小时前", "半小时后".
// ok is false for anything else (days and up are relativeDay's).
func relativeMoment(s, in string, now time.Time) (time.Time, bool, error) {
	span, sign, directed := splitRelative(s)
	if !directed {
		if _, ok, _ := relativeMoment("+"+s, in, now); ok {
			return time.Time{}, true, errorf("invalid date " + quote(in) + ": say which way, e.g. " +
				quote("in "+s) + " or " + quote(s+" ago"))
		}
		return time.Time{}, false, nil
	}
	var total time.Duration
	for pieces := 0; ; pieces++ {
		span = strings.TrimLeft(span, " ")
		if span == "" {
			if pieces == 0 {
				return time.Time{}, false, nil
			}
			break
		}
		if pieces > 0 {
			span = strings.TrimPrefix(span, "and ")
		}
		n, half := 0, false
		switch {
		case strings.HasPrefix(span, "半"):
			half, span = true, span[len("半"):]
		case strings.HasPrefix(span, "an "):
			n, span = 1, span[3:]
		case strings.HasPrefix(span, "a "):
			n, span = 1, span[2:]
		default:
			var okN bool
			if n, span, okN = scanInt(span); !okN {
				return time.Time{}, false, nil
			}
		}
		span = strings.TrimLeft(span, " ")
		unit := time.Duration(0)
		for _, u := range momentUnits {
			if hasWord(span, u.name) {
				unit, span = u.d, span[len(u.name):]
				break
			}
		}
		switch {
		case unit == 0 || (half && unit != time.Hour):
			return time.Time{}, false, nil
		case half:
			total += 30 * time.Minute
		default:
			if n > maxMomentHours*60 {
				return time.Time{}, true, errorf("invalid date " + quote(in) + ": too far")
			}
			total += time.Duration(n) * unit
		}
		if total > maxMomentHours*time.Hour {
			return time.Time{}, true, errorf("invalid date " + quote(in) + ": too far")
		}
	}
	t := now.Add(time.Duration(sign) * total)
	if t.Year() < 1 || t.Year() > 9999 {
		return time.Time{}, true, errorf("invalid date " + quote(in) + ": out of range")
	}
	return t, true, nil
}

// dayOfMonth reads "5号", "5日" (this month), "下个月5号", "上个月5号",
// "本月5号", "这个月5号".
func dayOfMonth(s, in string, today Date) (Date, bool, error) {
	months := 0
	for _, p := range [...]struct {
		word string
		n    int
	}{{"下个月", 1}, {"下月", 1}, {"上个月", -1}, {"上月", -1}, {"这个月", 0}, {"本月", 0}} {
		if strings.HasPrefix(s, p.word) {
			s, months = s[len(p.word):], p.n
			break
		}
	}
	n, rest, ok := scanInt(s)
	if !ok || (rest != "号" && rest != "日") {
		return Date{}, false, nil
	}
	y, m, _ := addMonths(today.Year, today.Month, 1, months)
	if err := checkDate(y, int(m), n, in); err != nil {
		return Date{}, true, err
	}
	return Date{y, m, n}, true, nil
}

// parseClock reads a time of day: "15:04", "9:30", "15:04:05", "3pm",
// "3:30pm", "12am", and Chinese "3点", "3点半", "15点30分", "下午3点",
// "晚上8:30", "十点". ok is true when s has the shape of a time; err is then
// set if a field is out of range.
func parseClock(s, in string) (c clock, ok bool, err error) {
	if c, ok, err = asciiClock(s, in); ok {
		return
	}
	return chineseClock(s, in)
}

func badTime(in, why string) error {
	return errorf("invalid time in " + quote(in) + ": " + why)
}

// asciiClock reads H:MM, H:MM:SS and the am/pm forms.
func asciiClock(s, in string) (clock, bool, error) {
	ampm := ""
	if strings.HasSuffix(s, "am") || strings.HasSuffix(s, "pm") {
		ampm, s = s[len(s)-2:], s[:len(s)-2]
	}
	parts := strings.Split(s, ":")
	if len(parts) > 3 || !short(parts[0]) || (len(parts) == 1 && ampm == "") {
		return clock{}, false, nil
	}
	for _, p := range parts[1:] {
		if len(p) != 2 || !digits(p) {
			return clock{}, false, nil
		}
	}
	c := clock{h: atoi(parts[0])}
	if len(parts) > 1 {
		c.m = atoi(parts[1])
	}
	if len(parts) > 2 {
		c.s = atoi(parts[2])
	}
	if ampm != "" {
		if c.h < 1 || c.h > 12 {
			return clock{}, true, badTime(in, "hour must be 1-12 with am/pm")
		}
		c.h %= 12
		if ampm == "pm" {
			c.h += 12
		}
	}
	switch {
	case c.h > 23:
		return clock{}, true, badTime(in, "hour must be 0-23")
	case c.m > 59:
		return clock{}, true, badTime(in, "minute must be 0-59")
	case c.s > 59:
		return clock{}, true, badTime(in, "second must be 0-59")
	}
	return c, true, nil
}

// dayPeriods shift a Chinese hour: afternoon and evening hours below 12 are
// after noon; 中午 1 点 is 13:00; 凌晨 12 点 is midnight.
var dayPeriods = [...]struct {
	word string
	pm   bool
}{
	{"凌晨", false}, {"早上", false}, {"早晨", false}, {"上午", false},
	{"中午", true}, {"下午", true}, {"傍晚", true}, {"晚上", true}, {"夜里", true}, {"晚", true},
}

// chineseClock reads [period](N点|N时)[半|M分|M|整], or [period]H:MM.
func chineseClock(s, in string) (clock, bool, error) {
	period, pm := "", false
	for _, p := range dayPeriods {
		if strings.HasPrefix(s, p.word) {
			period, pm, s = p.word, p.pm, s[len(p.word):]
			break
		}
	}
	c, ok, err := zhHourMinute(s, in)
	if !ok && period != "" && strings.Contains(s, ":") {
		c, ok, err = asciiClock(s, in)
	}
	if !ok || err != nil {
		return clock{}, ok, err
	}
	if period != "" {
		switch {
		case c.h > 12:
			return clock{}, true, badTime(in, "hour must be 1-12 after "+period)
		case period == "凌晨" && c.h == 12:
			c.h = 0
		case pm && c.h < 12:
			c.h += 12
		case pm && c.h == 12 && period != "中午":
			return clock{}, true, badTime(in, "12点 after "+period+" is ambiguous")
		}
	}
	return c, true, nil
}

// zhHourMinute reads N点 or N时 with an optional 半, M分, M or 整.
func zhHourMinute(s, in string) (clock, bool, error) {
	h, rest, ok := scanInt(s)
	if !ok {
		return clock{}, false, nil
	}
	switch {
	case strings.HasPrefix(rest, "点"):
		rest = rest[len("点"):]
	case strings.HasPrefix(rest, "时"):
		rest = rest[len("时"):]
	default:
		return clock{}, false, nil
	}
	c := clock{h: h}
	switch rest {
	case "", "整", "钟":
	case "半":
		c.m = 30
	default:
		m, tail, ok := scanInt(rest)
		if !ok || (tail != "" && tail != "分") {
			return clock{}, false, nil
		}
		c.m = m
	}
	switch {
	case c.h > 23:
		return clock{}, true, badTime(in, "hour must be 0-23")
	case c.m > 59:
		return clock{}, true, badTime(in, "minute must be 0-59")
	}
	return c, true, nil
}

// parseDateTime reads an ISO date with a time, "2026-12-01T15:04",
// "2026-12-01 15:04:05", optionally with fractional seconds and an offset
// (Z, +08:00, +0800, +08) as in RFC 3339. Without an offset the time is in
// loc; with one it is converted to loc.
func parseDateTime(s, in string, loc *time.Location) (time.Time, bool, error) {
	if len(s) < 10 {
		return time.Time{}, false, nil
	}
	i := strings.IndexAny(s, "t ")
	if i < 8 {
		return time.Time{}, false, nil
	}
	y, m, d, ok := numericDate(s[:i])
	if !ok || y == 0 {
		return time.Time{}, false, nil
	}
	rest := s[i+1:]
	// Offset.
	var zone *time.Location
	switch {
	case strings.HasSuffix(rest, "z"):
		zone, rest = time.UTC, rest[:len(rest)-1]
	default:
		if j := strings.LastIndexAny(rest, "+-"); j > 0 {
			off, okOff := parseOffset(rest[j:])
			if !okOff {
				return time.Time{}, true, errorf("invalid date " + quote(in) + ": bad UTC offset")
			}
			zone, rest = time.FixedZone("", off), rest[:j]
		}
	}
	// Fraction of a second.
	nsec := 0
	if j := strings.IndexByte(rest, '.'); j >= 0 {
		frac := rest[j+1:]
		if !digits(frac) || len(frac) > 9 {
			return time.Time{}, false, nil
		}
		nsec = atoi(frac)
		for k := len(frac); k < 9; k++ {
			nsec *= 10
		}
		rest = rest[:j]
	}
	if !strings.Contains(rest, ":") {
		return time.Time{}, false, nil
	}
	c, okC, err := asciiClock(rest, in)
	if !okC {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, true, err
	}
	if err := checkDate(y, m, d, in); err != nil {
		return time.Time{}, true, err
	}
	if zone == nil {
		return time.Date(y, time.Month(m), d, c.h, c.m, c.s, nsec, loc), true, nil
	}
	t := time.Date(y, time.Month(m), d, c.h, c.m, c.s, nsec, zone).In(loc)
	if t.Year() < 1 || t.Year() > 9999 {
		return time.Time{}, true, errorf("invalid date " + quote(in) + ": out of range")
	}
	return t, true, nil
}

// parseOffset reads +HH:MM, +HHMM or +HH (or with -) as seconds east of UTC.
func parseOffset(s string) (int, bool) {
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	s = strings.Replace(s[1:], ":", "", 1)
	if !digits(s) || (len(s) != 2 && len(s) != 4) {
		return 0, false
	}
	h, m := atoi(s[:2]), 0
	if len(s) == 4 {
		m = atoi(s[2:])
	}
	if h > 23 || m > 59 {
		return 0, false
	}
	return sign * (h*3600 + m*60), true
}
