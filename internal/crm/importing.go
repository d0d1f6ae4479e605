package crm

import (
	"context"
	"strconv"
	"strings"
)

// ImportDraft is one contact of a foreign file (a vCard, a CSV row) as the
// decoders give it (see interop.Draft): only what the file says.
type ImportDraft struct {
	Line     int
	Contact  Contact
	KeyDates []KeyDate
}

// ImportOptions are how an import runs. Name is the file's name as the
// user gave it, for the journal ("import contacts.vcf: 12 added") and the
// report. DryRun does all the work, then writes nothing.
type ImportOptions struct {
	Name   string
	DryRun bool
}

// ImportItem is one record of the report: what it is, its name, its line
// in the file, and, for an update or a likely duplicate, the contact of
// the book it was matched with and how.
type ImportItem struct {
	Kind    string `json:"kind"` // account, contact, touch, stage_change, task, key_date, plan, setting, alias
	Name    string `json:"name"`
	Line    int    `json:"line"`
	ID      int64  `json:"id,omitempty"`       // the record in the book (0 in a dry run of an addition)
	By      string `json:"by,omitempty"`       // how a foreign contact matched: uid, email, phone, name
	Match   string `json:"match,omitempty"`    // the book's contact it matched, by name
	MatchID int64  `json:"match_id,omitempty"` // and by id
	Reason  string `json:"reason,omitempty"`   // why it was skipped
}

// ImportReport says what an import did (or, in a dry run, would do).
// Contacts are listed one by one; the other records are counted.
type ImportReport struct {
	File       string        `json:"file"`
	DryRun     bool          `json:"dry_run"`
	Added      []*ImportItem `json:"added"`
	Updated    []*ImportItem `json:"updated"`
	Unchanged  []*ImportItem `json:"unchanged"`
	Skipped    []*ImportItem `json:"skipped"`
	Duplicates []*ImportItem `json:"likely_duplicates"`
	// Counts are the records of each kind added, updated and unchanged.
	Counts map[string]*ImportCount `json:"counts"`
}

