-- The tier index covers the archive filter every listing applies, so that
-- `crm ls --tier A` reads its range in order without looking at an archived
-- row's table page, and a count of tiers (`crm ls --tier A,B --count`, the
-- TUI's tabs) is answered by the index alone instead of reading the table:
-- two tiers are two thirds of a book, which the planner rightly counted by
-- scanning contacts while the index lacked archived_at.
DROP INDEX contacts_tier;
CREATE INDEX contacts_tier ON contacts(tier, archived_at, sort_key);
