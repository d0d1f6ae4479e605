// The journal as both backends keep it: every row a change inserted,
// updated or deleted in a journaled table, its values as JSON objects of
// the row's columns. How those rows read as changes to records (crm undo
// --json, crm history), and what an undo must rebuild from the rows it
// restores, are the same on both.

package schema

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"

	"github.com/seedcrm/crm/internal/crm"
)

// JournalRow is one row of the journal as it is read back.
type JournalRow struct {
	ID        int64  // in the journal
	Table, Op string // the table written; "insert", "update" or "delete"
	// RowID is the id of the row written (SQLite's rowid); 0 for a table
	// whose rows a column names (see NameColumn), on a backend that keys
	// them by it.
	RowID         int64
	Before, After map[string]any // the row's values by column: nil before an insert, after a delete
}

// RecordTable says how the journaled rows of one table read as changes to
// the records crm shows: the entity, and the columns under their names in
// the entity's JSON. The journal keeps rows as the backend wrote them,
// which is what undo needs; crm undo --json and crm history --json show
// records.
type RecordTable struct {
	entity string
	rename map[string]string // column → JSON field, where they differ
	drop   map[string]bool   // columns no record shows: derived or internal
	json   map[string]bool   // columns holding JSON text (lists, objects)
	bools  map[string]bool   // integer columns the record shows as true/false
	name   string            // the column that names a record without a numeric id
}

// ImportedTables are the tables whose new rows an import journals once,
// as they end up, when it ends (not row by row as it writes them),
// parents before children: both backends file them so, and undo removes
// them first.
var ImportedTables = []string{"accounts", "contacts", "contact_aliases", "touches", "touch_contacts", "stage_changes", "tasks", "key_dates"}

// RecordTables covers every journaled table but touch_contacts, which is
// folded into its touch (see Records).
var RecordTables = map[string]RecordTable{
	"contacts": {entity: crm.EntityContact, rename: map[string]string{"reports_to": "reports_to_id"},
		drop: map[string]bool{"sort_key": true}, json: map[string]bool{"phones": true, "emails": true, "tags": true, "fields": true}},
	"accounts":        {entity: crm.EntityAccount},
	"touches":         {entity: crm.EntityTouch},
	"tasks":           {entity: crm.EntityTask},
	"key_dates":       {entity: crm.EntityKeyDate, bools: map[string]bool{"leap": true}},
	"stage_changes":   {entity: crm.EntityStageChange, rename: map[string]string{"from_stage": "from", "to_stage": "to"}, drop: map[string]bool{"created_at": true}},
	"settings":        {entity: crm.EntitySetting, name: "key"},
	"plans":           {entity: crm.EntityPlan, name: "name", json: map[string]bool{"steps": true}},
	"contact_aliases": {entity: crm.EntityAlias},
}

// RecordTableNames are the tables of RecordTables, sorted: those whose rows
// count as record changes (crm.Change.Unlisted).
var RecordTableNames = slices.Sorted(maps.Keys(RecordTables))

// NameColumn is the column of table that an update journals whatever it
// changed, so that the change names its record: settings and plans have no
// id anybody sees. "" when the row's id is the record's id.
func NameColumn(table string) string { return RecordTables[table].name }

var recordOps = map[string]string{"insert": crm.OpAdd, "update": crm.OpEdit, "delete": crm.OpRemove}

// Records turns journaled rows into the changes to records that they were,
// in the rows' order. A touch_contacts row becomes the contacts field of
// its touch: folded into the touch's add or remove in the same change, or
// else into an edit of the touch (after the other records) whose before
// lists the contacts unlinked and after those linked. Rows of a table that
// RecordTables does not know are left out.
func Records(rows []JournalRow) []crm.RecordChange {
	out := make([]crm.RecordChange, 0, len(rows))
	touchAt := map[[2]int64]int{} // {touch id, 0 edit / 1 add / 2 remove} → index in out
	var links []JournalRow        // folded once every touch is in out: an undo removes the links first
	for _, r := range rows {
		if r.Table == "touch_contacts" {
			links = append(links, r)
			continue
		}
		t, ok := RecordTables[r.Table]
		if !ok {
			continue
		}
		rc := crm.RecordChange{Entity: t.entity, Op: recordOps[r.Op], Before: t.fields(r.Before), After: t.fields(r.After)}
		if t.name == "" {
			rc.ID = r.RowID
		}
		for _, m := range []map[string]any{rc.After, rc.Before} {
			if uid, ok := m["uid"].(string); ok {
				rc.UID = uid
			}
			delete(m, "id")
			delete(m, "uid")
		}
		if r.Table == "touches" && r.Op != "update" {
			touchAt[[2]int64{r.RowID, linkSlot(r.Op)}] = len(out)
		}
		out = append(out, rc)
	}
	for _, r := range links {
		out = foldLink(out, touchAt, r)
	}
	return out
}

func linkSlot(op string) int64 {
	switch op {
	case "insert":
		return 1
	case "delete":
		return 2
	}
	return 0
}

