-- Full-text search (crm search). One FTS5 table holds a row per contact,
-- touch, task and account, under rowid = kind << 40 | id (kind 0 contact,
-- 1 touch, 2 task, 3 account), so that each kind is one range of rowids. Its text is computed in Go (match.IndexText): Han
-- runs as overlapping bigrams, then every Han character alone, so that a
-- query of one or two characters (王, 张伟) is found inside a sentence, which
-- the trigram tokenizer cannot do; other text folded, for unicode61 to cut
-- into words. The columns are what bm25 weighs apart (a name above notes).
--
-- The table is a derived index: every write that changes indexed text
-- rewrites the record's row in the same transaction (search.go), undo
-- rebuilds the rows of what it restored, and the text of every existing
-- record is indexed when this version first opens the book (ensureSearch,
-- internal.search_version). No trigger writes it, so the sqlite3 shell can
-- still write a book: crm doctor then reports the rows it did not index.
--
-- secure-delete: a deleted row's words leave the index's pages as well
-- (crm rm --purge must leave no text of a contact behind).
CREATE VIRTUAL TABLE search_index USING fts5(
	name, pinyin, account, title, tags, summary, notes, profile, fields,
	tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO search_index (search_index, rank) VALUES ('secure-delete', 1);