// ImportCount counts the records of one kind.
type ImportCount struct {
	Added     int `json:"added"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// Count returns the counter of kind, making it.
func (r *ImportReport) Count(kind string) *ImportCount {
	if r.Counts == nil {
		r.Counts = map[string]*ImportCount{}
	}
	c := r.Counts[kind]
	if c == nil {
		c = &ImportCount{}
		r.Counts[kind] = c
	}
	return c
}

// Changed reports whether the import wrote anything.
func (r *ImportReport) Changed() bool {
	for _, c := range r.Counts {
		if c.Added+c.Updated > 0 {
			return true
		}
	}
	return false
}

// Summary is the journal's line for the import: "import contacts.vcf: 12
// added, 3 updated", counting records of every kind.
func (r *ImportReport) Summary() string {
	added, updated := 0, 0
	for _, c := range r.Counts {
		added += c.Added
		updated += c.Updated
	}
	return "import " + r.File + ": " + strconv.Itoa(added) + " added, " + strconv.Itoa(updated) + " updated"
}

// ImportService brings records from files into the book. Each import is
// one transaction, journaled as one change that crm undo removes; an error
// anywhere leaves the book as it was.
type ImportService interface {
	// ImportBook merges a book file by uid: a record with a known uid is
	// updated to the file's version, a new one added (with a new id, its
	// references remapped by uid). decode calls the sink with the file's
	// records. A file the book already holds changes nothing.
	ImportBook(ctx context.Context, o ImportOptions, decode func(BookSink) error) (*ImportReport, error)
	// ImportDrafts adds or updates contacts from a foreign file, each
	// matched against the book in DraftMatchOrder: a match is merged
	// (MergeDraft), never duplicated; a contact that only shares a name
	// with one of the book is added and listed as a likely duplicate.
	ImportDrafts(ctx context.Context, o ImportOptions, decode func(func(*ImportDraft) error) error) (*ImportReport, error)
}

// DraftMatchOrder is how a foreign contact is matched with the book's: its
// uid (a vCard UID the book exported or saw before), then any of its
// emails, then any of its phones (compared as SamePhone does: +86, 0086,
// spaces and dashes aside). The first key that finds a contact decides.
// A name alone never matches: people share names.
var DraftMatchOrder = []MatchKind{MatchUID, MatchEmail, MatchPhone}

// MergeDraft merges what a foreign file says of a contact into the book's
// version c, and reports whether c changed. A file fills what the book
// leaves empty and adds phones, emails, tags and custom fields the book
// lacks; it never wipes or overwrites what the book holds (the book is
// where the user keeps working, and an address book export knows less).
// The account is filled by name (Account; the caller resolves it).
func MergeDraft(c *Contact, d *Contact) bool {
	changed := false
	if c.Account == "" && strings.TrimSpace(d.Account) != "" {
		c.Account, c.AccountID = strings.TrimSpace(d.Account), 0
		changed = true
	}
	for _, f := range ProfileFields {
		switch {
		case f.Kind == KindText || f.Kind == KindNotes || f.Kind == KindDate:
			if v := strings.TrimSpace(*f.Value(d)); *f.Value(c) == "" && v != "" {
				*f.Value(c) = v
				changed = true
			}
		case f.Kind == KindList:
			same := strings.EqualFold
			if f.Key == "phones" {
				same = SamePhone
			}
			if l := editList(*f.Values(c), *f.Values(d), nil, same); len(l) != len(*f.Values(c)) {
				*f.Values(c) = l
				changed = true
			}
		case f.Kind == KindFields:
			for k, v := range d.Fields {
				if _, ok := c.Fields[k]; !ok && v != "" {
					if c.Fields == nil {
						c.Fields = map[string]string{}
					}
					c.Fields[k] = v
					changed = true
				}
			}
		}
	}
	if changed {
		c.Tags = NormalizeTags(c.Tags)
	}
	return changed
}

// SameKeyDate reports whether two key dates are the same date of a
// contact: kind, label, calendar and day (a year fills one that lacks it).
func SameKeyDate(a, b *KeyDate) bool {
	return a.Kind == b.Kind && a.Label == b.Label && a.Calendar == b.Calendar && a.Month == b.Month &&
		a.Day == b.Day && a.Leap == b.Leap && (a.Year == b.Year || a.Year == 0 || b.Year == 0)
}

// StageChangeKey is how a stage change is known across books (it has no
// uid): its contact, ladder, stages and instant.
func StageChangeKey(contactUID string, sc *StageChange) string {
	return strings.Join([]string{contactUID, sc.Ladder, sc.From, sc.To, sc.At.UTC().Format("2006-01-02T15:04:05Z")}, "\x00")
}

// CheckBookUID reports a record of a book file without a uid, which an
// import cannot merge by.
func CheckBookUID(what, uid string) error {
	if strings.TrimSpace(uid) == "" {
		return Errorf(EINVALID, "%s has no uid", what)
	}
	return nil
}

// ImportRecordError names the record an input error is about: "contact
// c1: unknown tier "Z"". Other errors pass as they are.
func ImportRecordError(what string, err error) error {
	if code := ErrorCode(err); code == EINVALID || code == ENOTFOUND {
		return Errorf(code, "%s: %s", what, ErrorMessage(err))
	}
	return err
}

// ImportLineError puts the line of a foreign file's record on an input
// error, which it makes EINVALID (the file is what is wrong). Other
// errors, and records without a line, pass as they are.
func ImportLineError(line int, err error) error {
	if line == 0 {
		return err
	}
	switch ErrorCode(err) {
	case EINVALID, ENOTFOUND, EAMBIGUOUS:
		return Errorf(EINVALID, "line %d: %s", line, ErrorMessage(err))
	}
	return err
}

// PhoneProbes are the phone keys (see ContactKeys) that a number of the
// same phone may be stored under, which a foreign contact's phone is
// looked up by: its digits, its national number (the last 11 digits), and
// the digits without an international prefix (00).
func PhoneProbes(p string) []string {
	d := PhoneDigits(p)
	if d == "" {
		return nil
	}
	out := []string{d}
	if len(d) > 11 {
		out = append(out, d[len(d)-11:])
	}
	if t := strings.TrimPrefix(d, "00"); t != d && len(t) >= 5 {
		out = append(out, t)
	}
	return out
}
