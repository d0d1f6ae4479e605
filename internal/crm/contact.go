package crm

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Contact is a person in the book with the profile of METHOD.md §2–4.
// Account and ReportsToName are read-only views filled from their ids.
// LastTouchAt (the latest touch by when it happened) and DueAt (see
// Cadence.DueAt) are denormalised and kept right by every write.
type Contact struct {
	ID           int64             `json:"id"`
	UID          string            `json:"uid"`
	Name         string            `json:"name"`
	AccountID    int64             `json:"account_id,omitempty"`
	Account      string            `json:"account"`
	Title        string            `json:"title"`
	Tier         string            `json:"tier"`
	Ladder       string            `json:"ladder"`
	Stage        string            `json:"stage"`
	Style        string            `json:"style,omitempty"`
	Level        string            `json:"level,omitempty"`
	Role         string            `json:"role,omitempty"`
	Attitude     string            `json:"attitude,omitempty"`
	ReportsToID  int64             `json:"reports_to_id,omitempty"`
	ReportsTo    string            `json:"reports_to,omitempty"`
	Phones       []string          `json:"phones"`
	Emails       []string          `json:"emails"`
	WeChat       string            `json:"wechat,omitempty"`
	Address      string            `json:"address,omitempty"`
	Hometown     string            `json:"hometown,omitempty"`
	School       string            `json:"school,omitempty"`
	Family       string            `json:"family,omitempty"`
	Interests    string            `json:"interests,omitempty"`
	Source       string            `json:"source,omitempty"`
	Birthday     string            `json:"birthday,omitempty"`
	Notes        string            `json:"notes,omitempty"`
	Tags         []string          `json:"tags"`
	Fields       map[string]string `json:"fields,omitempty"`
	Owner        string            `json:"owner,omitempty"`        // the rep it belongs to (METHOD.md §10); "": nobody
	CadenceDays  int               `json:"cadence_days,omitempty"` // own rhythm; 0: the tier's
	LastTouchAt  *time.Time        `json:"last_touch_at"`
	DueAt        *time.Time        `json:"due_at"`
	SnoozedUntil *time.Time        `json:"snoozed_until,omitempty"`
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
	ArchivedAt   *time.Time        `json:"archived_at,omitempty"`
}

// Validate normalises the contact in place and reports the first problem.
// An empty tier becomes C and an empty ladder the default ladder at its first stage.
func (c *Contact) Validate() error {
	if err := c.checkTexts(); err != nil {
		return err
	}
	c.Name = strings.TrimSpace(c.Name)
	if err := ValidateName(c.Name); err != nil {
		return err
	}
	if c.Tier == "" {
		c.Tier = "C"
	}
	if c.Ladder == "" {
		c.Ladder = DefaultLadder
	}
	l, err := FindLadder(c.Ladder)
	if err != nil {
		return err
	}
	if c.Stage == "" {
		c.Stage = l.Stages[0].Key
	}
	c.Ladder = l.Key
	st, err := l.Stage(c.Stage)
	if err != nil {
		return err
	}
	c.Stage = st.Key
	for _, f := range ProfileFields {
		check := f.Check
		if f.Enum != nil {
			check = f.Enum.Check
		}
		if check != nil {
			if *f.Value(c), err = check(*f.Value(c)); err != nil {
				return err
			}
		}
	}
	c.Tags = NormalizeTags(c.Tags)
	for k := range c.Fields {
		if err := ValidateFieldKey(k); err != nil {
			return err
		}
	}
	return nil
}

// checkTexts reports the first text of the contact that is not UTF-8.
func (c *Contact) checkTexts() error {
	err := CheckText("name", c.Name)
	for _, f := range ProfileFields {
		if err == nil && (f.Kind == KindText || f.Kind == KindDate || f.Kind == KindNotes) {
			err = CheckText(f.Key, *f.Value(c))
		}
	}
	if err == nil {
		err = checkTexts("account", c.Account, "reports-to", c.ReportsTo)
	}
	for _, l := range []struct {
		what string
		vals []string
	}{{"tag", c.Tags}, {"phone", c.Phones}, {"email", c.Emails}} {
		if err == nil {
			err = CheckText(l.what, l.vals...)
		}
	}
	for k, v := range c.Fields {
		if err == nil {
			err = checkTexts("field key", k, "field "+k, v)
		}
	}
	return err
}

