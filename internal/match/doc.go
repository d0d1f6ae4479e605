// Package match finds and orders people by name, in Chinese and in Latin
// script: pinyin and pinyin initials for Han characters, folding of case,
// width and accents, fuzzy ranking, and terminal display width.
//
// The package has no package-level state that needs initialising: the
// pinyin table is a set of string constants (pinyin_table.go, generated
// from github.com/mozillazg/go-pinyin by internal/gen), so importing it
// adds nothing to a command's start-up time.
package match
