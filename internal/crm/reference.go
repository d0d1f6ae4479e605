package crm

// How a reference (REF) is resolved to one record. The rule is the
// domain's: the storage walks these steps in order and only runs the
// query of each. The first step that matches anything decides: one record
// is the answer, several are EAMBIGUOUS (Error.Candidates), none goes on to
// the next step; after the last, ENOTFOUND with the closest names.

// RefKeys is what a step of resolution compares the reference with.
type RefKeys string

const (
	RefByID      RefKeys = "id"       // the numeric id; only for a reference of digits (IsNumericRef)
	RefByUID     RefKeys = "uid"      // the uid; only for a reference shaped like one (IsUIDRef)
	RefByKey     RefKeys = "key"      // the search keys of common readings: the name folded, its pinyin and initials, emails, phone digits
	RefByRareKey RefKeys = "rare_key" // the same keys made from the rare readings of the name's characters
	RefByKeyPart RefKeys = "key_part" // a key that contains the reference anywhere
)

// RefStep is one step of resolution.
type RefStep struct {
	By RefKeys
	// Exact compares whole keys; otherwise a key that begins with the
	// reference matches (RefByKeyPart: that contains it).
	Exact bool
	// OrPhone, on the id step: digits that are no id go on to the later
	// steps, as a phone number, when they are at least MinPhoneRef long.
	// Otherwise an id or uid step that applies and finds nothing is
	// ENOTFOUND: a typed id never falls back to a name.
	OrPhone bool
}

// MinPhoneRef is the fewest digits a reference needs to be read as a phone
// number rather than only as an id.
const MinPhoneRef = 5

// ContactRefSteps resolve a contact: id, uid, a whole common key (name,
// full pinyin, initials, email, phone), the start of one, then the same two
// among the keys of rare readings, so that a rare reading of a character
// finds somebody only when the common readings find nobody.
var ContactRefSteps = []RefStep{
	{By: RefByID, Exact: true, OrPhone: true},
	{By: RefByUID, Exact: true},
	{By: RefByKey, Exact: true},
	{By: RefByKey},
	{By: RefByRareKey, Exact: true},
	{By: RefByRareKey},
}

// AccountRefSteps resolve an account: id, uid, a whole key, the start of
// one, then any key containing the reference, since organisations are
// named by a part of a long name (宝山 for 上海宝山钢铁设备公司).
var AccountRefSteps = []RefStep{
	{By: RefByID, Exact: true},
	{By: RefByUID, Exact: true},
	{By: RefByKey, Exact: true},
	{By: RefByKey},
	{By: RefByKeyPart},
}

// IsUIDRef reports whether s is shaped like a uid: a UUID in its canonical
// 36-character form (8-4-4-4-12 hexadecimal digits), in either case.
func IsUIDRef(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f', 'A' <= c && c <= 'F':
		default:
			return false
		}
	}
	return true
}
