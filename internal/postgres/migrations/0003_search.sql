-- Trigram indexes of the search index (search.go): a term is a LIKE pattern
-- over every column of a row, or over its name and pinyin, spelt as these
-- expressions (allColumns, nameColumns), which the indexes find without
-- reading every row. pg_trgm is a trusted extension: a database's owner
-- may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX search_index_all ON search_index USING gin ((' ' || name || ' | ' || pinyin || ' | ' || account || ' | ' || title || ' | ' || tags || ' | ' || summary || ' | ' || notes || ' | ' || profile || ' | ' || fields || ' ') gin_trgm_ops);
CREATE INDEX search_index_names ON search_index USING gin ((' ' || name || ' | ' || pinyin || ' ') gin_trgm_ops);
