package when

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want Span
	}{
		{"30d", Span{Days: 30}},
		{"30D", Span{Days: 30}},
		{" 30d ", Span{Days: 30}},
		{"1d", Span{Days: 1}},
		{"0d", Span{}},
		{"2w", Span{Days: 14}},
		{"3m", Span{Months: 3}},
		{"1y", Span{Months: 12}},
		{"2 weeks", Span{Days: 14}},
		{"2weeks", Span{Days: 14}},
		{"1 week", Span{Days: 7}},
		{"a week", Span{Days: 7}},
		{"3 days", Span{Days: 3}},
		{"1 day", Span{Days: 1}},
		{"1 month", Span{Months: 1}},
		{"6 months", Span{Months: 6}},
		{"6mo", Span{Months: 6}},
		{"2 years", Span{Months: 24}},
		{"2yrs", Span{Months: 24}},
		{"an year", Span{Months: 12}},
		{"1y6m", Span{Months: 18}},
		{"1 year 2 months", Span{Months: 14}},
		{"1 month and 3 days", Span{Days: 3, Months: 1}},
		{"1m3d", Span{Days: 3, Months: 1}},
		{"3天", Span{Days: 3}},
		{"3 天", Span{Days: 3}},
		{"三天", Span{Days: 3}},
		{"十五天", Span{Days: 15}},
		{"2周", Span{Days: 14}},
		{"两周", Span{Days: 14}},
		{"两个星期", Span{Days: 14}},
		{"一个礼拜", Span{Days: 7}},
		{"3个月", Span{Months: 3}},
		{"三个月", Span{Months: 3}},
		{"一个月", Span{Months: 1}},
		{"半个月", Span{Days: 15}},
		{"半月", Span{Days: 15}},
		{"一个半月", Span{Days: 15, Months: 1}},
		{"半年", Span{Months: 6}},
		{"一年", Span{Months: 12}},
		{"一年半", Span{Months: 18}},
		{"两年", Span{Months: 24}},
		{"1年2个月", Span{Months: 14}},
		{"３０ｄ", Span{Days: 30}},
		{"兩週", Span{Days: 14}},
		{"三個月", Span{Months: 3}},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseDuration(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseDurationErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "empty duration (try 30d, 2w, 3m, 1y, 2 weeks, 3天, 两周, 半年)"},
		{"xyz", `unknown duration "xyz" (try 30d, 2w, 3m, 1y, 2 weeks, 3天, 两周, 半年)`},
		{"12h", `invalid duration "12h": hours and minutes are not supported`},
		{"12 hours", `hours and minutes are not supported`},
		{"30min", `hours and minutes are not supported`},
		{"3小时", `hours and minutes are not supported`},
		{"1d12h", `hours and minutes are not supported`},
		{"-3d", `unknown duration`},
		{"+3d", `unknown duration`},
		{"3", `unknown duration`},
		{"d", `unknown duration`},
		{"3x", `unknown duration`},
		{"3 dayz", `unknown duration`},
		{"1.5d", `unknown duration`},
		{"半天", `unknown duration`},
		{"半", `unknown duration`},
		{"3月", `unknown duration`},
		{"1234567d", `unknown duration`},
		{"999999d", `too long`},
		{"2000y", `too long`},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if err == nil {
			t.Errorf("ParseDuration(%q) = %+v, want error", tt.in, got)
			continue
		}
		checkErr(t, "ParseDuration", tt.in, err, tt.want)
	}
}

func TestSpanString(t *testing.T) {
	tests := []struct {
		s    Span
		want string
	}{
		{Span{}, "0d"},
		{Span{Days: 30}, "30d"},
		{Span{Days: 14}, "2w"},
		{Span{Days: 7}, "1w"},
		{Span{Days: 15}, "15d"},
		{Span{Months: 3}, "3m"},
		{Span{Months: 12}, "1y"},
		{Span{Months: 18}, "18m"},
		{Span{Months: 24}, "2y"},
		{Span{Months: 1, Days: 15}, "1m15d"},
		{Span{Months: 12, Days: 14}, "1y2w"},
		{Span{Days: -3}, "-3d"},
		{Span{Months: -12}, "-1y"},
	}
	for _, tt := range tests {
		if got := tt.s.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.s, got, tt.want)
		}
		if tt.s.Days < 0 || tt.s.Months < 0 {
			continue
		}
		back, err := ParseDuration(tt.want)
		if err != nil || back != tt.s {
			t.Errorf("ParseDuration(%q) = %+v, %v; want %#v", tt.want, back, err, tt.s)
		}
	}
}

func TestSpanApproxDays(t *testing.T) {
	tests := []struct {
		s    Span
		want int
	}{
		{Span{Days: 30}, 30},
		{Span{Months: 1}, 30},
		{Span{Months: 3}, 90},
		{Span{Months: 6}, 180},
		{Span{Months: 12}, 365},
		{Span{Months: 18}, 545},
		{Span{Months: 24, Days: 1}, 731},
	}
	for _, tt := range tests {
		if got := tt.s.ApproxDays(); got != tt.want {
			t.Errorf("%#v.ApproxDays() = %d, want %d", tt.s, got, tt.want)
		}
	}
}

func TestSpanAddTo(t *testing.T) {
	base := time.Date(2026, 1, 31, 14, 30, 0, 0, cst)
	tests := []struct {
		s    Span
		want time.Time
	}{
		{Span{Days: 1}, time.Date(2026, 2, 1, 14, 30, 0, 0, cst)},
		{Span{Days: 30}, time.Date(2026, 3, 2, 14, 30, 0, 0, cst)},
		{Span{Months: 1}, time.Date(2026, 2, 28, 14, 30, 0, 0, cst)},
		{Span{Months: 1, Days: 1}, time.Date(2026, 3, 1, 14, 30, 0, 0, cst)},
		{Span{Months: 3}, time.Date(2026, 4, 30, 14, 30, 0, 0, cst)},
		{Span{Months: 12}, time.Date(2027, 1, 31, 14, 30, 0, 0, cst)},
		{Span{Months: 25}, time.Date(2028, 2, 29, 14, 30, 0, 0, cst)},
		{Span{Months: -2}, time.Date(2025, 11, 30, 14, 30, 0, 0, cst)},
	}
	for _, tt := range tests {
		if got := tt.s.AddTo(base); !got.Equal(tt.want) || got.Location() != cst {
			t.Errorf("%v.AddTo(%v) = %v, want %v", tt.s, base, got, tt.want)
		}
	}
}
