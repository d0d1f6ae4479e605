package crm

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Apply sets on c the fields u names and edits its lists. Account and
// ReportsTo are references that the service resolves; Apply leaves them.
// An empty value for a field that must have one (tier, ladder, stage) is
// EINVALID, never "back to the default". A new ladder restarts at its
// first stage unless u names a stage too. Removing what c does not have
// does nothing (see Unapplied). Apply does not validate the result: the
// caller runs Validate.
func (c *Contact) Apply(u ContactUpdate) error {
	for _, f := range ProfileFields {
		if f.Required {
			if v := *f.Update(&u); v != nil && strings.TrimSpace(*v) == "" {
				return Errorf(EINVALID, "%s cannot be empty", f.Key)
			}
		}
	}
	if u.Name != nil {
		c.Name = *u.Name
	}
	for _, f := range ProfileFields {
		switch f.Kind {
		case KindText, KindNotes, KindEnum, KindDate: // the ladder and stage below, in that order
			if v := *f.Update(&u); v != nil {
				*f.Value(c) = *v
			}
		}
	}
	if u.CadenceDays != nil {
		c.CadenceDays = *u.CadenceDays
	}
	if u.Ladder != nil {
		l, err := FindLadder(*u.Ladder)
		if err != nil {
			return err
		}
		if l.Key != c.Ladder {
			c.Ladder, c.Stage = l.Key, l.Stages[0].Key
		}
	}
	if u.Stage != nil {
		c.Stage = *u.Stage
	}
	c.Tags = editList(c.Tags, NormalizeTags(u.AddTags), NormalizeTags(u.RemoveTags), strings.EqualFold)
	c.Phones = editList(c.Phones, u.AddPhones, u.RemovePhones, SamePhone)
	c.Emails = editList(c.Emails, u.AddEmails, u.RemoveEmails, strings.EqualFold)
	if len(u.Fields) > 0 {
		fields := maps.Clone(c.Fields)
		if fields == nil {
			fields = map[string]string{}
		}
		for k, v := range u.Fields {
			if v == "" {
				delete(fields, k)
			} else {
				fields[k] = v
			}
		}
		c.Fields = fields
	}
	return nil
}

// Unapplied lists, one sentence each, the removals in u that find nothing
// on c: a tag, phone, email or custom field it does not have. A phone is
// found in any format (spaces, +86); an email or tag in any case.
func (c *Contact) Unapplied(u ContactUpdate) []string {
	var out []string
	missing := func(noun string, list, remove []string, same func(a, b string) bool) {
		for _, r := range remove {
			if strings.TrimSpace(r) == "" {
				continue
			}
			if !slices.ContainsFunc(list, func(v string) bool { return same(strings.TrimSpace(v), strings.TrimSpace(r)) }) {
				out = append(out, fmt.Sprintf("%s has no %s %q; nothing removed", c.Name, noun, strings.TrimSpace(r)))
			}
		}
	}
	missing("tag", c.Tags, NormalizeTags(u.RemoveTags), strings.EqualFold)
	missing("phone", c.Phones, u.RemovePhones, SamePhone)
	missing("email", c.Emails, u.RemoveEmails, strings.EqualFold)
	keys := slices.Sorted(maps.Keys(u.Fields))
	for _, k := range keys {
		if _, ok := c.Fields[k]; !ok && u.Fields[k] == "" {
			out = append(out, fmt.Sprintf("%s has no field %q; nothing removed", c.Name, k))
		}
	}
	return out
}

// SameProfile reports whether two versions of a contact hold the same
// profile: what an update may change. Lists compare in order; no custom
// fields equals an empty set of them.
func SameProfile(a, b *Contact) bool {
	if a.Name != b.Name || a.AccountID != b.AccountID {
		return false
	}
	for _, f := range ProfileFields {
		same := true
		switch {
		case f.Kind == KindRef:
			same = a.ReportsToID == b.ReportsToID
		case f.Kind.Single():
			same = *f.Value(a) == *f.Value(b)
		case f.Kind == KindList:
			same = slices.Equal(*f.Values(a), *f.Values(b))
		case f.Kind == KindFields:
			same = maps.Equal(a.Fields, b.Fields)
		case f.Kind == KindCadence:
			same = a.CadenceDays == b.CadenceDays
		}
		if !same {
			return false
		}
	}
	return true
}

// editList appends add (skipping values present) and drops remove, keeping
// order; same says when two values are one.
func editList(list, add, remove []string, same func(a, b string) bool) []string {
	has := func(l []string, v string) bool {
		return slices.ContainsFunc(l, func(x string) bool { return same(strings.TrimSpace(x), v) })
	}
	out := []string{}
	for _, v := range append(append([]string{}, list...), add...) {
		v = strings.TrimSpace(v)
		if v == "" || has(out, v) || has(remove, v) {
			continue
		}
		out = append(out, v)
	}
	return out
}

// PhoneDigits returns the digits of a phone-like string (digits, spaces,
// + - . ( ) only, at least 5 digits), or "" when it does not look like a phone.
func PhoneDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune(" +-.()", r):
		default:
			return ""
		}
	}
	if b.Len() < 5 {
		return ""
	}
	return b.String()
}

// SamePhone reports whether two phone numbers are one number written two
// ways: the same digits once the trunk 0 is dropped, or one the other with a
// country code (1 to 3 digits) in front: +86 138 1762 4409 is 13817624409,
// and 021 5678 1200 is +86 21 5678 1200. Anything not phone-like compares as text.
func SamePhone(a, b string) bool {
	da, db := PhoneDigits(a), PhoneDigits(b)
	if da == "" || db == "" {
		return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
	}
	da, db = strings.TrimLeft(da, "0"), strings.TrimLeft(db, "0")
	if len(da) < len(db) {
		da, db = db, da
	}
	return strings.HasSuffix(da, db) && len(da)-len(db) <= 3 && len(db) >= 5
}

// CheckReportsTo refuses a reporting line that would close a loop: contact
// id reporting to boss when boss already reports, directly or up a chain,
// to id. lookup gives a contact's name and whom it reports to (0: nobody).
// The error names the loop, e.g. "王科长 → 赵总 → 王科长".
func CheckReportsTo(id, boss int64, lookup func(id int64) (name string, reportsTo int64, err error)) error {
	if boss == 0 {
		return nil
	}
	name, _, err := lookup(id)
	if err != nil {
		return err
	}
	if boss == id {
		return Errorf(EINVALID, "%s cannot report to themselves", name)
	}
	chain := []string{name}
	seen := map[int64]bool{id: true}
	for cur := boss; cur != 0; {
		n, next, err := lookup(cur)
		if err != nil {
			return err
		}
		chain = append(chain, n)
		if next == id {
			return Errorf(EINVALID, "a reporting cycle: %s → %s", strings.Join(chain, " → "), name)
		}
		if seen[next] {
			return nil // a loop above that does not pass through id (an older book)
		}
		seen[cur] = true
		cur = next
	}
	return nil
}
