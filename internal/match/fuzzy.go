package match

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Distance returns the Levenshtein edit distance between a and b counted in
// runes: the fewest insertions, deletions and substitutions of one rune
// that turn a into b.
func Distance(a, b string) int {
	if a == b {
		return 0
	}
	var abuf, bbuf [64]rune
	ra, rb := appendRunes(abuf[:0], a), appendRunes(bbuf[:0], b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra // the row runs over the shorter string
	}
	if len(rb) == 0 {
		return len(ra)
	}
	var rowbuf [65]int
	row := rowbuf[:0]
	if len(rb)+1 > len(rowbuf) {
		row = make([]int, 0, len(rb)+1)
	}
	for j := 0; j <= len(rb); j++ {
		row = append(row, j)
	}
	for i := 1; i <= len(ra); i++ {
		diag := row[0] // distance of ra[:i-1], rb[:j-1]
		row[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			next := min(row[j]+1, row[j-1]+1, diag+cost)
			diag, row[j] = row[j], next
		}
	}
	return row[len(rb)]
}

func appendRunes(buf []rune, s string) []rune {
	for _, r := range s {
		buf = append(buf, r)
	}
	return buf
}

// Closest returns at most n of candidates, the most similar to query first:
// the query is folded and compared with each candidate's Keys, and a
// candidate counts as well as its best key. Candidates with a key equal to
// the query come first, then those with a key that starts with it, then
// those with a key one of whose words starts with it ("schmidt" in "anna
// schmidt", "ke" in "wang ke zhang"), then the rest by edit distance, where
// a key may also be cut to the query's length (a typo early in a long name
// is still close). Candidates that rank equal keep their order. No
// candidate is left out for being far; callers that offer suggestions
// decide with Distance what is close enough.
func Closest(query string, candidates []string, n int) []string {
	if n <= 0 || len(candidates) == 0 {
		return nil
	}
	q := Fold(query)
	type scored struct {
		class, dist int
		name        string
	}
	all := make([]scored, len(candidates))
	for i, c := range candidates {
		all[i] = scored{class: 3, dist: int(^uint(0) >> 1), name: c}
		for _, k := range Keys(c) {
			switch class := matchClass(q, k); {
			case class < all[i].class:
				all[i].class, all[i].dist = class, 0
			case class == 3 && all[i].class == 3:
				all[i].dist = min(all[i].dist, editScore(q, k))
			}
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].class != all[j].class {
			return all[i].class < all[j].class
		}
		return all[i].dist < all[j].dist
	})
	out := make([]string, 0, min(n, len(all)))
	for _, s := range all[:min(n, len(all))] {
		out = append(out, s.name)
	}
	return out
}

// matchClass places key in one of the classes of Closest: 0 equal, 1
// prefix, 2 word prefix, 3 other.
func matchClass(q, key string) int {
	switch {
	case q == key:
		return 0
	case strings.HasPrefix(key, q):
		return 1
	case q != "" && strings.Contains(key, " "+q):
		return 2
	}
	return 3
}

// editScore orders the keys of class 3: the edit distance from q to key,
// or to key cut to q's length plus one, whichever is less. The one extra
// makes the key that ends where q ends win over one that goes on.
func editScore(q, key string) int {
	dist := Distance(q, key)
	n := utf8.RuneCountInString(q)
	for i := range key {
		if n == 0 {
			return min(dist, Distance(q, key[:i])+1)
		}
		n--
	}
	return dist
}
