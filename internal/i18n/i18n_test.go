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
