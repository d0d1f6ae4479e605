package sqlite

import (
	"encoding/json"

	"github.com/seedcrm/crm/internal/crm"
)

// recordTable says how the journaled rows of one table read as changes to
// the records crm shows: the entity, and the columns under their names in
// the entity's JSON. The journal keeps rows as SQLite wrote them, which is
// what undo needs; crm undo --json and crm history --json show records.
type recordTable struct {
	entity string
	rename map[string]string // column → JSON field, where they differ
	drop   map[string]bool   // columns no record shows: derived or internal
	json   map[string]bool   // columns holding JSON text (lists, objects)
	bools  map[string]bool   // integer columns the record shows as true/false
	name   string            // the column that names a record without a numeric id
}

// recordTables covers every journaled table but touch_contacts, which is
// folded into its touch (see records).
var recordTables = map[string]recordTable{
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

// nameColumn is the column of table that an update journals whatever it
// changed, so that the change names its record: the rowids of settings and
// plans are no id anybody sees. "" when the rowid is the record's id.
func nameColumn(table string) string { return recordTables[table].name }

var recordOps = map[string]string{"insert": crm.OpAdd, "update": crm.OpEdit, "delete": crm.OpRemove}

// records turns journaled rows into the changes to records that they were,
// in the rows' order. A touch_contacts row becomes the contacts field of
// its touch: folded into the touch's add or remove in the same change, or
// else into an edit of the touch (after the other records) whose before
// lists the contacts unlinked and after those linked. Rows of a table that
// recordTables does not know are left out.
func records(rows []journalRow) []crm.RecordChange {
	out := make([]crm.RecordChange, 0, len(rows))
	touchAt := map[[2]int64]int{} // {touch id, 0 edit / 1 add / 2 remove} → index in out
	var links []journalRow        // folded once every touch is in out: an undo removes the links first
	for _, r := range rows {
		if r.table == "touch_contacts" {
			links = append(links, r)
			continue
		}
		t, ok := recordTables[r.table]
		if !ok {
			continue
		}
		rc := crm.RecordChange{Entity: t.entity, Op: recordOps[r.op], Before: t.fields(r.before), After: t.fields(r.after)}
		if t.name == "" {
			rc.ID = r.rowid
		}
		for _, m := range []map[string]any{rc.After, rc.Before} {
			if uid, ok := m["uid"].(string); ok {
				rc.UID = uid
			}
			delete(m, "id")
			delete(m, "uid")
		}
		if r.table == "touches" && r.op != "update" {
			touchAt[[2]int64{r.rowid, linkSlot(r.op)}] = len(out)
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
func foldLink(out []crm.RecordChange, touchAt map[[2]int64]int, r journalRow) []crm.RecordChange {
	row := r.after
	if row == nil {
		row = r.before
	}
	touch, ok := linkTouch(r)
	contact, _ := row["contact_id"].(int64)
	if r.op == "update" || !ok { // links are only ever added and removed
		return out
	}
	i, ok := touchAt[[2]int64{touch, linkSlot(r.op)}]
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
	if r.op == "delete" {
		side = &rc.Before
	}
	if *side == nil {
		*side = map[string]any{}
	}
	links, _ := (*side)["contacts"].([]map[string]any)
	(*side)["contacts"] = append(links, map[string]any{"id": contact})
	return out
}

// fields renames a journaled row's columns as the record's JSON does and
// decodes its JSON text; nil stays nil.
func (t recordTable) fields(row map[string]any) map[string]any {
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
