-- Owners (METHOD.md §10): the rep each contact and account belongs to,
-- and the rep who logged each touch; '' is nobody, as in a book kept alone.
ALTER TABLE contacts ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE touches ADD COLUMN logged_by TEXT NOT NULL DEFAULT '';
-- crm ls --mine and --owner list one rep's contacts by name.
CREATE INDEX contacts_owner ON contacts(owner, archived_at, sort_key);
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('contacts', 'contacts_owner', '100000 12500 12500 4');
