package crm

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"
)

// The JSON format of records is documented in docs/json.md. Contacts are
// encoded by hand because `crm ls --json` streams a whole book of them and
// reflection-based encoding was a third of its time; a test checks that the
// result equals what encoding/json makes of the struct tags.

// MarshalJSON implements json.Marshaler with AppendJSON.
func (c *Contact) MarshalJSON() ([]byte, error) { return c.AppendJSON(nil), nil }

// AppendJSON appends the contact as a JSON object to b.
func (c *Contact) AppendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, c.ID, 10)
	b = appendKeyString(b, "uid", c.UID)
	b = appendKeyString(b, "name", c.Name)
	b = appendOptInt(b, "account_id", c.AccountID)
	b = appendKeyString(b, "account", c.Account)
	for i := range ProfileFields {
		b = ProfileFields[i].appendJSON(b, c)
	}
	b = appendNullTime(b, "last_touch_at", c.LastTouchAt)
	b = appendNullTime(b, "due_at", c.DueAt)
	if c.SnoozedUntil != nil {
		b = appendNullTime(b, "snoozed_until", c.SnoozedUntil)
	}
	b = append(b, `,"created_at":`...)
	b = appendTime(b, c.CreatedAt)
	b = append(b, `,"updated_at":`...)
	b = appendTime(b, c.UpdatedAt)
	if c.ArchivedAt != nil {
		b = append(b, `,"archived_at":`...)
		b = appendTime(b, *c.ArchivedAt)
	}
	return append(b, '}')
}

// appendJSON appends the field's key and value, after a comma, as its
// struct tag says: nothing for an empty value where OmitEmpty.
func (f *ProfileField) appendJSON(b []byte, c *Contact) []byte {
	switch f.Kind {
	case KindList:
		return appendKeyList(b, f.Key, *f.Values(c))
	case KindFields:
		if len(c.Fields) == 0 {
			return b
		}
		keys := make([]string, 0, len(c.Fields))
		for k := range c.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b = append(b, `,"`...)
		b = append(b, f.Key...)
		b = append(b, `":{`...)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendJSONString(b, k)
			b = append(b, ':')
			b = AppendJSONString(b, c.Fields[k])
		}
		return append(b, '}')
	case KindCadence:
		return appendOptInt(b, f.Key, int64(c.CadenceDays))
	case KindRef:
		if c.ReportsToID != 0 {
			b = appendOptInt(b, f.Key+"_id", c.ReportsToID)
		}
	}
	if f.OmitEmpty {
		return appendOptString(b, f.Key, *f.Value(c))
	}
	return appendKeyString(b, f.Key, *f.Value(c))
}

// appendOptInt writes a number, nothing when it is 0.
func appendOptInt(b []byte, key string, v int64) []byte {
	if v == 0 {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return strconv.AppendInt(b, v, 10)
}

func appendKeyString(b []byte, key, v string) []byte {
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return AppendJSONString(b, v)
}

func appendOptString(b []byte, key, v string) []byte {
	if v == "" {
		return b
	}
	return appendKeyString(b, key, v)
}

// appendKeyList writes a list, [] when empty (never null).
func appendKeyList(b []byte, key string, list []string) []byte {
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, `":[`...)
	for i, v := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendJSONString(b, v)
	}
	return append(b, ']')
}

func appendNullTime(b []byte, key string, t *time.Time) []byte {
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	if t == nil {
		return append(b, "null"...)
	}
	return appendTime(b, *t)
}

// appendTime writes t as encoding/json does: RFC 3339 with nanoseconds when present.
func appendTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s as a JSON string, escaped as encoding/json
// escapes it (HTML characters aside): quotes, backslashes, control
// characters, U+2028 and U+2029; invalid UTF-8 becomes U+FFFD.
func AppendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// MarshalJSON implements json.Marshaler with AppendJSON.
func (it *DueItem) MarshalJSON() ([]byte, error) { return it.AppendJSON(nil), nil }

