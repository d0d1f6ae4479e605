-- Ids are never reused. A script that remembered contact 41 must not edit
-- somebody else after 41 was purged, or after the change that added it was
-- undone: every table whose id people see (contacts, accounts, touches,
-- stage changes, tasks, key dates, changes) becomes AUTOINCREMENT, so a new
-- row gets an id above any that was ever used. (Undo still puts a deleted
-- row back under its own id: that is the same record.)
--
-- SQLite cannot add AUTOINCREMENT to a table: each is rebuilt (create the
-- new table, copy, drop the old one, rename), with the same columns in the
-- same order, the same constraints and the same indexes. The migration runs
-- with foreign keys off (see DB.migrateWith), as SQLite requires for this:
-- dropping a parent table would otherwise delete its children by cascade.
-- migrateWith runs PRAGMA foreign_key_check before it commits.
--
-- Changes also get a uid, like every other record, so that crm undo takes
-- one as it takes an id; and purged_by, the purge that removed rows of the
-- change from the journal (crm rm --purge): such a change cannot be undone.

CREATE TABLE accounts_new (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	uid        TEXT NOT NULL UNIQUE,
	name       TEXT NOT NULL,
	industry   TEXT NOT NULL DEFAULT '',
	website    TEXT NOT NULL DEFAULT '',
	address    TEXT NOT NULL DEFAULT '',
	notes      TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
INSERT INTO accounts_new SELECT * FROM accounts;
DROP TABLE accounts;
ALTER TABLE accounts_new RENAME TO accounts;

CREATE TABLE contacts_new (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	uid           TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL,
	sort_key      TEXT NOT NULL,            -- pinyin-aware, see match.SortKey
	account_id    INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
	reports_to    INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
	title         TEXT NOT NULL DEFAULT '',
	tier          TEXT NOT NULL CHECK (tier IN ('A','B','C')),
	ladder        TEXT NOT NULL,
	stage         TEXT NOT NULL,
	style         TEXT NOT NULL DEFAULT '',
	level         TEXT NOT NULL DEFAULT '',
	role          TEXT NOT NULL DEFAULT '',
	attitude      TEXT NOT NULL DEFAULT '',
	wechat        TEXT NOT NULL DEFAULT '',
	address       TEXT NOT NULL DEFAULT '',
	hometown      TEXT NOT NULL DEFAULT '',
	school        TEXT NOT NULL DEFAULT '',
	family        TEXT NOT NULL DEFAULT '',
	interests     TEXT NOT NULL DEFAULT '',
	source        TEXT NOT NULL DEFAULT '',
	birthday      TEXT NOT NULL DEFAULT '', -- MM-DD or YYYY-MM-DD
	notes         TEXT NOT NULL DEFAULT '',
	phones        TEXT NOT NULL DEFAULT '[]', -- JSON array, as entered
	emails        TEXT NOT NULL DEFAULT '[]', -- JSON array
	tags          TEXT NOT NULL DEFAULT '[]', -- JSON array; contact_tags indexes it
	fields        TEXT NOT NULL DEFAULT '{}', -- JSON object of custom fields
	last_touch_at TEXT,                     -- denormalised: max(touches.at) of this contact
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	archived_at   TEXT,
	cadence_days  INTEGER,                  -- own rhythm in days; NULL: the tier's
	snoozed_until TEXT,
	due_at        TEXT                      -- denormalised, see 0002
);
INSERT INTO contacts_new SELECT * FROM contacts;
DROP TABLE contacts;
ALTER TABLE contacts_new RENAME TO contacts;
CREATE INDEX contacts_sort ON contacts(archived_at, sort_key);
CREATE INDEX contacts_tier ON contacts(tier, sort_key);
CREATE INDEX contacts_account ON contacts(account_id);
CREATE INDEX contacts_stage ON contacts(ladder, stage);
CREATE INDEX contacts_reports_to ON contacts(reports_to);
CREATE INDEX contacts_due ON contacts(due_at, tier, name, account_id, stage, cadence_days, last_touch_at, snoozed_until, created_at)
	WHERE archived_at IS NULL;

CREATE TABLE touches_new (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	uid        TEXT NOT NULL UNIQUE,
	at         TEXT NOT NULL,
	channel    TEXT NOT NULL,
	direction  TEXT NOT NULL DEFAULT 'out',
	summary    TEXT NOT NULL,
	notes      TEXT NOT NULL DEFAULT '',
	cost       REAL,
	created_at TEXT NOT NULL
);
INSERT INTO touches_new SELECT * FROM touches;
DROP TABLE touches;
ALTER TABLE touches_new RENAME TO touches;
CREATE INDEX touches_at ON touches(at);

CREATE TABLE stage_changes_new (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
	ladder     TEXT NOT NULL,
	from_stage TEXT NOT NULL,
	to_stage   TEXT NOT NULL,
	at         TEXT NOT NULL,
	note       TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL
);
INSERT INTO stage_changes_new SELECT * FROM stage_changes;
DROP TABLE stage_changes;
ALTER TABLE stage_changes_new RENAME TO stage_changes;
CREATE INDEX stage_changes_contact ON stage_changes(contact_id, at);
CREATE INDEX stage_changes_at ON stage_changes(at);

CREATE TABLE tasks_new (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	uid        TEXT NOT NULL UNIQUE,
	contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
	kind       TEXT NOT NULL CHECK (kind IN ('followup', 'promise')),
	title      TEXT NOT NULL,
	due_at     TEXT NOT NULL,
	touch_id   INTEGER REFERENCES touches(id) ON DELETE SET NULL,
	state      TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'dropped')),
	done_at    TEXT,
	note       TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL
);
INSERT INTO tasks_new SELECT * FROM tasks;
DROP TABLE tasks;
ALTER TABLE tasks_new RENAME TO tasks;
CREATE INDEX tasks_contact ON tasks(contact_id, state, due_at);
CREATE INDEX tasks_state ON tasks(state, due_at);

