-- The journal's triggers: every row a write transaction inserts, updates or
-- deletes in a journaled table is filed under the transaction's change
-- (crm_change), as SQLite's pre-update hook files it there. A write outside
-- a change (a migration) is not journaled.
--
-- A journal row holds the table, the op, the key naming the row, the
-- contact it belongs to (for crm history) and the row before and after as
-- JSON objects of SQLite's columns, which are this book's: crm undo --json
-- and crm history read the same records from both. The key is SQLite's
-- {"rowid":N}, the row's id; settings and plans, whose SQLite rowid is no
-- id anybody sees, are named by their key ({"key":"cadence.A"}) and name
-- ({"name":"onboarding"}), which undo finds them by. touch_contacts' id is
-- SQLite's implicit rowid: the key, not a column of the row.
--
-- An update keeps only the columns it changed, the contact_id and the
-- naming column; one that changed nothing is still filed, empty: the row
-- was written on the strength of what it held, so an earlier change to it
-- can no longer be undone alone.
--
-- Derived tables (contact_keys, contact_tags, account_keys, contact_dupes,
-- search_index) are not journaled: undo rebuilds them.
--
-- A delete is filed before the rows its foreign keys cascade to (deleted,
-- or set to NULL), as SQLite's hook files them; an undo, which reverts a
-- change's rows last first, so puts children back before their parent.
-- It defers the foreign keys (SET CONSTRAINTS ALL DEFERRED), as SQLite's
-- undo sets defer_foreign_keys, and they are checked when it commits: every
-- foreign key of the book is made DEFERRABLE here, still checked at once
-- by every other transaction (INITIALLY IMMEDIATE), and a migration that
-- adds one declares it so. Cascades are never deferred.

-- Ids are numbered by the book's counters, one per table (crm_ids), not by
-- sequences, which never go back: a transaction that is rolled back (a
-- dry run, a refused write) leaves no gap, so a book numbers its records
-- 1, 2, 3 as SQLite's does, and an id is never given twice (a counter only
-- grows, whatever is deleted). A write transaction locks the book's row in
-- crm_book as it begins (Tx.beginChange), so writers take turns, as on
-- SQLite (readers never wait): the counters add no wait of their own, and
-- change ids follow the order in which changes committed, which undo
-- relies on to know what a later change built on.
CREATE TABLE crm_ids (
	tbl  TEXT PRIMARY KEY,
	last BIGINT NOT NULL -- the last id given
);

-- crm_next_ids takes n ids of table tbl and returns the last; a column's
-- default takes one (crm_next_ids('touches', 1)), an import a batch.
--
-- A transaction counts the ids it takes in a setting of its own
-- (crm.ids_<tbl>), reading and locking the counter's row once, and writes
-- the count back once, as it commits (crm_keep_ids). Updating the row for
-- every id would make a large import quadratic: each update of a row
-- leaves a version the rest of the transaction walks past.
CREATE FUNCTION crm_next_ids(tbl text, n bigint) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	setting text := 'crm.ids_' || tbl;
	taken text := current_setting(setting, true);
	last bigint;
BEGIN
	IF taken IS NULL OR taken = '' THEN
		SELECT c.last INTO last FROM crm_ids c WHERE c.tbl = crm_next_ids.tbl FOR UPDATE;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'crm_ids has no counter of table %', tbl;
		END IF;
		INSERT INTO crm_ids_taken VALUES (tbl);
	ELSE
		last := taken::bigint;
	END IF;
	last := last + n;
	PERFORM set_config(setting, last::text, true);
	RETURN last;
END
$$;

-- crm_ids_taken holds, while a transaction runs, the tables it took ids
-- of; its deferred trigger writes each count back to crm_ids at commit and
-- removes the row, so that the table is empty between transactions. A
-- transaction that rolls back leaves its counters as they were: that is
-- how no id is lost, whoever writes (crm, or a script in psql).
CREATE TABLE crm_ids_taken (
	tbl TEXT NOT NULL
);

CREATE FUNCTION crm_keep_ids() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	setting text := 'crm.ids_' || NEW.tbl;
BEGIN
	UPDATE crm_ids SET last = current_setting(setting)::bigint WHERE tbl = NEW.tbl;
	-- A later id of this transaction (after SET CONSTRAINTS … IMMEDIATE)
	-- reads the counter again, and is written back again.
	PERFORM set_config(setting, '', true);
	DELETE FROM crm_ids_taken WHERE ctid = (SELECT ctid FROM crm_ids_taken WHERE tbl = NEW.tbl LIMIT 1);
	RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER keep_ids AFTER INSERT ON crm_ids_taken
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION crm_keep_ids();

DO $$
DECLARE
	t record;
BEGIN
	FOR t IN SELECT table_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND column_name = 'id' AND is_identity = 'YES'
	LOOP
		EXECUTE format('ALTER TABLE %I ALTER COLUMN id DROP IDENTITY', t.table_name);
		EXECUTE format('ALTER TABLE %I ALTER COLUMN id SET DEFAULT crm_next_ids(%L, 1)', t.table_name, t.table_name);
		EXECUTE format('INSERT INTO crm_ids SELECT %L, coalesce(max(id), 0) FROM %I', t.table_name, t.table_name);
	END LOOP;
END
$$;

-- crm_change is the id of the transaction's change, made when the
-- transaction first journals a row (or names its change): Tx.beginChange
-- sets crm.change to 'pending' and the change's uid, time and summary in
-- crm.change_uid, crm.change_at and crm.change_summary, for this
-- transaction only. NULL outside a change.
CREATE FUNCTION crm_change() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	current text := current_setting('crm.change', true);
	id bigint;
