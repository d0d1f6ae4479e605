package match

import (
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	gopinyin "github.com/mozillazg/go-pinyin"
)

func readingsOf(r rune) []string {
	rs := lookup(r)
	out := make([]string, rs.Len())
	for i := range out {
		out[i] = rs.At(i)
	}
	return out
}

func TestReadings(t *testing.T) {
	tests := []struct {
		char string
		want []string // in this order, most common first
	}{
		{"王", []string{"wang", "yu"}},
		{"张", []string{"zhang"}},
		{"李", []string{"li"}},
		{"长", []string{"zhang", "chang"}},
		{"曾", []string{"ceng", "zeng"}},
		{"单", []string{"dan", "chan", "shan"}},
		{"解", []string{"jie", "xie"}},
		{"乐", []string{"le", "yue"}},
		{"行", []string{"xing", "hang", "heng"}},
		{"吕", []string{"lv"}},
		{"女", []string{"nv", "ru"}},
		{"〇", []string{"ling", "yuan", "xing"}},
		{"㐀", []string{"qiu"}},         // U+3400, first of the dense block
		{"\U00020000", []string{"he"}}, // Extension B, sparse list
		{"a", nil},
		{"。", nil},
		{"ア", nil},
		{"한", nil},
		{"\U0010FFFF", nil},
	}
	for _, tt := range tests {
		r, _ := utf8.DecodeRuneInString(tt.char)
		got := readingsOf(r)
		if len(tt.want) == 0 {
			if len(got) != 0 {
				t.Errorf("readings(%s) = %q, want none", tt.char, got)
			}
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("readings(%s) = %q, want %q", tt.char, got, tt.want)
		}
	}
}

// TestTableMatchesGoPinyin checks the generated table against the library
// it was generated from, character by character: a go.mod upgrade of
// go-pinyin without `go generate` fails here.
func TestTableMatchesGoPinyin(t *testing.T) {
	args := gopinyin.Args{Style: gopinyin.Normal, Heteronym: true}
	checked := 0
	for k := range gopinyin.PinyinDict {
		r := rune(k)
		var want []string
		for _, p := range gopinyin.SinglePinyin(r, args) {
			p = plain(p)
			if !slices.Contains(want, p) {
				want = append(want, p)
			}
		}
		if got := readingsOf(r); !slices.Equal(got, want) {
			t.Fatalf("U+%04X %c: table has %q, go-pinyin %q", r, r, got, want)
		}
		checked++
	}
	if checked < 40000 {
		t.Fatalf("only %d characters in go-pinyin", checked)
	}
	// Code points around the covered ones have no reading.
	for r := rune(0); r < 0x3007; r++ {
		if lookup(r) != 0 {
			t.Fatalf("U+%04X has a reading", r)
		}
	}
	for r := rune(0x3000); r < 0x33000; r++ {
		if _, ok := gopinyin.PinyinDict[int(r)]; !ok && lookup(r) != 0 {
			t.Fatalf("U+%04X has a reading go-pinyin does not know", r)
		}
	}
}

// plain spells what go-pinyin's Normal style leaves (combining tone marks,
// ê) the way the generator does.
func plain(p string) string {
	var b strings.Builder
	for _, r := range p {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		case strings.ContainsRune("êếề", r):
			b.WriteByte('e')
		}
	}
	return b.String()
}

func TestSyllables(t *testing.T) {
	var all []string
	for i := range syllableCount {
		s := syllable(i)
		if s == "" || strings.Trim(s, "abcdefghijklmnopqrstuvwxyz") != "" {
			t.Fatalf("syllable %d = %q", i, s)
		}
		all = append(all, s)
	}
	if !sort.StringsAreSorted(all) {
		t.Error("syllables are not sorted")
	}
	for _, want := range []string{"a", "zhuang", "lv", "lve", "nv", "nve", "lu", "nu", "m", "n", "ng", "hm"} {
		if !slices.Contains(all, want) {
			t.Errorf("syllable %q missing", want)
		}
	}
}

