-- legs partitioned by month: by its conference's period (the first day of the account's billing
-- month), the month the retention purge works in, so a month out of retention for every account is
-- one partition to drop instead of millions of rows to delete. An ALTER cannot partition a table:
-- the legs are copied into a new partitioned table, then its key, indexes and triggers are made.
-- No default partition, which would keep whatever falls in it past every purge: the months are made
-- ahead (legs_ensure_partitions), and a writer of an older month makes it (the ingest refuses legs
-- older than 366 days; such a month is out of retention soon and dropped by the next purge).
ALTER TABLE "legs" RENAME TO "legs_unpartitioned";--> statement-breakpoint
ALTER TABLE "legs_unpartitioned" ALTER COLUMN "id" DROP IDENTITY;--> statement-breakpoint
CREATE TABLE "legs" (
	"account_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "legs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"conference_id" bigint NOT NULL,
	"external_id" text NOT NULL,
	"period" date NOT NULL,
	"participant_name" text DEFAULT '' NOT NULL,
	"caller_number" text DEFAULT '' NOT NULL,
	"dialed_number" text DEFAULT '' NOT NULL,
	"service_type" text NOT NULL,
	"joined_at" timestamp with time zone NOT NULL,
	"left_at" timestamp with time zone NOT NULL,
	"duration_s" integer NOT NULL,
	"billable_s" integer NOT NULL,
	"charge_minor" bigint NOT NULL,
	"late" boolean DEFAULT false NOT NULL,
	CONSTRAINT "legs_left_after_join" CHECK ("left_at" >= "joined_at"),
	CONSTRAINT "legs_non_negative" CHECK ("duration_s" >= 0 and "billable_s" >= 0 and "charge_minor" >= 0)
) PARTITION BY RANGE ("period");--> statement-breakpoint
-- The partitions of the months from first_month to last_month that do not exist yet (legs_YYYY_MM),
-- and how many were made. Called by this migration, at every start (db/migrate.ts), hourly by the
-- worker, and by the ingest for the months of its conferences, so no leg ever lacks its partition.
CREATE FUNCTION legs_create_partitions(first_month date, last_month date) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  m date := date_trunc('month', first_month)::date;
  made int := 0;
BEGIN
  WHILE m <= last_month LOOP
    IF to_regclass(format('legs_%s', to_char(m, 'YYYY_MM'))) IS NULL THEN
      -- Two writers meeting a new month together would both create it: the second waits, then sees it.
      PERFORM pg_advisory_xact_lock(hashtext('legs partitions'));
      IF to_regclass(format('legs_%s', to_char(m, 'YYYY_MM'))) IS NULL THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF legs FOR VALUES FROM (%L) TO (%L)', format('legs_%s', to_char(m, 'YYYY_MM')), m, (m + interval '1 month')::date);
        made := made + 1;
      END IF;
    END IF;
    m := (m + interval '1 month')::date;
  END LOOP;
  RETURN made;
END $$;
--> statement-breakpoint
-- Every month the ingest can write: it refuses legs started more than 366 days ago (a period up to
-- 13 months back in the zones behind UTC), and a leg is never in the future, but a zone ahead of
-- UTC is in next month already; two months ahead leave a month's margin for a worker that is down.
CREATE FUNCTION legs_ensure_partitions() RETURNS int
LANGUAGE sql AS $$
  SELECT legs_create_partitions((date_trunc('month', now()) - interval '13 months')::date, (date_trunc('month', now()) + interval '2 months')::date)
$$;
--> statement-breakpoint
SELECT legs_create_partitions(least(min(period), (date_trunc('month', now()) - interval '13 months')::date), (date_trunc('month', now()) + interval '2 months')::date)
FROM conferences;--> statement-breakpoint
INSERT INTO "legs" ("account_id", "id", "conference_id", "external_id", "period", "participant_name", "caller_number", "dialed_number", "service_type",
                    "joined_at", "left_at", "duration_s", "billable_s", "charge_minor", "late")
OVERRIDING SYSTEM VALUE
SELECT l."account_id", l."id", l."conference_id", l."external_id", c."period", l."participant_name", l."caller_number", l."dialed_number", l."service_type",
       l."joined_at", l."left_at", l."duration_s", l."billable_s", l."charge_minor", l."late"
