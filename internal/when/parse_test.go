package when

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var cst = time.FixedZone("CST", 8*3600)

// sunday is the pinned "now" of the CLI tests: 2026-11-22 09:00 +08:00.
var sunday = time.Date(2026, 11, 22, 9, 0, 0, 0, cst)

// wednesday is the same week's Wednesday.
var wednesday = time.Date(2026, 11, 25, 9, 0, 0, 0, cst)

// day is midnight of a date in cst; at adds a time of day.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, cst) }
func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, cst)
}

func TestParseSunday(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"now", sunday},
		{"NOW", sunday},
		{"现在", sunday},
		{"today", day(2026, 11, 22)},
		{"  Today  ", day(2026, 11, 22)},
		{"yesterday", day(2026, 11, 21)},
		{"tomorrow", day(2026, 11, 23)},
		// Weekdays: strictly after today, so "sun" on a Sunday is a week away.
		{"fri", day(2026, 11, 27)},
		{"friday", day(2026, 11, 27)},
		{"FRI", day(2026, 11, 27)},
		{"Friday", day(2026, 11, 27)},
		{"next fri", day(2026, 11, 27)},
		{"next friday", day(2026, 11, 27)},
		{"mon", day(2026, 11, 23)},
		{"tue", day(2026, 11, 24)},
		{"tues", day(2026, 11, 24)},
		{"wed", day(2026, 11, 25)},
		{"thu", day(2026, 11, 26)},
		{"thurs", day(2026, 11, 26)},
		{"sat", day(2026, 11, 28)},
		{"sun", day(2026, 11, 29)},
		{"sunday", day(2026, 11, 29)},
		{"last fri", day(2026, 11, 20)},
		{"last sun", day(2026, 11, 15)},
		{"last mon", day(2026, 11, 16)},
		{"last saturday", day(2026, 11, 21)},
		// next fri is 下周五 and this fri 本周五; on a Sunday both weeks are
		// the one starting tomorrow and the one ending today.
		{"this fri", day(2026, 11, 20)},
		{"this sun", day(2026, 11, 22)},
		{"next sun", day(2026, 11, 29)},
		{"下周日", day(2026, 11, 29)},
		// A span alone is from today on.
		{"3d", day(2026, 11, 25)},
		{"2w", day(2026, 12, 6)},
		{"2 weeks", day(2026, 12, 6)},
		{"1m", day(2026, 12, 22)},
		{"3d 10:00", at(2026, 11, 25, 10, 0)},
		// Hours and minutes move now.
		{"2 hours ago", at(2026, 11, 22, 7, 0)},
		{"an hour ago", at(2026, 11, 22, 8, 0)},
		{"30 min ago", at(2026, 11, 22, 8, 30)},
		{"1h30min ago", at(2026, 11, 22, 7, 30)},
		{"+12h", at(2026, 11, 22, 21, 0)},
		{"in 3 hours", at(2026, 11, 22, 12, 0)},
		{"两小时前", at(2026, 11, 22, 7, 0)},
		{"半小时后", at(2026, 11, 22, 9, 30)},
		{"3个小时以后", at(2026, 11, 22, 12, 0)},
		// Signed spans from today.
		{"+3d", day(2026, 11, 25)},
		{"-2w", day(2026, 11, 8)},
		{"+1m", day(2026, 12, 22)},
		{"+1y", day(2027, 11, 22)},
		{"-1m", day(2026, 10, 22)},
		{"+0d", day(2026, 11, 22)},
		{"+2 weeks", day(2026, 12, 6)},
		{"+3天", day(2026, 11, 25)},
		{"in 2 weeks", day(2026, 12, 6)},
		{"in 3 days", day(2026, 11, 25)},
		{"in a week", day(2026, 11, 29)},
		{"in 1 month", day(2026, 12, 22)},
		{"in 2w", day(2026, 12, 6)},
		{"3 days ago", day(2026, 11, 19)},
		{"2 weeks ago", day(2026, 11, 8)},
		{"a week ago", day(2026, 11, 15)},
		{"a month ago", day(2026, 10, 22)},
		{"1 year ago", day(2025, 11, 22)},
		// Ends and starts; weeks run Monday to Sunday.
		{"eow", day(2026, 11, 22)},
		{"eom", day(2026, 11, 30)},
		{"eoy", day(2026, 12, 31)},
		{"sow", day(2026, 11, 16)},
		{"som", day(2026, 11, 1)},
		{"soy", day(2026, 1, 1)},
		{"end of month", day(2026, 11, 30)},
		{"next week", day(2026, 11, 23)},
		{"last week", day(2026, 11, 9)},
		{"next month", day(2026, 12, 1)},
		{"last month", day(2026, 10, 1)},
		{"next year", day(2027, 1, 1)},
		// Absolute dates.
		{"2026-12-01", day(2026, 12, 1)},
		{"2026/12/01", day(2026, 12, 1)},
		{"2026.12.01", day(2026, 12, 1)},
		{"2026-1-5", day(2026, 1, 5)},
		{"20261201", day(2026, 12, 1)},
		{"2024-02-29", day(2024, 2, 29)},
		{"12-01", day(2026, 12, 1)},
		{"12/01", day(2026, 12, 1)},
		{"3-5", day(2026, 3, 5)},
		{"01-05", day(2026, 1, 5)},
		{"dec 1", day(2026, 12, 1)},
		{"Dec 1st", day(2026, 12, 1)},
		{"1 december", day(2026, 12, 1)},
		{"december 1, 2027", day(2027, 12, 1)},
		{"1 dec 2027", day(2027, 12, 1)},
		{"sept 9", day(2026, 9, 9)},
		// Dates with a time of day.
		{"2026-12-01T15:04", at(2026, 12, 1, 15, 4)},
		{"2026-12-01t15:04", at(2026, 12, 1, 15, 4)},
		{"2026-12-01 15:04", at(2026, 12, 1, 15, 4)},
		{"2026-12-01T15:04:05", time.Date(2026, 12, 1, 15, 4, 5, 0, cst)},
		{"2026-12-01T15:04:05+08:00", time.Date(2026, 12, 1, 15, 4, 5, 0, cst)},
		{"2026-12-01T15:04:05Z", time.Date(2026, 12, 1, 23, 4, 5, 0, cst)},
		{"2026-12-01T15:04:05.5Z", time.Date(2026, 12, 1, 23, 4, 5, 500000000, cst)},
		{"2026-12-01T15:04:05-05:00", time.Date(2026, 12, 2, 4, 4, 5, 0, cst)},
		{"2026-12-01T15:04+0530", time.Date(2026, 12, 1, 17, 34, 0, 0, cst)},
		{"fri 15:00", at(2026, 11, 27, 15, 0)},
		{"today 9:30", at(2026, 11, 22, 9, 30)},
		{"tomorrow 14:00", at(2026, 11, 23, 14, 0)},
		{"tomorrow at 3pm", at(2026, 11, 23, 15, 0)},
		{"tomorrow 12am", at(2026, 11, 23, 0, 0)},
		{"tomorrow 12pm", at(2026, 11, 23, 12, 0)},
		{"fri 9:30am", at(2026, 11, 27, 9, 30)},
		{"3pm fri", at(2026, 11, 27, 15, 0)},
		{"12-01 08:15", at(2026, 12, 1, 8, 15)},
		{"+3d 10:00", at(2026, 11, 25, 10, 0)},
		{"15:00", at(2026, 11, 22, 15, 0)},
		{"yesterday 23:59:59", time.Date(2026, 11, 21, 23, 59, 59, 0, cst)},
		// Chinese.
		{"今天", day(2026, 11, 22)},
		{"昨天", day(2026, 11, 21)},
		{"前天", day(2026, 11, 20)},
		{"大前天", day(2026, 11, 19)},
		{"明天", day(2026, 11, 23)},
		{"后天", day(2026, 11, 24)},
		{"大后天", day(2026, 11, 25)},
		{"周五", day(2026, 11, 27)},
		{"星期五", day(2026, 11, 27)},
		{"礼拜五", day(2026, 11, 27)},
		{"周日", day(2026, 11, 29)},
		{"星期天", day(2026, 11, 29)},
		{"周一", day(2026, 11, 23)},
		{"下周五", day(2026, 11, 27)},
		{"下星期五", day(2026, 11, 27)},
		{"下个星期五", day(2026, 11, 27)},
		{"下礼拜一", day(2026, 11, 23)},
		{"下周日", day(2026, 11, 29)},
		{"上周五", day(2026, 11, 13)},
		{"上周日", day(2026, 11, 15)},
		{"这周五", day(2026, 11, 20)},
		{"本周五", day(2026, 11, 20)},
		{"这周日", day(2026, 11, 22)},
		{"三天后", day(2026, 11, 25)},
		{"3天后", day(2026, 11, 25)},
		{"3 天后", day(2026, 11, 25)},
		{"三天以后", day(2026, 11, 25)},
		{"两周后", day(2026, 12, 6)},
		{"两个星期后", day(2026, 12, 6)},
		{"一个月后", day(2026, 12, 22)},
		{"半年后", day(2027, 5, 22)},
		{"一年后", day(2027, 11, 22)},
		{"十五天后", day(2026, 12, 7)},
		{"二十一天后", day(2026, 12, 13)},
		{"三天前", day(2026, 11, 19)},
		{"3天前", day(2026, 11, 19)},
		{"两周前", day(2026, 11, 8)},
		{"三天之前", day(2026, 11, 19)},
		{"下周", day(2026, 11, 23)},
		{"上周", day(2026, 11, 9)},
		{"月底", day(2026, 11, 30)},
		{"年底", day(2026, 12, 31)},
		{"下个月", day(2026, 12, 1)},
		{"下月", day(2026, 12, 1)},
		{"上个月", day(2026, 10, 1)},
		{"明年", day(2027, 1, 1)},
		{"5号", day(2026, 11, 5)},
		{"三十号", day(2026, 11, 30)},
		{"下个月5号", day(2026, 12, 5)},
		{"本月15日", day(2026, 11, 15)},
		{"12月1日", day(2026, 12, 1)},
		{"十二月一日", day(2026, 12, 1)},
		{"3月5号", day(2026, 3, 5)},
		{"2027年3月5日", day(2027, 3, 5)},
		{"明天 15:00", at(2026, 11, 23, 15, 0)},
		{"明天下午3点", at(2026, 11, 23, 15, 0)},
		{"明天 下午3点", at(2026, 11, 23, 15, 0)},
		{"明天上午9点半", at(2026, 11, 23, 9, 30)},
		{"明天早上8点15分", at(2026, 11, 23, 8, 15)},
		{"后天晚上8:30", at(2026, 11, 24, 20, 30)},
		{"下周一十点", at(2026, 11, 23, 10, 0)},
		{"下周五 15:00", at(2026, 11, 27, 15, 0)},
		{"周五下午两点", at(2026, 11, 27, 14, 0)},
		{"今天中午12点", at(2026, 11, 22, 12, 0)},
		{"今天中午1点", at(2026, 11, 22, 13, 0)},
		{"明天凌晨12点", at(2026, 11, 23, 0, 0)},
		{"十点", at(2026, 11, 22, 10, 0)},
		{"15点30分", at(2026, 11, 22, 15, 30)},
		// Full-width input from a Chinese input method.
		{"２０２６－１２－０１", day(2026, 12, 1)},
		{"明天　１５：００", at(2026, 11, 23, 15, 0)},
		{"３天后", day(2026, 11, 25)},
		// Traditional characters.
		{"下週五", day(2026, 11, 27)},
		{"兩個月後", day(2027, 1, 22)},
		{"後天下午3點", at(2026, 11, 24, 15, 0)},
		{"現在", sunday},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in, sunday)
		if err != nil {
			t.Errorf("Parse(%q) error: %v", tt.in, err)
			continue
		}
		if !got.Equal(tt.want) || got.Location() != cst {
			t.Errorf("Parse(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseWednesday(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"today", day(2026, 11, 25)},
		{"fri", day(2026, 11, 27)},
		// next and this are 下 and 本: the calendar week.
		{"next fri", day(2026, 12, 4)},
		{"this fri", day(2026, 11, 27)},
		{"this mon", day(2026, 11, 23)},
		{"next mon", day(2026, 11, 30)},
		{"next sun", day(2026, 12, 6)},
		{"wed", day(2026, 12, 2)},
		{"tue", day(2026, 12, 1)},
		{"last wed", day(2026, 11, 18)},
		{"last fri", day(2026, 11, 20)},
		{"last tue", day(2026, 11, 24)},
		{"eow", day(2026, 11, 29)},
		{"sow", day(2026, 11, 23)},
		{"next week", day(2026, 11, 30)},
		{"周五", day(2026, 11, 27)},
		{"周三", day(2026, 12, 2)},
		{"下周五", day(2026, 12, 4)},
		{"下周一", day(2026, 11, 30)},
		{"下周日", day(2026, 12, 6)},
		{"这周五", day(2026, 11, 27)},
		{"这周一", day(2026, 11, 23)},
		{"本周日", day(2026, 11, 29)},
		{"上周五", day(2026, 11, 20)},
		{"上周三", day(2026, 11, 18)},
		{"下周", day(2026, 11, 30)},
		{"上周", day(2026, 11, 16)},
		{"下周五 9:00", at(2026, 12, 4, 9, 0)},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in, wednesday)
		if err != nil {
			t.Errorf("Parse(%q) error: %v", tt.in, err)
			continue
		}
		if !got.Equal(tt.want) {
			t.Errorf("Parse(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseMonthEnds(t *testing.T) {
	jan31 := time.Date(2027, 1, 31, 18, 0, 0, 0, cst)
	dec30 := time.Date(2026, 12, 30, 8, 0, 0, 0, cst)
	leap := time.Date(2024, 2, 29, 8, 0, 0, 0, cst)
	tests := []struct {
		now  time.Time
		in   string
		want time.Time
	}{
		// A month added to the 31st lands on the target month's last day.
		{jan31, "+1m", day(2027, 2, 28)},
		{jan31, "in 1 month", day(2027, 2, 28)},
		{jan31, "一个月后", day(2027, 2, 28)},
		{jan31, "+2m", day(2027, 3, 31)},
		{jan31, "-2m", day(2026, 11, 30)},
		{jan31, "eom", day(2027, 1, 31)},
		{jan31, "next month", day(2027, 2, 1)},
		{jan31, "下个月31号", time.Time{}}, // February has no 31st: error
		{leap, "+1y", day(2025, 2, 28)},
		{leap, "02-29", day(2024, 2, 29)},
		{leap, "eom", day(2024, 2, 29)},
		{dec30, "+1m", day(2027, 1, 30)},
		{dec30, "next month", day(2027, 1, 1)},
		{dec30, "eoy", day(2026, 12, 31)},
		{dec30, "01-05", day(2026, 1, 5)},
		{dec30, "fri", day(2027, 1, 1)},
		{dec30, "下周", day(2027, 1, 4)},
		{dec30, "+3d", day(2027, 1, 2)},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in, tt.now)
		if tt.want.IsZero() {
			if err == nil {
				t.Errorf("Parse(%q) at %v = %v, want error", tt.in, tt.now, got)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("Parse(%q) at %v = %v, %v; want %v", tt.in, tt.now, got, err, tt.want)
		}
	}
}

func TestParseKeepsLocation(t *testing.T) {
	ny := time.FixedZone("EST", -5*3600)
	now := time.Date(2026, 11, 21, 20, 0, 0, 0, ny) // Saturday evening in New York
	got, err := Parse("tomorrow", now)
	if err != nil || !got.Equal(time.Date(2026, 11, 22, 0, 0, 0, 0, ny)) || got.Location() != ny {
		t.Errorf("Parse(tomorrow) = %v, %v", got, err)
	}
	got, err = Parse("2026-12-01T15:04:05+08:00", now)
	if err != nil || got.Location() != ny || got.Hour() != 2 {
		t.Errorf("RFC 3339 not converted to now's location: %v, %v", got, err)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in   string
		want string // substring of the message
	}{
		{"", `empty date`},
		{"   ", `empty date`},
		{"blah", `unknown date "blah" (try today, fri, +3d, 2026-12-01, 下周五)`},
		{"02-30", `invalid date "02-30": February has no 30th day`},
		{"04-31", `invalid date "04-31": April has no 31st day`},
		{"2026-13-01", `invalid date "2026-13-01": month must be 1-12`},
		{"2025-02-29", `invalid date "2025-02-29": 2025 is not a leap year`},
		{"02-29", `2026 is not a leap year`},
		{"13-01", `month must be 1-12`},
		{"00-10", `month must be 1-12`},
		{"2026-12-00", `day must be 1-31`},
		{"2026-12-32", `day must be 1-31`},
		{"0000-01-01", `year must be 1-9999`},
		{"2月30日", `February has no 30th day`},
		{"2月30日下午3点", `invalid date "2月30日下午3点": February has no 30th day`},
		{"02-30 15:00", `invalid date "02-30 15:00": February has no 30th day`},
		{"feb 30", `February has no 30th day`},
		{"32号", `day must be 1-31`},
		{"today 25:00", `invalid time in "today 25:00": hour must be 0-23`},
		{"today 12:60", `minute must be 0-59`},
		{"fri 13pm", `hour must be 1-12 with am/pm`},
		{"明天25点", `hour must be 0-23`},
		{"2026-12-01T25:00", `hour must be 0-23`},
		{"2026-12-01T10:00+25:00", `bad UTC offset`},
		{"2026-02-30T10:00", `February has no 30th day`},
		{"12h", `invalid date "12h": say which way, e.g. "in 12h" or "12h ago"`},
		{"3 hours", `say which way`},
		{"+3 hours 10:00", `not supported`},
		{"in 999999 hours", `too far`},
		{"3天", `unknown date`},
		{"+99999y", `too long`},
		{"now 15:00", `unknown date`},
		{"last", `unknown date`},
		{"next", `unknown date`},
		{"下下周五", `unknown date`},
		{"周八", `unknown date`},
		{"+", `unknown date`},
		{"in", `unknown date`},
		{"ago", `unknown date`},
		{"2026-12", `unknown date`},
		{"1.5", `unknown date`},
		{"\x1b[31mred", `unknown date "\x1b[31mred"`},
		{strings.Repeat("x", 500), `unknown date "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…"`},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in, sunday)
		if err == nil {
			t.Errorf("Parse(%q) = %v, want error", tt.in, got)
			continue
		}
		checkErr(t, "Parse", tt.in, err, tt.want)
	}
}

// checkErr asserts the shared error contract: wraps ErrInvalid, one short
// lower-case line with no control characters, containing want.
func checkErr(t *testing.T, fn, in string, err error, want string) {
	t.Helper()
	msg := err.Error()
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("%s(%q): error %q does not wrap ErrInvalid", fn, in, msg)
	}
	if !strings.Contains(msg, want) {
		t.Errorf("%s(%q): error %q, want it to contain %q", fn, in, msg, want)
	}
	if strings.ContainsAny(msg, "\n\r\x1b") || len(msg) > 200 {
		t.Errorf("%s(%q): error is not one short line: %q", fn, in, msg)
	}
	if msg[0] < 'a' || msg[0] > 'z' {
		t.Errorf("%s(%q): error %q does not start lower-case", fn, in, msg)
	}
}
