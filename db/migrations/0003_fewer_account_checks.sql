ALTER TABLE "conferences" DROP CONSTRAINT "conferences_account_id_accounts_id_fk";
--> statement-breakpoint
ALTER TABLE "legs" DROP CONSTRAINT "legs_account_id_accounts_id_fk";
