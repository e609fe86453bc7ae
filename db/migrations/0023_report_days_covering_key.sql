-- The reports' totals and summaries read an account's days of report_days. Without an index that
-- holds their figures, PostgreSQL scanned the whole table for a large account, whatever the other
-- accounts held: with a provider's 10,000 accounts beside it, the largest account's 12-month usage
-- report took 5× as long as alone. The key now carries the figures (INCLUDE), so an account's range
-- is read from the key alone (an index-only scan): the cost follows the account, not the provider.
-- Same key columns, same name: the upserts' ON CONFLICT targets are unchanged.
ALTER TABLE "report_days" DROP CONSTRAINT "report_days_account_id_day_room_id_product_service_type_pk";--> statement-breakpoint
ALTER TABLE "report_days" ADD CONSTRAINT "report_days_account_id_day_room_id_product_service_type_pk" PRIMARY KEY ("account_id", "day", "room_id", "product", "service_type")
  INCLUDE ("conferences", "legs", "length_s", "duration_s", "billable_s", "charge_minor", "first_started_at", "last_started_at");
