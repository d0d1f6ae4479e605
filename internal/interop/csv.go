// Package interop encodes and decodes the book's exchange formats.
package interop

import (
	"encoding/csv"
	"io"
	"slices"
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
	w    *csv.Writer
	cols []int // indexes into ContactCSVHeader, in the order written
	rec  []string
}

// ContactCSVOptions shape a CSV of contacts.
type ContactCSVOptions struct {
	// BOM starts the file with a UTF-8 byte order mark, without which
	// Excel reads UTF-8 as the system's code page.
	BOM bool
	// Columns are the columns to write, in order, of ContactCSVHeader;
	// none: all of them.
	Columns []string
}

// ParseCSVColumns reads --columns: column names of ContactCSVHeader
// separated by commas, each at most once.
func ParseCSVColumns(s string) ([]string, error) {
	var cols []string
	for _, c := range strings.Split(s, ",") {
		if c = strings.TrimSpace(c); c != "" {
			cols = append(cols, c)
		}
	}
	if len(cols) == 0 {
		return nil, crm.Errorf(crm.EINVALID, "--columns is empty (valid: %s)", strings.Join(ContactCSVHeader, ", "))
	}
	_, err := csvColumnIndexes(cols)
	return cols, err
}

func csvColumnIndexes(cols []string) ([]int, error) {
	idx := make([]int, 0, len(ContactCSVHeader))
	if len(cols) == 0 {
		for i := range ContactCSVHeader {
			idx = append(idx, i)
		}
		return idx, nil
	}
	for _, c := range cols {
		i := slices.Index(ContactCSVHeader, c)
		if i < 0 {
			return nil, crm.Errorf(crm.EINVALID, "unknown column %q (valid: %s)", c, strings.Join(ContactCSVHeader, ", "))
		}
		if slices.Contains(idx, i) {
			return nil, crm.Errorf(crm.EINVALID, "column %q is named twice", c)
		}
		idx = append(idx, i)
	}
	return idx, nil
}

// NewContactCSV starts a CSV of contacts on w and writes the header.
func NewContactCSV(w io.Writer, opts ContactCSVOptions) (*ContactCSV, error) {
	cols, err := csvColumnIndexes(opts.Columns)
	if err != nil {
		return nil, err
	}
	if opts.BOM {
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return nil, err
		}
	}
	c := &ContactCSV{w: csv.NewWriter(w), cols: cols, rec: make([]string, len(cols))}
	for i, j := range cols {
		c.rec[i] = ContactCSVHeader[j]
	}
	return c, c.w.Write(c.rec)
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
	for i, j := range c.cols {
		c.rec[i] = SafeCell(rec[j])
	}
	return c.w.Write(c.rec)
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
