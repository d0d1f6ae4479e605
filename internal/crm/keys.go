package crm

import (
	"strings"

	"github.com/seedcrm/crm/internal/match"
)

// The search keys of a contact: what a REF, crm dupes and an import's
// matching look contacts up by, stored by every backend in its
// contact_keys. They are the keys of the name (match.NameKeys), each email
// (EmailKey), each phone's digits (and its national number), and the
// duplicate keys (DuplicateCandidate.DuplicateKeys), marked so that each
// kind is a range of its own.

// RareKeyMark begins the stored form of a key of a rare reading
// (match.Key.Rare), which puts those keys in a range of their own, looked
// up only when the common keys match nobody. Fold drops control
// characters, so no reference and no other key begins with it.
const RareKeyMark = "\x1e"

// DuplicateKeyMark begins the stored form of a duplicate key: a range that
// crm dupes reads and no reference ever matches (Fold drops control
// characters).
const DuplicateKeyMark = "\x1d"

// ContactKeys are the stored search keys of c.
func ContactKeys(c *Contact) []string {
	nk := match.NameKeys(c.Name)
	keys := make([]string, 0, len(nk)+len(c.Emails)+len(c.Phones))
	for _, k := range nk {
		if k.Rare {
			keys = append(keys, RareKeyMark+k.Text)
		} else {
			keys = append(keys, k.Text)
		}
	}
	for _, e := range c.Emails {
		keys = append(keys, EmailKey(e))
	}
	for _, p := range c.Phones {
		if d := PhoneDigits(p); d != "" {
			keys = append(keys, d)
			if len(d) > 11 { // also the national number, as people dial it
				keys = append(keys, d[len(d)-11:])
			}
		}
	}
	for _, k := range DuplicateCandidateOf(c).DuplicateKeys() {
		keys = append(keys, DuplicateKeyMark+k)
	}
	return keys
}

// DuplicateCandidateOf is what the duplicate rules read of c.
func DuplicateCandidateOf(c *Contact) *DuplicateCandidate {
	d := &DuplicateCandidate{ID: c.ID, Name: c.Name, AccountID: c.AccountID, Account: c.Account,
		Phones: c.Phones, Emails: c.Emails, Folded: strings.ReplaceAll(match.Fold(c.Name), " ", "")}
	for _, k := range match.NameKeys(c.Name) {
		if k.Kind == match.KeyPinyin && !k.Rare {
			d.Pinyin = append(d.Pinyin, k.Text)
		}
	}
	return d
}

// EmailKey is the key of an email: lower case, trimmed.
func EmailKey(e string) string { return strings.ToLower(strings.TrimSpace(e)) }
