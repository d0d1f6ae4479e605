-- The first schema of a crm book. Times are UTC text "YYYY-MM-DDTHH:MM:SSZ",
-- which sorts as time does. Every record has a numeric id (what people type)
-- and a uid (UUIDv7) that export and import merge on.

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE accounts (
	id         INTEGER PRIMARY KEY,
	uid        TEXT NOT NULL UNIQUE,
	name       TEXT NOT NULL,
	industry   TEXT NOT NULL DEFAULT '',
	website    TEXT NOT NULL DEFAULT '',
	address    TEXT NOT NULL DEFAULT '',
	notes      TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);

-- Search keys of accounts: folded name, pinyin and initials (see match.Keys).
CREATE TABLE account_keys (
	key        TEXT NOT NULL,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	PRIMARY KEY (key, account_id)
) WITHOUT ROWID;
CREATE INDEX account_keys_account ON account_keys(account_id);

CREATE TABLE contacts (
	id            INTEGER PRIMARY KEY,
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
	archived_at   TEXT
);
CREATE INDEX contacts_sort ON contacts(archived_at, sort_key);
CREATE INDEX contacts_tier ON contacts(tier, sort_key);
CREATE INDEX contacts_account ON contacts(account_id);
CREATE INDEX contacts_stage ON contacts(ladder, stage);
CREATE INDEX contacts_last_touch ON contacts(last_touch_at);
CREATE INDEX contacts_reports_to ON contacts(reports_to);

-- Search keys of contacts: folded name, pinyin, initials, emails, phone digits.
-- REF resolution is an index range scan here, never a scan in Go.
CREATE TABLE contact_keys (
	key        TEXT NOT NULL,
	contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
	PRIMARY KEY (key, contact_id)
) WITHOUT ROWID;
CREATE INDEX contact_keys_contact ON contact_keys(contact_id);

CREATE TABLE contact_tags (
	tag        TEXT NOT NULL,
	contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
	PRIMARY KEY (tag, contact_id)
) WITHOUT ROWID;
CREATE INDEX contact_tags_contact ON contact_tags(contact_id);

CREATE TABLE touches (
	id         INTEGER PRIMARY KEY,
	uid        TEXT NOT NULL UNIQUE,
	at         TEXT NOT NULL,
	channel    TEXT NOT NULL,
	direction  TEXT NOT NULL DEFAULT 'out',
	summary    TEXT NOT NULL,
	notes      TEXT NOT NULL DEFAULT '',
	cost       REAL,
	created_at TEXT NOT NULL
);
CREATE INDEX touches_at ON touches(at);

-- Which contacts a touch reached; at is copied from the touch so that one
-- contact's timeline is a single index range.
CREATE TABLE touch_contacts (
	contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
	touch_id   INTEGER NOT NULL REFERENCES touches(id) ON DELETE CASCADE,
	at         TEXT NOT NULL,
	PRIMARY KEY (contact_id, at, touch_id)
) WITHOUT ROWID;
CREATE INDEX touch_contacts_touch ON touch_contacts(touch_id);

CREATE TABLE stage_changes (
	id         INTEGER PRIMARY KEY,
	contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
	ladder     TEXT NOT NULL,
	from_stage TEXT NOT NULL,
	to_stage   TEXT NOT NULL,
	at         TEXT NOT NULL,
	note       TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL
);
CREATE INDEX stage_changes_contact ON stage_changes(contact_id, at);
CREATE INDEX stage_changes_at ON stage_changes(at);