FROM "legs_unpartitioned" l JOIN "conferences" c ON c."account_id" = l."account_id" AND c."id" = l."conference_id";--> statement-breakpoint
SELECT setval(pg_get_serial_sequence('legs', 'id'), coalesce(max("id"), 0) + 1, false) FROM "legs";--> statement-breakpoint
-- Its triggers go with it; they are made again below, on the partitioned table, once the legs are in.
DROP TABLE "legs_unpartitioned";--> statement-breakpoint
ALTER TABLE "legs" ADD CONSTRAINT "legs_account_id_external_id_period_pk" PRIMARY KEY("account_id","external_id","period");--> statement-breakpoint
CREATE INDEX "legs_conference" ON "legs" USING btree ("account_id","conference_id");--> statement-breakpoint
CREATE INDEX "legs_toll_free" ON "legs" USING btree ("account_id","joined_at","id") WHERE "legs"."service_type" = 'toll-free';--> statement-breakpoint
-- The check of 0007/0010, now also of the period: a leg is in its conference's period, which is what
-- keeps the legs' key exact (db/schema/usage.ts) and the purge's dropped months whole, whoever writes.
CREATE OR REPLACE FUNCTION legs_conference_exists() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  orphan boolean;
BEGIN
  -- Joined by the conference's key alone, the period compared after: with the period in the join,
  -- the planner chose conferences_period (account, period) and filtered on the id, a month of the
  -- account's conferences read per conference written (a 100,000-leg chunk ran for minutes).
  EXECUTE 'SELECT EXISTS (
    SELECT 1 FROM (SELECT DISTINCT account_id, conference_id, period FROM changed) l
    LEFT JOIN conferences c ON c.account_id = l.account_id AND c.id = l.conference_id
    WHERE c.period IS DISTINCT FROM l.period)' INTO orphan;
  IF orphan THEN
    RAISE EXCEPTION 'a leg must belong to a conference of its account, in its period' USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- What ON DELETE CASCADE did (0007), told the conferences' periods: one month's partition searched
-- per conference, not every month's.
CREATE OR REPLACE FUNCTION conferences_delete_legs() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM legs l USING changed c WHERE l.account_id = c.account_id AND l.conference_id = c.id AND l.period = c.period;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Every lookup of a conference's legs names its period too: with it, PostgreSQL searches one month's
-- partition per conference (pruned as it runs), without it every month's. The functions of 0006, 0008
-- and 0020 that read legs by conference, again with the period.
CREATE OR REPLACE FUNCTION conference_totals_recompute(p_accounts bigint[], p_ids bigint[]) RETURNS void
LANGUAGE sql AS $$
  UPDATE conferences c SET legs = t.legs, duration_s = t.duration_s, charge_minor = t.charge_minor
  FROM (
    -- Conferences still stored (a deleted one takes its legs with it: nothing to sum).
    SELECT k.account_id, k.id, s.legs, coalesce(s.duration_s, 0) AS duration_s, coalesce(s.charge_minor, 0) AS charge_minor
    FROM (SELECT DISTINCT account_id, id FROM unnest(p_accounts, p_ids) AS k(account_id, id)) k
    JOIN conferences kc ON kc.account_id = k.account_id AND kc.id = k.id
    CROSS JOIN LATERAL (
      SELECT count(*) AS legs, sum(l.duration_s) AS duration_s, sum(l.charge_minor) AS charge_minor
      FROM legs l WHERE l.account_id = k.account_id AND l.period = kc.period AND l.conference_id = k.id) s) t
  WHERE c.account_id = t.account_id AND c.id = t.id
    AND (c.legs, c.duration_s, c.charge_minor) IS DISTINCT FROM (t.legs, t.duration_s, t.charge_minor)
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION report_days_recompute(k_account bigint[], k_day date[], k_room bigint[])
 RETURNS void
 LANGUAGE plpgsql
AS $$
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
    SELECT k.day, c.account_id, c.id, c.period, c.room_id, c.product, c.started_at, c.ended_at
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
    FROM confs c JOIN legs l ON l.account_id = c.account_id AND l.period = c.period AND l.conference_id = c.id
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
END $$
--> statement-breakpoint
CREATE OR REPLACE FUNCTION chart_usage_conferences_updated()
 RETURNS trigger
 LANGUAGE plpgsql
AS $$
BEGIN
  PERFORM chart_usage_apply(array_agg(account_id), array_agg(period), array_agg(day), array_agg(room_id), array_agg(service_type), array_agg(legs), array_agg(duration_s), array_agg(charge_minor))
  FROM (
    SELECT k.account_id, k.period, k.day, k.room_id, l.service_type,
           k.sign * count(*) AS legs, k.sign * sum(l.duration_s)::bigint AS duration_s, k.sign * sum(l.charge_minor)::bigint AS charge_minor
    FROM (
      SELECT o.account_id, o.id, o.period, (o.started_at AT TIME ZONE a.time_zone)::date AS day, o.room_id, -1 AS sign, o.period AS legs_period
      FROM old_rows o JOIN new_rows n ON n.account_id = o.account_id AND n.id = o.id JOIN accounts a ON a.id = o.account_id
      WHERE (o.period, o.room_id, o.started_at) IS DISTINCT FROM (n.period, n.room_id, n.started_at)
      UNION ALL
      SELECT n.account_id, n.id, n.period, (n.started_at AT TIME ZONE a.time_zone)::date, n.room_id, 1, o.period
      FROM old_rows o JOIN new_rows n ON n.account_id = o.account_id AND n.id = o.id JOIN accounts a ON a.id = n.account_id
      WHERE (o.period, o.room_id, o.started_at) IS DISTINCT FROM (n.period, n.room_id, n.started_at)
    ) k
    -- The legs are still in the old period's partition: conferences_legs_follow moves them after this trigger.
    JOIN legs l ON l.account_id = k.account_id AND l.period = k.legs_period AND l.conference_id = k.id
    GROUP BY k.account_id, k.period, k.day, k.room_id, l.service_type, k.sign
  ) d;
  RETURN NULL;
