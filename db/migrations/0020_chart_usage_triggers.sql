-- The charts' rollups (room_service_usage: per period, room and leg service type;
-- account_service_days: per period, day of the conference's start in the account's time zone and
-- service type) stay exact by adding, after every statement that writes legs or moves conferences,
-- the signed figures of the legs it touched, whatever the writer (the CDR ingest, the demo seed,
-- the benchmark loader's COPY, the retention purge, a fix in psql). Additions commute, so writers
-- need no lock beyond the rows they upsert, taken in key order.
CREATE FUNCTION chart_usage_apply(k_account bigint[], k_period date[], k_day date[], k_room bigint[], k_type text[], k_legs bigint[], k_duration bigint[], k_charge bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF k_account IS NULL OR cardinality(k_account) = 0 THEN
    RETURN;
  END IF;
  WITH delta AS (
    SELECT * FROM unnest(k_account, k_period, k_day, k_room, k_type, k_legs, k_duration, k_charge)
      AS d(account_id, period, day, room_id, service_type, legs, duration_s, charge_minor)
  ),
  by_room AS (
    INSERT INTO room_service_usage AS u (account_id, period, room_id, service_type, legs, duration_s, charge_minor)
    SELECT account_id, period, room_id, service_type, sum(legs), sum(duration_s), sum(charge_minor)
    FROM delta GROUP BY account_id, room_id, period, service_type
    HAVING sum(legs) <> 0 OR sum(duration_s) <> 0 OR sum(charge_minor) <> 0
    ORDER BY account_id, room_id, period, service_type
    ON CONFLICT (account_id, room_id, period, service_type) DO UPDATE SET
      legs = u.legs + excluded.legs, duration_s = u.duration_s + excluded.duration_s, charge_minor = u.charge_minor + excluded.charge_minor
  )
  INSERT INTO account_service_days AS u (account_id, period, day, service_type, legs, duration_s, charge_minor)
  SELECT account_id, period, day, service_type, sum(legs), sum(duration_s), sum(charge_minor)
  FROM delta GROUP BY account_id, period, day, service_type
  HAVING sum(legs) <> 0 OR sum(duration_s) <> 0 OR sum(charge_minor) <> 0
  ORDER BY account_id, period, day, service_type
  ON CONFLICT (account_id, period, day, service_type) DO UPDATE SET
    legs = u.legs + excluded.legs, duration_s = u.duration_s + excluded.duration_s, charge_minor = u.charge_minor + excluded.charge_minor;
  -- Buckets left with no leg go (a separate statement: one statement cannot see its own upserts).
  DELETE FROM room_service_usage u USING (SELECT DISTINCT * FROM unnest(k_account, k_room, k_period) AS k(account_id, room_id, period)) k
  WHERE u.account_id = k.account_id AND u.room_id = k.room_id AND u.period = k.period AND u.legs = 0;
  DELETE FROM account_service_days u USING (SELECT DISTINCT * FROM unnest(k_account, k_period, k_day) AS k(account_id, period, day)) k
  WHERE u.account_id = k.account_id AND u.period = k.period AND u.day = k.day AND u.legs = 0;
END $$;
--> statement-breakpoint
-- Legs (summed per conference and service type by the caller, signs included) counted where their
-- conference is now. A leg whose conference is gone in the same statement (a conference deleted
-- takes its legs) is left out: the conference's own trigger took it out.
CREATE FUNCTION chart_usage_legs(k_account bigint[], k_conference bigint[], k_type text[], k_legs bigint[], k_duration bigint[], k_charge bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM chart_usage_apply(array_agg(account_id), array_agg(period), array_agg(day), array_agg(room_id), array_agg(service_type), array_agg(legs), array_agg(duration_s), array_agg(charge_minor))
  FROM (
    SELECT c.account_id, c.period, (c.started_at AT TIME ZONE a.time_zone)::date AS day, c.room_id, l.service_type,
           sum(l.legs)::bigint AS legs, sum(l.duration_s)::bigint AS duration_s, sum(l.charge_minor)::bigint AS charge_minor
    FROM unnest(k_account, k_conference, k_type, k_legs, k_duration, k_charge) AS l(account_id, conference_id, service_type, legs, duration_s, charge_minor)
    JOIN conferences c ON c.account_id = l.account_id AND c.id = l.conference_id
    JOIN accounts a ON a.id = c.account_id
    GROUP BY 1, 2, 3, 4, 5
  ) d;
END $$;
--> statement-breakpoint
CREATE FUNCTION chart_usage_legs_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM chart_usage_legs(array_agg(account_id), array_agg(conference_id), array_agg(service_type), array_agg(legs), array_agg(duration_s), array_agg(charge_minor))
  FROM (SELECT account_id, conference_id, service_type, count(*) AS legs, sum(duration_s)::bigint AS duration_s, sum(charge_minor)::bigint AS charge_minor
        FROM changed GROUP BY 1, 2, 3) l;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION chart_usage_legs_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM chart_usage_legs(array_agg(account_id), array_agg(conference_id), array_agg(service_type), array_agg(legs), array_agg(duration_s), array_agg(charge_minor))
  FROM (SELECT account_id, conference_id, service_type, -count(*) AS legs, -sum(duration_s)::bigint AS duration_s, -sum(charge_minor)::bigint AS charge_minor
        FROM changed GROUP BY 1, 2, 3) l;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION chart_usage_legs_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM chart_usage_legs(array_agg(account_id), array_agg(conference_id), array_agg(service_type), array_agg(legs), array_agg(duration_s), array_agg(charge_minor))
  FROM (SELECT account_id, conference_id, service_type, sum(n)::bigint AS legs, sum(duration_s)::bigint AS duration_s, sum(charge_minor)::bigint AS charge_minor
        FROM (SELECT account_id, conference_id, service_type, -1 AS n, -duration_s::bigint AS duration_s, -charge_minor AS charge_minor FROM old_rows
              UNION ALL
              SELECT account_id, conference_id, service_type, 1, duration_s, charge_minor FROM new_rows) x
        GROUP BY 1, 2, 3) l;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Conferences whose period, room or start (the local day) changed: their legs move with them.
-- A billing code change moves nothing.
CREATE FUNCTION chart_usage_conferences_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM chart_usage_apply(array_agg(account_id), array_agg(period), array_agg(day), array_agg(room_id), array_agg(service_type), array_agg(legs), array_agg(duration_s), array_agg(charge_minor))
  FROM (
    SELECT k.account_id, k.period, k.day, k.room_id, l.service_type,
           k.sign * count(*) AS legs, k.sign * sum(l.duration_s)::bigint AS duration_s, k.sign * sum(l.charge_minor)::bigint AS charge_minor
    FROM (
      SELECT o.account_id, o.id, o.period, (o.started_at AT TIME ZONE a.time_zone)::date AS day, o.room_id, -1 AS sign
      FROM old_rows o JOIN new_rows n ON n.account_id = o.account_id AND n.id = o.id JOIN accounts a ON a.id = o.account_id
      WHERE (o.period, o.room_id, o.started_at) IS DISTINCT FROM (n.period, n.room_id, n.started_at)
      UNION ALL
      SELECT n.account_id, n.id, n.period, (n.started_at AT TIME ZONE a.time_zone)::date, n.room_id, 1
      FROM old_rows o JOIN new_rows n ON n.account_id = o.account_id AND n.id = o.id JOIN accounts a ON a.id = n.account_id
      WHERE (o.period, o.room_id, o.started_at) IS DISTINCT FROM (n.period, n.room_id, n.started_at)
    ) k
    JOIN legs l ON l.account_id = k.account_id AND l.conference_id = k.id
    GROUP BY k.account_id, k.period, k.day, k.room_id, l.service_type, k.sign
  ) d;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Deleted conferences take their legs out while the legs are still there: this trigger's name sorts
-- before conferences_delete_legs (migration 0007), and PostgreSQL fires a table's triggers of one
-- event in name order.
CREATE FUNCTION chart_usage_conferences_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM chart_usage_apply(array_agg(account_id), array_agg(period), array_agg(day), array_agg(room_id), array_agg(service_type), array_agg(legs), array_agg(duration_s), array_agg(charge_minor))
  FROM (
    SELECT o.account_id, o.period, (o.started_at AT TIME ZONE a.time_zone)::date AS day, o.room_id, l.service_type,
           -count(*) AS legs, -sum(l.duration_s)::bigint AS duration_s, -sum(l.charge_minor)::bigint AS charge_minor
    FROM changed o JOIN accounts a ON a.id = o.account_id
    JOIN legs l ON l.account_id = o.account_id AND l.conference_id = o.id
    GROUP BY 1, 2, 3, 4, 5
  ) d;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION chart_usage_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM room_service_usage;
  DELETE FROM account_service_days;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER legs_chart_usage_inserted AFTER INSERT ON legs REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION chart_usage_legs_inserted();
--> statement-breakpoint
CREATE TRIGGER legs_chart_usage_deleted AFTER DELETE ON legs REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION chart_usage_legs_deleted();
--> statement-breakpoint
CREATE TRIGGER legs_chart_usage_updated AFTER UPDATE ON legs REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION chart_usage_legs_updated();
--> statement-breakpoint
CREATE TRIGGER legs_chart_usage_truncated AFTER TRUNCATE ON legs FOR EACH STATEMENT EXECUTE FUNCTION chart_usage_truncated();
--> statement-breakpoint
CREATE TRIGGER conferences_chart_usage_updated AFTER UPDATE ON conferences REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION chart_usage_conferences_updated();
--> statement-breakpoint
CREATE TRIGGER conferences_chart_usage_deleted AFTER DELETE ON conferences REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION chart_usage_conferences_deleted();
--> statement-breakpoint
CREATE TRIGGER conferences_chart_usage_truncated AFTER TRUNCATE ON conferences FOR EACH STATEMENT EXECUTE FUNCTION chart_usage_truncated();
--> statement-breakpoint
-- Existing usage: every bucket computed once.
INSERT INTO room_service_usage (account_id, period, room_id, service_type, legs, duration_s, charge_minor)
SELECT c.account_id, c.period, c.room_id, l.service_type, count(*), sum(l.duration_s), sum(l.charge_minor)
FROM conferences c JOIN legs l ON l.account_id = c.account_id AND l.conference_id = c.id
GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
INSERT INTO account_service_days (account_id, period, day, service_type, legs, duration_s, charge_minor)
SELECT c.account_id, c.period, (c.started_at AT TIME ZONE a.time_zone)::date, l.service_type, count(*), sum(l.duration_s), sum(l.charge_minor)
FROM conferences c JOIN accounts a ON a.id = c.account_id JOIN legs l ON l.account_id = c.account_id AND l.conference_id = c.id
GROUP BY 1, 2, 3, 4;
