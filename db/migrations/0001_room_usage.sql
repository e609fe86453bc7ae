CREATE TABLE "room_usage" (
	"account_id" bigint NOT NULL,
	"period" date NOT NULL,
	"room_id" bigint NOT NULL,
	"conferences" integer DEFAULT 0 NOT NULL,
	"legs" integer DEFAULT 0 NOT NULL,
	"duration_s" bigint DEFAULT 0 NOT NULL,
	"charge_minor" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "room_usage_account_id_period_room_id_pk" PRIMARY KEY("account_id","period","room_id")
);
--> statement-breakpoint
ALTER TABLE "room_usage" ADD CONSTRAINT "room_usage_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_usage" ADD CONSTRAINT "room_usage_room_fk" FOREIGN KEY ("account_id","room_id") REFERENCES "public"."rooms"("account_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Existing usage: the per-room figures are the sums of the per-room-and-code ones.
INSERT INTO "room_usage" ("account_id", "period", "room_id", "conferences", "legs", "duration_s", "charge_minor")
SELECT "account_id", "period", "room_id", sum("conferences"), sum("legs"), sum("duration_s"), sum("charge_minor")
FROM "usage_rollups" GROUP BY "account_id", "period", "room_id";
