-- The version of crm's search texts that the index was made with
-- (crm.SearchTextsVersion, the setting crm.SearchVersionSetting): a crm
-- whose texts differ rebuilds the index when it opens the book (see
-- ensureSearch). Every book before this migration was indexed with
-- version 1.
INSERT INTO settings (key, value) VALUES ('internal.search_version', '1') ON CONFLICT (key) DO NOTHING;
