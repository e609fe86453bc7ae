CREATE TABLE "report_days" (
	"account_id" bigint NOT NULL,
	"day" date NOT NULL,
	"room_id" bigint NOT NULL,
	"product" text NOT NULL,
	"service_type" text NOT NULL,
	"conferences" integer NOT NULL,
	"legs" integer NOT NULL,
	"length_s" bigint NOT NULL,
	"duration_s" bigint NOT NULL,
	"billable_s" bigint NOT NULL,
	"charge_minor" bigint NOT NULL,
	"first_started_at" timestamp with time zone,
	"last_started_at" timestamp with time zone,
	CONSTRAINT "report_days_account_id_day_room_id_product_service_type_pk" PRIMARY KEY("account_id","day","room_id","product","service_type")
);
--> statement-breakpoint
CREATE INDEX "conferences_started" ON "conferences" USING btree ("account_id","started_at","id");--> statement-breakpoint
CREATE INDEX "legs_joined" ON "legs" USING btree ("account_id","joined_at","id");