// ValidateName rejects empty names, names that are all digits (they would
// read as ids) and names longer than 200 characters.
func ValidateName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return Errorf(EINVALID, "name is empty")
	case utf8.RuneCountInString(name) > 200:
		return Errorf(EINVALID, "name is longer than 200 characters")
	case IsNumericRef(name):
		return Errorf(EINVALID, "name %q is a number; numbers refer to ids", name)
	}
	return nil
}

// ValidateFieldKey accepts custom field keys of letters, digits, '_', '-' and '.'.
func ValidateFieldKey(k string) error {
	if k == "" || strings.ContainsAny(k, " \t\n=") {
		return Errorf(EINVALID, "invalid field key %q (use letters, digits, _ - .)", k)
	}
	return nil
}

// NormalizeTags trims, lower-cases and de-duplicates tags, keeping their order.
func NormalizeTags(tags []string) []string {
	out := make([]string, 0, len(tags))
	seen := map[string]bool{}
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t), "+")))
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

// IsNumericRef reports whether a reference is an id.
func IsNumericRef(s string) bool {
	if s == "" || len(s) > 18 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// ContactUpdate holds the fields to change; nil leaves a field as it is.
// Add* and Remove* edit the lists; a Fields value of "" removes that key.
type ContactUpdate struct {
	Name, Account, Title, Tier, Ladder, Stage        *string
	Style, Level, Role, Attitude, ReportsTo          *string
	WeChat, Address, Hometown, School, Family        *string
	Interests, Source, Birthday, Notes, Owner        *string
	CadenceDays                                      *int // 0 returns to the tier's rhythm
	AddTags, RemoveTags                              []string
	AddPhones, RemovePhones, AddEmails, RemoveEmails []string
	Fields                                           map[string]string
}

// ContactSort orders a contact listing.
type ContactSort string

const (
	SortName      ContactSort = "name"
	SortLastTouch ContactSort = "last-touch"
	SortStage     ContactSort = "stage"
	SortCreated   ContactSort = "created"
)

// ContactSorts lists the valid sorts.
var ContactSorts = []string{string(SortName), string(SortLastTouch), string(SortStage), string(SortCreated)}

// ContactFilter selects contacts; zero fields do not filter. A field with
// several values matches a contact that has any of them (--tier A --tier B);
// different fields must all match. Values are canonical keys. Offset and
// Limit cut a page out of the listing in its order (which ends with the id,
// so that pages neither repeat nor skip a contact while the book is
// unchanged); Limit 0 is no limit.
type ContactFilter struct {
	Tiers, Stages, Ladders, Tags, Styles, Roles []string
	AccountIDs                                  []int64
	Query                                       string // matches name, pinyin, title, account, notes
	// Match is Query through the search keys alone, for filtering as one
	// types: a prefix of the name, its pinyin or initials, an email, a phone,
	// the account's name or pinyin, or a tag. Index ranges only, so it stays
	// fast on a large book (Query reads every row for the text it contains).
	Match         string
	Owner         OwnerFilter // one rep's contacts (crm ls --mine, --owner)
	Archived      bool        // list archived contacts instead of active ones
	Sort          ContactSort
	Offset, Limit int
}

// Lookalike is a contact that shares something that names a person with
// another: Shared says what ("name", "phone +86 138…", "email a@b").
type Lookalike struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Shared string `json:"shared"`
}

// MatchKind says which key of a contact a REF matched.
type MatchKind string

