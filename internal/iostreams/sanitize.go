package iostreams

import (
	"strings"
	"unicode/utf8"
)

// Clean returns s without anything a terminal would act on rather than
// show, so that text from users and files can be printed safely:
//
//   - escape sequences, removed whole: CSI (ESC [ … final byte), OSC
//     (ESC ] … up to BEL or ST), DCS, SOS, PM and APC strings (ESC P, X, ^,
//     _ … up to ST), and the other ESC sequences (ESC, intermediates, final
//     byte); a lone ESC goes too;
//   - the C1 controls U+0080–U+009F, the 8-bit CSI, OSC, DCS, SOS, PM and
//     APC among them with their parameters or strings;
//   - the C0 controls but tab and newline (BEL, backspace, carriage return
//     …), and DEL;
//   - the bidirectional embeddings, overrides and isolates U+202A–U+202E and
//     U+2066–U+2069, which can make text read differently from what it is.
//
// Each byte that is not part of valid UTF-8 becomes U+FFFD. A sequence cut
// off by the end of s is removed to the end. When there is nothing to
// remove, Clean returns s itself without allocating.
func Clean(s string) string { return clean(s, false) }

// CleanLine is Clean for text shown on one line, such as a table cell: it
// also turns each run of newlines, carriage returns and tabs into a single
// space.
func CleanLine(s string) string { return clean(s, true) }

func clean(s string, line bool) string {
	i := firstUnsafe(s, line)
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	space := false // CleanLine: a break is pending, to be written as one space
	flush := func() {
		if space {
			b.WriteByte(' ')
			space = false
		}
	}
	for i < len(s) {
		c := s[i]
		switch {
		case c == '\n' || c == '\t' || c == '\r':
			i++
			if line {
				space = true
			} else if c != '\r' {
				b.WriteByte(c)
			}
			continue
		case c == 0x1b:
			i = skipEscape(s, i)
			continue
		case c < 0x20 || c == 0x7f:
			i++
			continue
		}
		if c < utf8.RuneSelf {
			flush()
			b.WriteByte(c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			flush()
			b.WriteRune(utf8.RuneError)
		case r >= 0x80 && r <= 0x9f:
			n = skipC1(s, i, r) - i
		case isBidi(r):
		default:
			flush()
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	flush()
	return b.String()
}

// firstUnsafe returns the index of the first byte of s that clean would
// change, or len(s).
func firstUnsafe(s string, line bool) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && !(c == '\t' || c == '\n') || c == 0x7f) || (line && (c == '\t' || c == '\n')) {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || (r >= 0x80 && r <= 0x9f) || isBidi(r) {
			return i
		}
		i += n
	}
	return len(s)
}

func isBidi(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// skipEscape returns the index just past the escape sequence that starts
// with the ESC at s[i].
func skipEscape(s string, i int) int {
	i++
	if i == len(s) {
		return i
	}
	switch c := s[i]; c {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_':
		return skipString(s, i+1)
	default:
		// ESC, intermediate bytes 0x20–0x2F, one final byte 0x30–0x7E.
		// Anything else ends the sequence and is looked at on its own.
		for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
			i++
		}
		if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
			i++
		}
		return i
	}
}

// skipC1 returns the index just past the C1 control r at s[i] (two bytes in
// UTF-8) and whatever parameters or string it introduces.
func skipC1(s string, i int, r rune) int {
	i += 2
	switch r {
	case 0x9b: // CSI
		return skipCSI(s, i)
	case 0x9d, 0x90, 0x98, 0x9e, 0x9f: // OSC, DCS, SOS, PM, APC
		return skipString(s, i)
	}
	return i
}

// skipCSI returns the index just past the parameter bytes (0x30–0x3F),
// intermediate bytes (0x20–0x2F) and final byte (0x40–0x7E) of a control
// sequence starting at s[i]. A byte outside those ranges ends the sequence
// early and is looked at on its own.
func skipCSI(s string, i int) int {
	for i < len(s) {
		c := s[i]
		switch {
		case c >= 0x40 && c <= 0x7e:
			return i + 1
		case c >= 0x20 && c <= 0x3f:
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the index just past a control string starting at
// s[i]: up to and including BEL, ST (ESC \) or the 8-bit ST (U+009C). An
// ESC that does not begin ST ends the string and starts a sequence of its
// own, as in terminals.
func skipString(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == 0x07:
			return i + 1
		case s[i] == 0x1b:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i
		case s[i] == 0xc2 && i+1 < len(s) && s[i+1] == 0x9c:
			return i + 2
		}
		i++
	}
	return i
}
