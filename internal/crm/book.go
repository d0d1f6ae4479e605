package crm

import (
	"context"
	"sort"
	"strconv"
	"time"
)

// The book format (docs/json.md): every record of a book, with references
// between records by uid, so that a book moves into another one without
// its numeric ids (which are the book's own) and merges by uid. What is
// derived from other records (a contact's last touch, due date and sort
// key; the search keys) is not in it: the importing book computes it.

const (
	// BookFormat names the format in a book file's header.
	BookFormat = "crm-book"
	// BookVersion is the version of the book format this crm writes and
	// the newest it reads.
	BookVersion = 1
)

// BookHeader opens a book file.
type BookHeader struct {
	Format     string
	Version    int
	ExportedAt time.Time
}

// The Book* records decode from a book file with encoding/json (their
// tags and those of the records they embed name its keys) and encode with
// AppendJSON, which writes every key, in the order docs/json.md lists.

// BookContact is a contact with its account and reporting line by uid.
type BookContact struct {
	Contact
	AccountUID   string `json:"account_uid"`
	ReportsToUID string `json:"reports_to_uid"`
}

// BookTouch is a touch with its contacts by uid.
type BookTouch struct {
	Touch
	ContactUIDs []string `json:"contact_uids"`
}

// BookStageChange is a stage change with its contact by uid. Stage changes
// have no uid of their own: one is known by its contact, ladder, stages and
// time (StageChangeKey), which two moves of one contact never share.
type BookStageChange struct {
	StageChange
	ContactUID string    `json:"contact_uid"`
	CreatedAt  time.Time `json:"created_at"`
}

// BookTask is a task with its contact and its touch (or none) by uid.
type BookTask struct {
	Task
	ContactUID string `json:"contact_uid"`
	TouchUID   string `json:"touch_uid"`
}

// BookKeyDate is a key date with its contact by uid.
type BookKeyDate struct {
	KeyDate
	ContactUID string `json:"contact_uid"`
}

// BookPlan is a plan of the book's own (presets are in the binary).
type BookPlan struct {
	Plan
	CreatedAt time.Time `json:"created_at"`
}

// BookAlias is the uid of a contact merged into another (crm merge): the
// uid, which finds the contact it was merged into, by that contact's uid.
type BookAlias struct {
	UID        string    `json:"uid"`
	ContactUID string    `json:"contact_uid"`
	CreatedAt  time.Time `json:"created_at"`
}

// AppendJSON appends the alias as a record of a book file.
func (a *BookAlias) AppendJSON(b []byte) []byte {
	b = append(b, `{"uid":`...)
	b = AppendJSONString(b, a.UID)
	b = appendKeyString(b, "contact_uid", a.ContactUID)
	b = appendKeyTime(b, "created_at", a.CreatedAt)
	return append(b, '}')
}

// BookSink receives the records of a book in the book's order: accounts,
// contacts, touches, stage changes, tasks, key dates, plans, settings,
// aliases (last, so that a reader of version 1 that predates them ignores
// the JSON layout's added array). line
// is where the record starts in its file (1-based), 0 when it comes from a
// book rather than a file. A decoder calls Header first.
type BookSink interface {
	Header(h BookHeader) error
	Account(line int, a *Account) error
	Contact(line int, c *BookContact) error
	Touch(line int, t *BookTouch) error
	StageChange(line int, sc *BookStageChange) error
	Task(line int, t *BookTask) error
	KeyDate(line int, k *BookKeyDate) error
	Plan(line int, p *BookPlan) error
	Setting(line int, s *Setting) error
	Alias(line int, a *BookAlias) error
}

// BookFilter selects what an export holds; zero fields do not filter. A
// contact filter (ContactID, Tag) keeps the selected contacts, their
// accounts, and the touches, stage changes, tasks and key dates of those
// contacts (a touch keeps only its selected contacts); plans and settings
// are always whole. Since keeps the touches (and stage changes) from then on.
type BookFilter struct {
	ContactID int64
	Tag       string
	Since     *time.Time
}

// ExportService reads a whole book.
type ExportService interface {
	// ExportBook streams the book's records to sink in the book's order,
	// each kind by id, from one snapshot of the book.
	ExportBook(ctx context.Context, f BookFilter, sink BookSink) error
}

// ExportedSetting reports whether a setting belongs in a book file: the
// internal ones (the state of search keys, where the review stopped) are
// the file's own and stay in it.
func ExportedSetting(key string) bool {
	return len(key) < len("internal.") || key[:len("internal.")] != "internal."
}

// BookAccountJSON appends the account as a record of a book file (no id, no
// counts; docs/json.md).
func BookAccountJSON(b []byte, a *Account) []byte {
	b = append(b, `{"uid":`...)
	b = AppendJSONString(b, a.UID)
	b = appendKeyString(b, "name", a.Name)
	b = appendKeyString(b, "industry", a.Industry)
	b = appendKeyString(b, "website", a.Website)
	b = appendKeyString(b, "address", a.Address)
	b = appendKeyString(b, "notes", a.Notes)
	b = appendKeyString(b, "owner", a.Owner)
	b = appendKeyTime(b, "created_at", a.CreatedAt)
	b = appendKeyTime(b, "updated_at", a.UpdatedAt)
	return append(b, '}')
}

