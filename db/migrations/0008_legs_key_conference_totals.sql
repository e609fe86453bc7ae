ALTER TABLE "legs" DROP CONSTRAINT "legs_account_external";--> statement-breakpoint
DROP INDEX "legs_joined";--> statement-breakpoint
ALTER TABLE "legs" DROP CONSTRAINT "legs_account_id_id_pk";--> statement-breakpoint
ALTER TABLE "legs" ADD CONSTRAINT "legs_account_id_external_id_pk" PRIMARY KEY("account_id","external_id");--> statement-breakpoint
ALTER TABLE "conferences" ADD COLUMN "legs" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "conferences" ADD COLUMN "duration_s" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "conferences" ADD COLUMN "charge_minor" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "legs_toll_free" ON "legs" USING btree ("account_id","joined_at","id") WHERE "legs"."service_type" = 'toll-free';--> statement-breakpoint
-- Each conference's legs, seconds and charge, from the legs already stored.
UPDATE conferences c SET legs = s.legs, duration_s = s.duration_s, charge_minor = s.charge_minor
FROM (SELECT account_id, conference_id, count(*) AS legs, sum(duration_s) AS duration_s, sum(charge_minor) AS charge_minor
      FROM legs GROUP BY account_id, conference_id) s
WHERE c.account_id = s.account_id AND c.id = s.conference_id;
--> statement-breakpoint
-- Recomputes the totals of the given conferences from their legs. The CDR ingest and the benchmark
-- tenant's loader add their own figures and say so with the setting the daily rollup's triggers
-- read (`portal.report_days_by_writer`, migration 0007); every other writer of legs goes through here.
CREATE FUNCTION conference_totals_recompute(p_accounts bigint[], p_ids bigint[]) RETURNS void
LANGUAGE sql AS $$
  UPDATE conferences c SET legs = t.legs, duration_s = t.duration_s, charge_minor = t.charge_minor
  FROM (
    -- Conferences still stored (a deleted one takes its legs with it: nothing to sum).
    SELECT k.account_id, k.id, s.legs, coalesce(s.duration_s, 0) AS duration_s, coalesce(s.charge_minor, 0) AS charge_minor
    FROM (SELECT DISTINCT account_id, id FROM unnest(p_accounts, p_ids) AS k(account_id, id)) k
    JOIN conferences kc ON kc.account_id = k.account_id AND kc.id = k.id
    CROSS JOIN LATERAL (
      SELECT count(*) AS legs, sum(l.duration_s) AS duration_s, sum(l.charge_minor) AS charge_minor
      FROM legs l WHERE l.account_id = k.account_id AND l.conference_id = k.id) s) t
  WHERE c.account_id = t.account_id AND c.id = t.id
    AND (c.legs, c.duration_s, c.charge_minor) IS DISTINCT FROM (t.legs, t.duration_s, t.charge_minor)
$$;
--> statement-breakpoint
CREATE FUNCTION conference_totals_legs_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('portal.report_days_by_writer', true) = 'on' THEN
    RETURN NULL;
  END IF;
  PERFORM conference_totals_recompute(array_agg(account_id), array_agg(conference_id)) FROM (SELECT DISTINCT account_id, conference_id FROM changed) k;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION conference_totals_legs_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('portal.report_days_by_writer', true) = 'on' THEN
    RETURN NULL;
  END IF;
  PERFORM conference_totals_recompute(array_agg(account_id), array_agg(conference_id))
  FROM (SELECT account_id, conference_id FROM old_rows UNION SELECT account_id, conference_id FROM new_rows) k;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION conference_totals_legs_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE conferences SET legs = 0, duration_s = 0, charge_minor = 0 WHERE legs <> 0 OR duration_s <> 0 OR charge_minor <> 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER conference_totals_legs_inserted AFTER INSERT ON legs REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION conference_totals_legs_changed();
--> statement-breakpoint
CREATE TRIGGER conference_totals_legs_deleted AFTER DELETE ON legs REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION conference_totals_legs_changed();
--> statement-breakpoint
CREATE TRIGGER conference_totals_legs_updated AFTER UPDATE ON legs REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION conference_totals_legs_updated();
--> statement-breakpoint
CREATE TRIGGER conference_totals_legs_truncated AFTER TRUNCATE ON legs FOR EACH STATEMENT EXECUTE FUNCTION conference_totals_legs_truncated();
