package interop

import (
	"fmt"
	"io"
	"strings"

	"github.com/emersion/go-vcard"
	"github.com/google/uuid"

	"github.com/seedcrm/crm/internal/crm"
)

// VCardWriter writes contacts as vCards, one card per contact, in UTF-8
// with CRLF line ends and lines folded at 75 octets. It writes by hand
// rather than through vcard.Encoder, which neither folds lines nor escapes
// ";" inside a name or an address component.
type VCardWriter struct {
	w   io.Writer
	v4  bool
	buf []byte
}

// NewVCardWriter starts vCards of version "3.0" (the default, "": what
// iOS, Android and Outlook import reliably) or "4.0" (RFC 6350) on w.
func NewVCardWriter(w io.Writer, version string) (*VCardWriter, error) {
	switch version {
	case "", "3.0":
		return &VCardWriter{w: w}, nil
	case "4.0":
		return &VCardWriter{w: w, v4: true}, nil
	}
	return nil, crm.Errorf(crm.EINVALID, "unknown vCard version %q (valid: 3.0, 4.0)", version)
}

var vcardEscaper = strings.NewReplacer(`\`, `\\`, "\r\n", `\n`, "\r", `\n`, "\n", `\n`, ",", `\,`, ";", `\;`)

// escText escapes a text value or one component of a compound value.
func escText(s string) string { return vcardEscaper.Replace(s) }

func (w *VCardWriter) line(name, value string) {
	w.buf = appendFolded(w.buf, name+":"+value)
}

func (w *VCardWriter) text(name, value string) {
	if value != "" {
		w.line(name, escText(value))
	}
}

// Write writes one card for c: FN, N, ORG, TITLE, TEL, EMAIL, ADR, BDAY
// and ANNIVERSARY (of the solar key dates among dates, or the birthday
// field), NOTE, CATEGORIES (the tags), UID, and X-CRM-TIER, X-CRM-LADDER,
// X-CRM-STAGE, X-CRM-WECHAT and the other one-line profile fields as
// X-CRM-KEY. A birthday without a year is "--MMDD" in 4.0 and, in 3.0
// (whose dates all have a year), Apple's "1604-MM-DD" marked
// X-APPLE-OMIT-YEAR=1604: the form iOS writes itself and shows without a
// year, and that CardDAV servers syncing iPhones (Google's, iCloud) take;
// leaving the birthday out would lose it everywhere. An Android phone's
// own importer shows the year 1604; --vcard-version 4.0 serves it better.
// Lunar dates and the other kinds have no vCard property and are left out.
func (w *VCardWriter) Write(c *crm.Contact, dates []crm.KeyDate) error {
	w.buf = w.buf[:0]
	w.line("BEGIN", "VCARD")
	if w.v4 {
		w.line(vcard.FieldVersion, "4.0")
	} else {
		w.line(vcard.FieldVersion, "3.0")
	}
	w.line(vcard.FieldProductID, "-//seedcrm//crm//EN")
	w.line(vcard.FieldFormattedName, escText(c.Name))
	family, given := SplitName(c.Name)
	w.line(vcard.FieldName, escText(family)+";"+escText(given)+";;;")
	w.text(vcard.FieldOrganization, c.Account)
	w.text(vcard.FieldTitle, c.Title)
	for _, p := range c.Phones {
		w.text(vcard.FieldTelephone, p)
	}
	for _, e := range c.Emails {
		if w.v4 {
			w.text(vcard.FieldEmail, e)
		} else {
			w.text(vcard.FieldEmail+";TYPE=INTERNET", e)
		}
	}
	if c.Address != "" {
		w.line(vcard.FieldAddress, ";;"+escText(c.Address)+";;;;")
	}
	bday, anniversary := false, false
	for i := range dates {
		k := &dates[i]
		switch {
		case k.Calendar != "solar":
		case k.Kind == "birthday" && !bday:
			bday = true
			w.date(vcard.FieldBirthday, k)
		case k.Kind == "anniversary" && !anniversary:
			anniversary = true
			if w.v4 {
				w.date(vcard.FieldAnniversary, k)
			} else {
				w.date("X-ANNIVERSARY", k)
			}
		}
	}
	if !bday && c.Birthday != "" {
		if k, err := crm.ParseKeyDate("birthday", c.Birthday); err == nil {
			w.date(vcard.FieldBirthday, k)
		}
	}
	w.text(vcard.FieldNote, c.Notes)
	if len(c.Tags) > 0 {
		tags := make([]string, len(c.Tags))
		for i, t := range c.Tags {
			tags[i] = escText(t)
		}
		w.line(vcard.FieldCategories, strings.Join(tags, ","))
	}
	if c.UID != "" {
		if _, err := uuid.Parse(c.UID); w.v4 && err == nil {
			w.line(vcard.FieldUID, "urn:uuid:"+c.UID)
		} else if w.v4 {
			w.line(vcard.FieldUID+";VALUE=text", escText(c.UID))
		} else {
			w.line(vcard.FieldUID, escText(c.UID))
		}
	}
	w.text("X-CRM-TIER", c.Tier)
	w.text("X-CRM-WECHAT", c.WeChat)
	for i := range crm.ProfileFields {
		f := &crm.ProfileFields[i]
		if xcrmField(f) && f.Key != "tier" && f.Key != "wechat" {
			w.text("X-CRM-"+strings.ToUpper(strings.ReplaceAll(f.Key, "_", "-")), *f.Value(c))
		}
	}
	w.line("END", "VCARD")
	_, err := w.w.Write(w.buf)
	return err
}

// date writes a solar key date as a vCard date.
func (w *VCardWriter) date(name string, k *crm.KeyDate) {
	switch {
	case k.Year != 0 && w.v4:
		w.line(name, fmt.Sprintf("%04d%02d%02d", k.Year, k.Month, k.Day))
	case k.Year != 0:
		w.line(name, fmt.Sprintf("%04d-%02d-%02d", k.Year, k.Month, k.Day))
	case w.v4:
		w.line(name, fmt.Sprintf("--%02d%02d", k.Month, k.Day))
	default:
		w.line(name+";X-APPLE-OMIT-YEAR=1604", fmt.Sprintf("1604-%02d-%02d", k.Month, k.Day))
	}
}

// Close ends the vCards; it does not close the writer under them.
func (w *VCardWriter) Close() error { return nil }

// compoundSurnames are the two-character family names common enough that a
// name starting with one is not split after its first character.
var compoundSurnames = []string{"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "慕容", "尉迟", "令狐", "公孙", "夏侯", "长孙", "宇文", "司徒", "端木", "申屠", "轩辕", "西门", "南宫", "独孤"}

// SplitName splits a display name into vCard's family and given names: a
// Chinese name after its family name (its first character, or two for a
// compound surname such as 欧阳), any other name before its last word.
func SplitName(name string) (family, given string) {
	name = strings.TrimSpace(name)
	if isCJK(name) && !strings.ContainsAny(name, " \t") {
		for _, s := range compoundSurnames {
			if rest, ok := strings.CutPrefix(name, s); ok && rest != "" {
				return s, rest
			}
		}
		for i := range name {
			if i > 0 {
				return name[:i], name[i:]
			}
		}
		return name, ""
	}
	i := strings.LastIndexAny(name, " \t")
	if i < 0 {
		return name, ""
	}
	return name[i+1:], strings.TrimSpace(name[:i])
}
