package crm

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// The reasons two contacts may be one person twice, as crm dupes names them
// in JSON. Phones and emails count whatever the accounts; names count only
// within one account (or between two contacts without one): 张伟 at two
// companies are two people.
const (
	DupPhone       = "phone"        // a phone number in common (SamePhone)
	DupEmail       = "email"        // an email in common, case aside
	DupName        = "name"         // the same name, case, width, spacing and accents aside
	DupPinyin      = "pinyin"       // different characters read the same (王科长, 汪科长)
	DupSimilarName = "similar_name" // names one letter or character apart (Anna Schmidt, Anna Schmitt)
)

// dupScores is how much each reason alone makes a pair likely one person.
// A pair with several reasons scores 1 - Π(1 - score): evidence adds up but
// never reaches certainty from one kind alone.
var dupScores = map[string]float64{
	DupPhone:       0.9,
	DupEmail:       0.9,
	DupName:        0.8,
	DupPinyin:      0.6,
	DupSimilarName: 0.5,
}

// MaxDuplicateGroup bounds how many contacts may share a duplicate key and
// still be paired: a phone or an email that more contacts share is a
// switchboard or a team address, not a person, and a name that many carry
// in one account says nothing of any two of them.
const MaxDuplicateGroup = 20

// minSimilarRunes is the shortest name that a one-letter difference may
// make similar to another: 王总 and 李总 are two people. maxSimilarRunes
// is the longest: each rune of a name is a key (see DuplicateKeys).
const minSimilarRunes, maxSimilarRunes = 3, 32

// DuplicateCandidate is what the rules read of a contact: its identity and
// the forms of its name that the backend computes (folding and pinyin are
// match's, which the domain does not import).
type DuplicateCandidate struct {
	ID        int64
	Name      string
	AccountID int64
	Account   string
	Phones    []string
	Emails    []string
	// Folded is the name folded (match.Fold) without spaces; Pinyin are the
	// common pinyin readings of the name (match.KeyPinyin keys, not Rare).
	Folded string
	Pinyin []string
}

// DuplicateKeys are the keys under which a contact is filed for finding its
// duplicates: two contacts that share a key are a candidate pair, which
// JudgeDuplicate then decides. Every pair that JudgeDuplicate accepts
// shares a key (a phone of fewer than 7 digits aside, see phoneDupKey), so
// a backend finds all of them through an index of these keys, never by
// comparing every contact with every other. Name keys carry the account.
func (d *DuplicateCandidate) DuplicateKeys() []string {
	var keys []string
	add := func(k string) {
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	for _, p := range d.Phones {
		if k := phoneDupKey(p); k != "" {
			add("p" + k)
		}
	}
	for _, e := range d.Emails {
		if e = strings.ToLower(strings.TrimSpace(e)); e != "" {
			add("e" + e)
		}
	}
	if d.Folded == "" {
		return keys
	}
	scope := strconv.FormatInt(d.AccountID, 10) + "\x1f"
	add("n" + scope + d.Folded)
	for _, p := range d.Pinyin {
		if p != d.Folded {
			add("y" + scope + p)
		}
	}
	// Names one edit apart share a name with one rune deleted, or one is
	// the other with one deleted (the deletion neighbourhood).
	rs := []rune(d.Folded)
	if len(rs) >= minSimilarRunes && len(rs) <= maxSimilarRunes {
		add("s" + scope + d.Folded)
		for i := range rs {
			add("s" + scope + string(rs[:i]) + string(rs[i+1:]))
		}
	}
	return keys
}

// phoneDupKey is the last 7 digits of a phone number without its leading
// zeros: two numbers that SamePhone holds one share it when the shorter
// has 7 digits or more (a trunk 0, +86 or 0086 aside).
func phoneDupKey(p string) string {
	d := strings.TrimLeft(PhoneDigits(p), "0")
	if len(d) > 7 {
		d = d[len(d)-7:]
	}
	if len(d) < 5 {
		return ""
	}
	return d
}

// DuplicateReason is one reason of a pair: its key (a Dup constant) and
// what it is in words.
type DuplicateReason struct {
	Key  string
	Text string
}

// DuplicateContact names one contact of a pair.
type DuplicateContact struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Account string `json:"account"`
}

// DuplicatePair is two active contacts that are likely one person: the
// older (lower id) first, the reasons in the order of the Dup constants,
// and a score between 0 and 1.
type DuplicatePair struct {
	Score    float64             `json:"score"`
	Reason   string              `json:"reason"`  // the reasons in words, joined by "; "
	Reasons  []string            `json:"reasons"` // their keys
	Contacts [2]DuplicateContact `json:"contacts"`
}