END $$
--> statement-breakpoint
CREATE OR REPLACE FUNCTION chart_usage_conferences_deleted()
 RETURNS trigger
 LANGUAGE plpgsql
AS $$
BEGIN
  PERFORM chart_usage_apply(array_agg(account_id), array_agg(period), array_agg(day), array_agg(room_id), array_agg(service_type), array_agg(legs), array_agg(duration_s), array_agg(charge_minor))
  FROM (
    SELECT o.account_id, o.period, (o.started_at AT TIME ZONE a.time_zone)::date AS day, o.room_id, l.service_type,
           -count(*) AS legs, -sum(l.duration_s)::bigint AS duration_s, -sum(l.charge_minor)::bigint AS charge_minor
    FROM changed o JOIN accounts a ON a.id = o.account_id
    JOIN legs l ON l.account_id = o.account_id AND l.period = o.period AND l.conference_id = o.id
    GROUP BY 1, 2, 3, 4, 5
  ) d;
  RETURN NULL;
END $$
--> statement-breakpoint
-- A conference whose period changes (the ingest extending it with an earlier leg of the month
-- before) takes its legs along, whoever updates it: a leg stays in its conference's period. Fires
-- after conferences_chart_usage_updated (triggers of one event fire in name order), which reads the
-- legs where they were.
CREATE FUNCTION conferences_legs_follow() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Only then: an UPDATE of no row still fires the legs' statement triggers, whose conference totals
  -- update the conferences again, which would fire this one again. A set difference, not a join of
  -- the transition tables (no statistics: a join may be planned as nested loops over both).
  IF EXISTS (SELECT account_id, id, period FROM new_rows EXCEPT SELECT account_id, id, period FROM old_rows) THEN
    UPDATE legs l SET period = m.period
    FROM (SELECT account_id, id, period FROM new_rows EXCEPT SELECT account_id, id, period FROM old_rows) m
    WHERE l.account_id = m.account_id AND l.conference_id = m.id AND l.period <> m.period;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER conferences_legs_follow AFTER UPDATE ON conferences REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION conferences_legs_follow();
--> statement-breakpoint
-- The statement-level triggers of migrations 0006, 0007, 0008 and 0020, on the partitioned table:
-- their transition tables hold the rows of every partition a statement wrote.
CREATE TRIGGER conference_totals_legs_deleted AFTER DELETE ON legs REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION conference_totals_legs_changed();--> statement-breakpoint
CREATE TRIGGER conference_totals_legs_inserted AFTER INSERT ON legs REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION conference_totals_legs_changed();--> statement-breakpoint
CREATE TRIGGER conference_totals_legs_truncated AFTER TRUNCATE ON legs FOR EACH STATEMENT EXECUTE FUNCTION conference_totals_legs_truncated();--> statement-breakpoint
CREATE TRIGGER conference_totals_legs_updated AFTER UPDATE ON legs REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION conference_totals_legs_updated();--> statement-breakpoint
CREATE TRIGGER legs_chart_usage_deleted AFTER DELETE ON legs REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION chart_usage_legs_deleted();--> statement-breakpoint
CREATE TRIGGER legs_chart_usage_inserted AFTER INSERT ON legs REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION chart_usage_legs_inserted();--> statement-breakpoint
CREATE TRIGGER legs_chart_usage_truncated AFTER TRUNCATE ON legs FOR EACH STATEMENT EXECUTE FUNCTION chart_usage_truncated();--> statement-breakpoint
CREATE TRIGGER legs_chart_usage_updated AFTER UPDATE ON legs REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION chart_usage_legs_updated();--> statement-breakpoint
CREATE TRIGGER legs_conference_exists_inserted AFTER INSERT ON legs REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION legs_conference_exists();--> statement-breakpoint
CREATE TRIGGER legs_conference_exists_updated AFTER UPDATE ON legs REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION legs_conference_exists();--> statement-breakpoint
CREATE TRIGGER report_days_legs_deleted AFTER DELETE ON legs REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION report_days_legs_changed();--> statement-breakpoint
CREATE TRIGGER report_days_legs_inserted AFTER INSERT ON legs REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION report_days_legs_changed();--> statement-breakpoint
CREATE TRIGGER report_days_legs_truncated AFTER TRUNCATE ON legs FOR EACH STATEMENT EXECUTE FUNCTION report_days_truncated();--> statement-breakpoint
CREATE TRIGGER report_days_legs_updated AFTER UPDATE ON legs REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_days_legs_updated();
