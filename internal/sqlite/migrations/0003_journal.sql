-- The journal: every transaction is a change, and SQLite's pre-update hook
-- (see journal.go) records each row it inserted, updated or deleted.
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
	key        TEXT NOT NULL, -- JSON object {"rowid": n} naming the row
	contact_id INTEGER,       -- the contact the row belongs to, for crm history
	before     TEXT,          -- JSON object of the row, NULL for inserts
	after      TEXT           -- JSON object of the row, NULL for deletes
);
-- Every index here is written by every change: undo's check for later
-- changes to the same rows scans the changes after it by change_id instead
-- of keeping a (tbl, key) index.
CREATE INDEX journal_change ON journal(change_id);
CREATE INDEX journal_contact ON journal(contact_id, change_id) WHERE contact_id IS NOT NULL;

-- No query walks contacts by last touch in order (the last-touch sort puts
-- never-touched contacts first, which the index cannot give), and every
-- touch rewrote it.
DROP INDEX contacts_last_touch;

-- The hook sees rowid tables only: the three tables of primary data that
-- were WITHOUT ROWID become rowid tables with the same keys. (The search
-- tables keep WITHOUT ROWID: they are derived, and undo rebuilds them.)
CREATE TABLE settings_new (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
INSERT INTO settings_new (key, value) SELECT key, value FROM settings;
DROP TABLE settings;
ALTER TABLE settings_new RENAME TO settings;

CREATE TABLE plans_new (
	name       TEXT PRIMARY KEY,
	steps      TEXT NOT NULL,
	created_at TEXT NOT NULL
);
INSERT INTO plans_new (name, steps, created_at) SELECT name, steps, created_at FROM plans;
DROP TABLE plans;
ALTER TABLE plans_new RENAME TO plans;

CREATE TABLE touch_contacts_new (
	contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
	touch_id   INTEGER NOT NULL REFERENCES touches(id) ON DELETE CASCADE,
	at         TEXT NOT NULL,
	PRIMARY KEY (contact_id, at, touch_id)
);
INSERT INTO touch_contacts_new (contact_id, touch_id, at) SELECT contact_id, touch_id, at FROM touch_contacts;
DROP TABLE touch_contacts;
ALTER TABLE touch_contacts_new RENAME TO touch_contacts;
CREATE INDEX touch_contacts_touch ON touch_contacts(touch_id);
