package match

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// maxCombos caps the readings of a name that get keys: a name of three
// characters with three readings each would otherwise have 27. Every key
// is a row to write and a chance of a false match, so rare combinations go.
const maxCombos = 8

// KeyKind says what a search key of a name is made of.
type KeyKind uint8

const (
	KeyName     KeyKind = iota + 1 // the folded name, or the same without spaces
	KeyPinyin                      // the full pinyin of a reading ("wangkezhang"); Latin words as they are
	KeyInitials                    // the initials of a reading ("wkz"; "as" for "Anna Schmidt")
)

// Key is one search key of a name. Rare marks the pinyin and initials of
// readings other than the common one: a character in a reading that is not
// its most common one (方 as wang, 许 as hu, 王 as yu) or, at the start of a
// name, not its family-name one (曾 as ceng). A rare key should find a name
// only when no common key finds anything, or "wang" would find 方总.
type Key struct {
	Text string
	Kind KeyKind
	Rare bool
}

// Keys returns the texts of NameKeys, in its order.
//
// Keys("王科长") is [王科长 wangkezhang wkz wangkechang yukezhang yukechang
// wkc ykz ykc].
func Keys(name string) []string {
	ks := NameKeys(name)
	if ks == nil {
		return nil
	}
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.Text
	}
	return out
}

// NameKeys returns the search keys of a name: a folded query finds the name
// when it is a prefix of one of them. The texts are non-empty and distinct,
// and the keys always come in this order:
//
//   - Fold(name) itself, then the same without spaces ("anna schmidt",
//     "annaschmidt");
//   - the full pinyin of each common combination of readings, joined
//     ("wangkezhang"); Latin words take part as they are. There is no spaced
//     form: callers drop the spaces of a query before matching it to keys
//     other than the first;
//   - the initials of each common combination ("wkz"; "as" for "Anna
//     Schmidt"), when the name has at least two words or characters;
//   - then the same two for the rare combinations, marked Rare.
//
// Combinations are ordered by how common their readings are: the most
// common reading of every character first, then one character at a time in
// its next reading, and so on, at most 8 of them. A family name at the
// start counts in its family-name reading first (曾 as zeng, not ceng).
// Syllables with ü are also keyed with u (吕: lv and lu), as people type
// both; the u spelling is as common as the reading it spells. A text that
// is both a common and a rare key is kept once, as common.
func NameKeys(name string) []Key {
	f := Fold(name)
	if f == "" {
		return nil
	}
	keys := make([]Key, 0, 16)
	add := func(k string, kind KeyKind, rare bool) {
		if k == "" {
			return
		}
		for _, have := range keys {
			if have.Text == k {
				return
			}
		}
		keys = append(keys, Key{Text: k, Kind: kind, Rare: rare})
	}
	add(f, KeyName, false)
	add(strings.ReplaceAll(f, " ", ""), KeyName, false)

	units, common := splitUnits(f)
	if len(units) == 0 {
		return keys
	}
	combos := combinations(units, maxCombos)
	isRare := func(c []int) bool {
		for i, k := range c {
			if k >= common[i] {
				return true
			}
		}
		return false
	}
	var b strings.Builder
	for _, rare := range []bool{false, true} {
		for _, c := range combos {
			if isRare(c) != rare {
				continue
			}
			b.Reset()
			for i, u := range units {
				b.WriteString(u[c[i]])
			}
			add(b.String(), KeyPinyin, rare)
		}
		if len(units) < 2 {
			continue
		}
		for _, c := range combos {
			if isRare(c) != rare {
				continue
			}
			b.Reset()
			for i, u := range units {
				s := u[c[i]]
				_, n := utf8.DecodeRuneInString(s)
				b.WriteString(s[:n])
			}
			add(b.String(), KeyInitials, rare)
		}
	}
	return keys
}

