package crm

import "strings"

// FieldKind says what a profile field holds, and so how every face reads,
// checks, stores and encodes it.
type FieldKind int

const (
	KindText    FieldKind = iota // one line of free text
	KindNotes                    // free text of many lines (the editor form puts it last, below a mark)
	KindEnum                     // one key of the field's Enum, or "" where not Required
	KindLadder                   // a ladder key; changing it restarts at the ladder's first stage
	KindStage                    // a stage of the contact's ladder
	KindRef                      // the contact this one reports to: Value is the name, ReportsToID the id
	KindDate                     // a birthday, MM-DD or YYYY-MM-DD
	KindList                     // a list of strings: Values, and the update's Add and Remove
	KindFields                   // the custom fields (Contact.Fields)
	KindCadence                  // the own rhythm in days (Contact.CadenceDays); 0: the tier's
)

// Single reports whether the field holds one string (Value and Update are set).
func (k FieldKind) Single() bool { return k <= KindDate }

// ProfileField is one field of a contact's profile as every face knows it:
// the key names it in JSON, in the CSV header, as the SQL column and in
// the editor form; Flag is the add/edit flag. Accessors give the field's
// place in a Contact and a ContactUpdate, so that faces need no reflection.
type ProfileField struct {
	Key       string
	Flag      string
	Help      string // the flag's help
	Kind      FieldKind
	Enum      *Enum // KindEnum: the valid values
	OmitEmpty bool  // JSON leaves the key out when the value is empty
	Required  bool  // never empty: an update may not clear it
	// Value and Update are set for Single kinds.
	Value  func(*Contact) *string
	Update func(*ContactUpdate) **string
	// Values, Add and Remove are set for KindList.
	Values      func(*Contact) *[]string
	Add, Remove func(*ContactUpdate) *[]string
	// Check, when set, returns a Single field's value in its canonical
	// form, or EINVALID.
	Check func(string) (string, error)
}

