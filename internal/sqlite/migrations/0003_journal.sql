-- The journal: every transaction is a change, and triggers (made by
-- journalTriggers in journal.go from the live schema, so they follow every
-- later migration) record each row it inserted, updated or deleted.
CREATE TABLE changes (
	id        INTEGER PRIMARY KEY,
	at        TEXT NOT NULL,
	summary   TEXT NOT NULL DEFAULT '',
	undoes    INTEGER REFERENCES changes(id),
	undone_by INTEGER REFERENCES changes(id)
);

CREATE TABLE journal (
	id         INTEGER PRIMARY KEY,
	change_id  INTEGER NOT NULL REFERENCES changes(id) ON DELETE CASCADE,
	tbl        TEXT NOT NULL,
	op         TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
	key        TEXT NOT NULL, -- JSON object of the primary key columns
	contact_id INTEGER,       -- the contact the row belongs to, for crm history
	before     TEXT,          -- JSON object of the row, NULL for inserts
	after      TEXT           -- JSON object of the row, NULL for deletes
);
CREATE INDEX journal_change ON journal(change_id);
CREATE INDEX journal_row ON journal(tbl, key, change_id);
CREATE INDEX journal_contact ON journal(contact_id, change_id) WHERE contact_id IS NOT NULL;
