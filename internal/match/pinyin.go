package match

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

//go:generate go run ./internal/gen -o pinyin_table.go

// Layout of pinyin_table.go. Every number is written in base 91 with the
// characters '#'..'~' less '`' (see internal/gen), a fixed number of digits
// per field:
//
//   - syllableTable: the toneless syllables, sorted, each padded with spaces
//     to syllableWidth bytes.
//   - denseTable: one value per code point from denseFirst to denseLast.
//   - sparseTable: sorted records of (code point, value) for the characters
//     outside that block.
//   - a value is 0 for no reading, 1..syllableCount for the single syllable
//     value-1, and syllableCount+1+i for reading set i.
//   - setStart: setCount+1 offsets into setData, counted in syllables; set i
//     is setData[setStart[i]:setStart[i+1]], most common reading first.

// num decodes the n digits of s that start at byte i.
func num(s string, i, n int) int {
	v := 0
	for _, c := range []byte(s[i : i+n]) {
		d := int(c) - '#'
		if c > '`' {
			d--
		}
		v = v*91 + d
	}
	return v
}

// readings is the set of pinyin readings of one character.
type readings int

// lookup returns the readings of r; none when r is not a Han character
// that the table knows.
func lookup(r rune) readings {
	if r < 0x3007 {
		return 0
	}
	if r >= denseFirst && r <= denseLast {
		return readings(num(denseTable, int(r-denseFirst)*valueDigits, valueDigits))
	}
	const rec = runeDigits + valueDigits
	lo, hi := 0, sparseCount
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if rune(num(sparseTable, m*rec, runeDigits)) < r {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < sparseCount && rune(num(sparseTable, lo*rec, runeDigits)) == r {
		return readings(num(sparseTable, lo*rec+runeDigits, valueDigits))
	}
	return 0
}

// Len is the number of distinct readings.
func (rs readings) Len() int {
	switch {
	case rs == 0:
		return 0
	case rs <= syllableCount:
		return 1
	}
	set := int(rs) - syllableCount - 1
	return num(setStart, (set+1)*setStartDigits, setStartDigits) - num(setStart, set*setStartDigits, setStartDigits)
}

// At returns reading i, 0 being the most common one.
func (rs readings) At(i int) string {
	if rs <= syllableCount {
		return syllable(int(rs) - 1)
	}
	set := int(rs) - syllableCount - 1
	start := num(setStart, set*setStartDigits, setStartDigits)
	return syllable(num(setData, (start+i)*syllableDigits, syllableDigits))
}

func (rs readings) has(s string) bool {
	for i := range rs.Len() {
		if rs.At(i) == s {
			return true
		}
	}
	return false
}

func syllable(i int) string {
	s := syllableTable[i*syllableWidth : (i+1)*syllableWidth]
	return strings.TrimRight(s, " ")
}

// surnames lists family names whose reading differs from the characters'
// most common one (曾 is usually céng, the family name is Zēng), compound
// ones first so that 单于 wins over 单 and 长孙 over 长. Each entry is the
// characters followed by their syllables separated by commas.
const surnames = "万俟mo,qi 尉迟yu,chi 单于chan,yu 澹台tan,tai 长孙zhang,sun " +
	"曾zeng 单shan 解xie 乐yue 仇qiu 区ou 朴piao 查zha 盖ge 缪miao 种chong " +
	"秘bi 覃qin 翟zhai 重chong 召shao 员yun 折she 长chang 隗wei 薄bo 句gou " +
	"繁po 洗xian 蕃pi 祭zhai 乜nie 都du 炅gui 能nai 佴nai 阚kan"

// surname returns the family-name readings of the characters that begin
// name (one or two of them), or nothing when the most common readings are
// right.
func surname(name string) []string {
	rest := surnames
	for rest != "" {
		var entry string
		entry, rest, _ = strings.Cut(rest, " ")
		i := strings.IndexFunc(entry, func(r rune) bool { return r < utf8.RuneSelf })
		if i > 0 && strings.HasPrefix(name, entry[:i]) {
			return strings.Split(entry[i:], ",")
		}
	}
	return nil
}

// hanReadings returns the readings of r most common first, with pref (a
// family-name reading) moved to the front when r has it.
func hanReadings(r rune, pref string) []string {
	rs := lookup(r)
	n := rs.Len()
	if n == 0 {
		return nil
	}
	out := make([]string, 0, n+1)
	if pref != "" && rs.has(pref) {
		out = append(out, pref)
	}
	for i := range n {
		if s := rs.At(i); len(out) == 0 || s != out[0] {
			out = append(out, s)
		}
	}
	return out
}

// Pinyin returns the most common pinyin of s, syllables separated by
// spaces and other text kept as it is: Pinyin("王科长") is "wang ke zhang",
// Pinyin("Tom王") is "Tom wang". A family name at the start takes its
// family-name reading: Pinyin("曾伟") is "zeng wei", not "ceng wei".
func Pinyin(s string) string {
	if !hasHan(s) {
		return s
	}
	lead := strings.TrimLeftFunc(s, unicode.IsSpace)
	pref := surname(lead)
	start := len(s) - len(lead)

	var b strings.Builder
	b.Grow(len(s) * 2)
	const (
		none = iota
		syl
		word
	)
	prev := none
	k := 0 // index in the run of Han characters that begins lead; -1 after it
	for i, r := range s {
		rs := lookup(r)
		if rs == 0 {
			if i >= start {
				k = -1
			}
			if prev == syl && isWordRune(r) {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			prev = none
			if isWordRune(r) {
				prev = word
			}
			continue
		}
		p := rs.At(0)
		if k >= 0 && k < len(pref) && rs.has(pref[k]) {
			p = pref[k]
		}
		if k >= 0 {
			k++
		}
		if prev != none {
			b.WriteByte(' ')
		}
		b.WriteString(p)
		prev = syl
	}
	return b.String()
}

// SortKey returns a key under which names sort by their pinyin among Latin
// names: 王科长 sorts as "wang ke zhang", between "Wang" and "Webb". Names
// with the same pinyin are ordered by the name itself, so the order is
// total and stable. Compare keys bytewise (SQLite's BINARY collation).
func SortKey(s string) string {
	// 0x1f sorts below every character Fold keeps, so a name sorts before
	// its own continuations ("wang" < "wang fei").
	return Fold(Pinyin(s)) + "\x1f" + s
}

// hasHan reports whether s may contain a character with a reading; a
// quick test on bytes lets Latin text skip the table.
func hasHan(s string) bool {
	for i := 0; i < len(s); i++ {
		// 〇 (U+3007) is the lowest code point with a reading; its UTF-8
		// form starts with 0xE3, as do everything up to U+3FFF.
		if s[i] >= 0xE3 {
			return true
		}
	}
	return false
}

// isWordRune reports whether r belongs to a word, as opposed to spacing
// and punctuation that separate words.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}
