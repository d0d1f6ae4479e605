package crm

import (
	"errors"
	"fmt"
)

// Error codes. The CLI maps them to exit codes in one place (cli.Main):
// EINVALID, ENOTFOUND, EAMBIGUOUS, ENOCHANGE and ENOTBOOK (a path to a file
// that is no book this crm can open) are the user's input (exit 2);
// everything else is a failure (exit 1).
const (
	EINVALID   = "invalid"   // the input is malformed or names no valid value
	ENOTFOUND  = "not_found" // a reference or id matches nothing
	EAMBIGUOUS = "ambiguous" // a reference matches more than one record
	ENOCHANGE  = "no_change" // the request would change nothing; nothing was written
	ECONFLICT  = "conflict"  // the request contradicts the book's state
	ENOTBOOK   = "not_book"  // the file is not a crm book, or is too new for this binary
	ENOBOOK    = "no_book"   // there is no book at the path (a failure: the path may be right, the book gone)
	EINTERNAL  = "internal"  // anything else
)

// Error is a domain error: a code for programs and one sentence for people.
// Candidates, when set, are the records a user may pick from, e.g. the
// contacts an ambiguous reference matched; a face formats them. Details
// are further sentences, one per line, e.g. the removals of an update that
// found nothing.
//
// Format and Args, set by Errorf, are the message before formatting: the
// domain speaks no language but English, and a face renders Format in its
// own language with the same Args (see cli's error rendering).
type Error struct {
	Code       string
	Message    string
	Candidates []Candidate
	Details    []string
	Format     string
	Args       []any
}

// Candidate is a record an ambiguous reference matched: its id, its name
// and, for a contact, its account's name ("" for none).
type Candidate struct {
	ID      int64
	Name    string
	Account string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// ErrorCode returns the code of the first *Error in err's chain,
// EINTERNAL for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the user-facing sentence of err: the *Error's message,
// or err.Error() for low-level errors (which are wrapped with context).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

// ErrorCandidates returns the candidates carried by err, if any.
func ErrorCandidates(err error) []Candidate {
	var e *Error
	if errors.As(err, &e) {
		return e.Candidates
	}
	return nil
}

// ErrorDetails returns the detail lines carried by err, if any.
func ErrorDetails(err error) []string {
	var e *Error
	if errors.As(err, &e) {
		return e.Details
	}
	return nil
}
