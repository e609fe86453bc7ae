CREATE TABLE "email_unsubscribes" (
	"account_id" bigint NOT NULL,
	"email" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "email_unsubscribes_account_id_email_pk" PRIMARY KEY("account_id","email"),
	CONSTRAINT "email_unsubscribes_lower" CHECK ("email_unsubscribes"."email" = lower("email_unsubscribes"."email"))
);
--> statement-breakpoint
CREATE TABLE "report_schedules" (
	"account_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "report_schedules_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"owner_id" bigint NOT NULL,
	"name" text NOT NULL,
	"report_query" text NOT NULL,
	"frequency" text NOT NULL,
	"weekday" integer,
	"month_day" integer,
	"time_of_day" integer NOT NULL,
	"range" text NOT NULL,
	"range_from" date,
	"range_to" date,
	"format" text NOT NULL,
	"emails" text[] DEFAULT '{}'::text[] NOT NULL,
	"upload" jsonb,
	"upload_secret" text,
	"status" text DEFAULT 'active' NOT NULL,
	"next_run_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_schedules_account_id_id_pk" PRIMARY KEY("account_id","id"),
	CONSTRAINT "report_schedules_time" CHECK ("report_schedules"."time_of_day" between 0 and 1439),
	CONSTRAINT "report_schedules_weekday" CHECK (("report_schedules"."frequency" = 'weekly') = ("report_schedules"."weekday" between 1 and 7)),
	CONSTRAINT "report_schedules_month_day" CHECK (("report_schedules"."frequency" = 'monthly') = ("report_schedules"."month_day" between 0 and 28)),
	CONSTRAINT "report_schedules_custom_range" CHECK (("report_schedules"."range" = 'custom') = ("report_schedules"."range_from" is not null and "report_schedules"."range_to" is not null and "report_schedules"."range_from" <= "report_schedules"."range_to")),
	CONSTRAINT "report_schedules_destination" CHECK (cardinality("report_schedules"."emails") > 0 or "report_schedules"."upload" is not null)
);
--> statement-breakpoint
CREATE TABLE "run_deliveries" (
	"account_id" bigint NOT NULL,
	"run_id" bigint NOT NULL,
	"destination" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"detail" text DEFAULT '' NOT NULL,
	"details" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "run_deliveries_account_id_run_id_destination_pk" PRIMARY KEY("account_id","run_id","destination")
);
--> statement-breakpoint
CREATE TABLE "schedule_runs" (
	"account_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "schedule_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"schedule_id" bigint NOT NULL,
	"run_at" timestamp with time zone NOT NULL,
	"trigger" text NOT NULL,
	"report_query" text NOT NULL,
	"from_date" date NOT NULL,
	"to_date" date NOT NULL,
	"format" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"locked_by" text,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "schedule_runs_account_id_id_pk" PRIMARY KEY("account_id","id"),
	CONSTRAINT "schedule_runs_once" UNIQUE("account_id","schedule_id","run_at")
);
--> statement-breakpoint
ALTER TABLE "email_unsubscribes" ADD CONSTRAINT "email_unsubscribes_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_schedules" ADD CONSTRAINT "report_schedules_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_schedules" ADD CONSTRAINT "report_schedules_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_deliveries" ADD CONSTRAINT "run_deliveries_run_fk" FOREIGN KEY ("account_id","run_id") REFERENCES "public"."schedule_runs"("account_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "schedule_runs" ADD CONSTRAINT "schedule_runs_schedule_fk" FOREIGN KEY ("account_id","schedule_id") REFERENCES "public"."report_schedules"("account_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "report_schedules_due" ON "report_schedules" USING btree ("next_run_at") WHERE "report_schedules"."status" = 'active';--> statement-breakpoint
CREATE INDEX "schedule_runs_open" ON "schedule_runs" USING btree ("next_attempt_at") WHERE "schedule_runs"."status" in ('pending', 'running');