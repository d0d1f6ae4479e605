package interop

import (
	"fmt"

	"github.com/seedcrm/crm/internal/crm"
)

// A Draft is one contact as a foreign file (a vCard, a CSV row) gives it,
// for crm import to match against the book and add or update. Decoders
// fill only what the file says and leave the rest zero: they apply no
// book defaults and resolve no references.
type Draft struct {
	// Line is where the record starts in its file (1-based), for messages.
	Line int
	// Contact is what the file says of the person. Account is a name
	// (AccountID stays 0); UID is the file's own identifier of the person
	// when it has one (a vCard UID), else empty; Birthday is left empty
	// when the date is in KeyDates.
	Contact crm.Contact
	// KeyDates are the dates the record carries (a vCard's BDAY and
	// ANNIVERSARY), ContactID unset.
	KeyDates []crm.KeyDate
}

// A DecodeError names where a file stops being what its format says. It
// is the user's input (crm.EINVALID, exit 2); the face prefixes the file's
// name: "contacts.vcf: line 12: card has no FN or N".
type DecodeError struct {
	Line int // 1-based; 0 when the problem is the whole file
	Msg  string
}

func (e *DecodeError) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
}

// Unwrap makes a DecodeError an input error for crm.ErrorCode.
func (e *DecodeError) Unwrap() error { return &crm.Error{Code: crm.EINVALID, Message: e.Error()} }