CREATE TABLE key_dates_new (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	uid        TEXT NOT NULL UNIQUE,
	contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
	kind       TEXT NOT NULL,
	label      TEXT NOT NULL DEFAULT '',
	calendar   TEXT NOT NULL DEFAULT 'solar' CHECK (calendar IN ('solar', 'lunar')),
	year       INTEGER NOT NULL DEFAULT 0,
	month      INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
	day        INTEGER NOT NULL CHECK (day BETWEEN 1 AND 31),
	leap       INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL
);
INSERT INTO key_dates_new SELECT * FROM key_dates;
DROP TABLE key_dates;
ALTER TABLE key_dates_new RENAME TO key_dates;
CREATE INDEX key_dates_day ON key_dates(calendar, month, day);
CREATE INDEX key_dates_contact ON key_dates(contact_id);

-- The uid of an existing change is a random (version 4) UUID, as 0002 gave
-- birthdays; new changes get a UUIDv7 like every record.
CREATE TABLE changes_new (
	id        INTEGER PRIMARY KEY AUTOINCREMENT,
	uid       TEXT NOT NULL UNIQUE,
	at        TEXT NOT NULL,
	summary   TEXT NOT NULL DEFAULT '',
	undoes    INTEGER REFERENCES changes(id),
	undone_by INTEGER REFERENCES changes(id),
	purged_by INTEGER REFERENCES changes(id)
);
INSERT INTO changes_new (id, uid, at, summary, undoes, undone_by)
SELECT id, lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-a'
		|| substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
	at, summary, undoes, undone_by
FROM changes;
DROP TABLE changes;
ALTER TABLE changes_new RENAME TO changes;

-- A row deleted before this migration may have had the highest id of its
-- table: the journal remembers it, and the sequence starts above it.
UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT max(CAST(json_extract(j.key, '$.rowid') AS INTEGER))
	FROM journal j WHERE j.tbl = sqlite_sequence.name), 0));
INSERT INTO sqlite_sequence (name, seq)
SELECT t.name, m.seq FROM (SELECT 'accounts' AS name UNION ALL SELECT 'contacts' UNION ALL SELECT 'touches'
		UNION ALL SELECT 'stage_changes' UNION ALL SELECT 'tasks' UNION ALL SELECT 'key_dates') t
	JOIN (SELECT tbl, max(CAST(json_extract(key, '$.rowid') AS INTEGER)) AS seq FROM journal GROUP BY tbl) m ON m.tbl = t.name
WHERE t.name NOT IN (SELECT name FROM sqlite_sequence);
