package match

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"anna", "anna"},
		{"Anna Schmidt", "anna schmidt"},
		{"  Anna \t\n Schmidt  ", "anna schmidt"},
		{"ＡＢＣ　ｄｅｆ１２３", "abc def123"},
		{"José Müller", "jose muller"},
		{"Ærø Straße", "aero strasse"},
		{"Łukasz Żółć", "lukasz zolc"},
		{"Nguyễn Văn Ấn", "nguyen van an"},
		{"Zoë", "zoe"},
		{"Jose\u0301", "jose"}, // decomposed accent
		{"Wáng Kēzhǎng", "wang kezhang"},
		{"Lǚ Bù", "lv bu"},
		{"王科长", "王科长"},
		{"Tom 王", "tom 王"},
		{" 王\u3000科长 ", "王 科长"},
		{"ΑΘΗΝΑ", "αθηνα"},
		{"a\u200bb\ufeffc", "abc"}, // zero-width space, BOM
		{"a\u202eb", "ab"},         // bidi override
		{"a\x1b[31mb", "a[31mb"},   // a control character goes, its text stays
		{"a\xffb", "ab"},           // invalid UTF-8
		{"\x00\x07", ""},           // controls only
		{"O'Brien-Smith", "o'brien-smith"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if again := Fold(tt.want); again != tt.want {
			t.Errorf("Fold(%q) = %q, not idempotent", tt.want, again)
		}
	}
}

func TestFoldTables(t *testing.T) {
	if len(latinFold) != 0x250-0xC0 {
		t.Errorf("latinFold has %d entries, want %d", len(latinFold), 0x250-0xC0)
	}
	if len(latinExtFold) != 0x100 {
		t.Errorf("latinExtFold has %d entries, want 256", len(latinExtFold))
	}
	for _, table := range []string{latinFold, latinExtFold} {
		if strings.Trim(table, " abcdefghijklmnopqrstuvwxyz") != "" {
			t.Errorf("fold table holds something other than letters and spaces")
		}
	}
}

func TestFoldFoldedDoesNotAllocate(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _ = Fold("anna schmidt") }); n != 0 {
		t.Errorf("Fold of folded text allocates %v times", n)
	}
}

