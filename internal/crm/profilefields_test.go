package crm

import (
	"reflect"
	"strings"
	"testing"
)

// TestProfileFieldsMatchContact holds the table to the structs it stands
// for: the fields from title to cadence_days in Contact's order, each
// key its JSON tag (omitempty as the tag says), and each accessor the
// field of that name in Contact and in ContactUpdate.
func TestProfileFieldsMatchContact(t *testing.T) {
	var c Contact
	var u ContactUpdate
	cv, uv := reflect.ValueOf(&c).Elem(), reflect.ValueOf(&u).Elem()
	byAddr := func(v reflect.Value, p any) string {
		for i := 0; i < v.NumField(); i++ {
			if v.Field(i).Addr().Interface() == p {
				return v.Type().Field(i).Name
			}
		}
		return ""
	}
	var tags []string // Contact's JSON tags from title to cadence_days, reports_to_id aside
	in := false
	for i := 0; i < cv.NumField(); i++ {
		tag := cv.Type().Field(i).Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		in = in || name == "title"
		if in && name != "reports_to_id" {
			tags = append(tags, tag)
		}
		if name == "cadence_days" {
			break
		}
	}
	if len(tags) != len(ProfileFields) {
		t.Fatalf("Contact has %d profile fields, the table %d", len(tags), len(ProfileFields))
	}
	for i, f := range ProfileFields {
		want := f.Key
		if f.OmitEmpty {
			want += ",omitempty"
		}
		if tags[i] != want {
			t.Errorf("field %d is %q in the table, `json:%q` in Contact", i, want, tags[i])
		}
		if f.Flag == "" || f.Help == "" {
			t.Errorf("%s: no flag or help", f.Key)
		}
		var cf, uf []string // the Contact and ContactUpdate fields the accessors reach
		switch {
		case f.Kind.Single():
			cf, uf = []string{byAddr(cv, f.Value(&c))}, []string{byAddr(uv, f.Update(&u))}
		case f.Kind == KindList:
			name := byAddr(cv, f.Values(&c))
			cf, uf = []string{"Add" + name, "Remove" + name}, []string{byAddr(uv, f.Add(&u)), byAddr(uv, f.Remove(&u))}
			if !strings.EqualFold(name, f.Key) {
				t.Errorf("%s: Values reaches Contact.%s", f.Key, name)
			}
		}
		if !reflect.DeepEqual(cf, uf) || len(cf) > 0 && cf[0] == "" {
			t.Errorf("%s: the accessors reach Contact/ContactUpdate fields %v and %v", f.Key, cf, uf)
		}
	}
}
