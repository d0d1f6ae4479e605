-- A narrow index of the live contacts' due dates, for counting them:
-- `crm due --count` runs on every shell prompt, and counting a range of
-- contacts_due (nine columns wide, so that `crm due` lists from the index
-- alone) read four times the pages. On the 100k-contact book with 16,611
-- due, the count's process went from 18 to 15 ms.
CREATE INDEX contacts_due_count ON contacts(due_at) WHERE archived_at IS NULL;
