package match

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Full-text search splits text in two ways, the same for what is indexed
// and for a query, so that SQLite's unicode61 tokenizer (which only cuts at
// separators) finds words of both kinds:
//
//   - Han (and kana and hangul) text has no spaces between words, and a
//     word is mostly one or two characters: each run of such characters
//     becomes its overlapping bigrams (设备采购 → 设备 备采 采购), and each of its
//     characters a unigram, so that a query of two or more characters is a
//     phrase of bigrams and a query of one character a unigram, and both
//     are found anywhere inside a sentence;
//   - other text is folded (Fold: lower case, no accents, full-width ASCII
//     made ASCII) and left to the tokenizer's words; a query word matches
//     any word it begins.

// isIdeo reports whether r is a letter of a script written without spaces
// between words.
func isIdeo(r rune) bool {
	if r < 0x1100 {
		return false
	}
	return unicode.IsLetter(r) && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r))
}

// isWord reports whether r belongs to a word of other text, as unicode61
// sees it: a letter, a number or a private-use character.
func isWord(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r)
}

// IndexText is the text the search index keeps of s: its other text folded,
// each run of Han characters replaced by its bigrams, and after everything
// the unigrams of every Han character.
//
// IndexText("昨天和张伟吃饭 OK") is "昨天 天和 和张 张伟 伟吃 吃饭 ok 昨 天 和 张 伟 吃 饭".
func IndexText(s string) string {
	if s == "" {
		return ""
	}
	var out, uni strings.Builder
	out.Grow(len(s) * 2)
	rest := s
	for rest != "" {
		run, n := ideoRun(rest)
		if n == 0 {
			// A stretch of other text, up to the next Han character.
			end := len(rest)
			for i, r := range rest {
				if isIdeo(r) {
					end = i
					break
				}
			}
			out.WriteString(Fold(rest[:end]))
			out.WriteByte(' ')
			rest = rest[end:]
			continue
		}
		writeBigrams(&out, run)
		for _, r := range run {
			uni.WriteRune(r)
			uni.WriteByte(' ')
		}
		rest = rest[n:]
	}
	return strings.TrimSpace(strings.Join(strings.Fields(out.String()+" "+uni.String()), " "))
}

// ideoRun returns the run of Han characters at the start of s and its
// length in bytes (0 when s does not start with one).
func ideoRun(s string) ([]rune, int) {
	var run []rune
	n := 0
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		if !isIdeo(r) {
			break
		}
		run = append(run, r)
		n += size
	}
	return run, n
}

func writeBigrams(b *strings.Builder, run []rune) {
	for i := 0; i+1 < len(run); i++ {
		b.WriteRune(run[i])
		b.WriteRune(run[i+1])
		b.WriteByte(' ')
	}
}

// SearchTerm is one term of a search query: every term must match. A Han
// term is one run of Han characters, found where the text holds the same
// run; any other term is one or more words (folded), found where the text
// holds them in a row, the last as a prefix ("o'bri" finds O'Brien).
type SearchTerm struct {
	Han   string
	Words []string
}

// Tokens are the index tokens of the term, in order: the Han term's
// bigrams, or its one character; the words.
func (t SearchTerm) Tokens() []string {
	if t.Han == "" {
		return t.Words
	}
	rs := []rune(t.Han)
	if len(rs) == 1 {
		return []string{t.Han}
	}
	out := make([]string, 0, len(rs)-1)
	for i := 0; i+1 < len(rs); i++ {
		out = append(out, string(rs[i:i+2]))
	}
	return out
}

// SearchTerms cuts a query into its terms: at white space, and where Han
// text meets other text ("quote设备" is two terms). Punctuation only
// separates words; a query of nothing but punctuation has no terms.
func SearchTerms(q string) []SearchTerm {
	var out []SearchTerm
	for _, chunk := range strings.Fields(q) {
		rest := chunk
		for rest != "" {
			run, n := ideoRun(rest)
			if n > 0 {
				out = append(out, SearchTerm{Han: string(run)})
				rest = rest[n:]
				continue
			}
			end := len(rest)
			for i, r := range rest {
				if isIdeo(r) {
					end = i
					break
				}
			}
			if ws := words(Fold(rest[:end])); len(ws) > 0 {
				out = append(out, SearchTerm{Words: ws})
			}
			rest = rest[end:]
		}
	}
	return out
}

// words are the words of folded text.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !isWord(r) })
}

// FindTerms returns where in text the terms match, as byte ranges [start,
// end) in order, not overlapping: each occurrence of a Han term, and each
// word that a word of another term begins.
func FindTerms(text string, terms []SearchTerm) [][2]int {
	var spans [][2]int
	for _, t := range terms {
		if t.Han == "" {
			continue
		}
		for from := 0; ; {
			i := strings.Index(text[from:], t.Han)
			if i < 0 {
				break
			}
			spans = append(spans, [2]int{from + i, from + i + len(t.Han)})
			from += i + len(t.Han)
		}
	}
	var prefixes []string
	for _, t := range terms {
		prefixes = append(prefixes, t.Words...)
	}
	if len(prefixes) > 0 {
		start := -1
		flush := func(end int) {
			if start < 0 {
				return
			}
			w := Fold(text[start:end])
			for _, p := range prefixes {
				if strings.HasPrefix(w, p) {
					spans = append(spans, [2]int{start, end})
					break
				}
			}
			start = -1
		}
		for i, r := range text {
			if isWord(r) && !isIdeo(r) {
				if start < 0 {
					start = i
				}
			} else {
				flush(i)
			}
		}
		flush(len(text))
	}
	return mergeSpans(spans)
}

// mergeSpans sorts spans and joins those that overlap or touch.
func mergeSpans(spans [][2]int) [][2]int {
	if len(spans) < 2 {
		return spans
	}
	for i := 1; i < len(spans); i++ { // insertion sort: a handful of spans
		for j := i; j > 0 && spans[j][0] < spans[j-1][0]; j-- {
			spans[j], spans[j-1] = spans[j-1], spans[j]
		}
	}
	out := spans[:1]
	for _, s := range spans[1:] {
		last := &out[len(out)-1]
		if s[0] <= last[1] {
			last[1] = max(last[1], s[1])
			continue
		}
		out = append(out, s)
	}
	return out
}

// PinyinKeys are the pinyin spellings and initials of a name's common
// readings, as the search index keeps them ("wangkezhang wkz"); none for a
// name without Han characters.
func PinyinKeys(name string) []string {
	if !hasHan(name) {
		return nil
	}
	var out []string
	for _, k := range NameKeys(name) {
		if !k.Rare && (k.Kind == KeyPinyin || k.Kind == KeyInitials) {
			out = append(out, k.Text)
		}
	}
	return out
}
