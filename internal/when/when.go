// Package when reads and computes calendar dates for crm: natural-language
// dates in English and Chinese relative to an injected "now", spans such as
// "30d" or "两周", key dates ("03-05", "3月5日"), and the Chinese lunar
// calendar with its festivals for 1900–2100.
//
// The package is pure: it never reads the clock, the environment or the
// local time zone. Callers pass "now"; results are in now's location.
package when

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ErrInvalid is wrapped by every error this package returns, so callers can
// map any of them to a usage error with errors.Is.
var ErrInvalid = errors.New("invalid date")

// inputError is a one-line, user-facing message that wraps ErrInvalid.
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }
func (e *inputError) Unwrap() error { return ErrInvalid }

func errorf(msg string) error { return &inputError{msg: msg} }

// quote renders user input for an error message: Go-quoted so control
// characters cannot reach a terminal, and cut short so the message stays
// one short line.
func quote(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) > max {
		n := 0
		for i := range s {
			if n == max {
				s = s[:i] + "…"
				break
			}
			n++
		}
	}
	return strconv.Quote(s)
}

// normalize trims, lower-cases ASCII, folds full-width ASCII (as typed with
// a Chinese input method) to ASCII, folds the traditional characters of the
// date words to simplified ones (下週五, 兩個月後) and collapses runs of
// space to one.
func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '\u3000':
			r = ' '
		case r >= '\uff01' && r <= '\uff5e':
			r -= 0xfee0
		case r >= 0x4e00:
			r = simplified(r)
		}
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// simplified maps the traditional forms of characters used in date words.
func simplified(r rune) rune {
	switch r {
	case '個':
		return '个'
	case '週':
		return '周'
	case '後':
		return '后'
	case '禮':
		return '礼'
	case '點':
		return '点'
	case '號':
		return '号'
	case '兩':
		return '两'
	case '時':
		return '时'
	case '這':
		return '这'
	case '鐘':
		return '钟'
	case '現':
		return '现'
	}
	return r
}
