// Package interop encodes and decodes the book's exchange formats.
package interop

import (
	"encoding/csv"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/seedcrm/crm/internal/crm"
)

// SafeCell neutralises a CSV cell that a spreadsheet would run as a formula:
// one starting with =, +, -, @, a tab or a carriage return gets a leading
// apostrophe, which spreadsheets show as text. Plain numbers ("-5", "+1.5")
// are left alone; a phone number like "+86 138…" is not a number and is
// quoted, which a spreadsheet displays as typed.
func SafeCell(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return s
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return s
	}
	return "'" + s
}

// ContactCSVHeader names the columns of WriteContactCSV: the profile
// fields (crm.ProfileFields) by their keys, all but the own rhythm.
var ContactCSVHeader = func() []string {
	h := []string{"id", "uid", "name", "account"}
	for _, f := range crm.ProfileFields {
		if f.Kind != crm.KindCadence {
			h = append(h, f.Key)
		}
	}
	return append(h, "last_touch_at", "due_at", "created_at")
}()

// ContactCSV writes contacts as CSV with a header row, one contact per
// record, every cell through SafeCell. Lists are joined with "; ", custom
// fields written as key=value.
type ContactCSV struct {
	w *csv.Writer
}

// NewContactCSV starts a CSV of contacts on w and writes the header.
func NewContactCSV(w io.Writer) (*ContactCSV, error) {
	c := &ContactCSV{w: csv.NewWriter(w)}
	return c, c.w.Write(ContactCSVHeader)
}

// Write adds one contact.
func (c *ContactCSV) Write(x *crm.Contact) error {
	t := func(p *time.Time) string {
		if p == nil {
			return ""
		}
		return p.UTC().Format(time.RFC3339)
	}
	rec := make([]string, 0, len(ContactCSVHeader))
	rec = append(rec, strconv.FormatInt(x.ID, 10), x.UID, x.Name, x.Account)
	for _, f := range crm.ProfileFields {
		switch {
		case f.Kind.Single(): // the reporting line by name
			rec = append(rec, *f.Value(x))
		case f.Kind == crm.KindList:
			rec = append(rec, strings.Join(*f.Values(x), "; "))
		case f.Kind == crm.KindFields:
			rec = append(rec, fieldsCell(x.Fields))
		} // the own rhythm has no column

	}
	rec = append(rec, t(x.LastTouchAt), t(x.DueAt), t(&x.CreatedAt))
	for i := range rec {
		rec[i] = SafeCell(rec[i])
	}
	return c.w.Write(rec)
}

// fieldsCell writes custom fields as "key=value; key=value", keys sorted.
func fieldsCell(fields map[string]string) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + fields[k]
	}
	return strings.Join(parts, "; ")
}

// Close flushes the CSV.
func (c *ContactCSV) Close() error {
	c.w.Flush()
	return c.w.Error()
}
