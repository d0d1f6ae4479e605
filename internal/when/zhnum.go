package when

import "unicode/utf8"

// Chinese numerals as people type them in dates and spans: 一 … 九, 十,
// 十五, 二十一, 两 (as a count), 廿 and 卅 (20 and 30, common in lunar
// days), and digit-by-digit runs such as 一九九〇 for years.

// zhDigit returns the value of a Chinese digit, or -1.
func zhDigit(r rune) int {
	switch r {
	case '零', '〇':
		return 0
	case '一':
		return 1
	case '二', '两':
		return 2
	case '三':
		return 3
	case '四':
		return 4
	case '五':
		return 5
	case '六':
		return 6
	case '七':
		return 7
	case '八':
		return 8
	case '九':
		return 9
	}
	return -1
}

func isZhNumeral(r rune) bool {
	return zhDigit(r) >= 0 || r == '十' || r == '廿' || r == '卅'
}

// parseZhInt reads s, made only of Chinese numerals, as a number 0–99 or,
// for a digit-by-digit run, any number up to 9999.
func parseZhInt(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	if s == "两" {
		return 2, true
	}
	var rs [8]rune
	n := 0
	for _, r := range s {
		if n == len(rs) {
			return 0, false
		}
		rs[n] = r
		n++
	}
	// 两 counts things; it is not written inside a larger numeral.
	for i := 0; i < n; i++ {
		if rs[i] == '两' {
			return 0, false
		}
	}
	// Positional forms with 十, 廿 or 卅.
	for i := 0; i < n; i++ {
		var tens int
		switch rs[i] {
		case '十':
			switch i {
			case 0:
				tens = 1
			case 1:
				d := zhDigit(rs[0])
				if d < 1 {
					return 0, false
				}
				tens = d
			default:
				return 0, false
			}
		case '廿', '卅':
			if i != 0 {
				return 0, false
			}
			tens = 2
			if rs[i] == '卅' {
				tens = 3
			}
		default:
			continue
		}
		switch n - i - 1 {
		case 0:
			return tens * 10, true
		case 1:
			d := zhDigit(rs[i+1])
			if d < 1 {
				return 0, false
			}
			return tens*10 + d, true
		}
		return 0, false
	}
	// Digit by digit.
	if n > 4 {
		return 0, false
	}
	v := 0
	for i := 0; i < n; i++ {
		d := zhDigit(rs[i])
		if d < 0 {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}

// scanInt reads a leading count written in ASCII digits (at most six) or
// in Chinese numerals and returns it with the rest of s.
func scanInt(s string) (n int, rest string, ok bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 {
		if i > 6 {
			return 0, s, false
		}
		for _, c := range s[:i] {
			n = n*10 + int(c-'0')
		}
		return n, s[i:], true
	}
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isZhNumeral(r) {
			break
		}
		i += size
	}
	if i == 0 {
		return 0, s, false
	}
	n, ok = parseZhInt(s[:i])
	if !ok {
		return 0, s, false
	}
	return n, s[i:], true
}

// digits reports whether s is a non-empty run of ASCII digits.
func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// atoi converts a short run of ASCII digits; callers check digits first.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