// AppendJSON appends the contact as a record of a book file: every
// profile field, always present, references by uid.
func (c *BookContact) AppendJSON(b []byte) []byte {
	b = append(b, `{"uid":`...)
	b = AppendJSONString(b, c.UID)
	b = appendKeyString(b, "name", c.Name)
	b = appendKeyString(b, "account_uid", c.AccountUID)
	for i := range ProfileFields {
		f := &ProfileFields[i]
		switch f.Kind {
		case KindRef:
			b = appendKeyString(b, f.Key+"_uid", c.ReportsToUID)
		case KindList:
			b = appendKeyList(b, f.Key, *f.Values(&c.Contact))
		case KindFields:
			b = appendFieldsObject(b, f.Key, c.Fields)
		case KindCadence:
			b = append(b, `,"cadence_days":`...)
			b = strconv.AppendInt(b, int64(c.CadenceDays), 10)
		default:
			b = appendKeyString(b, f.Key, *f.Value(&c.Contact))
		}
	}
	b = appendNullTime(b, "snoozed_until", c.SnoozedUntil)
	b = appendKeyTime(b, "created_at", c.CreatedAt)
	b = appendKeyTime(b, "updated_at", c.UpdatedAt)
	b = appendNullTime(b, "archived_at", c.ArchivedAt)
	return append(b, '}')
}

func appendFieldsObject(b []byte, key string, fields map[string]string) []byte {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, `":{`...)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendJSONString(b, k)
		b = append(b, ':')
		b = AppendJSONString(b, fields[k])
	}
	return append(b, '}')
}

func appendKeyTime(b []byte, key string, t time.Time) []byte {
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return appendTime(b, t.UTC())
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// AppendJSON appends the touch as a record of a book file.
func (t *BookTouch) AppendJSON(b []byte) []byte {
	b = append(b, `{"uid":`...)
	b = AppendJSONString(b, t.UID)
	b = appendKeyTime(b, "at", t.At)
	b = appendKeyString(b, "channel", t.Channel)
	b = appendKeyString(b, "direction", t.Direction)
	b = appendKeyString(b, "summary", t.Summary)
	b = appendKeyString(b, "notes", t.Notes)
	b = append(b, `,"cost":`...)
	if t.Cost == nil {
		b = append(b, "null"...)
	} else {
		b = appendFloat(b, float64(*t.Cost))
	}
	b = appendKeyList(b, "contact_uids", t.ContactUIDs)
	b = appendKeyString(b, "logged_by", t.LoggedBy)
	b = appendKeyTime(b, "created_at", t.CreatedAt)
	return append(b, '}')
}

// AppendJSON appends the stage change as a record of a book file.
func (sc *BookStageChange) AppendJSON(b []byte) []byte {
	b = append(b, `{"contact_uid":`...)
	b = AppendJSONString(b, sc.ContactUID)
	b = appendKeyString(b, "ladder", sc.Ladder)
	b = appendKeyString(b, "from", sc.From)
	b = appendKeyString(b, "to", sc.To)
	b = appendKeyTime(b, "at", sc.At)
	b = appendKeyString(b, "note", sc.Note)
	b = appendKeyTime(b, "created_at", sc.CreatedAt)
	return append(b, '}')
}

// AppendJSON appends the task as a record of a book file.
func (t *BookTask) AppendJSON(b []byte) []byte {
	b = append(b, `{"uid":`...)
	b = AppendJSONString(b, t.UID)
	b = appendKeyString(b, "contact_uid", t.ContactUID)
	b = appendKeyString(b, "kind", t.Kind)
	b = appendKeyString(b, "title", t.Title)
	b = appendKeyTime(b, "due_at", t.DueAt)
	b = append(b, `,"touch_uid":`...)
	if t.TouchUID == "" {
		b = append(b, "null"...)
	} else {
		b = AppendJSONString(b, t.TouchUID)
	}
	b = appendKeyString(b, "state", t.State)
	b = appendNullTime(b, "done_at", utcPtr(t.DoneAt))
	b = appendKeyString(b, "note", t.Note)
	b = appendKeyTime(b, "created_at", t.CreatedAt)
	return append(b, '}')
}

// AppendJSON appends the key date as a record of a book file.
func (k *BookKeyDate) AppendJSON(b []byte) []byte {
	b = append(b, `{"uid":`...)
	b = AppendJSONString(b, k.UID)
	b = appendKeyString(b, "contact_uid", k.ContactUID)
	b = appendKeyString(b, "kind", k.Kind)
	b = appendKeyString(b, "label", k.Label)
	b = appendKeyString(b, "calendar", k.Calendar)
	for _, f := range []struct {
		k string
		v int
	}{{"year", k.Year}, {"month", k.Month}, {"day", k.Day}} {
		b = append(b, ',', '"')
		b = append(b, f.k...)
		b = append(b, '"', ':')
		b = strconv.AppendInt(b, int64(f.v), 10)
	}
	b = append(b, `,"leap":`...)
	b = strconv.AppendBool(b, k.Leap)
	b = appendKeyTime(b, "created_at", k.CreatedAt)
	return append(b, '}')
}

// AppendJSON appends the plan as a record of a book file.
func (p *BookPlan) AppendJSON(b []byte) []byte {
	b = append(b, `{"name":`...)
	b = AppendJSONString(b, p.Name)
	b = append(b, `,"steps":[`...)
	for i, s := range p.Steps {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"after":`...)
		b = AppendJSONString(b, s.After)
		b = appendKeyString(b, "title", s.Title)
		b = append(b, '}')
	}
	b = append(b, ']')
	b = appendKeyTime(b, "created_at", p.CreatedAt)
	return append(b, '}')
}

// BookSettingJSON appends the setting as a record of a book file.
func BookSettingJSON(b []byte, s *Setting) []byte {
	b = append(b, `{"key":`...)
	b = AppendJSONString(b, s.Key)
	b = appendKeyString(b, "value", s.Value)
	return append(b, '}')
}