// splitUnits cuts folded text into the units that pinyin and initials are
// made of: each Han character with a reading, and each word of other
// letters and digits. A unit is its list of spellings, most common first;
// a word has one. common[i] is how many of unit i's first spellings are
// its common reading (the first, or the family-name one, and its u
// spelling); the others are rare.
func splitUnits(f string) (units [][]string, common []int) {
	units = make([][]string, 0, min(utf8.RuneCountInString(f), 64))
	common = make([]int, 0, cap(units))
	word1 := func(w string) {
		units = append(units, []string{w})
		common = append(common, 1)
	}
	pref := surname(f)
	lead := 0 // index in the run of Han characters that begins f; -1 after it
	word := -1
	for i, r := range f {
		if rs := lookup(r); rs != 0 {
			if word >= 0 {
				word1(f[word:i])
				word = -1
			}
			p := ""
			if lead >= 0 && lead < len(pref) {
				p = pref[lead]
			}
			if lead >= 0 {
				lead++
			}
			u, n := withU(hanReadings(r, p))
			units = append(units, u)
			common = append(common, n)
			continue
		}
		lead = -1
		if isWordRune(r) {
			if word < 0 {
				word = i
			}
			continue
		}
		if word >= 0 {
			word1(f[word:i])
			word = -1
		}
	}
	if word >= 0 {
		word1(f[word:])
	}
	return units, common
}

// withU adds the u spelling of the ü syllables: that of the first reading
// right after it (moved there when it is a reading too), those of the
// others at the end. It returns the spellings
// and how many lead them that spell the first reading (1 or 2).
func withU(rs []string) ([]string, int) {
	common := 1
	for i := 0; i < len(rs); i++ {
		var u string
		switch rs[i] {
		case "lv":
			u = "lu"
		case "lve":
			u = "lue"
		case "nv":
			u = "nu"
		case "nve":
			u = "nue"
		default:
			continue
		}
		j := slices.Index(rs, u)
		switch {
		case i == 0: // also when u is a reading of its own: 绿 lv, lu
			if j > 0 {
				rs = slices.Delete(rs, j, j+1)
			}
			rs = slices.Insert(rs, 1, u)
			common = 2
			i++
		case j < 0:
			rs = append(rs, u)
		}
	}
	return rs, common
}

// combinations returns up to limit choices of one spelling per unit, in
// increasing order of the sum of the chosen spellings' ranks, ties in
// lexicographic order: all units in their first spelling, then one unit in
// its second (the last unit first), and so on. A cap thus drops the least
// likely readings, never a unit's second one while a third is kept.
func combinations(units [][]string, limit int) [][]int {
	// Only units with several spellings vary; poly lists them.
	poly := make([]int, 0, len(units))
	for i, u := range units {
		if len(u) > 1 {
			poly = append(poly, i)
		}
	}
	n := len(poly)
	// room[j] is the largest rank sum that poly[j:] can take.
	room := make([]int, n+1)
	for j := n - 1; j >= 0; j-- {
		room[j] = room[j+1] + len(units[poly[j]]) - 1
	}
	total := 1 // how many choices there will be
	for _, u := range poly {
		if total *= len(units[u]); total >= limit {
			total = limit
			break
		}
	}
	out := make([][]int, 0, total)
	backing := make([]int, 0, total*len(units)) // shared by the choices
	cur := make([]int, len(units))
	var fill func(j, rem int) bool
	fill = func(j, rem int) bool {
		if j == n {
			backing = append(backing, cur...)
			out = append(out, backing[len(backing)-len(cur):len(backing):len(backing)])
			return len(out) < limit
		}
		u := poly[j]
		for k := max(0, rem-room[j+1]); k < len(units[u]) && k <= rem; k++ {
			cur[u] = k
			if !fill(j+1, rem-k) {
				return false
			}
		}
		cur[u] = 0
		return true
	}
	for sum := 0; sum <= room[0]; sum++ {
		if !fill(0, sum) {
			break
		}
	}
	return out
}
