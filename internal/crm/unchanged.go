package crm

import "slices"

// CheckChanged refuses an update u that left c's profile as it was
// (before): ENOCHANGE, so that the journal holds no empty change, with the
// removals that found nothing as its details (Unapplied). Nil when the
// profile changed.
func CheckChanged(before, c *Contact, u ContactUpdate) error {
	if !SameProfile(before, c) {
		return nil
	}
	if details := before.Unapplied(u); len(details) > 0 {
		e := Errorf(ENOCHANGE, "%s unchanged: nothing to remove", c.Name)
		e.Details = details
		return e
	}
	return Errorf(ENOCHANGE, "%s unchanged: every value is as given already", c.Name)
}

// GainedTags are the tags of after that before lacks, in after's order:
// what a merge added to the contact it keeps (MergeResult.Tags, never nil).
func GainedTags(before, after []string) []string {
	gained := []string{}
	for _, t := range after {
		if !slices.Contains(before, t) {
			gained = append(gained, t)
		}
	}
	return gained
}

// AddFilledField adds key to the fields a merge filled (MergeResult.Filled),
// in ProfileFields order.
func AddFilledField(filled []string, key string) []string {
	if slices.Contains(filled, key) {
		return filled
	}
	pos := func(k string) int {
		return slices.IndexFunc(ProfileFields, func(f ProfileField) bool { return f.Key == k })
	}
	i := slices.IndexFunc(filled, func(k string) bool { return pos(k) > pos(key) })
	if i < 0 {
		return append(filled, key)
	}
	return slices.Insert(filled, i, key)
}
