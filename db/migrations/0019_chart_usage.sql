CREATE TABLE "account_service_days" (
	"account_id" bigint NOT NULL,
	"period" date NOT NULL,
	"day" date NOT NULL,
	"service_type" text NOT NULL,
	"legs" integer NOT NULL,
	"duration_s" bigint NOT NULL,
	"charge_minor" bigint NOT NULL,
	CONSTRAINT "account_service_days_account_id_period_day_service_type_pk" PRIMARY KEY("account_id","period","day","service_type")
);
--> statement-breakpoint
CREATE TABLE "room_service_usage" (
	"account_id" bigint NOT NULL,
	"period" date NOT NULL,
	"room_id" bigint NOT NULL,
	"service_type" text NOT NULL,
	"legs" integer NOT NULL,
	"duration_s" bigint NOT NULL,
	"charge_minor" bigint NOT NULL,
	CONSTRAINT "room_service_usage_account_id_room_id_period_service_type_pk" PRIMARY KEY("account_id","room_id","period","service_type")
);