// JudgeDuplicate decides whether two candidates are likely one person, and
// why; nil when no rule holds.
func JudgeDuplicate(a, b *DuplicateCandidate) *DuplicatePair {
	if a.ID == b.ID {
		return nil
	}
	if a.ID > b.ID {
		a, b = b, a
	}
	var rs []DuplicateReason
	if p, ok := samePhone(a.Phones, b.Phones); ok {
		rs = append(rs, DuplicateReason{DupPhone, "same phone " + p})
	}
	if e, ok := sameEmail(a.Emails, b.Emails); ok {
		rs = append(rs, DuplicateReason{DupEmail, "same email " + e})
	}
	if a.AccountID == b.AccountID && a.Folded != "" && b.Folded != "" {
		where := "in the same account"
		if a.AccountID == 0 {
			where = "neither in an account"
		}
		switch {
		case a.Folded == b.Folded && strings.TrimSpace(a.Name) == strings.TrimSpace(b.Name):
			rs = append(rs, DuplicateReason{DupName, "same name, " + where})
		case a.Folded == b.Folded:
			rs = append(rs, DuplicateReason{DupName, "same name but for case, spacing or accents, " + where})
		default:
			if p, ok := sharedPinyin(a.Pinyin, b.Pinyin); ok {
				rs = append(rs, DuplicateReason{DupPinyin, "same pinyin " + p + ", " + where})
			} else if similarNames(a.Folded, b.Folded) {
				rs = append(rs, DuplicateReason{DupSimilarName, "names one letter apart, " + where})
			}
		}
	}
	if len(rs) == 0 {
		return nil
	}
	p := &DuplicatePair{Contacts: [2]DuplicateContact{{a.ID, a.Name, a.Account}, {b.ID, b.Name, b.Account}}}
	unlikely := 1.0
	texts := make([]string, len(rs))
	for i, r := range rs {
		unlikely *= 1 - dupScores[r.Key]
		p.Reasons = append(p.Reasons, r.Key)
		texts[i] = r.Text
	}
	p.Reason = strings.Join(texts, "; ")
	p.Score = math.Round((1-unlikely)*100) / 100
	return p
}

// samePhone returns a's number of the first pair of phones that SamePhone
// holds one, in a's order.
func samePhone(a, b []string) (string, bool) {
	for _, x := range a {
		if PhoneDigits(x) == "" {
			continue
		}
		for _, y := range b {
			if PhoneDigits(y) != "" && SamePhone(x, y) {
				return strings.TrimSpace(x), true
			}
		}
	}
	return "", false
}

func sameEmail(a, b []string) (string, bool) {
	for _, x := range a {
		x = strings.ToLower(strings.TrimSpace(x))
		for _, y := range b {
			if x != "" && x == strings.ToLower(strings.TrimSpace(y)) {
				return x, true
			}
		}
	}
	return "", false
}

func sharedPinyin(a, b []string) (string, bool) {
	for _, x := range a {
		if slices.Contains(b, x) {
			return x, true
		}
	}
	return "", false
}

// similarNames reports whether two folded names of 3 to 32 runes each
// are one insertion, deletion or substitution apart. Two Han names whose
// first characters differ are not similar: that is the family name (王科长
// and 张科长 are two people; 王科长 and 汪科长 count as the same pinyin).
func similarNames(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if min(len(ra), len(rb)) < minSimilarRunes || max(len(ra), len(rb)) > maxSimilarRunes || !oneEdit(ra, rb) {
		return false
	}
	return !(ra[0] != rb[0] && unicode.Is(unicode.Han, ra[0]) && unicode.Is(unicode.Han, rb[0]))
}

// oneEdit reports whether a and b differ by exactly one edit.
func oneEdit(a, b []rune) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(a)-len(b) > 1 {
		return false
	}
	i := 0
	for i < len(b) && a[i] == b[i] {
		i++
	}
	if len(a) == len(b) {
		return i < len(a) && slices.Equal(a[i+1:], b[i+1:])
	}
	return slices.Equal(a[i+1:], b[i:])
}

// RankDuplicates orders pairs by score, highest first, then by the ids of
// their contacts; limit > 0 keeps that many.
func RankDuplicates(pairs []*DuplicatePair, limit int) []*DuplicatePair {
	slices.SortFunc(pairs, func(x, y *DuplicatePair) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(x.Contacts[0].ID, y.Contacts[0].ID),
			cmp.Compare(x.Contacts[1].ID, y.Contacts[1].ID))
	})
	if limit > 0 && len(pairs) > limit {
		pairs = pairs[:limit]
	}
	return pairs
}

// DuplicateService finds likely duplicates and merges them.
type DuplicateService interface {
	// FindDuplicates lists the pairs of active contacts that are likely one
	// person, ranked (RankDuplicates); limit > 0 keeps that many.
	FindDuplicates(ctx context.Context, limit int) ([]*DuplicatePair, error)
	// MergeContacts merges other into keep in one change (see MergeResult
	// and MergeProfile) and archives other; other's uid then finds keep
	// wherever a uid is looked up. CheckMerge's refusals are EINVALID.
	// dryRun does all of it and writes nothing: what a merge would do.
	MergeContacts(ctx context.Context, keepID, otherID int64, dryRun bool) (*MergeResult, error)
}
