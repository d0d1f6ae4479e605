package i18n

import (
	"regexp"
	"slices"
	"testing"
)

var verb = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

// TestComplete checks that every message has its other language, with the
// same fmt verbs in the same order.
func TestComplete(t *testing.T) {
	for k, e := range en {
		z, ok := zh[k]
		if !ok {
			t.Errorf("%q has no Chinese message", k)
			continue
		}
		if ve, vz := verb.FindAllString(e, -1), verb.FindAllString(z, -1); !slices.Equal(ve, vz) {
			t.Errorf("%q: verbs %v in English, %v in Chinese", k, ve, vz)
		}
		if e == "" || z == "" {
			t.Errorf("%q: empty message", k)
		}
	}
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("%q has no English message", k)
		}
	}
}

func TestT(t *testing.T) {
	if got := T("zh_CN.UTF-8", "tab.contacts"); got != "联系人" {
		t.Errorf("T(zh, tab.contacts) = %q", got)
	}
	if got := T("", "tab.contacts"); got != "Contacts" {
		t.Errorf("T(\"\", tab.contacts) = %q", got)
	}
	if got := T("zh", "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key = %q", got)
	}
}

var (
	indexed  = regexp.MustCompile(`%(\[\d+\])?([-+# 0-9.]*[a-zA-Z%])`)
	backtick = regexp.MustCompile("`[^`]*`")
)

// TestTextVerbs checks that every Chinese text of the CLI formats the same
// arguments as its English (in any order, by explicit index), and keeps
// the backquoted names of flag usages, which pflag shows as the value.
func TestTextVerbs(t *testing.T) {
	verbs := func(s string) []string {
		var out []string
		for _, m := range indexed.FindAllStringSubmatch(s, -1) {
			out = append(out, m[2])
		}
		slices.Sort(out)
		return out
	}
	for e, z := range Texts() {
		if z == "" {
			t.Errorf("%q: empty Chinese", e)
			continue
		}
		if ve, vz := verbs(e), verbs(z); !slices.Equal(ve, vz) {
			t.Errorf("%q: verbs %v in English, %v in Chinese %q", e, ve, vz, z)
		}
		if be, bz := backtick.FindAllString(e, -1), backtick.FindAllString(z, -1); !slices.Equal(be, bz) {
			t.Errorf("%q: backquoted %v in English, %v in Chinese", e, be, bz)
		}
	}
}

func TestText(t *testing.T) {
	if got := Text("zh_CN.UTF-8", "no contacts"); got != "没有联系人" {
		t.Errorf("Text(zh, no contacts) = %q", got)
	}
	if got := Text("en", "no contacts"); got != "no contacts" {
		t.Errorf("Text(en) = %q", got)
	}
	if got := Sprintf("zh", "no help for %q", "x"); got != `没有关于 "x" 的帮助` {
		t.Errorf("Sprintf(zh) = %q", got)
	}
	if got := Text("zh", "a text nobody translated"); got != "a text nobody translated" {
		t.Errorf("missing text = %q", got)
	}
}

func TestResolve(t *testing.T) {
	for _, tc := range []struct {
		flag string
		env  map[string]string
		want string
	}{
		{"", nil, "en"},
		{"zh", map[string]string{"LANG": "en_US.UTF-8"}, "zh"},
		{"en", map[string]string{"LC_ALL": "zh_CN.UTF-8"}, "en"},
		{"", map[string]string{"LANG": "zh_CN.UTF-8"}, "zh"},
		{"", map[string]string{"LC_MESSAGES": "zh_TW", "LANG": "en_US"}, "zh"},
		{"", map[string]string{"LC_ALL": "C", "LC_MESSAGES": "zh_CN", "LANG": "zh_CN"}, "en"},
		{"", map[string]string{"LC_ALL": "zh_CN.UTF-8", "LANG": "C"}, "zh"},
	} {
		if got := Resolve(tc.flag, func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("Resolve(%q, %v) = %s, want %s", tc.flag, tc.env, got, tc.want)
		}
	}
}

// BenchmarkCLICatalogue is what the first Chinese text costs a command:
// building the CLI's table once.
func BenchmarkCLICatalogue(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = zhCLI()
	}
}
