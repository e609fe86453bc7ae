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
  EXECUTE 'SELECT EXISTS (
    SELECT 1 FROM (SELECT DISTINCT account_id, conference_id, period FROM changed) l
    WHERE NOT EXISTS (SELECT 1 FROM conferences c WHERE c.account_id = l.account_id AND c.id = l.conference_id AND c.period = l.period))' INTO orphan;
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
