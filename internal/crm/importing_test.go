package crm

import (
	"slices"
	"testing"
)

// MergeDraft fills what the book lacks and adds what it does not have; it
// never overwrites or removes what the book holds.
func TestMergeDraft(t *testing.T) {
	book := func() *Contact {
		return &Contact{Name: "王科长", Title: "科长", Phones: []string{"+86 138 1762 4409"}, Tags: []string{"key"},
			Fields: map[string]string{"color": "blue"}}
	}
	for _, tc := range []struct {
		name    string
		draft   Contact
		changed bool
		check   func(c *Contact) bool
	}{
		{"nothing new", Contact{Name: "Wang", Title: "Section chief", Phones: []string{"13817624409"}}, false,
			func(c *Contact) bool { return c.Title == "科长" && c.Name == "王科长" && len(c.Phones) == 1 }},
		{"same phone written another way", Contact{Phones: []string{"0086 138-1762-4409"}}, false,
			func(c *Contact) bool { return len(c.Phones) == 1 }},
		{"a new phone and email", Contact{Phones: []string{"021 5678 1200"}, Emails: []string{"w@bs.example"}}, true,
			func(c *Contact) bool {
				return slices.Equal(c.Phones, []string{"+86 138 1762 4409", "021 5678 1200"}) && slices.Equal(c.Emails, []string{"w@bs.example"})
			}},
		{"an empty field filled", Contact{WeChat: "wxwang", Notes: "met at the fair"}, true,
			func(c *Contact) bool { return c.WeChat == "wxwang" && c.Notes == "met at the fair" }},
		{"tags added, case aside", Contact{Tags: []string{"KEY", "steel"}}, true,
			func(c *Contact) bool { return slices.Equal(c.Tags, []string{"key", "steel"}) }},
		{"a field kept, a new one added", Contact{Fields: map[string]string{"color": "red", "size": "L"}}, true,
			func(c *Contact) bool { return c.Fields["color"] == "blue" && c.Fields["size"] == "L" }},
		{"the account filled", Contact{Account: "宝山钢铁"}, true, func(c *Contact) bool { return c.Account == "宝山钢铁" }},
	} {
		c := book()
		d := tc.draft
		if got := MergeDraft(c, &d); got != tc.changed {
			t.Errorf("%s: changed %v, want %v", tc.name, got, tc.changed)
		}
		if !tc.check(c) {
			t.Errorf("%s: merged into %+v", tc.name, c)
		}
	}
}
