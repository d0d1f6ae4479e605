package crm

import "testing"

func TestIsUIDRef(t *testing.T) {
	for s, want := range map[string]bool{
		"019374a2-7c3e-7b1a-9f00-3c2b1a0f9e8d": true,
		"019374A2-7C3E-7B1A-9F00-3C2B1A0F9E8D": true,
		"019374a2-7c3e-7b1a-9f00-3c2b1a0f9e8":  false, // 35 characters
		"019374a2x7c3e-7b1a-9f00-3c2b1a0f9e8d": false,
		"019374g2-7c3e-7b1a-9f00-3c2b1a0f9e8d": false,
		"{019374a2-7c3e-7b1a-9f00-3c2b1a0f9e}": false,
		"王科长":                                  false,
	} {
		if got := IsUIDRef(s); got != want {
			t.Errorf("IsUIDRef(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestRefSteps holds the order of resolution that the storage walks: ids
// and uids first and final, common readings before rare ones, whole keys
// before prefixes, and only accounts matched by a part of a key.
func TestRefSteps(t *testing.T) {
	for name, steps := range map[string][]RefStep{"contact": ContactRefSteps, "account": AccountRefSteps} {
		if steps[0].By != RefByID || steps[1].By != RefByUID {
			t.Errorf("%s: ids and uids come first: %+v", name, steps)
		}
		for i := 2; i+1 < len(steps); i++ {
			if a, b := steps[i], steps[i+1]; a.By == b.By && !a.Exact {
				t.Errorf("%s: a prefix step before the whole key of %s", name, a.By)
			}
		}
	}
	if got := ContactRefSteps[len(ContactRefSteps)-1].By; got != RefByRareKey {
		t.Errorf("rare readings come last for contacts, got %s", got)
	}
	if got := AccountRefSteps[len(AccountRefSteps)-1].By; got != RefByKeyPart {
		t.Errorf("a part of an account's name comes last, got %s", got)
	}
}