BEGIN
	IF current IS NULL OR current = '' THEN
		RETURN NULL;
	ELSIF current <> 'pending' THEN
		RETURN current::bigint;
	END IF;
	INSERT INTO changes (uid, at, summary)
	VALUES (current_setting('crm.change_uid'), current_setting('crm.change_at'), current_setting('crm.change_summary'))
	RETURNING changes.id INTO id;
	PERFORM set_config('crm.change', id::text, true);
	RETURN id;
END
$$;

CREATE FUNCTION journal_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	change_id bigint := crm_change();
	key_col text := TG_ARGV[0]; -- the column naming the row: id, or a setting's key, a plan's name
	implicit boolean := TG_NARGS > 1 AND TG_ARGV[1] = 'implicit'; -- key_col is no column of SQLite's row
	old_vals jsonb;
	new_vals jsonb;
	row_key text;
	before_vals jsonb;
	after_vals jsonb;
	added_above text := current_setting('crm.added_above_' || TG_TABLE_NAME, true);
	row_id bigint;
BEGIN
	IF change_id IS NULL THEN
		RETURN NULL;
	END IF;
	-- A row an import added (its id above the table's largest when the
	-- import began) is filed once, as it ends up, when the import ends
	-- (fileAdded in bookimport.go), as SQLite's journal does: not here, nor
	-- any edit of it the import makes.
	IF added_above IS NOT NULL AND added_above <> '' AND key_col = 'id' THEN
		IF TG_OP = 'DELETE' THEN
			row_id := OLD.id;
		ELSE
			row_id := NEW.id;
		END IF;
		IF row_id > added_above::bigint THEN
			RETURN NULL;
		END IF;
	END IF;
	IF TG_OP <> 'INSERT' THEN
		old_vals := to_jsonb(OLD);
	END IF;
	IF TG_OP <> 'DELETE' THEN
		new_vals := to_jsonb(NEW);
	END IF;
	IF key_col = 'id' THEN
		row_key := '{"rowid":' || (coalesce(new_vals, old_vals)->>'id') || '}';
	ELSE
		row_key := '{' || to_json(key_col)::text || ':' || to_json(coalesce(new_vals, old_vals)->>key_col)::text || '}';
	END IF;
	IF implicit THEN
		old_vals := old_vals - key_col;
		new_vals := new_vals - key_col;
	END IF;
	IF TG_OP = 'UPDATE' THEN
		SELECT coalesce(jsonb_object_agg(o.key, o.value), '{}'), coalesce(jsonb_object_agg(n.key, n.value), '{}')
		INTO before_vals, after_vals
		FROM jsonb_each(old_vals) o JOIN jsonb_each(new_vals) n ON n.key = o.key
		WHERE o.value IS DISTINCT FROM n.value OR o.key = 'contact_id' OR (o.key = key_col AND key_col <> 'id');
	ELSE
		before_vals := old_vals;
		after_vals := new_vals;
	END IF;
	INSERT INTO journal (change_id, tbl, op, key, contact_id, before, after)
	VALUES (change_id, TG_TABLE_NAME, lower(TG_OP), row_key,
		CASE WHEN TG_TABLE_NAME = 'contacts' THEN (coalesce(new_vals, old_vals)->>'id')::bigint
			ELSE (coalesce(new_vals, old_vals)->>'contact_id')::bigint END,
		before_vals::text, after_vals::text);
	RETURN NULL;
END
$$;

CREATE TRIGGER journal AFTER INSERT OR UPDATE OR DELETE ON accounts FOR EACH ROW EXECUTE FUNCTION journal_row('id');
CREATE TRIGGER journal AFTER INSERT OR UPDATE OR DELETE ON contacts FOR EACH ROW EXECUTE FUNCTION journal_row('id');
CREATE TRIGGER journal AFTER INSERT OR UPDATE OR DELETE ON contact_aliases FOR EACH ROW EXECUTE FUNCTION journal_row('id');
CREATE TRIGGER journal AFTER INSERT OR UPDATE OR DELETE ON touches FOR EACH ROW EXECUTE FUNCTION journal_row('id');
CREATE TRIGGER journal AFTER INSERT OR UPDATE OR DELETE ON touch_contacts FOR EACH ROW EXECUTE FUNCTION journal_row('id', 'implicit');
CREATE TRIGGER journal AFTER INSERT OR UPDATE OR DELETE ON stage_changes FOR EACH ROW EXECUTE FUNCTION journal_row('id');
CREATE TRIGGER journal AFTER INSERT OR UPDATE OR DELETE ON tasks FOR EACH ROW EXECUTE FUNCTION journal_row('id');
CREATE TRIGGER journal AFTER INSERT OR UPDATE OR DELETE ON key_dates FOR EACH ROW EXECUTE FUNCTION journal_row('id');
CREATE TRIGGER journal AFTER INSERT OR UPDATE OR DELETE ON plans FOR EACH ROW EXECUTE FUNCTION journal_row('name');
CREATE TRIGGER journal AFTER INSERT OR UPDATE OR DELETE ON settings FOR EACH ROW EXECUTE FUNCTION journal_row('key');

DO $$
DECLARE
	fk record;
BEGIN
	FOR fk IN SELECT c.conrelid::regclass AS tbl, c.conname FROM pg_constraint c
		WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
	LOOP
		EXECUTE format('ALTER TABLE %s ALTER CONSTRAINT %I DEFERRABLE INITIALLY IMMEDIATE', fk.tbl, fk.conname);
	END LOOP;
END
$$;