// foldLink adds one touch_contacts row to the change of its touch.
func foldLink(out []crm.RecordChange, touchAt map[[2]int64]int, r JournalRow) []crm.RecordChange {
	row := r.After
	if row == nil {
		row = r.Before
	}
	touch, ok := LinkTouch(r)
	contact, _ := row["contact_id"].(int64)
	if r.Op == "update" || !ok { // links are only ever added and removed
		return out
	}
	i, ok := touchAt[[2]int64{touch, linkSlot(r.Op)}]
	if !ok {
		i, ok = touchAt[[2]int64{touch, 0}]
	}
	if !ok {
		i = len(out)
		touchAt[[2]int64{touch, 0}] = i
		out = append(out, crm.RecordChange{Entity: crm.EntityTouch, ID: touch, Op: crm.OpEdit})
	}
	rc := &out[i]
	side := &rc.After
	if r.Op == "delete" {
		side = &rc.Before
	}
	if *side == nil {
		*side = map[string]any{}
	}
	links, _ := (*side)["contacts"].([]map[string]any)
	(*side)["contacts"] = append(links, map[string]any{"id": contact})
	return out
}

// LinkTouch is the touch a touch_contacts row links.
func LinkTouch(r JournalRow) (int64, bool) {
	row := r.After
	if row == nil {
		row = r.Before
	}
	id, ok := row["touch_id"].(int64)
	return id, ok
}

// fields renames a journaled row's columns as the record's JSON does and
// decodes its JSON text; nil stays nil.
func (t RecordTable) fields(row map[string]any) map[string]any {
	if row == nil {
		return nil
	}
	out := make(map[string]any, len(row))
	for col, v := range row {
		if t.drop[col] {
			continue
		}
		switch {
		case t.json[col]:
			if s, ok := v.(string); ok {
				var decoded any
				if json.Unmarshal([]byte(s), &decoded) == nil {
					v = decoded
				}
			}
		case t.bools[col]:
			if n, ok := v.(int64); ok {
				v = n != 0
			}
		}
		if to, ok := t.rename[col]; ok {
			col = to
		}
		out[col] = v
	}
	return out
}

// DecodeRow reads a journaled row (a JSON object; "" is nil), keeping
// integers as int64 and other numbers as float64, as the columns hold them.
func DecodeRow(s string) map[string]any {
	if s == "" {
		return nil
	}
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil
	}
	for k, v := range m {
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				m[k] = i
			} else {
				m[k], _ = n.Float64()
			}
		}
	}
	return m
}

// keyColumns are the columns of contacts and accounts that their search
// keys and a contact's tags are made from (the account scopes the
// duplicate keys of names).
var keyColumns = []string{"name", "emails", "phones", "tags", "account_id"}

// searchColumns are, for each table the search index holds records of,
// its kind of record and the columns whose values the index holds.
var searchColumns = map[string]struct {
	kind string
	cols []string
}{
	"contacts": {crm.SearchContact, []string{"name", "account_id", "title", "tags", "notes", "wechat", "emails", "address", "hometown",
		"school", "family", "interests", "source", "fields", "archived_at"}},
	"touches":  {crm.SearchTouch, []string{"summary", "notes"}},
	"tasks":    {crm.SearchTask, []string{"title", "note"}},
	"accounts": {crm.SearchAccount, []string{"name", "industry", "website", "address", "notes"}},
}

// touches reports whether reverting r writes one of cols: inserts and
// deletes write every column, an update those it changed.
func (r JournalRow) touches(cols []string) bool {
	if r.Op != "update" {
		return true
	}
	for _, c := range cols {
		if _, ok := r.Before[c]; ok {
			return true
		}
	}
	return false
}

// Derived is what an undo recomputes once its rows are back, gathered from
// them (Add) as it reverts them: the search index of every record it
// restored or removed (and of the contacts of an account restored, removed
// or renamed), and the search keys of the contacts and accounts it
// restored, with a contact's tags; rows it deleted lost theirs by cascade.
// The derived tables are not journaled.
type Derived struct {
	search   map[string]map[int64]bool // by crm search kind
	accounts map[int64]bool
	keys     map[string]map[int64]bool // by table: contacts, accounts
}

// Add gathers what reverting r makes stale.
func (d *Derived) Add(r JournalRow) {
	if s, ok := searchColumns[r.Table]; ok && r.touches(s.cols) {
		add(&d.search, s.kind, r.RowID)
		if _, renamed := r.Before["name"]; r.Table == "accounts" && (renamed || r.Op != "update") {
			if d.accounts == nil {
				d.accounts = map[int64]bool{}
			}
			d.accounts[r.RowID] = true
		}
	}
	if (r.Table == "contacts" || r.Table == "accounts") && r.touches(keyColumns) {
		add(&d.keys, r.Table, r.RowID)
	}
}

func add(sets *map[string]map[int64]bool, key string, id int64) {
	if *sets == nil {
		*sets = map[string]map[int64]bool{}
	}
	if (*sets)[key] == nil {
		(*sets)[key] = map[int64]bool{}
	}
	(*sets)[key][id] = true
}

// Search is the ids of the records of kind (a crm search kind) whose
// index rows to rewrite, in order; those gone lose theirs.
func (d *Derived) Search(kind string) []int64 { return slices.Sorted(maps.Keys(d.search[kind])) }

// Accounts is the accounts whose contacts' index rows name them: restored,
// removed or renamed.
func (d *Derived) Accounts() []int64 { return slices.Sorted(maps.Keys(d.accounts)) }

// ContactKeys is the contacts whose search keys and tags to rewrite, in
// order; those gone have none.
func (d *Derived) ContactKeys() []int64 { return slices.Sorted(maps.Keys(d.keys["contacts"])) }

// AccountKeys is the accounts whose search keys to rewrite, in order.
func (d *Derived) AccountKeys() []int64 { return slices.Sorted(maps.Keys(d.keys["accounts"])) }
