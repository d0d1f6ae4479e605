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

-- The candidates of crm dupes: pairs of contacts (a < b) that share a
-- duplicate key (the keys under dupKeyMark in contact_keys, of no more
-- than crm.MaxDuplicateGroup contacts when the pair was made). Derived:
-- written with a contact's keys (writeContactKeys), so that crm dupes
-- reads a few rows instead of grouping every key of the book; not
-- journaled, and rebuilt with the keys (the key version this schema
-- brings rebuilds them in every older book).
CREATE TABLE contact_dupes (
	a INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
	b INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
	PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX contact_dupes_b ON contact_dupes(b);
