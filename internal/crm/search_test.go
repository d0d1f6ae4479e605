package crm

import (
	"strings"
	"testing"
)

func TestCutSnippet(t *testing.T) {
	long := strings.Repeat("前", 40) + "张伟" + strings.Repeat("后", 80)
	i := strings.Index(long, "张伟")
	s, marks := CutSnippet(long, [][2]int{{i, i + len("张伟")}})
	h := &SearchHit{Snippet: s, Marks: marks}
	want := "…" + strings.Repeat("前", SnippetWidth) + "«张伟»" + strings.Repeat("后", 2*SnippetWidth) + "…"
	if got := h.MarkedSnippet("«", "»"); got != want {
		t.Errorf("cut = %q, want %q", got, want)
	}
	s, marks = CutSnippet("line one\nquote\tnow", [][2]int{{9, 14}})
	if h := (&SearchHit{Snippet: s, Marks: marks}); h.MarkedSnippet("[", "]") != "line one [quote] now" {
		t.Errorf("short text: %q", h.MarkedSnippet("[", "]"))
	}
	// A mark past the cut is dropped, never shifted onto other text.
	s, marks = CutSnippet("a "+strings.Repeat("x", 100)+" b", [][2]int{{0, 1}, {103, 104}})
	if len(marks) != 1 || s[marks[0][0]:marks[0][1]] != "a" {
		t.Errorf("marks %v of %q", marks, s)
	}
}

func TestSearchOptionsValidate(t *testing.T) {
	for _, tc := range []struct {
		o    SearchOptions
		fail string
	}{
		{SearchOptions{Limit: 1}, ""},
		{SearchOptions{Limit: 20, Kinds: []string{"Touch", " task "}}, ""},
		{SearchOptions{Limit: 0}, "at least 1, not 0"},
		{SearchOptions{Limit: -2}, "at least 1, not -2"},
		{SearchOptions{Limit: 5, Kinds: []string{"person"}}, `unknown kind "person"`},
	} {
		err := tc.o.Validate()
		if tc.fail == "" && err != nil || tc.fail != "" && (err == nil || !strings.Contains(err.Error(), tc.fail) || ErrorCode(err) != EINVALID) {
			t.Errorf("%+v: %v, want %q", tc.o, err, tc.fail)
		}
	}
	if err := CheckSearchQuery(strings.Repeat("长", SearchMaxText+1)); ErrorCode(err) != EINVALID {
		t.Errorf("a query too long: %v", err)
	}
}
