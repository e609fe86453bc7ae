-- Runs of a cancelled schedule used to end as "failed" with their destinations left "pending"
-- (Waiting) for ever. They were cancelled with their schedule: say so, as cancelling does now.
-- A run that sent something before the cancellation keeps what it sent; only what waited changes.
UPDATE "schedule_runs" AS r SET "status" = 'cancelled'
FROM "report_schedules" AS s
WHERE s."account_id" = r."account_id" AND s."id" = r."schedule_id" AND s."status" = 'cancelled' AND r."status" = 'failed' AND r."finished_at" >= s."updated_at"
  AND NOT EXISTS (SELECT 1 FROM "run_deliveries" AS d WHERE d."account_id" = r."account_id" AND d."run_id" = r."id" AND d."status" = 'failed');
--> statement-breakpoint
UPDATE "run_deliveries" AS d SET "status" = 'cancelled', "detail" = 'cancelled with the schedule', "details" = '{"problem":"cancelled"}'::jsonb, "updated_at" = now()
FROM "schedule_runs" AS r
WHERE r."account_id" = d."account_id" AND r."id" = d."run_id" AND r."status" = 'cancelled' AND d."status" = 'pending';
