-- The journal's triggers: every row a write transaction inserts, updates or
-- deletes in a journaled table is filed under the transaction's change
-- (the setting crm.change, see Tx.beginChange), as SQLite's pre-update hook
-- files it there. A write outside a change (a migration) is not journaled.
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

CREATE FUNCTION journal_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	change_setting text := current_setting('crm.change', true);
	key_col text := TG_ARGV[0]; -- the column naming the row: id, or a setting's key, a plan's name
	implicit boolean := TG_NARGS > 1 AND TG_ARGV[1] = 'implicit'; -- key_col is no column of SQLite's row
	old_vals jsonb;
	new_vals jsonb;
	row_key text;
	before_vals jsonb;
	after_vals jsonb;
BEGIN
	IF change_setting IS NULL OR change_setting = '' THEN
		RETURN NULL;
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
	VALUES (change_setting::bigint, TG_TABLE_NAME, lower(TG_OP), row_key,
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
