package crm

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Owners (METHOD.md §10): every contact and account belongs to a rep, named
// by a short name, and every touch records who logged it. In a book kept
// alone the owner may stay empty; a team shares one book, and a manager
// reviews each rep's follow-up and hands contacts over when a rep leaves.

// UserEnv is the environment variable that names the rep using crm; it
// takes precedence over the book's user.name setting, as GIT_AUTHOR_NAME
// does over git's user.name.
const UserEnv = "CRM_USER"

// Nobody is how a command line names the owner of contacts that have none
// (crm handover - alice): "" cannot be typed as a word.
const Nobody = "-"

// CheckUserName returns a rep's name trimmed, or EINVALID: a short name is
// one word of at most 40 letters, digits and . _ - @ (张伟, alice, j.smith),
// so that it reads in a column and is typed as one shell word.
func CheckUserName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if s == Nobody {
		return "", Errorf(EINVALID, "%q is not a name: it stands for nobody", s)
	}
	if n := utf8.RuneCountInString(s); n > 40 || !utf8.ValidString(s) {
		return "", Errorf(EINVALID, "user name %q is too long (at most 40 characters)", s)
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("._-@", r) {
			return "", Errorf(EINVALID, "user name %q has %q: use one word of letters, digits and . _ - @", s, r)
		}
	}
	return s, nil
}

type userKey struct{}

// WithUser returns a context in which writes are made by the rep name
// (already checked): a contact or account created without an owner gets
// it, and a touch records it as its logger. Without it the services use
// the book's user.name setting.
func WithUser(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, userKey{}, name)
}

// UserFrom is the name WithUser put in ctx, or "".
func UserFrom(ctx context.Context) string {
	s, _ := ctx.Value(userKey{}).(string)
	return s
}

// OwnerFilter keeps the records of one owner: Set with Name "" keeps those
// that have none.
type OwnerFilter struct {
	Set  bool
	Name string
}

// OwnedBy is the filter of name's records; Nobody keeps the unowned ones.
func OwnedBy(name string) OwnerFilter {
	if name == Nobody {
		name = ""
	}
	return OwnerFilter{Set: true, Name: name}
}

// Handover moves contacts from one rep to another with their whole history
// (METHOD.md §10: 客户移交): touches, stages, dates and open tasks stay with
// the contact, so they go along. At most one of AccountID, Tag and
// ContactIDs narrows it; none hands over every contact From owns. Accounts
// From owns go along when the handover is of an account or of everything.
type Handover struct {
	From, To   string // From "": the contacts nobody owns
	AccountID  int64
	Tag        string
	ContactIDs []int64
	DryRun     bool // report what would move, change nothing
}

// Validate checks the names and that the handover names one selection.
func (h *Handover) Validate() error {
	var err error
	if h.From, err = CheckUserName(h.From); err != nil {
		return err
	}
	if h.To, err = CheckUserName(h.To); err != nil {
		return err
	}
	if h.To == "" {
		return Errorf(EINVALID, "a handover needs the rep who takes the contacts over")
	}
	if h.From == h.To {
		return Errorf(EINVALID, "%s already owns them: hand over to somebody else", h.To)
	}
	n := 0
	for _, set := range []bool{h.AccountID != 0, h.Tag != "", len(h.ContactIDs) > 0} {
		if set {
			n++
		}
	}
	if n > 1 {
		return Errorf(EINVALID, "hand over an account, a tag or contacts, one at a time")
	}
	h.Tag = strings.ToLower(strings.TrimSpace(h.Tag))
	return nil
}

// Whole reports whether the handover is of everything From owns, or of an
// account: then From's accounts (that one) go along with the contacts.
func (h *Handover) Whole() bool { return h.Tag == "" && len(h.ContactIDs) == 0 }

// HandoverNote is the line a handover adds to each contact's notes: no
// touch (a handover reaches nobody), but the contact's record says who had
// it and since when whom.
func HandoverNote(from, to string, at time.Time) string {
	return at.Local().Format("2006-01-02") + ": handed over from " + OwnerName(from) + " to " + to
}

// OwnerName is how text names an owner: "nobody" for none.
func OwnerName(owner string) string {
	if owner == "" {
		return "nobody"
	}
	return owner
}

// HandoverReport is what a handover moved (or, dry, would move).
type HandoverReport struct {
	From      string          `json:"from"`
	To        string          `json:"to"`
	DryRun    bool            `json:"dry_run"`
	Contacts  []HandedContact `json:"contacts"`
	Accounts  []HandedAccount `json:"accounts"`
	OpenTasks int             `json:"open_tasks"`
}

// HandedContact is a contact a handover moved, with its open tasks.
type HandedContact struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	OpenTasks int    `json:"open_tasks"`
}

// HandedAccount is an account a handover moved.
type HandedAccount struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// TeamReport is a manager's review of the reps (METHOD.md §10): whether each
// follows up regularly. Touches count for the rep who logged them; the
// contacts, their overdue, promises and stage moves for the rep who owns
// the contact now. Reps are in name order, nobody ("") last.
type TeamReport struct {
	Since time.Time    `json:"since"`
	Until time.Time    `json:"until"`
	Reps  []*RepReport `json:"reps"`
}

// RepReport is one rep's line of a TeamReport; promises count as the week
// report counts them (kept: done by their day; broken: due in the span and
// not kept by their day).
type RepReport struct {
	Rep            string         `json:"rep"` // "": contacts and touches of nobody
	Contacts       int            `json:"contacts"`
	Touches        int            `json:"touches"`
	ByChannel      map[string]int `json:"by_channel"`
	Overdue        int            `json:"overdue"`
	OverdueByTier  map[string]int `json:"overdue_by_tier"`
	PromisesKept   int            `json:"promises_kept"`
	PromisesBroken int            `json:"promises_broken"`
	StagesUp       int            `json:"stages_up"`
	StagesDown     int            `json:"stages_down"`
}

// Rep returns the report's line of rep, adding it when new.
func (r *TeamReport) Rep(rep string) *RepReport {
	for _, x := range r.Reps {
		if x.Rep == rep {
			return x
		}
	}
	x := &RepReport{Rep: rep, ByChannel: map[string]int{}, OverdueByTier: map[string]int{}}
	r.Reps = append(r.Reps, x)
	return x
}

// Sort puts the reps in name order, nobody last.
func (r *TeamReport) Sort() {
	slices.SortFunc(r.Reps, func(a, b *RepReport) int {
		switch {
		case a.Rep == b.Rep:
			return 0
		case a.Rep == "":
			return 1
		case b.Rep == "":
			return -1
		}
		return strings.Compare(a.Rep, b.Rep)
	})
}

// StageMoveUp reports whether a move from one stage to another of ladder
// goes up it; a ladder this crm does not know moves down.
func StageMoveUp(ladder, from, to string) bool {
	l, err := FindLadder(ladder)
	return err == nil && l.Index(to) > l.Index(from)
}

// OwnerCount is a rep and the active contacts the rep owns.
type OwnerCount struct {
	Owner    string `json:"owner"`
	Contacts int    `json:"contacts"`
}
