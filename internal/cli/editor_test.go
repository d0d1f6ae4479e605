package cli

import (
	"reflect"
	"strings"
	"testing"

	"github.com/seedcrm/crm/internal/crm"
)

// TestContactFormRoundTrip: a form saved unchanged asks for no change, and
// an edited line asks for exactly that change.
func TestContactFormRoundTrip(t *testing.T) {
	c := &crm.Contact{ID: 1, Name: "王科长", Account: "宝山钢铁", Tier: "A", Ladder: "ice", Stage: "cold",
		Phones: []string{"+86 1", "2"}, Emails: []string{}, Tags: []string{"steel"}, CadenceDays: 14,
		Fields: map[string]string{"shoe": "42"}, Notes: "line one\nline two", Birthday: "03-15"}
	form := contactForm(c)
	u, err := parseContactForm(form, c)
	if err != nil || !reflect.DeepEqual(u, crm.ContactUpdate{}) {
		t.Fatalf("unchanged form gave %+v, %v\n%s", u, err, form)
	}
	edited := strings.Replace(form, "tier: A\n", "tier: B\n", 1)
	edited = strings.Replace(edited, "tags: steel\n", "tags: steel, key\n", 1)
	edited = strings.Replace(edited, "field.shoe: 42\n", "", 1)
	u, err = parseContactForm(edited, c)
	if err != nil || u.Tier == nil || *u.Tier != "B" || !reflect.DeepEqual(u.AddTags, []string{"key"}) ||
		u.Fields["shoe"] != "" || len(u.Fields) != 1 || u.Name != nil || u.Notes != nil {
		t.Errorf("edited form gave %+v, %v", u, err)
	}
	if _, err := parseContactForm("nonsense line\n", c); crm.ErrorCode(err) != crm.EINVALID {
		t.Errorf("a line without a colon: %v", err)
	}
}
