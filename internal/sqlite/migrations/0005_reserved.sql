-- A placeholder for migration 0005, which another branch brings (issue 9's
-- search index): the migrations must be numbered 1 to N, and this branch
-- adds 0006. Delete this file when merging that branch.
SELECT 1;
