package crm

import (
	"sort"
	"strings"
)

// SettingDef describes a known setting: its default and how a value is checked.
type SettingDef struct {
	Key     string
	Default string
	Help    string
	// Check returns the canonical form of a value or an EINVALID error.
	Check func(string) (string, error)
}

var settingDefs = map[string]*SettingDef{}

func defineSetting(key, def, help string, check func(string) (string, error)) {
	settingDefs[key] = &SettingDef{Key: key, Default: def, Help: help, Check: check}
}

func init() {
	defineSetting("default.tier", "C", "tier of a contact added without --tier", Tiers.Check)
	defineSetting("default.ladder", DefaultLadder, "ladder of a contact added without --ladder", func(s string) (string, error) {
		l, err := FindLadder(strings.TrimSpace(s))
		if err != nil {
			return "", err
		}
		return l.Key, nil
	})
	defineSetting("lang", "", "interface language: en or zh (empty: from the locale)", func(s string) (string, error) {
		switch s = strings.TrimSpace(s); s {
		case "", "en", "zh":
			return s, nil
		}
		return "", Errorf(EINVALID, "unknown lang %q (valid: en, zh)", s)
	})
}

// FindSettingDef returns the definition of key, or EINVALID naming the known keys.
func FindSettingDef(key string) (*SettingDef, error) {
	if d, ok := settingDefs[key]; ok {
		return d, nil
	}
	return nil, Errorf(EINVALID, "unknown setting %q (known: %s)", key, strings.Join(SettingKeys(), ", "))
}

// SettingKeys lists the known setting keys, sorted.
func SettingKeys() []string {
	keys := make([]string, 0, len(settingDefs))
	for k := range settingDefs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
