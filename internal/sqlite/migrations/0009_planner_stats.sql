-- The planner's statistics, fixed: every book carries those of a big one
-- (100,000 contacts, 1,000,000 touches, written by `crm demo` and ANALYZE),
-- so that a book kept by hand, which nobody ANALYZEs, gets the plans a big
-- book needs from its first contact on. Without statistics the planner
-- takes `archived_at IS NULL` for a narrow range of contacts_sort, which is
-- every live contact: `crm due --count` read the whole table (0.8 s on the
-- big book) where the due index answers it in milliseconds. Fixed figures
-- also keep plans from changing as a book grows, and leave sqlite_stat4
-- empty: loading its samples cost every process 2 ms at open.
-- TestPlannerStatsCoverIndexes fails when an index has no line here.
ANALYZE sqlite_schema; -- creates sqlite_stat1 (and sqlite_stat4) if missing
DELETE FROM sqlite_stat1;
DELETE FROM sqlite_stat4;
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
	('accounts', 'sqlite_autoindex_accounts_1', '8333 1'),
	('account_keys', 'account_keys', '98049 2 1'),
	('account_keys', 'account_keys_account', '98049 12'),
	('contacts', 'sqlite_autoindex_contacts_1', '100000 1'),
	('contacts', 'contacts_sort', '100000 100000 26'),
	('contacts', 'contacts_account', '100000 13'),
	('contacts', 'contacts_stage', '100000 25000 4546'),
	('contacts', 'contacts_reports_to', '100000 5'),
	('contacts', 'contacts_due', '100000 1 1 1 1 1 1 1 1 1'),
	('contacts', 'contacts_due_count', '100000 1'),
	('contacts', 'contacts_tier', '100000 33334 33334 9'),
	('contact_keys', 'contact_keys', '1515551 2 1'),
	('contact_keys', 'contact_keys_contact', '1515551 16'),
	('contact_tags', 'contact_tags', '89971 11247 1'),
	('contact_tags', 'contact_tags_contact', '89971 2'),
	('contact_aliases', 'sqlite_autoindex_contact_aliases_1', '5000 1'),
	('contact_aliases', 'contact_aliases_contact', '5000 1'),
	('contact_dupes', 'contact_dupes', '4067 1 1'),
	('contact_dupes', 'contact_dupes_b', '4067 1'),
	('touches', 'sqlite_autoindex_touches_1', '1000000 1'),
	('touches', 'touches_at', '1000000 1'),
	('touch_contacts', 'sqlite_autoindex_touch_contacts_1', '1039618 11 1 1'),
	('touch_contacts', 'touch_contacts_touch', '1039618 1'),
	('stage_changes', 'stage_changes_contact', '292757 3 1'),
	('stage_changes', 'stage_changes_at', '292757 1'),
	('tasks', 'sqlite_autoindex_tasks_1', '200000 1'),
	('tasks', 'tasks_contact', '200000 2 2 1'),
	('tasks', 'tasks_state', '200000 100000 2'),
	('key_dates', 'sqlite_autoindex_key_dates_1', '29975 1'),
	('key_dates', 'key_dates_contact', '29975 1'),
	('key_dates', 'key_dates_day', '29975 29975 2498 82'),
	('changes', 'sqlite_autoindex_changes_1', '20000 1'),
	('journal', 'journal_change', '100000 5'),
	('journal', 'journal_contact', '50000 5 1'),
	('plans', 'sqlite_autoindex_plans_1', '10 1'),
	('settings', 'sqlite_autoindex_settings_1', '20 1');
