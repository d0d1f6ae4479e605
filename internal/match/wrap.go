package match

import (
	"github.com/charmbracelet/x/ansi"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Wrap breaks s, one line of text without escape sequences, into lines of
// at most w cells (see Width): at spaces, and on either side of a wide
// (CJK) character, which may break between any two Han characters. CJK
// closing punctuation (，。」) stays with the character before it. A word
// wider than w is cut where it reaches w. The spaces at a break are
// dropped; other spaces are kept as they are. Wrap never returns an empty
// slice: text of no width is one line, as it was. w below 2 is taken as 2.
func Wrap(s string, w int) []string {
	w = max(w, 2)
	if Width(s) <= w {
		return []string{s}
	}
	var lines []string
	var cur strings.Builder
	curW := 0
	space := "" // spaces seen since the last token, written only before another
	flush := func() {
		lines = append(lines, cur.String())
		cur.Reset()
		curW = 0
	}
	put := func(tok string, tw int) {
		if curW > 0 && curW+Width(space)+tw > w {
			flush()
			space = ""
		}
		if curW > 0 {
			cur.WriteString(space)
			curW += Width(space)
		}
		space = ""
		for tw > w-curW { // only a word wider than a line gets here
			cut, cw := cutWidth(tok, w-curW)
			if cut == "" && curW == 0 { // not even one character fits
				cut, cw = tok[:utf8RuneLen(tok)], Width(tok[:utf8RuneLen(tok)])
			}
			cur.WriteString(cut)
			curW += cw
			flush()
			tok, tw = tok[len(cut):], tw-cw
		}
		cur.WriteString(tok)
		curW += tw
	}
	for _, tok := range wrapTokens(s) {
		if strings.TrimLeftFunc(tok, unicode.IsSpace) == "" {
			space += tok
			continue
		}
		put(tok, Width(tok))
	}
	if cur.Len() > 0 || len(lines) == 0 { // a last token may have no width (a lone combining mark)
		flush()
	}
	return lines
}

// wrapTokens cuts s into runs of spaces, words (runs of narrow
// non-space characters) and single wide characters with the closing
// punctuation after them.
func wrapTokens(s string) []string {
	var toks []string
	start := 0
	kind := 0 // of the token being read: 0 none, 1 space, 2 word, 3 wide
	for i, r := range s {
		k := 2
		switch {
		case unicode.IsSpace(r):
			k = 1
		case isClosingPunct(r) && kind == 3:
			continue // stays with the wide character before it
		case Width(string(r)) > 1:
			k = 3
		}
		if i > start && (k != kind || k == 3) {
			toks = append(toks, s[start:i])
			start = i
		}
		kind = k
	}
	if start < len(s) {
		toks = append(toks, s[start:])
	}
	return toks
}

// isClosingPunct reports CJK punctuation that must not begin a line.
func isClosingPunct(r rune) bool {
	return strings.ContainsRune("，。、；：？！）》」』】〉…·,.;:?!)", r)
}

// cutWidth returns the longest start of s at most w cells wide, and its
// width, cut between grapheme clusters as Width measures them: a mark that
// joins its neighbour (U+0603, a combining accent) is never split from it.
func cutWidth(s string, w int) (string, int) {
	cut := ansi.Truncate(s, w, "")
	return cut, Width(cut)
}

func utf8RuneLen(s string) int {
	_, n := utf8.DecodeRuneInString(s)
	return n
}
