CREATE TABLE "account_members" (
	"account_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"role" text NOT NULL,
	CONSTRAINT "account_members_account_id_user_id_pk" PRIMARY KEY("account_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "accounts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "accounts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"number" text NOT NULL,
	"number_kind" text DEFAULT 'account' NOT NULL,
	"company_name" text NOT NULL,
	"currency" text DEFAULT 'EUR' NOT NULL,
	"locale" text DEFAULT 'fr-FR' NOT NULL,
	"time_zone" text DEFAULT 'Europe/Paris' NOT NULL,
	"support_phone" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_number_unique" UNIQUE("number"),
	CONSTRAINT "accounts_currency_iso" CHECK ("accounts"."currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
CREATE TABLE "directory_numbers" (
	"number" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	CONSTRAINT "directory_numbers_number_kind" UNIQUE("number","kind"),
	CONSTRAINT "directory_numbers_six_digits" CHECK ("directory_numbers"."number" ~ '^[0-9]{6}$')
);
--> statement-breakpoint
CREATE TABLE "group_members" (
	"account_id" bigint NOT NULL,
	"group_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	CONSTRAINT "group_members_account_id_group_id_user_id_pk" PRIMARY KEY("account_id","group_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "groups" (
	"account_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "groups_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	CONSTRAINT "groups_account_id_id_pk" PRIMARY KEY("account_id","id"),
	CONSTRAINT "groups_account_name" UNIQUE("account_id","name")
);
--> statement-breakpoint
CREATE TABLE "rooms" (
	"account_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "rooms_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"number" text NOT NULL,
	"number_kind" text DEFAULT 'room' NOT NULL,
	"cardholder_id" bigint NOT NULL,
	"auto_billing_code" text,
	"product" text DEFAULT 'audio' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rooms_account_id_id_pk" PRIMARY KEY("account_id","id"),
	CONSTRAINT "rooms_account_number" UNIQUE("account_id","number"),
	CONSTRAINT "rooms_auto_billing_code_format" CHECK ("rooms"."auto_billing_code" ~ '^[A-Za-z0-9-]{1,20}$')
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "users_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"email" text NOT NULL,
	"display_name" text NOT NULL,
	"password_hash" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"last_login_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conferences" (
	"account_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "conferences_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"room_id" bigint NOT NULL,
	"external_id" text NOT NULL,
	"product" text DEFAULT 'audio' NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone NOT NULL,
	"period" date NOT NULL,
	"billing_code" text,
	"billing_code_source" text,
	"billing_code_set_by" bigint,
	"billing_code_set_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "conferences_account_id_id_pk" PRIMARY KEY("account_id","id"),
	CONSTRAINT "conferences_account_external" UNIQUE("account_id","external_id"),
	CONSTRAINT "conferences_billing_code_format" CHECK ("conferences"."billing_code" ~ '^[A-Za-z0-9-]{1,20}$'),
	CONSTRAINT "conferences_ends_after_start" CHECK ("conferences"."ended_at" >= "conferences"."started_at")
);
--> statement-breakpoint
CREATE TABLE "legs" (
	"account_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "legs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"conference_id" bigint NOT NULL,
	"external_id" text NOT NULL,
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
	CONSTRAINT "legs_account_id_id_pk" PRIMARY KEY("account_id","id"),
	CONSTRAINT "legs_account_external" UNIQUE("account_id","external_id"),
	CONSTRAINT "legs_left_after_join" CHECK ("legs"."left_at" >= "legs"."joined_at"),
	CONSTRAINT "legs_non_negative" CHECK ("legs"."duration_s" >= 0 and "legs"."billable_s" >= 0 and "legs"."charge_minor" >= 0)
);
--> statement-breakpoint
CREATE TABLE "usage_rollups" (
	"account_id" bigint NOT NULL,
	"period" date NOT NULL,
	"room_id" bigint NOT NULL,
	"billing_code" text DEFAULT '' NOT NULL,
	"conferences" integer DEFAULT 0 NOT NULL,
	"legs" integer DEFAULT 0 NOT NULL,
	"duration_s" bigint DEFAULT 0 NOT NULL,
	"charge_minor" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_rollups_account_id_period_room_id_billing_code_pk" PRIMARY KEY("account_id","period","room_id","billing_code")
);
--> statement-breakpoint
CREATE TABLE "access_numbers" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "access_numbers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"account_id" bigint,
	"number" text NOT NULL,
	"country" text NOT NULL,
	"service_type" text NOT NULL,
	CONSTRAINT "access_numbers_account_number" UNIQUE NULLS NOT DISTINCT("account_id","number")
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "api_keys_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"account_id" bigint,
	"prefix" text NOT NULL,
	"hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" bigint,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_keys_hash_unique" UNIQUE("hash")
);
--> statement-breakpoint
CREATE TABLE "billing_periods" (
	"account_id" bigint NOT NULL,
	"period" date NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"invoiced_at" timestamp with time zone,
	"invoiced_by" text,
	CONSTRAINT "billing_periods_account_id_period_pk" PRIMARY KEY("account_id","period"),
	CONSTRAINT "billing_periods_first_of_month" CHECK (extract(day from "billing_periods"."period") = 1)
);
--> statement-breakpoint
CREATE TABLE "tariffs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "tariffs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"account_id" bigint,
	"service_type" text NOT NULL,
	"rate_per_minute_e4" bigint NOT NULL,
	"increment_s" integer DEFAULT 60 NOT NULL,
	"minimum_s" integer DEFAULT 60 NOT NULL,
	"valid_from" date NOT NULL,
	CONSTRAINT "tariffs_account_type_from" UNIQUE NULLS NOT DISTINCT("account_id","service_type","valid_from"),
	CONSTRAINT "tariffs_positive" CHECK ("tariffs"."rate_per_minute_e4" >= 0 and "tariffs"."increment_s" > 0 and "tariffs"."minimum_s" >= 0)
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"account_id" bigint,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_user_id" bigint,
	"actor_label" text DEFAULT '' NOT NULL,
	"action" text NOT NULL,
	"subject" text DEFAULT '' NOT NULL,
	"before" jsonb,
	"after" jsonb
);
--> statement-breakpoint
CREATE TABLE "login_attempts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "login_attempts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"username" text NOT NULL,
	"address" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"succeeded" boolean NOT NULL
);
--> statement-breakpoint
ALTER TABLE "account_members" ADD CONSTRAINT "account_members_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_members" ADD CONSTRAINT "account_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_number_directory_fk" FOREIGN KEY ("number","number_kind") REFERENCES "public"."directory_numbers"("number","kind") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_group_fk" FOREIGN KEY ("account_id","group_id") REFERENCES "public"."groups"("account_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rooms" ADD CONSTRAINT "rooms_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rooms" ADD CONSTRAINT "rooms_cardholder_id_users_id_fk" FOREIGN KEY ("cardholder_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rooms" ADD CONSTRAINT "rooms_number_directory_fk" FOREIGN KEY ("number","number_kind") REFERENCES "public"."directory_numbers"("number","kind") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conferences" ADD CONSTRAINT "conferences_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conferences" ADD CONSTRAINT "conferences_billing_code_set_by_users_id_fk" FOREIGN KEY ("billing_code_set_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conferences" ADD CONSTRAINT "conferences_room_fk" FOREIGN KEY ("account_id","room_id") REFERENCES "public"."rooms"("account_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legs" ADD CONSTRAINT "legs_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legs" ADD CONSTRAINT "legs_conference_fk" FOREIGN KEY ("account_id","conference_id") REFERENCES "public"."conferences"("account_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_rollups" ADD CONSTRAINT "usage_rollups_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_rollups" ADD CONSTRAINT "usage_rollups_room_fk" FOREIGN KEY ("account_id","room_id") REFERENCES "public"."rooms"("account_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_numbers" ADD CONSTRAINT "access_numbers_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_periods" ADD CONSTRAINT "billing_periods_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tariffs" ADD CONSTRAINT "tariffs_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_members_user" ON "account_members" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "rooms_cardholder" ON "rooms" USING btree ("cardholder_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_lower" ON "users" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "conferences_room_period" ON "conferences" USING btree ("account_id","room_id","period","started_at");--> statement-breakpoint
CREATE INDEX "conferences_period" ON "conferences" USING btree ("account_id","period");--> statement-breakpoint
CREATE INDEX "legs_conference" ON "legs" USING btree ("account_id","conference_id");--> statement-breakpoint
CREATE INDEX "api_keys_account" ON "api_keys" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "audit_events_account_at" ON "audit_events" USING btree ("account_id","at");--> statement-breakpoint
CREATE INDEX "login_attempts_username_at" ON "login_attempts" USING btree ("username","at");--> statement-breakpoint
CREATE INDEX "login_attempts_address_at" ON "login_attempts" USING btree ("address","at");