func TestKeys(t *testing.T) {
	tests := []struct {
		name    string
		want    []string // exactly, in order; nil to check only has
		has     []string
		hasNot  []string
		maxKeys int
	}{
		{name: "", want: nil},
		{name: "   ", want: nil},
		{
			name: "王科长",
			want: []string{"王科长",
				"wangkezhang", "wkz",
				"wangkechang", "yukezhang", "yukechang", "wkc", "ykz", "ykc"},
		},
		{name: "张伟", want: []string{"张伟", "zhangwei", "zw"}},
		{name: "李娜", has: []string{"李娜", "lina", "ln", "linuo"}},
		{name: "欧阳娜娜", has: []string{"ouyangnana", "oynn"}},
		{name: "曾伟", want: []string{"曾伟", "zengwei", "zw", "cengwei", "cw"}},
		{name: "单田芳", has: []string{"shantianfang", "dantianfang", "stf", "dtf"}},
		{name: "解缙", has: []string{"xiejin", "jiejin", "xj", "jj"}},
		{name: "乐嘉", has: []string{"yuejia", "lejia", "yj", "lj"}},
		{name: "长孙无忌", has: []string{"zhangsunwuji", "changsunwuji", "zswj"}},
		{name: "吕布", has: []string{"lvbu", "lubu", "lb"}},
		{name: "王", want: []string{"王", "wang", "yu"}},
		{name: "Anna Schmidt", want: []string{"anna schmidt", "annaschmidt", "as"}},
		{name: "anna", want: []string{"anna"}},
		{name: "José Müller", want: []string{"jose muller", "josemuller", "jm"}},
		{
			name: "Tom 王",
			want: []string{"tom 王", "tom王", "tomwang", "tw", "tomyu", "ty"},
		},
		{name: "Tom王", has: []string{"tom王", "tomwang", "tw"}},
		{name: "王科长 (ABC公司)", has: []string{"王科长 (abc公司)", "wangkezhangabcgongsi", "wkzags"}},
		{name: "O'Brien", has: []string{"o'brien", "obrien", "ob"}},
		{name: "ＡＢＣ", want: []string{"abc"}},
		{name: "!!!", want: []string{"!!!"}},
		// Many polyphones: capped, yet each character is keyed in each of
		// its readings with the others at their most common one.
		{name: "行长重朝", maxKeys: 2 + 2*maxCombos, has: []string{"xingzhangzhongchao", "hangzhangzhongchao", "xingchangzhongchao", "xingzhangchongchao", "xingzhangzhongzhao"}},
		{name: "那那那那那那那那", maxKeys: 2 + 2*maxCombos},
	}
	for _, tt := range tests {
		got := Keys(tt.name)
		if tt.want != nil || (tt.has == nil && tt.maxKeys == 0) {
			if !slices.Equal(got, tt.want) {
				t.Errorf("Keys(%q) =\n %q\nwant\n %q", tt.name, got, tt.want)
			}
		}
		for _, k := range tt.has {
			if !slices.Contains(got, k) {
				t.Errorf("Keys(%q) = %q, lacks %q", tt.name, got, k)
			}
		}
		if tt.maxKeys > 0 && len(got) > tt.maxKeys {
			t.Errorf("Keys(%q) has %d keys, more than %d", tt.name, len(got), tt.maxKeys)
		}
		if len(got) > 0 && got[0] != Fold(tt.name) {
			t.Errorf("Keys(%q)[0] = %q, want Fold = %q", tt.name, got[0], Fold(tt.name))
		}
	}
}

// TestNameKeysRare checks which keys come from rare readings: those find a
// name only when nothing matches a common key (方 read wang must not
// compete with 王).
func TestNameKeysRare(t *testing.T) {
	tests := []struct {
		name         string
		common, rare []string
	}{
		{"方总", []string{"方总", "fangzong", "fz"}, []string{"pangzong", "wangzong", "fengzong", "pz", "wz"}},
		{"许娟", []string{"许娟", "xujuan", "xj"}, []string{"hujuan", "hj"}},
		{"王科长", []string{"王科长", "wangkezhang", "wkz"}, []string{"wangkechang", "yukezhang", "wkc", "ykz"}},
		{"曾伟", []string{"zengwei", "zw"}, []string{"cengwei", "cw"}},
		{"单田芳", []string{"shantianfang", "stf"}, []string{"dantianfang", "dtf"}},
		// The u spelling of ü is the same reading, typed as people type it.
		{"吕布", []string{"lvbu", "lubu", "lb"}, nil},
		{"绿", []string{"lv", "lu"}, nil},
		{"Anna Schmidt", []string{"anna schmidt", "annaschmidt", "as"}, nil},
	}
	for _, tt := range tests {
		kinds := map[string]Key{}
		for _, k := range NameKeys(tt.name) {
			kinds[k.Text] = k
		}
		check := func(texts []string, rare bool) {
			for _, text := range texts {
				if k, ok := kinds[text]; !ok {
					t.Errorf("NameKeys(%q) lacks %q: %v", tt.name, text, NameKeys(tt.name))
				} else if k.Rare != rare {
					t.Errorf("NameKeys(%q): %q has Rare %v, want %v", tt.name, text, k.Rare, rare)
				}
			}
		}
		check(tt.common, false)
		check(tt.rare, true)
	}
	kinds := map[string]KeyKind{}
	for _, k := range NameKeys("王科长") {
		kinds[k.Text] = k.Kind
	}
	if kinds["王科长"] != KeyName || kinds["wangkezhang"] != KeyPinyin || kinds["wkz"] != KeyInitials || kinds["ykc"] != KeyInitials {
		t.Errorf("kinds of 王科长's keys: %v", kinds)
	}
}