const (
	MatchID       MatchKind = "id"
	MatchUID      MatchKind = "uid"
	MatchName     MatchKind = "name"     // the whole name (folded)
	MatchPrefix   MatchKind = "prefix"   // the start of the name
	MatchPinyin   MatchKind = "pinyin"   // the pinyin of the name, or its start ("wang")
	MatchInitials MatchKind = "initials" // the initials of the name, or their start ("wkz"; "as" for Anna Schmidt)
	MatchEmail    MatchKind = "email"
	MatchPhone    MatchKind = "phone"
)

// RefMatch says how a REF found its contact, so that a face can tell a
// REF that surely names someone from one that may be a word of a summary.
type RefMatch struct {
	By    MatchKind
	Exact bool // the REF is the whole key, not a prefix of it
	Rare  bool // through a rare reading of a character (方 read as wang), tried only when no common reading matched
	// Ref is the reference as given.
	Ref string
}

// Weak reports whether the match is too loose to add a contact without
// asking when it is not the only REF: initials ("as" are Anna Schmidt's,
// and a word too), a rare reading, or a prefix of fewer than 2 characters.
func (m RefMatch) Weak() bool {
	switch m.By {
	case MatchInitials:
		return true
	case MatchPrefix, MatchPinyin:
		return m.Rare || (!m.Exact && utf8.RuneCountInString(strings.TrimSpace(m.Ref)) < 2)
	}
	return m.Rare
}

// ContactService stores contacts. Resolve turns a REF (id, uid, name, unique
// prefix, pinyin, initials, email, phone) into one contact: no match is
// ENOTFOUND with the closest names, several are EAMBIGUOUS listing them.
// The keys of a contact's common readings are tried before those of its rare
// ones (see match.Key), which count only when the common ones match nobody.
// MatchContact does the same and also says how the REF matched.
type ContactService interface {
	ResolveContact(ctx context.Context, ref string) (*Contact, error)
	MatchContact(ctx context.Context, ref string) (*Contact, RefMatch, error)
	FindContactByID(ctx context.Context, id int64) (*Contact, error)
	// FindContacts streams the matching contacts to fn in order; fn's error
	// stops it and is returned. The listing is one snapshot of the book,
	// taken when it starts. fn may call any service, this one included, to
	// read or to write (a page of a UI fetching a contact's touches per row,
	// a review editing as it goes): such calls never wait for the listing,
	// and what they write is not seen by it. Every backend must allow this;
	// the compliance suite (crmtest) checks it.
	FindContacts(ctx context.Context, f ContactFilter, fn func(*Contact) error) error
	// CountContacts counts the contacts FindContacts would list without
	// Offset and Limit: the total of a paged listing.
	CountContacts(ctx context.Context, f ContactFilter) (int, error)
	// CreateContact adds c, with the book's ContactDefaults where c leaves
	// its tier or its ladder and stage empty.
	CreateContact(ctx context.Context, c *Contact) error
	UpdateContact(ctx context.Context, id int64, u ContactUpdate) (*Contact, error)
	ArchiveContact(ctx context.Context, id int64) (*Contact, error)
	// Handover moves the contacts h selects from h.From to h.To in one
	// journaled change, adding HandoverNote to each one's notes. A contact
	// named in h.ContactIDs that h.From does not own is EINVALID; a
	// selection with no contact of h.From's is ENOTFOUND.
	Handover(ctx context.Context, h Handover) (*HandoverReport, error)
	// Owners lists the reps who own a contact or an account, by name, with
	// how many active contacts each owns.
	Owners(ctx context.Context) ([]OwnerCount, error)
	// FindLookalikes lists the active contacts other than c that carry its
	// name (folded: case and width aside), one of its phone numbers (in any
	// format) or one of its emails: likely the same person twice.
	FindLookalikes(ctx context.Context, c *Contact) ([]Lookalike, error)
	// PurgeContact deletes a contact and its history for good, journal
	// included: no undo brings it back. A non-empty warning says that the
	// purge committed but a trace of the data may remain in the file.
	PurgeContact(ctx context.Context, id int64) (warning string, err error)
}
