package crm

import "unicode/utf8"

// CheckText reports the first of texts that is not valid UTF-8, naming it
// with what (e.g. "name", "summary"). Every text a book stores is UTF-8: a
// stray byte (a file or terminal in a legacy encoding, a mistyped escape)
// would be stored as given and then shown as U+FFFD in JSON, mangled on a
// terminal and unmatchable by any reference. The CLI checks its arguments
// and flags first (see cli's checkUTF8Args); Validate methods check again
// for every other way in (an editor, standard input, an import).
func CheckText(what string, texts ...string) error {
	for _, s := range texts {
		if !utf8.ValidString(s) {
			return Errorf(EINVALID, "%s %q is not valid UTF-8 text", what, s)
		}
	}
	return nil
}

// checkTexts checks pairs of (what, text) in order with CheckText.
func checkTexts(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := CheckText(pairs[i], pairs[i+1]); err != nil {
			return err
		}
	}
	return nil
}
