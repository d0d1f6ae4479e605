-- A contact merged into another (crm merge) leaves its uid as an alias of
-- the contact it was merged into, so that a reference or an import by that
-- uid finds the contact that holds its history now (see contactIDByUID).
-- The table is journaled like every record, so undoing a merge removes
-- its alias; a contact purged takes its aliases with it.
CREATE TABLE contact_aliases (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	uid        TEXT NOT NULL UNIQUE,
	contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
	created_at TEXT NOT NULL
);
CREATE INDEX contact_aliases_contact ON contact_aliases(contact_id);
