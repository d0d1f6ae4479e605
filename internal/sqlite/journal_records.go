package sqlite

import (
	"github.com/seedcrm/crm/internal/crm"
	"github.com/seedcrm/crm/internal/schema"
)

// recordTables are the journaled tables whose rows read as records
// (schema.RecordTables): every one but touch_contacts.
var recordTables = schema.RecordTables

// nameColumn is the column of table that an update journals whatever it
// changed (schema.NameColumn): the rowids of settings and plans are no id
// anybody sees.
func nameColumn(table string) string { return schema.NameColumn(table) }

// decodeRow reads a journaled row, keeping integers as int64.
var decodeRow = schema.DecodeRow

// stored is r as both backends read the journal back.
func (r journalRow) stored() schema.JournalRow {
	return schema.JournalRow{ID: r.id, Table: r.table, Op: r.op, RowID: r.rowid, Before: r.before, After: r.after}
}

// records turns journaled rows into the changes to records that they were
// (schema.Records).
func records(rows []journalRow) []crm.RecordChange {
	stored := make([]schema.JournalRow, len(rows))
	for i, r := range rows {
		stored[i] = r.stored()
	}
	return schema.Records(stored)
}
