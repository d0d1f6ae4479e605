package crm

import (
	"fmt"
	"strings"
)

// MergeResult is what MergeContacts did, or would do (a dry run): Keep as
// merged and Other as archived, and what moved from Other onto Keep.
type MergeResult struct {
	Keep  *Contact `json:"keep"`
	Other *Contact `json:"other"`
	// Touches are Other's touches, now Keep's; Shared of them reached Keep
	// already and keep one link.
	Touches       int `json:"touches"`
	SharedTouches int `json:"shared_touches"`
	Tasks         int `json:"tasks"`
	// KeyDates moved; DroppedKeyDates were Keep's already (a second
	// birthday, or the same date of the same kind) and are gone.
	KeyDates        int      `json:"key_dates"`
	DroppedKeyDates int      `json:"dropped_key_dates"`
	StageChanges    int      `json:"stage_changes"`
	Tags            []string `json:"tags"`       // added to Keep
	Filled          []string `json:"filled"`     // Keep's profile fields that Other's filled or added to
	ReportsTo       int      `json:"reports_to"` // contacts that reported to Other, now to Keep
	Alias           string   `json:"alias"`      // Other's uid, which now finds Keep
	DryRun          bool     `json:"-"`
}

// Summary says in one line what moved: "5 touches, 1 task, …; filled title, phones".
func (r *MergeResult) Summary() string {
	var parts []string
	touches := Plural(r.Touches, "touch", "touches")
	if r.SharedTouches > 0 {
		touches += fmt.Sprintf(" (%d shared)", r.SharedTouches)
	}
	parts = append(parts, touches, Plural(r.Tasks, "task"))
	kd := Plural(r.KeyDates, "key date")
	if r.DroppedKeyDates > 0 {
		kd += fmt.Sprintf(" (%d duplicate dropped)", r.DroppedKeyDates)
	}
	parts = append(parts, kd, Plural(r.StageChanges, "stage change"), Plural(len(r.Tags), "tag"))
	if r.ReportsTo > 0 {
		parts = append(parts, Plural(r.ReportsTo, "reporting line"))
	}
	s := strings.Join(parts, ", ")
	if len(r.Filled) > 0 {
		s += "; filled " + strings.Join(r.Filled, ", ")
	}
	return s
}

// CheckMerge refuses a merge that cannot be meant: a contact with itself,
// or an archived contact on either side.
func CheckMerge(keep, other *Contact) error {
	switch {
	case keep.ID == other.ID:
		return Errorf(EINVALID, "cannot merge %s (#%d) with itself", keep.Name, keep.ID)
	case keep.ArchivedAt != nil:
		return Errorf(EINVALID, "%s (#%d) is archived: merge into an active contact", keep.Name, keep.ID)
	case other.ArchivedAt != nil:
		return Errorf(EINVALID, "%s (#%d) is archived already: only an active contact can be merged", other.Name, other.ID)
	}
	return nil
}

// MergeProfile fills keep's profile from other's, as crm merge does, and
// returns the keys of the fields that changed ("account" first, then in
// ProfileFields order). Empty fields of keep take other's value; phones,
// emails and tags are unioned (phones in any format, emails and tags in any
// case); custom fields are unioned, keep's winning on a conflict; other's
// notes are appended below a line naming it; keep's tier, ladder and stage
// stay. A reporting line to other becomes other's own line (none when that
// is keep). The birthday is the key dates' business (see MergeResult).
func MergeProfile(keep, other *Contact) []string {
	var filled []string
	if keep.AccountID == 0 && other.AccountID != 0 {
		keep.AccountID, keep.Account = other.AccountID, other.Account
		filled = append(filled, "account")
	}
	for _, f := range ProfileFields {
		changed := false
		switch f.Kind {
		case KindText, KindEnum:
			if *f.Value(keep) == "" && *f.Value(other) != "" {
				*f.Value(keep), changed = *f.Value(other), true
			}
		case KindNotes:
			o := strings.TrimSpace(other.Notes)
			switch {
			case o == "" || strings.Contains(keep.Notes, o):
			case strings.TrimSpace(keep.Notes) == "":
				keep.Notes, changed = other.Notes, true
			default:
				keep.Notes = strings.TrimRight(keep.Notes, "\n") + fmt.Sprintf("\n\n--- merged from %s (#%d) ---\n", other.Name, other.ID) + o
				changed = true
			}
		case KindRef:
			if keep.ReportsToID == other.ID {
				keep.ReportsToID, keep.ReportsTo, changed = 0, "", true
			}
			if keep.ReportsToID == 0 && other.ReportsToID != 0 && other.ReportsToID != keep.ID {
				keep.ReportsToID, keep.ReportsTo, changed = other.ReportsToID, other.ReportsTo, true
			}
		case KindList:
			same := strings.EqualFold
			if f.Key == "phones" {
				same = SamePhone
			}
			before := len(*f.Values(keep))
			*f.Values(keep) = editList(nonNilList(*f.Values(keep)), *f.Values(other), nil, same)
			changed = len(*f.Values(keep)) != before
		case KindFields:
			for k, v := range other.Fields {
				if _, ok := keep.Fields[k]; !ok {
					if keep.Fields == nil {
						keep.Fields = map[string]string{}
					}
					keep.Fields[k], changed = v, true
				}
			}
		case KindCadence:
			if keep.CadenceDays == 0 && other.CadenceDays != 0 {
				keep.CadenceDays, changed = other.CadenceDays, true
			}
		}
		if changed {
			filled = append(filled, f.Key)
		}
	}
	return filled
}

func nonNilList(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
