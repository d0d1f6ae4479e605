package match

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fold normalises text for comparison, the same way for a query and for the
// keys it is compared with: lower case; full-width ASCII (ＡＢＣ１２３) and the
// ideographic space to ASCII; Latin letters without their accents (é → e,
// ß → ss, ł → l) and pinyin tone marks removed (ǚ → v, as pinyin is typed);
// control and invisible formatting characters dropped; runs of white space
// made one space; leading and trailing space trimmed. Han and other scripts
// are kept as they are.
func Fold(s string) string {
	if isFolded(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i, r := range s {
		if r == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(s[i:]); n <= 1 {
				continue // an invalid byte
			}
		}
		if r >= 0xFF01 && r <= 0xFF5E {
			r -= 0xFF01 - 0x21
		}
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || (r >= 0x300 && r <= 0x36F) {
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
			continue
		}
		r = unicode.ToLower(r)
		if f := foldLatin(r); f != "" {
			b.WriteString(f)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isFolded reports whether Fold would return s unchanged because it is
// printable lower-case ASCII with single inner spaces.
func isFolded(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c > '~' || ('A' <= c && c <= 'Z') || (c == ' ' && s[i+1] == ' ') {
			return false
		}
	}
	return true
}

// foldLatin returns the ASCII spelling of an accented lower-case Latin
// letter, or "" to keep r.
func foldLatin(r rune) string {
	switch r {
	case 'æ':
		return "ae"
	case 'œ':
		return "oe"
	case 'ß', 'ẞ':
		return "ss"
	case 'þ':
		return "th"
	case 'ĳ':
		return "ij"
	case 'ǖ', 'ǘ', 'ǚ', 'ǜ':
		return "v" // pinyin ü with a tone mark; a bare ü is German as often
	}
	var c byte
	switch {
	case r >= 0xC0 && r <= 0x24F:
		c = latinFold[r-0xC0]
	case r >= 0x1E00 && r <= 0x1EFF:
		c = latinExtFold[r-0x1E00]
	default:
		return ""
	}
	if c == ' ' {
		return ""
	}
	return asciiLetters[c-'a' : c-'a'+1]
}

const asciiLetters = "abcdefghijklmnopqrstuvwxyz"

// latinFold gives the base letter of U+00C0–U+024F, ' ' where there is none
// (or it is spelt with two letters, handled by foldLatin). Derived from the
// canonical decompositions, with the letters that have none (đ, ł, ø …)
// given their usual ASCII spelling.
const latinFold = "" +
	"aaaaaa ceeeeiiiidnooooo ouuuuy  aaaaaa ceeeeiiiidnooooo ouuuuy y" + // U+00C0
	"aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii  jjkkklllllll" + // U+0100
	"lllnnnnnn nnoooooo  rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs" + // U+0140
	"b  b    c   d     f      kl   n oo   p     t t uu   y z         " + // U+0180
	"             aaiioouuuuuuuuuu aaaa  ggggkkoooo  j   gg  nnaa    " + // U+01C0
	"aaaaeeeeiiiioooorrrruuuusstt  hh d   zaaeeooooooooyylntj    c  s" + // U+0200
	"z      e j q r y" // U+0240

// latinExtFold gives the base letter of U+1E00–U+1EFF (Vietnamese and
// other precomposed letters), ' ' where there is none.
const latinExtFold = "" +
	"aabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmm" + // U+1E00
	"mmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvv" + // U+1E40
	"wwwwwwwwwwxxxxyyzzzzzzhtwy      aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeee" + // U+1E80
	"eeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyy      " // U+1EC0

// QueryKey is the form in which a query is compared with keys other than
// the first: folded, without spaces, so "Wang Ke" finds "wangkezhang" and
// "anna s" finds "annaschmidt".
func QueryKey(s string) string {
	return strings.ReplaceAll(Fold(s), " ", "")
}
