package match

import (
	"slices"
	"testing"
)

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"abc", "abc", 0},
		{"kitten", "sitting", 3},
		{"flaw", "lawn", 2},
		{"wang", "wnag", 2},
		{"王科长", "王长", 1},
		{"王科长", "汪科长", 1},
		{"张伟", "zhang", 5},
		{"naïve", "naive", 1},
		{"abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789", "bcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789", 1},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := Distance(tt.b, tt.a); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d (symmetry)", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestDistanceShortDoesNotAllocate(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _ = Distance("wangkezhang", "wnagkezhang") }); n != 0 {
		t.Errorf("Distance allocates %v times", n)
	}
}

func TestClosest(t *testing.T) {
	book := []string{"张伟", "王科长", "Wang Fei", "李娜", "Anna Schmidt", "王伟", "Annabel Lee", "曾伟"}
	tests := []struct {
		query string
		n     int
		want  []string
	}{
		// An equal key first, then prefixes in input order.
		{"wang", 3, []string{"王科长", "Wang Fei", "王伟"}},
		{"wangwei", 1, []string{"王伟"}},
		{"wkz", 1, []string{"王科长"}},
		{"zw", 2, []string{"张伟", "曾伟"}},
		{"anna", 5, []string{"Anna Schmidt", "Annabel Lee", "李娜", "张伟", "王科长"}},
		// A word of a key.
		{"schmidt", 1, []string{"Anna Schmidt"}},
		{"fei", 1, []string{"Wang Fei"}},
		// Typos, by edit distance.
		{"wnagfei", 1, []string{"Wang Fei"}},
		{"ana schmit", 1, []string{"Anna Schmidt"}},
		{"lina", 1, []string{"李娜"}},
		{"lnia", 1, []string{"李娜"}},
		{"zhangwie", 1, []string{"张伟"}},
		{"王克长", 1, []string{"王科长"}},
		{"x", 0, nil},
	}
	for _, tt := range tests {
		got := Closest(tt.query, book, tt.n)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Closest(%q, %d) = %q, want %q", tt.query, tt.n, got, tt.want)
		}
	}
	if got := Closest("x", nil, 3); len(got) != 0 {
		t.Errorf("Closest over no candidates = %q", got)
	}
	if got := Closest("zzz", []string{"b", "a", "c"}, 10); !slices.Equal(got, []string{"b", "a", "c"}) {
		t.Errorf("ties do not keep input order: %q", got)
	}
}

func BenchmarkClosest(b *testing.B) {
	book := make([]string, 0, 500)
	for i := 0; i < 100; i++ {
		book = append(book, "王科长", "Anna Schmidt", "欧阳娜娜", "Tom 王", "张伟")
	}
	b.ReportAllocs()
	for b.Loop() {
		Closest("wnag", book, 3)
	}
}
