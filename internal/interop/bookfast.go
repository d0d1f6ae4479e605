package interop

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/seedcrm/crm/internal/crm"
)

// The records a large book is made of, touches and stage changes, are read
// here without reflection when they are as crm writes them: a flat object
// of known keys whose strings need no unescaping. Anything else (an escape,
// an unknown key, a value of another type, a syntax error) makes the fast
// path give up, and encoding/json reads the record, with its own errors:
// so the fast path only ever returns what json.Unmarshal would
// (FuzzFastRecords checks it). It was a tenth of a 1M-touch import.

// fastValue is one member's value of a flat object: a string, null, a
// number (its text) or an array of strings.
type fastValue struct {
	kind byte // 's', 'n', '0', 'a'
	str  string
	list []string
}

// fastObject calls set with each member of the object raw holds; false
// when raw is not such an object or set refuses a member.
func fastObject(raw []byte, set func(key string, v *fastValue) bool) bool {
	if !utf8.Valid(raw) {
		return false
	}
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return false
	}
	i = skipSpace(raw, i+1)
	if i < len(raw) && raw[i] == '}' {
		return skipSpace(raw, i+1) == len(raw)
	}
	var v fastValue
	for {
		key, j, ok := fastString(raw, i)
		if !ok {
			return false
		}
		i = skipSpace(raw, j)
		if i >= len(raw) || raw[i] != ':' {
			return false
		}
		if i, ok = fastMember(raw, skipSpace(raw, i+1), &v); !ok || !set(key, &v) {
			return false
		}
		i = skipSpace(raw, i)
		if i >= len(raw) {
			return false
		}
		switch raw[i] {
		case ',':
			i = skipSpace(raw, i+1)
		case '}':
			return skipSpace(raw, i+1) == len(raw)
		default:
			return false
		}
	}
}

// fastMember reads the value at raw[i] into v and returns where it ends.
func fastMember(raw []byte, i int, v *fastValue) (int, bool) {
	if i >= len(raw) {
		return i, false
	}
	*v = fastValue{}
	switch c := raw[i]; {
	case c == '"':
		s, j, ok := fastString(raw, i)
		v.kind, v.str = 's', s
		return j, ok
	case c == 'n':
		if len(raw)-i >= 4 && string(raw[i:i+4]) == "null" {
			v.kind = 'n'
			return i + 4, true
		}
	case c == '-' || c >= '0' && c <= '9':
		j, ok := fastNumber(raw, i)
		v.kind, v.str = '0', string(raw[i:j])
		return j, ok
	case c == '[':
		v.kind, v.list = 'a', []string{}
		i = skipSpace(raw, i+1)
		if i < len(raw) && raw[i] == ']' {
			return i + 1, true
		}
		for {
			s, j, ok := fastString(raw, i)
			if !ok {
				return j, false
			}
			v.list = append(v.list, s)
			i = skipSpace(raw, j)
			if i >= len(raw) {
				return i, false
			}
			switch raw[i] {
			case ',':
				i = skipSpace(raw, i+1)
			case ']':
				return i + 1, true
			default:
				return i, false
			}
		}
	}
	return i, false
}

// fastString reads a string that needs no unescaping at raw[i].
func fastString(raw []byte, i int) (string, int, bool) {
	if i >= len(raw) || raw[i] != '"' {
		return "", i, false
	}
	for j := i + 1; j < len(raw); j++ {
		switch c := raw[j]; {
		case c == '"':
			return string(raw[i+1 : j]), j + 1, true
		case c == '\\' || c < 0x20:
			return "", j, false
		}
	}
	return "", len(raw), false
}

// fastNumber checks JSON's number grammar from raw[i].
func fastNumber(raw []byte, i int) (int, bool) {
	digits := func(i int) int {
		for i < len(raw) && raw[i] >= '0' && raw[i] <= '9' {
			i++
		}
		return i
	}
	if raw[i] == '-' {
		i++
	}
	switch {
	case i < len(raw) && raw[i] == '0':
		i++
	case i < len(raw) && raw[i] >= '1' && raw[i] <= '9':
		i = digits(i)
	default:
		return i, false
	}
	if i < len(raw) && raw[i] == '.' {
		j := digits(i + 1)
		if j == i+1 {
			return j, false
		}
		i = j
	}
	if i < len(raw) && (raw[i] == 'e' || raw[i] == 'E') {
		i++
		if i < len(raw) && (raw[i] == '+' || raw[i] == '-') {
			i++
		}
		j := digits(i)
		if j == i {
			return j, false
		}
		i = j
	}
	return i, true
}

func skipSpace(raw []byte, i int) int {
	for i < len(raw) && isSpace(raw[i]) {
		i++
	}
	return i
}

// text sets *dst from a string member; null leaves it, as json.Unmarshal does.
func (v *fastValue) text(dst *string) bool {
	switch v.kind {
	case 's':
		*dst = v.str
	case 'n':
	default:
		return false
	}
	return true
}

// time sets *dst from an RFC 3339 string member, as time.Time reads JSON.
func (v *fastValue) time(dst *time.Time) bool {
	switch v.kind {
	case 's':
		var t time.Time
		if t.UnmarshalJSON([]byte(`"`+v.str+`"`)) != nil {
			return false
		}
		*dst = t
	case 'n':
	default:
		return false
	}
	return true
}

// decodeTouchFast reads a touch record as json.Unmarshal would, or says false.
func decodeTouchFast(raw []byte, t *crm.BookTouch) bool {
	return fastObject(raw, func(key string, v *fastValue) bool {
		switch key {
		case "type":
			return v.kind == 's' || v.kind == 'n' // not a field: ignored
		case "uid":
			return v.text(&t.UID)
		case "at":
			return v.time(&t.At)
		case "channel":
			return v.text(&t.Channel)
		case "direction":
			return v.text(&t.Direction)
		case "summary":
			return v.text(&t.Summary)
		case "notes":
			return v.text(&t.Notes)
		case "logged_by":
			return v.text(&t.LoggedBy)
		case "created_at":
			return v.time(&t.CreatedAt)
		case "cost":
			switch v.kind {
			case 'n':
				t.Cost = nil
			case '0':
				f, err := strconv.ParseFloat(v.str, 64)
				if err != nil {
					return false
				}
				c := crm.Cost(f)
				t.Cost = &c
			default:
				return false
			}
			return true
		case "contact_uids":
			switch v.kind {
			case 'n':
				t.ContactUIDs = nil
			case 'a':
				t.ContactUIDs = v.list
			default:
				return false
			}
			return true
		}
		return false
	})
}

// decodeStageChangeFast reads a stage change record as json.Unmarshal
// would, or says false.
func decodeStageChangeFast(raw []byte, sc *crm.BookStageChange) bool {
	return fastObject(raw, func(key string, v *fastValue) bool {
		switch key {
		case "type":
			return v.kind == 's' || v.kind == 'n'
		case "contact_uid":
			return v.text(&sc.ContactUID)
		case "ladder":
			return v.text(&sc.Ladder)
		case "from":
			return v.text(&sc.From)
		case "to":
			return v.text(&sc.To)
		case "at":
			return v.time(&sc.At)
		case "note":
			return v.text(&sc.Note)
		case "created_at":
			return v.time(&sc.CreatedAt)
		}
		return false
	})
}
