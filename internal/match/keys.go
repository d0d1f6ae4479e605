package match

import (
	"strings"
	"unicode/utf8"
)

// maxCombos caps the readings of a name that get keys: a name of three
// characters with three readings each would otherwise have 27. Every key
// is a row to write and a chance of a false match, so rare combinations go.
const maxCombos = 8

// Keys returns the search keys of a name: a folded query finds the name
// when it is a prefix of one of them. The keys are non-empty, distinct, and
// always in this order:
//
//   - Fold(name) itself, then the same without spaces ("anna schmidt",
//     "annaschmidt");
//   - the full pinyin of each combination of readings, joined ("wangkezhang");
//     Latin words take part as they are. There is no spaced form: callers
//     drop the spaces of a query before matching it to keys other than the first;
//   - the initials of each combination ("wkz"; "as" for "Anna Schmidt"),
//     when the name has at least two words or characters.
//
// Combinations are ordered by how common their readings are: the most
// common reading of every character first, then one character at a time in
// its next reading, and so on, at most 8 of them. A family name at the
// start counts in its family-name reading first (曾 as zeng, not ceng).
// Syllables with ü are also keyed with u (吕: lv and lu), as people type
// both.
//
// Keys("王科长") is [王科长 wangkezhang wangkechang yukezhang yukechang
// wkz wkc ykz ykc].
func Keys(name string) []string {
	f := Fold(name)
	if f == "" {
		return nil
	}
	keys := make([]string, 0, 16)
	add := func(k string) {
		if k == "" {
			return
		}
		for _, have := range keys {
			if have == k {
				return
			}
		}
		keys = append(keys, k)
	}
	add(f)
	add(strings.ReplaceAll(f, " ", ""))

	units := splitUnits(f)
	if len(units) == 0 {
		return keys
	}
	combos := combinations(units, maxCombos)
	var b strings.Builder
	for _, c := range combos {
		b.Reset()
		for i, u := range units {
			b.WriteString(u[c[i]])
		}
		add(b.String())
	}
	if len(units) >= 2 {
		for _, c := range combos {
			b.Reset()
			for i, u := range units {
				s := u[c[i]]
				_, n := utf8.DecodeRuneInString(s)
				b.WriteString(s[:n])
			}
			add(b.String())
		}
	}
	return keys
}

// splitUnits cuts folded text into the units that pinyin and initials are
// made of: each Han character with a reading, and each word of other
// letters and digits. A unit is its list of spellings, most common first;
// a word has one.
func splitUnits(f string) [][]string {
	units := make([][]string, 0, min(utf8.RuneCountInString(f), 64))
	pref := surname(f)
	lead := 0 // index in the run of Han characters that begins f; -1 after it
	word := -1
	for i, r := range f {
		if rs := lookup(r); rs != 0 {
			if word >= 0 {
				units = append(units, []string{f[word:i]})
				word = -1
			}
			p := ""
			if lead >= 0 && lead < len(pref) {
				p = pref[lead]
			}
			if lead >= 0 {
				lead++
			}
			units = append(units, withU(hanReadings(r, p)))
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
			units = append(units, []string{f[word:i]})
			word = -1
		}
	}
	if word >= 0 {
		units = append(units, []string{f[word:]})
	}
	return units
}

// withU adds the u spelling of the ü syllables after all other readings.
func withU(rs []string) []string {
	for _, s := range rs {
		var u string
		switch s {
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
		if !contains(rs, u) {
			rs = append(rs, u)
		}
	}
	return rs
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
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
