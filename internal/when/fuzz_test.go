package when

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// fuzzErr checks the error contract shared by every parser.
func fuzzErr(t *testing.T, in string, err error) {
	t.Helper()
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("%q: error %v does not wrap ErrInvalid", in, err)
	}
	msg := err.Error()
	if msg == "" || strings.ContainsAny(msg, "\n\r\x1b") || len(msg) > 300 {
		t.Fatalf("%q: error is not one short line: %q", in, msg)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"now", "today", "yesterday", "tomorrow", "fri", "next fri", "last fri", "+3d", "-2w", "+1m", "+1y",
		"in 2 weeks", "3 days ago", "a week ago", "eow", "eom", "eoy", "sow", "som", "2026-12-01", "2026/12/01",
		"12-01", "2026-12-01T15:04", "2026-12-01 15:04", "2026-12-01T15:04:05.123+08:00", "fri 15:00",
		"today 9:30", "tomorrow at 3pm", "dec 1", "1 dec 2027", "现在", "今天", "大后天", "周五", "星期日",
		"下周五", "上周五", "这周五", "本周日", "三天后", "3天后", "两周后", "一个月后", "半年后", "三天前",
		"下周", "this fri", "3d", "2 weeks", "2 hours ago", "in 3 hours", "半小时后", "12h", "月底", "下个月", "下个月5号", "5号", "明天下午3点", "下周一十点", "02-30", "2025-02-29",
		"", "blah", "+12h", "２０２６－１２－０１", "十一点", "12月1日", "2027年3月5日", "9999-12-31", "+999y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, now := range []time.Time{sunday, time.Date(9999, 12, 31, 23, 0, 0, 0, time.UTC), time.Date(1, 1, 1, 0, 0, 0, 0, cst)} {
			got, err := Parse(s, now)
			if err != nil {
				fuzzErr(t, s, err)
				continue
			}
			if got.Location() != now.Location() {
				t.Fatalf("Parse(%q) = %v, not in now's location", s, got)
			}
			if y := got.Year(); y < 1 || y > 9999 {
				t.Fatalf("Parse(%q) = %v, year out of range", s, got)
			}
		}
	})
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{
		"30d", "2w", "3m", "1y", "2 weeks", "3 days", "1 month", "a week", "1y6m", "1 month and 3 days",
		"3天", "2周", "两周", "3个月", "半年", "一年", "一年半", "一个半月", "半个月", "两个星期", "12h", "",
		"xyz", "999999d", "0d",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sp, err := ParseDuration(s)
		if err != nil {
			fuzzErr(t, s, err)
			return
		}
		if sp.Days < 0 || sp.Months < 0 || sp.Days > maxSpanDays || sp.Months > maxSpanMonths {
			t.Fatalf("ParseDuration(%q) = %#v, out of range", s, sp)
		}
		back, err := ParseDuration(sp.String())
		if err != nil || back != sp {
			t.Fatalf("ParseDuration(%q) = %#v, but its String %q reads back as %#v, %v", s, sp, sp.String(), back, err)
		}
		_ = sp.AddTo(sunday)
	})
}

func FuzzParseMonthDay(f *testing.F) {
	for _, s := range []string{
		"03-05", "3-5", "02-29", "1990-03-05", "03/05", "19900305", "--03-05", "--0305", "3月5日",
		"1990年3月5日", "一九九〇年三月五日", "mar 5", "5 march 1990", "02-30", "2025-02-29", "", "blah",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		y, m, d, err := ParseMonthDay(s)
		if err != nil {
			fuzzErr(t, s, err)
			return
		}
		if y < 0 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 {
			t.Fatalf("ParseMonthDay(%q) = %d, %d, %d", s, y, m, d)
		}
		if y != 0 {
			if got := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC); got.Day() != d {
				t.Fatalf("ParseMonthDay(%q) = %d-%d-%d, which does not exist", s, y, m, d)
			}
		} else if got := time.Date(2024, time.Month(m), d, 0, 0, 0, 0, time.UTC); got.Day() != d {
			t.Fatalf("ParseMonthDay(%q) = %d-%d, which does not exist in a leap year", s, m, d)
		}
		canon := fmt.Sprintf("%02d-%02d", m, d)
		if y != 0 {
			canon = fmt.Sprintf("%04d-%s", y, canon)
		}
		y2, m2, d2, err := ParseMonthDay(canon)
		if err != nil || y2 != y || m2 != m || d2 != d {
			t.Fatalf("ParseMonthDay(%q) = %d-%d-%d, canonical %q reads back %d-%d-%d, %v", s, y, m, d, canon, y2, m2, d2, err)
		}
	})
}