// TestSurnames checks that every family-name reading of the surnames table
// is a reading of its character.
func TestSurnames(t *testing.T) {
	for _, entry := range strings.Fields(surnames) {
		i := strings.IndexFunc(entry, func(r rune) bool { return r < utf8.RuneSelf })
		chars, syls := []rune(entry[:i]), strings.Split(entry[i:], ",")
		if len(chars) != len(syls) {
			t.Errorf("%s: %d characters, %d syllables", entry, len(chars), len(syls))
			continue
		}
		for k, r := range chars {
			if !slices.Contains(readingsOf(r), syls[k]) {
				t.Errorf("%s: %c has no reading %q (has %q)", entry, r, syls[k], readingsOf(r))
			}
		}
		if len(chars) == 1 && readingsOf(chars[0])[0] == syls[0] {
			t.Errorf("%s: %q is already the most common reading", entry, syls[0])
		}
	}
}

func TestPinyin(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"王科长", "wang ke zhang"},
		{"张伟", "zhang wei"},
		{"李娜", "li na"},
		{"欧阳娜娜", "ou yang na na"},
		{"司马光", "si ma guang"},
		{"诸葛亮", "zhu ge liang"},
		// Family names in their family-name reading, at the start only.
		{"曾伟", "zeng wei"},
		{"单田芳", "shan tian fang"},
		{"解缙", "xie jin"},
		{"乐嘉", "yue jia"},
		{"仇英", "qiu ying"},
		{"区志明", "ou zhi ming"},
		{"朴槿惠", "piao jin hui"},
		{"长孙无忌", "zhang sun wu ji"},
		{"尉迟恭", "yu chi gong"},
		{"万俟卨", "mo qi xie"},
		{"单于", "chan yu"},
		{"  曾伟", "  zeng wei"},
		{"王曾", "wang ceng"},
		{"Tom 曾", "Tom ceng"},
		{"曾经", "zeng jing"}, // a name is assumed; text that is not one may read oddly
		// Other text is kept, separated from syllables by a space where it
		// is a word.
		{"Anna Schmidt", "Anna Schmidt"},
		{"Tom 王", "Tom wang"},
		{"Tom王", "Tom wang"},
		{"王Tom", "wang Tom"},
		{"王科长(ABC)", "wang ke zhang(ABC)"},
		{"张伟 2", "zhang wei 2"},
		{"吕布", "lv bu"},
		{"〇〇七", "ling ling qi"},
		{"李　娜", "li　na"},
		{"日本語とかな", "ri ben yu とかな"},
	}
	for _, tt := range tests {
		if got := Pinyin(tt.in); got != tt.want {
			t.Errorf("Pinyin(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDoesNotAllocate(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _ = Pinyin("Anna Schmidt") }); n != 0 {
		t.Errorf("Pinyin of Latin text allocates %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() {
		for _, r := range "单王〇\U00020000" {
			rs := lookup(r)
			for i := range rs.Len() {
				_ = rs.At(i)
			}
		}
	}); n != 0 {
		t.Errorf("a table look-up allocates %v times", n)
	}
}

func TestSortKey(t *testing.T) {
	names := []string{"Webb", "王科长", "Anna", "张伟", "wang", "汪峰", "Wang Fei", "王菲", "曾伟", "Zhang", "李娜", "Émile", "eve", "Zoe", "单田芳", "王"}
	want := []string{"Anna", "Émile", "eve", "李娜", "单田芳", "wang", "王", "Wang Fei", "王菲", "汪峰", "王科长", "Webb", "曾伟", "Zhang", "张伟", "Zoe"}
	got := slices.Clone(names)
	sort.Slice(got, func(i, j int) bool { return SortKey(got[i]) < SortKey(got[j]) })
	if !slices.Equal(got, want) {
		t.Errorf("sorted by SortKey:\n got %q\nwant %q", got, want)
	}
	if SortKey("王菲") == SortKey("王非") {
		t.Error("different names with the same pinyin have the same key")
	}
}
