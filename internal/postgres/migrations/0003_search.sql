-- Trigram indexes of the search index (search.go): a term is a LIKE pattern
-- over every column of a row, or over its name and pinyin, spelt as these
-- expressions (allColumns, nameColumns), which the indexes find without
-- reading every row. pg_trgm is a trusted extension: a database's owner
-- may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX search_index_all ON search_index USING gin ((' ' || name || ' | ' || pinyin || ' | ' || account || ' | ' || title || ' | ' || tags || ' | ' || summary || ' | ' || notes || ' | ' || profile || ' | ' || fields || ' ') gin_trgm_ops);
CREATE INDEX search_index_names ON search_index USING gin ((' ' || name || ' | ' || pinyin || ' ') gin_trgm_ops);

-- What bm25 knows of the whole index, as FTS5 keeps it: how many rows,
-- and how many tokens in all (a column's tokens are its spaces and one,
-- when it is not empty). Kept by statement triggers, one update of the row
-- per statement that writes the index, so that a search does not count
-- the whole index (0.4 s at a million rows).
CREATE TABLE search_totals (
	rows   BIGINT NOT NULL,
	tokens BIGINT NOT NULL
);

CREATE FUNCTION search_row_tokens(r search_index) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
	SELECT sum(CASE WHEN coalesce(c, '') = '' THEN 0 ELSE length(c) - length(replace(c, ' ', '')) + 1 END)
	FROM unnest(ARRAY[r.name, r.pinyin, r.account, r.title, r.tags, r.summary, r.notes, r.profile, r.fields]) c
$$;

INSERT INTO search_totals SELECT count(*), coalesce(sum(search_row_tokens(s)), 0) FROM search_index s;

-- The transition tables are named alike in each trigger: added (the rows
-- as written) and removed (as they were).
CREATE FUNCTION search_totals_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		UPDATE search_totals SET rows = rows + CASE WHEN TG_OP = 'INSERT' THEN a.n ELSE 0 END, tokens = tokens + a.t
		FROM (SELECT count(*) AS n, coalesce(sum(search_row_tokens(s)), 0) AS t FROM added s) a;
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		UPDATE search_totals SET rows = rows - CASE WHEN TG_OP = 'DELETE' THEN r.n ELSE 0 END, tokens = tokens - r.t
		FROM (SELECT count(*) AS n, coalesce(sum(search_row_tokens(s)), 0) AS t FROM removed s) r;
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER totals_insert AFTER INSERT ON search_index REFERENCING NEW TABLE AS added
	FOR EACH STATEMENT EXECUTE FUNCTION search_totals_follow();
CREATE TRIGGER totals_update AFTER UPDATE ON search_index REFERENCING OLD TABLE AS removed NEW TABLE AS added
	FOR EACH STATEMENT EXECUTE FUNCTION search_totals_follow();
CREATE TRIGGER totals_delete AFTER DELETE ON search_index REFERENCING OLD TABLE AS removed
	FOR EACH STATEMENT EXECUTE FUNCTION search_totals_follow();