// TestKeysFindByQuery checks the promise of the design: what a user types
// finds the contact by prefix of a key.
func TestKeysFindByQuery(t *testing.T) {
	tests := []struct{ name, query string }{
		{"王科长", "wkz"},
		{"王科长", "wang"},
		{"王科长", "wangke"},
		{"王科长", "Wang Ke"},
		{"王科长", "wangkechang"},
		{"王科长", "王科"},
		{"曾伟", "zengw"},
		{"曾伟", "cengwei"},
		{"Anna Schmidt", "anna s"},
		{"Anna Schmidt", "ANNAS"},
		{"Anna Schmidt", "as"},
		{"José Müller", "jose"},
		{"José Müller", "josé m"},
		{"ＡＢＣ Trading", "abc t"},
		{"吕布", "lubu"},
		{"吕布", "Lǚ"},
	}
	for _, tt := range tests {
		q := QueryKey(tt.query)
		found := false
		for _, k := range Keys(tt.name) {
			found = found || strings.HasPrefix(k, q) || strings.HasPrefix(k, Fold(tt.query))
		}
		if !found {
			t.Errorf("query %q (folded %q) does not find %q; keys %q", tt.query, q, tt.name, Keys(tt.name))
		}
	}
}

func TestCombinations(t *testing.T) {
	units := [][]string{{"a", "b"}, {"x"}, {"c", "d", "e"}}
	got := combinations(units, 100)
	want := [][]int{{0, 0, 0}, {0, 0, 1}, {1, 0, 0}, {0, 0, 2}, {1, 0, 1}, {1, 0, 2}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("combinations = %v, want %v", got, want)
	}
	if got := combinations(units, 3); len(got) != 3 {
		t.Errorf("combinations with limit 3 gave %d", len(got))
	}
	if got := combinations(nil, 16); len(got) != 1 || len(got[0]) != 0 {
		t.Errorf("combinations of nothing = %v, want one empty", got)
	}
}

func FuzzKeys(f *testing.F) {
	for _, s := range []string{"王科长", "Anna Schmidt", "Tom 王", "", " ", "行长重朝那那", "José\u0301", "\xff\xfe", "ＡＢＣ", "a\u202eb", "𠀀〇"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		keys := Keys(name)
		if len(keys) > 2+3*maxCombos {
			t.Fatalf("%d keys", len(keys))
		}
		seen := map[string]bool{}
		for _, k := range keys {
			if k == "" {
				t.Fatalf("Keys(%q) has an empty key: %q", name, keys)
			}
			if seen[k] {
				t.Fatalf("Keys(%q) repeats %q", name, k)
			}
			seen[k] = true
			if !utf8.ValidString(k) {
				t.Fatalf("Keys(%q) has invalid UTF-8 %q", name, k)
			}
			if Fold(k) != k {
				t.Fatalf("Keys(%q) has %q, which folds to %q", name, k, Fold(k))
			}
		}
		if f := Fold(name); (f == "") != (len(keys) == 0) || (f != "" && keys[0] != f) {
			t.Fatalf("Keys(%q) = %q, Fold = %q", name, keys, f)
		}
		for i, k := range NameKeys(name) {
			if k.Text != keys[i] || (k.Rare && k.Kind == KeyName) || (i == 0 && (k.Rare || k.Kind != KeyName)) {
				t.Fatalf("NameKeys(%q)[%d] = %+v, Keys %q", name, i, k, keys)
			}
		}
		_ = Pinyin(name)
		_ = SortKey(name)
	})
}

func BenchmarkKeys(b *testing.B) {
	for _, name := range []string{"王科长", "Anna Schmidt", "欧阳娜娜", "Tom 王"} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Keys(name)
			}
		})
	}
}

func BenchmarkFold(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Fold("José Müller")
	}
}

func BenchmarkSortKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		SortKey("王科长")
	}
}
