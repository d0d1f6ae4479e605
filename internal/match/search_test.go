package match

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestIndexText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"昨天和张伟吃饭", "昨天 天和 和张 张伟 伟吃 吃饭 昨 天 和 张 伟 吃 饭"},
		{"王", "王"},
		{"王 科长", "科长 王 科 长"},
		{"Quote 设备 before Friday", "quote 设备 before friday 设 备"},
		{"iPhone设备", "iphone 设备 设 备"},
		{"设备。采购", "设备 。 采购 设 备 采 购"},
		{"Müller GmbH", "muller gmbh"},
		{"ＡＢＣ１２３", "abc123"},
		{"カタカナ", "カタ タカ カナ カ タ カ ナ"},
	} {
		if got := IndexText(tc.in); got != tc.want {
			t.Errorf("IndexText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSearchTerms(t *testing.T) {
	han := func(s string) SearchTerm { return SearchTerm{Han: s} }
	ws := func(w ...string) SearchTerm { return SearchTerm{Words: w} }
	for _, tc := range []struct {
		in   string
		want []SearchTerm
	}{
		{"", nil},
		{"  ", nil},
		{"!!! ，。 --", nil},
		{"张伟", []SearchTerm{han("张伟")}},
		{"王 科长", []SearchTerm{han("王"), han("科长")}},
		{"quote 设备", []SearchTerm{ws("quote"), han("设备")}},
		{"quote设备", []SearchTerm{ws("quote"), han("设备")}},
		{"设备。采购", []SearchTerm{han("设备"), han("采购")}},
		{"O'Brien", []SearchTerm{ws("o", "brien")}},
		{"ZÜRICH", []SearchTerm{ws("zurich")}},
		{`"a OR b"`, []SearchTerm{ws("a"), ws("or"), ws("b")}},
	} {
		if got := SearchTerms(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("SearchTerms(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestSearchTermTokens(t *testing.T) {
	for _, tc := range []struct {
		term SearchTerm
		want string
	}{
		{SearchTerm{Han: "王"}, "王"},
		{SearchTerm{Han: "张伟"}, "张伟"},
		{SearchTerm{Han: "设备采购"}, "设备 备采 采购"},
		{SearchTerm{Words: []string{"o", "brien"}}, "o brien"},
	} {
		if got := strings.Join(tc.term.Tokens(), " "); got != tc.want {
			t.Errorf("%+v.Tokens() = %q, want %q", tc.term, got, tc.want)
		}
	}
}

// Every token of a query is a token of the index text of any text that
// holds the query: what makes a query found inside a sentence.
func TestQueryTokensAreIndexed(t *testing.T) {
	text := "上周三和张伟在设备科讨论了设备采购，他说 Quotation by Friday"
	idx := map[string]bool{}
	for _, tok := range strings.Fields(IndexText(text)) {
		idx[tok] = true
	}
	for _, q := range []string{"张", "张伟", "设备", "备采", "设备采购", "讨论了设备", "quotation", "friday"} {
		for _, term := range SearchTerms(q) {
			for _, tok := range term.Tokens() {
				if !idx[tok] {
					t.Errorf("query %q: token %q is not in the index text %q", q, tok, IndexText(text))
				}
			}
		}
	}
}

func TestFindTerms(t *testing.T) {
	for _, tc := range []struct {
		text, query string
		want        []string
	}{
		{"昨天和张伟吃饭", "张伟", []string{"张伟"}},
		{"王科长和王总", "王", []string{"王", "王"}},
		{"Quotation sent; quote again", "quot", []string{"Quotation", "quote"}},
		{"Frühstück in Zürich", "zurich", []string{"Zürich"}},
		{"quote 设备 before Friday", "quote 设备", []string{"quote", "设备"}},
		{"设备设备", "设备", []string{"设备设备"}}, // touching matches are one
		{"nothing here", "设备", nil},
	} {
		var got []string
		for _, s := range FindTerms(tc.text, SearchTerms(tc.query)) {
			got = append(got, tc.text[s[0]:s[1]])
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("FindTerms(%q, %q) = %q, want %q", tc.text, tc.query, got, tc.want)
		}
	}
}

func TestPinyinKeys(t *testing.T) {
	got := PinyinKeys("王科长")
	if len(got) == 0 || got[0] != "wangkezhang" || !slices.Contains(got, "wkz") {
		t.Errorf("PinyinKeys(王科长) = %q, want wangkezhang and wkz first", got)
	}
	if got := PinyinKeys("Anna Schmidt"); got != nil {
		t.Errorf("PinyinKeys of a Latin name = %q, want none", got)
	}
}
