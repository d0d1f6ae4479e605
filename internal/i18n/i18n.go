// Package i18n is the message catalogue of crm's interfaces: every label
// by a key (a dotted id, never the sentence), in English and Chinese. The
// catalogue is read-only; the language is passed with each lookup.
package i18n

import (
	"fmt"
	"strings"
)

// Langs are the languages of the catalogue; the first is the fallback.
var Langs = []string{"en", "zh"}

var messages = map[string]map[string]string{"en": en, "zh": zh}

// Norm returns the catalogue language for lang: "zh" for any Chinese
// locale (zh, zh_CN.UTF-8), else "en".
func Norm(lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "zh") {
		return "zh"
	}
	return "en"
}

// T returns the message key in lang, formatted with args (fmt verbs) when
// there are any. A key missing in lang falls back to English, and a key
// missing in both is returned as it is, so that a gap shows but never
// panics.
func T(lang, key string, args ...any) string {
	s, ok := messages[Norm(lang)][key]
	if !ok {
		if s, ok = en[key]; !ok {
			s = key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Lookup returns the message key in lang, unformatted, and whether the
// catalogue has it.
func Lookup(lang, key string) (string, bool) {
	s, ok := messages[Norm(lang)][key]
	return s, ok
}
