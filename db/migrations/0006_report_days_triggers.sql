-- report_days stays exact by recomputing, after every statement that writes conferences or legs,
-- the (account, GMT day, room) buckets that statement touched, from the rows themselves.
-- Writers of one account take turns on an advisory lock, so two transactions never recompute
-- the same bucket from different snapshots.
CREATE FUNCTION report_days_recompute(k_account bigint[], k_day date[], k_room bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  a bigint;
BEGIN
  IF k_account IS NULL OR cardinality(k_account) = 0 THEN
    RETURN;
  END IF;
  FOR a IN SELECT DISTINCT x FROM unnest(k_account) AS x ORDER BY 1 LOOP
    PERFORM pg_advisory_xact_lock(hashtext('report_days'), (a % 2147483647)::int);
  END LOOP;
  WITH keys AS (
    SELECT DISTINCT * FROM unnest(k_account, k_day, k_room) AS k(account_id, day, room_id)
  ),
  confs AS (
    SELECT k.day, c.account_id, c.id, c.room_id, c.product, c.started_at, c.ended_at
    FROM keys k
    JOIN conferences c ON c.account_id = k.account_id AND c.room_id = k.room_id
      AND c.period >= date_trunc('month', k.day - 1)::date AND c.period <= date_trunc('month', k.day + 1)::date
      AND c.started_at >= k.day::timestamp AT TIME ZONE 'UTC' AND c.started_at < (k.day + 1)::timestamp AT TIME ZONE 'UTC'
  ),
  fresh AS (
    SELECT account_id, day, room_id, product, ''::text AS service_type, count(*)::int AS conferences, 0 AS legs,
           sum(extract(epoch FROM ended_at - started_at)::int)::bigint AS length_s, 0::bigint AS duration_s, 0::bigint AS billable_s,
           0::bigint AS charge_minor, min(started_at) AS first_started_at, max(started_at) AS last_started_at
    FROM confs GROUP BY account_id, day, room_id, product
    UNION ALL
    SELECT c.account_id, c.day, c.room_id, c.product, l.service_type, count(DISTINCT c.id)::int, count(*)::int,
           0::bigint, sum(l.duration_s)::bigint, sum(l.billable_s)::bigint, sum(l.charge_minor)::bigint, NULL::timestamptz, NULL::timestamptz
    FROM confs c JOIN legs l ON l.account_id = c.account_id AND l.conference_id = c.id
    GROUP BY c.account_id, c.day, c.room_id, c.product, l.service_type
  ),
  gone AS (
    DELETE FROM report_days d USING keys k
    WHERE d.account_id = k.account_id AND d.day = k.day AND d.room_id = k.room_id
      AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.account_id = d.account_id AND f.day = d.day AND f.room_id = d.room_id
                        AND f.product = d.product AND f.service_type = d.service_type)
  )
  INSERT INTO report_days AS d (account_id, day, room_id, product, service_type, conferences, legs, length_s, duration_s, billable_s, charge_minor, first_started_at, last_started_at)
  SELECT * FROM fresh
  ON CONFLICT (account_id, day, room_id, product, service_type) DO UPDATE SET
    conferences = excluded.conferences, legs = excluded.legs, length_s = excluded.length_s, duration_s = excluded.duration_s,
    billable_s = excluded.billable_s, charge_minor = excluded.charge_minor,
    first_started_at = excluded.first_started_at, last_started_at = excluded.last_started_at;
END $$;
--> statement-breakpoint
-- Legs inserted or deleted: the buckets of their conferences (a leg whose conference is gone in the
-- same statement, by cascade, is covered by the conferences' trigger).
CREATE FUNCTION report_days_legs_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_days_recompute(array_agg(c.account_id), array_agg((c.started_at AT TIME ZONE 'UTC')::date), array_agg(c.room_id))
  FROM (SELECT DISTINCT account_id, conference_id FROM changed) ch
  JOIN conferences c ON c.account_id = ch.account_id AND c.id = ch.conference_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION report_days_legs_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_days_recompute(array_agg(c.account_id), array_agg((c.started_at AT TIME ZONE 'UTC')::date), array_agg(c.room_id))
  FROM (SELECT account_id, conference_id FROM old_rows UNION SELECT account_id, conference_id FROM new_rows) ch
  JOIN conferences c ON c.account_id = ch.account_id AND c.id = ch.conference_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION report_days_conferences_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_days_recompute(array_agg(account_id), array_agg(day), array_agg(room_id))
  FROM (SELECT DISTINCT account_id, (started_at AT TIME ZONE 'UTC')::date AS day, room_id FROM changed) k;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Conferences updated: only a change of start, end, room or product moves figures (not a billing code).
CREATE FUNCTION report_days_conferences_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_days_recompute(array_agg(account_id), array_agg(day), array_agg(room_id))
  FROM (
    SELECT o.account_id, (o.started_at AT TIME ZONE 'UTC')::date AS day, o.room_id
    FROM old_rows o JOIN new_rows n ON n.account_id = o.account_id AND n.id = o.id
    WHERE (o.started_at, o.ended_at, o.room_id, o.product) IS DISTINCT FROM (n.started_at, n.ended_at, n.room_id, n.product)
    UNION
    SELECT n.account_id, (n.started_at AT TIME ZONE 'UTC')::date, n.room_id
    FROM old_rows o JOIN new_rows n ON n.account_id = o.account_id AND n.id = o.id
    WHERE (o.started_at, o.ended_at, o.room_id, o.product) IS DISTINCT FROM (n.started_at, n.ended_at, n.room_id, n.product)
  ) k;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION report_days_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'conferences' THEN
    DELETE FROM report_days;
  ELSE
    DELETE FROM report_days WHERE service_type <> '';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER report_days_legs_inserted AFTER INSERT ON legs REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION report_days_legs_changed();
--> statement-breakpoint
CREATE TRIGGER report_days_legs_deleted AFTER DELETE ON legs REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION report_days_legs_changed();
--> statement-breakpoint
CREATE TRIGGER report_days_legs_updated AFTER UPDATE ON legs REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_days_legs_updated();
--> statement-breakpoint
CREATE TRIGGER report_days_legs_truncated AFTER TRUNCATE ON legs FOR EACH STATEMENT EXECUTE FUNCTION report_days_truncated();
--> statement-breakpoint
CREATE TRIGGER report_days_conferences_inserted AFTER INSERT ON conferences REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION report_days_conferences_changed();
--> statement-breakpoint
CREATE TRIGGER report_days_conferences_deleted AFTER DELETE ON conferences REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION report_days_conferences_changed();
--> statement-breakpoint
CREATE TRIGGER report_days_conferences_updated AFTER UPDATE ON conferences REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_days_conferences_updated();
--> statement-breakpoint
CREATE TRIGGER report_days_conferences_truncated AFTER TRUNCATE ON conferences FOR EACH STATEMENT EXECUTE FUNCTION report_days_truncated();
--> statement-breakpoint
-- Existing usage: every bucket computed once.
SELECT report_days_recompute(array_agg(account_id), array_agg(day), array_agg(room_id))
FROM (SELECT DISTINCT account_id, (started_at AT TIME ZONE 'UTC')::date AS day, room_id FROM conferences) k;
