package crm

import "testing"

// Every text a record stores is checked, whatever way it came in.
func TestValidateRefusesInvalidUTF8(t *testing.T) {
	bad := "x\xff"
	for name, v := range map[string]interface{ Validate() error }{
		"contact name":   &Contact{Name: bad},
		"contact tag":    &Contact{Name: "Li", Tags: []string{"ok", bad}},
		"contact field":  &Contact{Name: "Li", Fields: map[string]string{"k": bad}},
		"contact notes":  &Contact{Name: "Li", Notes: bad},
		"account":        &Account{Name: bad},
		"touch summary":  &Touch{Summary: bad, Channel: "visit", Contacts: []TouchPerson{{ID: 1}}},
		"touch notes":    &Touch{Summary: "ok", Notes: bad, Channel: "visit", Contacts: []TouchPerson{{ID: 1}}},
		"task title":     &Task{Kind: TaskPromise, Title: bad},
		"key date label": &KeyDate{Kind: "custom", Label: bad, Month: 1, Day: 1},
	} {
		if err := v.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
}
