package mcpserver

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/seedcrm/crm/internal/crm"
)

// recordSchemas stand for the book's records inside tool outputs. They
// encode themselves (see crm.Contact.AppendJSON) in the shapes docs/json.md
// documents and the CLI prints; a schema inferred from their Go fields would
// describe something else, so each is an object, described by name.
var recordSchemas = map[reflect.Type]*jsonschema.Schema{
	reflect.TypeFor[crm.Contact]():     record("a contact, as crm ls --json prints it"),
	reflect.TypeFor[crm.ContactCard](): record("a contact's card, as crm show --json prints it: the contact's keys, then recent_touches, stage_changes, open_tasks and key_dates"),
	reflect.TypeFor[crm.Touch]():       record("a touch, as crm touches --json prints it; tasks lists the follow-ups it created"),
	reflect.TypeFor[crm.Task]():        record("a follow-up or promise, as crm tasks --json prints it"),
	reflect.TypeFor[crm.DueItem]():     record("a due contact, as crm due --json prints it: reasons say why, urgency.score ranks"),
	reflect.TypeFor[crm.SearchHit]():   record("a search hit, as crm search --json prints it: kind, id, contact, contact_id, account, field, snippet (matches between « and »), at, archived, rank"),
}

func record(desc string) *jsonschema.Schema {
	return &jsonschema.Schema{Type: "object", Description: desc}
}

// outputSchema is the schema of a tool's result type T (a struct, not a
// pointer), with the book's records as recordSchemas say.
func outputSchema[T any]() *jsonschema.Schema {
	s, err := jsonschema.For[T](&jsonschema.ForOptions{TypeSchemas: recordSchemas})
	if err != nil {
		panic(fmt.Sprintf("output schema of %T: %v", *new(T), err)) // a programming error, caught by every test
	}
	return s
}

// inputSchema is the schema of a tool's arguments T, inferred from its
// fields (descriptions from their jsonschema tags), then adjusted by each
// of tweaks: enums, defaults, bounds.
func inputSchema[T any](tweaks ...func(*jsonschema.Schema)) *jsonschema.Schema {
	s, err := jsonschema.For[T](nil)
	if err != nil {
		panic(fmt.Sprintf("input schema of %T: %v", *new(T), err))
	}
	for _, t := range tweaks {
		t(s)
	}
	return s
}

// property returns the schema of the argument name, or of its items for a
// list; it panics on a name the arguments lack, which every test catches.
func property(s *jsonschema.Schema, name string) *jsonschema.Schema {
	p := s.Properties[name]
	if p == nil {
		panic("no argument " + name)
	}
	if p.Items != nil {
		return p.Items
	}
	return p
}

// oneOf restricts the argument name (or each item of it) to values.
func oneOf(name string, values ...string) func(*jsonschema.Schema) {
	return func(s *jsonschema.Schema) {
		p := property(s, name)
		for _, v := range values {
			p.Enum = append(p.Enum, v)
		}
	}
}

// byDefault sets the default of the argument name, which the SDK fills in
// when a call leaves it out.
func byDefault(name string, v any) func(*jsonschema.Schema) {
	return func(s *jsonschema.Schema) {
		b, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		s.Properties[name].Default = b
	}
}

// between bounds the whole-number argument name.
func between(name string, lo, hi float64) func(*jsonschema.Schema) {
	return func(s *jsonschema.Schema) {
		p := s.Properties[name]
		p.Minimum, p.Maximum = &lo, &hi
	}
}

// atLeast requires n items of the list argument name, or n characters of
// the text argument name.
func atLeast(name string, n int) func(*jsonschema.Schema) {
	return func(s *jsonschema.Schema) {
		p := s.Properties[name]
		if p.Type == "array" || p.Items != nil {
			p.MinItems = &n
		} else {
			p.MinLength = &n
		}
	}
}

// moreAbout adds text to the description of the argument name.
func moreAbout(name, text string) func(*jsonschema.Schema) {
	return func(s *jsonschema.Schema) {
		s.Properties[name].Description += text
	}
}
