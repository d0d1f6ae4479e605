package crm

import (
	"strings"

	"github.com/seedcrm/crm/internal/match"
)

// MaxRefCandidates is how many candidates an EAMBIGUOUS reference lists; a
// step's query reads one more, to tell "20" from "more than 20".
const MaxRefCandidates = 20

// RefLookup is what a storage answers when a reference to one kind of record
// is resolved (ResolveRef): one query per function, the order of the steps
// and what each outcome means being ResolveRef's.
type RefLookup struct {
	// Noun names the record in messages: "contact", "account".
	Noun string
	// ByID returns the record whose id the reference (digits) is; found is
	// false when there is none.
	ByID func(ref string) (id int64, found bool, err error)
	// ByUID returns the record the uid names, ENOTFOUND when none: the
	// storage's own message says where uids are found.
	ByUID func(uid string) (int64, error)
	// ByKeys returns the records (id, name, account) of a key step, at most
	// MaxRefCandidates+1, in their listing order: those with a key equal to
	// folded or key when st.Exact, else beginning with either (RefByKeyPart:
	// containing either). The forms come as stored (RareKeyMark before
	// them on a RefByRareKey step).
	ByKeys func(st RefStep, folded, key string) ([]Candidate, error)
	// Near returns names of records with a (common) key that begins with
	// first, a bounded few hundred: the pool the closest names of an
	// ENOTFOUND are ranked from.
	Near func(first string) ([]string, error)
}

// ResolveRef finds the one record that ref names by walking steps, and
// returns the step that found it. The first step that applies and matches
// decides: one record is the answer, several are EAMBIGUOUS. A numeric
// reference that is no id is ENOTFOUND, unless the id step lets it go on as
// a phone number (RefStep.OrPhone); a uid reference is the uid's answer.
// When no step matches, ENOTFOUND names the closest names.
func ResolveRef(ref string, steps []RefStep, l RefLookup) (int64, RefStep, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return 0, RefStep{}, Errorf(EINVALID, "empty %s reference", l.Noun)
	}
	folded, key := RefForms(ref)
	for _, st := range steps {
		switch st.By {
		case RefByID:
			if !IsNumericRef(ref) {
				continue
			}
			id, found, err := l.ByID(ref)
			if err != nil || found {
				return id, st, err
			}
			if !st.OrPhone || len(ref) < MinPhoneRef {
				return 0, st, Errorf(ENOTFOUND, "no %s with id %s", l.Noun, ref)
			}
			continue
		case RefByUID:
			if !IsUIDRef(ref) {
				continue
			}
			id, err := l.ByUID(ref)
			return id, st, err
		}
		f, k := folded, key
		if st.By == RefByRareKey {
			f, k = RareKeyMark+f, RareKeyMark+k
		}
		ms, err := l.ByKeys(st, f, k)
		if err != nil {
			return 0, st, err
		}
		if len(ms) == 1 {
			return ms[0].ID, st, nil
		}
		if len(ms) > 1 {
			return 0, st, ambiguousRef(l.Noun, ref, ms)
		}
	}
	return 0, RefStep{}, refNotFound(l, ref)
}

// RefForms folds a reference the two ways keys are compared with it (see
// match.QueryKey); a phone-like reference is reduced to its digits.
func RefForms(ref string) (folded, key string) {
	if d := PhoneDigits(ref); d != "" {
		return d, d
	}
	return match.Fold(ref), match.QueryKey(ref)
}

func ambiguousRef(noun, ref string, ms []Candidate) error {
	more := ""
	if len(ms) > MaxRefCandidates {
		ms, more = ms[:MaxRefCandidates], "more than "
	}
	e := Errorf(EAMBIGUOUS, "%q matches %s%d %ss; use an id", ref, more, len(ms), noun)
	e.Candidates = ms
	return e
}

// refNotFound is ENOTFOUND with the closest names, among those whose keys
// share the reference's first folded character.
func refNotFound(l RefLookup, ref string) error {
	e := Errorf(ENOTFOUND, "no %s matches %q", l.Noun, ref)
	folded := match.Fold(ref)
	if folded == "" {
		return e
	}
	names, err := l.Near(string([]rune(folded)[:1]))
	if err != nil {
		return err
	}
	if close := match.Closest(ref, names, 3); len(close) > 0 {
		e = Errorf(ENOTFOUND, "no %s matches %q; closest: %s", l.Noun, ref, strings.Join(close, ", "))
	}
	return e
}

// ContactRefMatch says which key of c a reference matched at step st: the
// first of c's keys, in their order, that the reference is (or begins).
func ContactRefMatch(st RefStep, c *Contact, ref string) RefMatch {
	rare := st.By == RefByRareKey
	m := RefMatch{Exact: st.Exact, Rare: rare, Ref: ref}
	switch st.By {
	case RefByID:
		m.By = MatchID
		return m
	case RefByUID:
		m.By = MatchUID
		return m
	}
	folded, key := RefForms(strings.TrimSpace(ref))
	hit := func(k string) bool {
		if st.Exact {
			return k == folded || k == key
		}
		return strings.HasPrefix(k, folded) || strings.HasPrefix(k, key)
	}
	for _, k := range match.NameKeys(c.Name) {
		if k.Rare != rare || !hit(k.Text) {
			continue
		}
		switch k.Kind {
		case match.KeyName:
			m.By = MatchPrefix
			if st.Exact {
				m.By = MatchName
			}
		case match.KeyPinyin:
			m.By = MatchPinyin
		case match.KeyInitials:
			m.By = MatchInitials
		}
		return m
	}
	for _, e := range c.Emails {
		if hit(EmailKey(e)) {
			m.By = MatchEmail
			return m
		}
	}
	m.By = MatchPhone
	return m
}

// LookalikeProbe is a search key of a contact that another contact's
// sharing makes it look like the same person, and what it is.
type LookalikeProbe struct {
	Key    string // as stored among the search keys
	Shared string // Lookalike.Shared: "name", "phone …", "email …"
}

// LookalikeProbes are the keys FindLookalikes looks c up by: its name
// folded, each phone's digits (the national number of a long one) and each
// email, each one key a storage finds by one index look-up.
func LookalikeProbes(c *Contact) []LookalikeProbe {
	var probes []LookalikeProbe
	if f := match.Fold(c.Name); f != "" {
		probes = append(probes, LookalikeProbe{f, "name"})
	}
	for _, p := range c.Phones {
		if d := PhoneDigits(p); d != "" {
			if len(d) > 11 {
				d = d[len(d)-11:]
			}
			probes = append(probes, LookalikeProbe{d, "phone " + strings.TrimSpace(p)})
		}
	}
	for _, e := range c.Emails {
		if e = EmailKey(e); e != "" {
			probes = append(probes, LookalikeProbe{e, "email " + e})
		}
	}
	return probes
}

// Admits reports whether a contact named name, found by the probe's key,
// looks like c. A name key may be another name's pinyin (汪 and 王 fold
// apart, but wangkezhang is both): only the very name counts.
func (p LookalikeProbe) Admits(c *Contact, name string) bool {
	return p.Shared != "name" || match.Fold(name) == match.Fold(c.Name)
}
