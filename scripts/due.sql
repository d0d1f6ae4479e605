-- due.sql: `crm due --json` as one SQL query, for scripts/bench.sh to time
-- against the sqlite3 shell:  sqlite3 -json BOOK < scripts/due.sql
-- Same rows, urgency terms and reasons (solar key dates only: the lunar
-- calendar is not in SQL). Weights and rhythms come from the settings.
WITH
span(key, days) AS (
  SELECT key, CAST(substr(value, 1, length(value) - 1) AS INTEGER) *
    CASE substr(value, -1) WHEN 'd' THEN 1 WHEN 'w' THEN 7 WHEN 'm' THEN 30 WHEN 'y' THEN 365 END
  FROM settings WHERE key LIKE 'cadence.%'),
cfg AS (SELECT
  coalesce((SELECT days FROM span WHERE key = 'cadence.A'), 30) AS a,
  coalesce((SELECT days FROM span WHERE key = 'cadence.B'), 90) AS b,
  coalesce((SELECT days FROM span WHERE key = 'cadence.C'), 180) AS c,
  coalesce((SELECT days FROM span WHERE key = 'cadence.max'), 180) AS mx,
  coalesce((SELECT CAST(value AS REAL) FROM settings WHERE key = 'urgency.overdue'), 10.0) AS w_overdue,
  coalesce((SELECT CAST(value AS REAL) FROM settings WHERE key = 'urgency.tier'), 2.0) AS w_tier,
  coalesce((SELECT CAST(value AS REAL) FROM settings WHERE key = 'urgency.promise'), 5.0) AS w_promise,
  coalesce((SELECT CAST(value AS REAL) FROM settings WHERE key = 'urgency.followup'), 2.0) AS w_followup,
  coalesce((SELECT CAST(value AS REAL) FROM settings WHERE key = 'urgency.date'), 3.0) AS w_date,
  date('now', 'localtime') AS today,
  strftime('%Y-%m-%dT%H:%M:%SZ', date('now', 'localtime', '+1 day'), 'utc') AS horizon),
week(d) AS (SELECT (SELECT today FROM cfg) UNION ALL SELECT date(d, '+1 day') FROM week WHERE d < date((SELECT today FROM cfg), '+6 days')),
due AS (
  SELECT c.id, c.name, coalesce(a.name, '') AS account, c.tier, c.stage, c.due_at, c.last_touch_at, c.created_at,
    min(coalesce(c.cadence_days, CASE c.tier WHEN 'A' THEN cfg.a WHEN 'B' THEN cfg.b ELSE cfg.c END), cfg.mx) AS rhythm,
    c.cadence_days IS NOT NULL AS own,
    CAST(julianday(cfg.today) - julianday(date(c.due_at, 'localtime')) AS INTEGER) AS days_overdue,
    (SELECT json_group_array(json_object('id', t.id, 'kind', t.kind, 'title', t.title, 'due_at', t.due_at))
      FROM tasks t WHERE t.contact_id = c.id AND t.state = 'open' AND t.due_at < cfg.horizon) AS tasks,
    EXISTS (SELECT 1 FROM tasks t WHERE t.contact_id = c.id AND t.state = 'open' AND t.kind = 'promise'
      AND date(t.due_at, 'localtime') < cfg.today) AS late_promise,
    EXISTS (SELECT 1 FROM tasks t WHERE t.contact_id = c.id AND t.state = 'open' AND t.kind = 'followup'
      AND date(t.due_at, 'localtime') < cfg.today) AS late_followup,
    (SELECT json_group_array(json_object('kind', k.kind, 'date', k.month || '-' || k.day)) FROM key_dates k
      WHERE k.contact_id = c.id AND k.calendar = 'solar'
      AND k.month * 100 + k.day IN (SELECT CAST(strftime('%m', d) AS INTEGER) * 100 + CAST(strftime('%d', d) AS INTEGER) FROM week)) AS key_dates,
    cfg.w_overdue, cfg.w_tier, cfg.w_promise, cfg.w_followup, cfg.w_date
  FROM contacts c CROSS JOIN cfg LEFT JOIN accounts a ON a.id = c.account_id
  WHERE c.archived_at IS NULL AND c.due_at < cfg.horizon),
scored AS (
  SELECT *,
    round(CASE WHEN days_overdue > 0 THEN w_overdue * days_overdue / rhythm ELSE 0 END, 2) AS u_overdue,
    w_tier * CASE tier WHEN 'A' THEN 3 WHEN 'B' THEN 2 ELSE 1 END AS u_tier,
    CASE WHEN late_promise THEN w_promise ELSE 0 END AS u_promise,
    CASE WHEN late_followup THEN w_followup ELSE 0 END AS u_followup,
    CASE WHEN key_dates != '[]' THEN w_date ELSE 0 END AS u_date
  FROM due)
SELECT id, name, account, tier, stage, due_at, days_overdue, rhythm AS rhythm_days, own AS own_rhythm, last_touch_at,
  json(tasks) AS tasks, json(key_dates) AS key_dates,
  json_object('score', round(u_overdue + u_tier + u_promise + u_followup + u_date, 2), 'overdue', u_overdue,
    'tier', u_tier, 'promise', u_promise, 'followup', u_followup, 'date', u_date) AS urgency,
  printf('tier %s, %s, rhythm %dd%s', tier,
    CASE WHEN last_touch_at IS NULL THEN 'never touched'
      ELSE printf('last touch %d days ago', CAST(julianday((SELECT today FROM cfg)) - julianday(date(last_touch_at, 'localtime')) AS INTEGER)) END,
    rhythm, CASE WHEN own THEN ' (own)' ELSE '' END) AS reason
FROM scored
ORDER BY u_overdue + u_tier + u_promise + u_followup + u_date DESC, days_overdue DESC, id;
