package when

import "testing"

func TestParseMonthDay(t *testing.T) {
	tests := []struct {
		in      string
		y, m, d int
	}{
		{"03-05", 0, 3, 5},
		{"3-5", 0, 3, 5},
		{"12-31", 0, 12, 31},
		{"03/05", 0, 3, 5},
		{"02-29", 0, 2, 29},
		{"2-29", 0, 2, 29},
		{"1990-03-05", 1990, 3, 5},
		{"1990-3-5", 1990, 3, 5},
		{"1990/03/05", 1990, 3, 5},
		{"1990.03.05", 1990, 3, 5},
		{"19900305", 1990, 3, 5},
		{"2000-02-29", 2000, 2, 29},
		{"--03-05", 0, 3, 5},
		{"--0305", 0, 3, 5},
		{"3月5日", 0, 3, 5},
		{"3月5号", 0, 3, 5},
		{"3月5", 0, 3, 5},
		{"03月05日", 0, 3, 5},
		{"三月五日", 0, 3, 5},
		{"十二月三十一日", 0, 12, 31},
		{"十一月廿一日", 0, 11, 21},
		{"1990年3月5日", 1990, 3, 5},
		{"一九九〇年三月五日", 1990, 3, 5},
		{"二〇二四年二月二十九日", 2024, 2, 29},
		{"2月29日", 0, 2, 29},
		{"mar 5", 0, 3, 5},
		{"March 5th", 0, 3, 5},
		{"5 march", 0, 3, 5},
		{"5 Mar 1990", 1990, 3, 5},
		{"march 5, 1990", 1990, 3, 5},
		{" 03-05 ", 0, 3, 5},
		{"０３－０５", 0, 3, 5},
	}
	for _, tt := range tests {
		y, m, d, err := ParseMonthDay(tt.in)
		if err != nil || y != tt.y || m != tt.m || d != tt.d {
			t.Errorf("ParseMonthDay(%q) = %d, %d, %d, %v; want %d, %d, %d", tt.in, y, m, d, err, tt.y, tt.m, tt.d)
		}
	}
}

func TestParseMonthDayErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "empty date"},
		{"blah", `unknown date "blah" (try 03-05, 1990-03-05, 3月5日, 1990年3月5日)`},
		{"02-30", `invalid date "02-30": February has no 30th day`},
		{"2-30", `February has no 30th day`},
		{"04-31", `April has no 31st day`},
		{"13-01", `month must be 1-12`},
		{"00-01", `month must be 1-12`},
		{"01-00", `day must be 1-31`},
		{"01-32", `day must be 1-31`},
		{"2025-02-29", `invalid date "2025-02-29": 2025 is not a leap year`},
		{"1900-02-29", `1900 is not a leap year`},
		{"2026-13-01", `month must be 1-12`},
		{"0000-03-05", `year must be 1-9999`},
		{"2月30日", `February has no 30th day`},
		{"13月1日", `month must be 1-12`},
		{"1990年2月29日", `1990 is not a leap year`},
		{"03-05-1990", `unknown date`},
		{"3/5/90", `unknown date`},
		{"123-4", `unknown date`},
		{"3.5", `unknown date`},
		{"3月", `unknown date`},
		{"90年3月5日", `unknown date`},
		{"today", `unknown date`},
		{"--2026-03-05", `unknown date`},
	}
	for _, tt := range tests {
		y, m, d, err := ParseMonthDay(tt.in)
		if err == nil {
			t.Errorf("ParseMonthDay(%q) = %d, %d, %d, want error", tt.in, y, m, d)
			continue
		}
		checkErr(t, "ParseMonthDay", tt.in, err, tt.want)
	}
}
