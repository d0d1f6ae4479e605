package interop

import (
	"strings"
	"unicode/utf8"
)

// maxLine is the longest content line vCard and iCalendar allow, in octets,
// without the CRLF (RFC 6350 §3.2, RFC 5545 §3.1).
const maxLine = 75

// appendFolded appends line to b as one content line: folded into pieces
// of at most 75 octets (a continuation starts with a space, which counts),
// never cutting a UTF-8 sequence, each piece ended by CRLF.
func appendFolded(b []byte, line string) []byte {
	limit := maxLine
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		if cut == 0 { // not UTF-8: cut anyway rather than loop
			cut = limit
		}
		b = append(b, line[:cut]...)
		b = append(b, "\r\n "...)
		line = line[cut:]
		limit = maxLine - 1
	}
	b = append(b, line...)
	return append(b, "\r\n"...)
}

// unfold joins folded content lines (CRLF or LF followed by a space or a
// tab) back into one line each, as RFC 6350 and RFC 5545 read them.
func unfold(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\n ", "")
	return strings.ReplaceAll(s, "\n\t", "")
}
