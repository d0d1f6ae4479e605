package sqlite_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/sqlite"
)

// profileValue is a valid value for a single-valued profile field: the
// second (not the default) where the field has a closed set of values.
func profileValue(f crm.ProfileField, text string) string {
	switch f.Kind {
	case crm.KindEnum:
		return f.Enum.Values[1].Key
	case crm.KindLadder:
		return crm.LadderKeys()[1]
	case crm.KindDate:
		return "03-15"
	}
	if f.Check != nil { // a name: one word
		return strings.Join(strings.Fields(text), "_")
	}
	return text
}

// TestProfileFieldsRoundTrip stores every field of crm.ProfileFields and
// reads it back, on create and on update, so that a field added to the
// table without its column (a migration) or its place in the queries fails here.
func TestProfileFieldsRoundTrip(t *testing.T) {
	ctx := context.Background()
	cs := sqlite.NewContactService(openTest(t))
	boss := mustAdd(t, cs, &crm.Contact{Name: "赵总"})
	mustAdd(t, cs, &crm.Contact{Name: "钱总"})
	ladder, _ := crm.FindLadder(crm.LadderKeys()[1])
	c := &crm.Contact{Name: "王科长", Fields: map[string]string{"shoe": "42"}, CadenceDays: 14}
	for _, f := range crm.ProfileFields {
		switch {
		case f.Kind == crm.KindStage:
			*f.Value(c) = ladder.Stages[1].Key
		case f.Kind == crm.KindRef:
			*f.Value(c) = boss.Name
		case f.Kind.Single():
			*f.Value(c) = profileValue(f, f.Key+" of 王科长")
		case f.Kind == crm.KindList:
			*f.Values(c) = []string{f.Key + "-1@example.com", f.Key + "-2"}
		}
	}
	mustAdd(t, cs, c)
	got, err := cs.FindContactByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	check := func(when string, want *crm.Contact) {
		t.Helper()
		for _, f := range crm.ProfileFields {
			var w, g any
			switch {
			case f.Kind.Single():
				w, g = *f.Value(want), *f.Value(got)
			case f.Kind == crm.KindList:
				w, g = *f.Values(want), *f.Values(got)
			case f.Kind == crm.KindFields:
				w, g = want.Fields, got.Fields
			case f.Kind == crm.KindCadence:
				w, g = want.CadenceDays, got.CadenceDays
			}
			if !reflect.DeepEqual(w, g) {
				t.Errorf("%s: %s stored %v, read back %v", when, f.Key, w, g)
			}
		}
		if got.ReportsToID != want.ReportsToID {
			t.Errorf("%s: reports to #%d, read back #%d", when, want.ReportsToID, got.ReportsToID)
		}
	}
	check("create", c)

	var u crm.ContactUpdate
	want := *got
	for _, f := range crm.ProfileFields {
		v := profileValue(f, f.Key+" changed")
		switch f.Kind {
		case crm.KindRef:
			v = "钱总"
		case crm.KindText, crm.KindNotes:
		default:
			continue
		}
		*f.Update(&u), *f.Value(&want) = &v, v
	}
	if got, err = cs.UpdateContact(ctx, c.ID, u); err != nil {
		t.Fatal(err)
	}
	want.ReportsToID = boss.ID + 1
	check("update", &want)
}
