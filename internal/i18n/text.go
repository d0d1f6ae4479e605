package i18n

import (
	"fmt"
	"sync"
)

// The CLI's messages are looked up gettext style: the English text in the
// code is the key, so that a command added in English needs no identifier
// and shows in English until its Chinese is added to zh_cli.go. Format
// strings are keys before formatting, so a translation keeps the verbs.

// zhText is the Chinese of the CLI's English texts, built on first use:
// a command that prints no text in Chinese never pays for it.
var zhText = sync.OnceValue(zhCLI)

// Text returns s in lang: its Chinese under zh when the catalogue has it,
// else s itself.
func Text(lang, s string) string {
	if Norm(lang) == "zh" {
		if z, ok := zhText()[s]; ok && z != "" {
			return z
		}
	}
	return s
}

// Sprintf formats args with format translated into lang (see Text).
func Sprintf(lang, format string, args ...any) string {
	return fmt.Sprintf(Text(lang, format), args...)
}

// HasText reports whether the catalogue has a non-empty Chinese text for
// the English s.
func HasText(s string) bool {
	z, ok := zhText()[s]
	return ok && z != ""
}

// Texts returns a copy of the English-to-Chinese table of the CLI, for
// tests that check it.
func Texts() map[string]string {
	m := make(map[string]string, len(zhText()))
	for k, v := range zhText() {
		m[k] = v
	}
	return m
}

// Resolve returns the language crm speaks: flag (--lang) when given, else
// the first of LC_ALL, LC_MESSAGES and LANG that is set, as POSIX orders
// them; zh when that starts with "zh", else en.
func Resolve(flag string, getenv func(string) string) string {
	if flag != "" {
		return Norm(flag)
	}
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if l := getenv(v); l != "" {
			return Norm(l)
		}
	}
	return "en"
}
