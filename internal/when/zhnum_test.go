package when

import "testing"

func TestParseZhInt(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"零", 0, true}, {"〇", 0, true}, {"一", 1, true}, {"二", 2, true}, {"两", 2, true},
		{"三", 3, true}, {"九", 9, true}, {"十", 10, true}, {"十一", 11, true}, {"十五", 15, true},
		{"二十", 20, true}, {"二十一", 21, true}, {"三十", 30, true}, {"九十九", 99, true},
		{"廿", 20, true}, {"廿一", 21, true}, {"卅", 30, true}, {"一十", 10, true},
		{"一九九〇", 1990, true}, {"二〇二六", 2026, true},
		{"", 0, false}, {"两十", 0, false}, {"十两", 0, false}, {"二两", 0, false},
		{"十十", 0, false}, {"一二十", 0, false}, {"十零", 0, false}, {"零十", 0, false},
		{"二十一二", 0, false}, {"一二三四五", 0, false}, {"百", 0, false}, {"a", 0, false},
		{"一廿", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseZhInt(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseZhInt(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestScanInt(t *testing.T) {
	tests := []struct {
		in, rest string
		want     int
		ok       bool
	}{
		{"3天", "天", 3, true},
		{"30d", "d", 30, true},
		{"十五天后", "天后", 15, true},
		{"两周", "周", 2, true},
		{"一个月", "个月", 1, true},
		{"123456x", "x", 123456, true},
		{"1234567", "1234567", 0, false},
		{"天", "天", 0, false},
		{"", "", 0, false},
	}
	for _, tt := range tests {
		got, rest, ok := scanInt(tt.in)
		if got != tt.want || rest != tt.rest || ok != tt.ok {
			t.Errorf("scanInt(%q) = %d, %q, %v; want %d, %q, %v", tt.in, got, rest, ok, tt.want, tt.rest, tt.ok)
		}
	}
}
