package interop

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seedcrm/crm/internal/crm"
)

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		"":                         "",
		"王科长":                      "王科长",
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		"+cmd|' /C calc'!A0":       "'+cmd|' /C calc'!A0",
		"-2+3":                     "'-2+3",
		"@SUM(A1)":                 "'@SUM(A1)",
		"\t=1":                     "'\t=1",
		"\r=1":                     "'\r=1",
		"+86 138 0013 8000":        "'+86 138 0013 8000",
		"-5":                       "-5",
		"+1.5":                     "+1.5",
		"a=b":                      "a=b",
	} {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzSafeCell(f *testing.F) {
	for _, s := range []string{"=1+1", "+1", "-x", "@a", "\t", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := SafeCell(s)
		if got != s && got != "'"+s {
			t.Fatalf("SafeCell(%q) = %q: changed more than a leading apostrophe", s, got)
		}
		if got != "" && strings.ContainsRune("=+-@\t\r", rune(got[0])) && got == s {
			if _, err := parseNumber(s); err != nil {
				t.Fatalf("SafeCell(%q) left a formula", s)
			}
		}
	})
}

func TestContactCSV(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewContactCSV(&buf, ContactCSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)
	w.Write(&crm.Contact{ID: 1, Name: "=cmd()", Phones: []string{"+86 1", "2"}, Tags: []string{"a", "b"}, Notes: "line\nbreak, \"quoted\"", CreatedAt: now})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || len(recs[1]) != len(ContactCSVHeader) {
		t.Fatalf("records = %q", recs)
	}
	row := map[string]string{}
	for i, h := range ContactCSVHeader {
		row[h] = recs[1][i]
	}
	if row["name"] != "'=cmd()" || row["phones"] != "'+86 1; 2" || row["notes"] != "line\nbreak, \"quoted\"" || row["created_at"] != "2026-11-22T01:00:00Z" {
		t.Errorf("row = %q", row)
	}
}

func parseNumber(s string) (float64, error) { return strconv.ParseFloat(s, 64) }