// AppendJSON appends the due item as a JSON object: `crm due --json` writes
// one per due contact, thousands on a large book.
func (it *DueItem) AppendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, it.ID, 10)
	b = appendKeyString(b, "name", it.Name)
	b = appendKeyString(b, "account", it.Account)
	b = appendKeyString(b, "tier", it.Tier)
	b = appendKeyString(b, "stage", it.Stage)
	b = append(b, `,"due_at":`...)
	b = appendTime(b, it.DueAt)
	b = append(b, `,"days_overdue":`...)
	b = strconv.AppendInt(b, int64(it.DaysOverdue), 10)
	b = append(b, `,"rhythm_days":`...)
	b = strconv.AppendInt(b, int64(it.RhythmDays), 10)
	b = append(b, `,"own_rhythm":`...)
	b = strconv.AppendBool(b, it.OwnRhythm)
	b = appendNullTime(b, "last_touch_at", it.LastTouchAt)
	b = append(b, `,"tasks":[`...)
	for i, t := range it.Tasks {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":`...)
		b = strconv.AppendInt(b, t.ID, 10)
		b = appendKeyString(b, "kind", t.Kind)
		b = appendKeyString(b, "title", t.Title)
		b = append(b, `,"due_at":`...)
		b = appendTime(b, t.DueAt)
		b = append(b, '}')
	}
	b = append(b, `],"key_dates":[`...)
	for i := range it.KeyDates {
		if i > 0 {
			b = append(b, ',')
		}
		b = it.KeyDates[i].AppendJSON(b)
	}
	b = append(b, ']')
	if it.SnoozedUntil != nil {
		b = appendNullTime(b, "snoozed_until", it.SnoozedUntil)
	}
	u := it.Urgency
	b = append(b, `,"urgency":{"score":`...)
	b = appendFloat(b, u.Score)
	for _, t := range []struct {
		k string
		v float64
	}{{"overdue", u.Overdue}, {"tier", u.Tier}, {"promise", u.Promise}, {"followup", u.Followup}, {"date", u.Date}} {
		b = append(b, ',', '"')
		b = append(b, t.k...)
		b = append(b, '"', ':')
		b = appendFloat(b, t.v)
	}
	b = append(b, `},"reasons":[`...)
	for i, r := range it.Reasons {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendJSONString(b, r)
	}
	b = append(b, ']')
	b = appendKeyString(b, "reason", it.Reason)
	return append(b, '}')
}

// AppendJSON appends the occasion as a JSON object, as its struct tags say.
func (o *Occasion) AppendJSON(b []byte) []byte {
	b = append(b, `{"date":`...)
	b = AppendJSONString(b, o.Date)
	b = appendKeyString(b, "kind", o.Kind)
	b = appendKeyString(b, "title", o.Title)
	optBool := func(key string, v bool) {
		if v {
			b = append(b, ',', '"')
			b = append(b, key...)
			b = append(b, `":true`...)
		}
	}
	b = appendOptInt(b, "contact_id", o.ContactID)
	b = appendOptString(b, "contact", o.Contact)
	b = appendOptInt(b, "years", int64(o.Years))
	optBool("lunar", o.Lunar)
	b = appendOptInt(b, "task_id", o.TaskID)
	b = appendOptInt(b, "key_date_id", o.KeyDateID)
	optBool("overdue", o.Overdue)
	return append(b, '}')
}

// appendFloat writes f as encoding/json does for float64.
func appendFloat(b []byte, f float64) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' { // 1e-07 → 1e-7, as encoding/json writes exponents
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// JSONAppender is a record that encodes itself (see Contact.AppendJSON),
// faster than encoding/json and with the same result.
type JSONAppender interface{ AppendJSON([]byte) []byte }

// MarshalJSON encodes v as crm writes JSON everywhere (--json, hooks):
// compactly, without HTML escaping (this is no web page). A nil list is an
// empty one: every list is [], never null.
func MarshalJSON(v any) ([]byte, error) {
	if a, ok := v.(JSONAppender); ok {
		return a.AppendJSON(nil), nil
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.IsNil() {
		return []byte("[]"), nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