// ProfileFields are the profile fields of a contact in the order of its
// JSON keys (and of the CSV columns): what `crm add` and `crm edit` set.
// Name and account are not among them: they identify the contact and are
// handled where it is created or resolved. Adding a plain text field is a
// Contact and a ContactUpdate field, one line here and a migration adding
// the column.
var ProfileFields = []ProfileField{
	{Key: "title", Flag: "title", Help: "job title", Kind: KindText,
		Value: func(c *Contact) *string { return &c.Title }, Update: func(u *ContactUpdate) **string { return &u.Title }},
	{Key: "tier", Flag: "tier", Help: "tier: A (monthly), B (quarterly) or C (half-yearly)", Kind: KindEnum, Enum: Tiers, Required: true,
		Value: func(c *Contact) *string { return &c.Tier }, Update: func(u *ContactUpdate) **string { return &u.Tier }},
	{Key: "ladder", Flag: "ladder", Help: "relationship ladder: " + strings.Join(LadderKeys(), ", "), Kind: KindLadder, Required: true,
		Value: func(c *Contact) *string { return &c.Ladder }, Update: func(u *ContactUpdate) **string { return &u.Ladder }},
	{Key: "stage", Flag: "stage", Help: "stage on the ladder (default: its first)", Kind: KindStage, Required: true,
		Value: func(c *Contact) *string { return &c.Stage }, Update: func(u *ContactUpdate) **string { return &u.Stage }},
	enumField(Styles, "communication style", func(c *Contact) *string { return &c.Style }, func(u *ContactUpdate) **string { return &u.Style }),
	enumField(Levels, "level in the buying map", func(c *Contact) *string { return &c.Level }, func(u *ContactUpdate) **string { return &u.Level }),
	enumField(Roles, "role in the purchase", func(c *Contact) *string { return &c.Role }, func(u *ContactUpdate) **string { return &u.Role }),
	enumField(Attitudes, "attitude toward us", func(c *Contact) *string { return &c.Attitude }, func(u *ContactUpdate) **string { return &u.Attitude }),
	{Key: "reports_to", Flag: "reports-to", Help: "the contact `REF` this person reports to", Kind: KindRef, OmitEmpty: true,
		Value: func(c *Contact) *string { return &c.ReportsTo }, Update: func(u *ContactUpdate) **string { return &u.ReportsTo }},
	{Key: "phones", Flag: "phone", Help: "phone number (repeatable)", Kind: KindList, Values: func(c *Contact) *[]string { return &c.Phones },
		Add: func(u *ContactUpdate) *[]string { return &u.AddPhones }, Remove: func(u *ContactUpdate) *[]string { return &u.RemovePhones }},
	{Key: "emails", Flag: "email", Help: "email address (repeatable)", Kind: KindList, Values: func(c *Contact) *[]string { return &c.Emails },
		Add: func(u *ContactUpdate) *[]string { return &u.AddEmails }, Remove: func(u *ContactUpdate) *[]string { return &u.RemoveEmails }},
	textField("wechat", "WeChat id", func(c *Contact) *string { return &c.WeChat }, func(u *ContactUpdate) **string { return &u.WeChat }),
	textField("address", "address", func(c *Contact) *string { return &c.Address }, func(u *ContactUpdate) **string { return &u.Address }),
	textField("hometown", "hometown", func(c *Contact) *string { return &c.Hometown }, func(u *ContactUpdate) **string { return &u.Hometown }),
	textField("school", "school and major", func(c *Contact) *string { return &c.School }, func(u *ContactUpdate) **string { return &u.School }),
	textField("family", "family", func(c *Contact) *string { return &c.Family }, func(u *ContactUpdate) **string { return &u.Family }),
	textField("interests", "sports, food, books, travel…", func(c *Contact) *string { return &c.Interests }, func(u *ContactUpdate) **string { return &u.Interests }),
	textField("source", "where the contact came from", func(c *Contact) *string { return &c.Source }, func(u *ContactUpdate) **string { return &u.Source }),
	{Key: "birthday", Flag: "birthday", Help: "birthday as MM-DD or YYYY-MM-DD", Kind: KindDate, OmitEmpty: true,
		Value: func(c *Contact) *string { return &c.Birthday }, Update: func(u *ContactUpdate) **string { return &u.Birthday }},
	{Key: "notes", Flag: "note", Help: "notes", Kind: KindNotes, OmitEmpty: true,
		Value: func(c *Contact) *string { return &c.Notes }, Update: func(u *ContactUpdate) **string { return &u.Notes }},
	{Key: "tags", Flag: "tag", Help: "tag (repeatable)", Kind: KindList, Values: func(c *Contact) *[]string { return &c.Tags },
		Add: func(u *ContactUpdate) *[]string { return &u.AddTags }, Remove: func(u *ContactUpdate) *[]string { return &u.RemoveTags }},
	{Key: "fields", Flag: "field", Help: "custom field as `key=value` (repeatable; key= removes on edit)", Kind: KindFields, OmitEmpty: true},
	{Key: "owner", Flag: "owner", Help: "the rep who owns the contact: a short `NAME` (default: you, as user.name or $CRM_USER say)", Kind: KindText, OmitEmpty: true,
		Check: CheckUserName, Value: func(c *Contact) *string { return &c.Owner }, Update: func(u *ContactUpdate) **string { return &u.Owner }},
	{Key: "cadence_days", Flag: "every", Help: "the contact's own rhythm (`DUR`: 2w, 45d; tier: the tier's)", Kind: KindCadence, OmitEmpty: true},
}

// textField is a plain text field: its flag is its key, and JSON leaves it out when empty.
func textField(key, help string, v func(*Contact) *string, u func(*ContactUpdate) **string) ProfileField {
	return ProfileField{Key: key, Flag: key, Help: help, Kind: KindText, OmitEmpty: true, Value: v, Update: u}
}

// enumField is an optional field of e's values, named by e.Field; its help lists them.
func enumField(e *Enum, help string, v func(*Contact) *string, u func(*ContactUpdate) **string) ProfileField {
	return ProfileField{Key: e.Field, Flag: e.Field, Help: help + ": " + strings.Join(e.Keys(), ", "), Kind: KindEnum,
		Enum: e, OmitEmpty: true, Value: v, Update: u}
}
