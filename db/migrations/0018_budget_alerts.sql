CREATE TABLE "budget_alert_deliveries" (
	"account_id" bigint NOT NULL,
	"alert_id" bigint NOT NULL,
	"email" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"detail" text DEFAULT '' NOT NULL,
	"sent_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "budget_alert_deliveries_account_id_alert_id_email_pk" PRIMARY KEY("account_id","alert_id","email")
);
--> statement-breakpoint
CREATE TABLE "budget_alerts" (
	"account_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "budget_alerts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"budget_id" bigint NOT NULL,
	"period" date NOT NULL,
	"threshold" integer NOT NULL,
	"amount_minor" bigint NOT NULL,
	"spent_minor" bigint NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"locked_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "budget_alerts_account_id_id_pk" PRIMARY KEY("account_id","id"),
	CONSTRAINT "budget_alerts_once" UNIQUE("account_id","budget_id","period","threshold"),
	CONSTRAINT "budget_alerts_threshold" CHECK ("budget_alerts"."threshold" in (80, 100))
);
--> statement-breakpoint
CREATE TABLE "budgets" (
	"account_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "budgets_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"target" text NOT NULL,
	"room_id" bigint,
	"billing_code" text,
	"amount_minor" bigint NOT NULL,
	"notify_room_holder" boolean DEFAULT false NOT NULL,
	"created_by" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "budgets_account_id_id_pk" PRIMARY KEY("account_id","id"),
	CONSTRAINT "budgets_target_once" UNIQUE NULLS NOT DISTINCT("account_id","target","room_id","billing_code"),
	CONSTRAINT "budgets_amount_positive" CHECK ("budgets"."amount_minor" > 0),
	CONSTRAINT "budgets_target_columns" CHECK (("budgets"."target" = 'account' and "budgets"."room_id" is null and "budgets"."billing_code" is null)
        or ("budgets"."target" = 'room' and "budgets"."room_id" is not null and "budgets"."billing_code" is null)
        or ("budgets"."target" = 'code' and "budgets"."room_id" is null and "budgets"."billing_code" ~ '^[A-Za-z0-9-]{1,20}$')),
	CONSTRAINT "budgets_notify_room_holder" CHECK (not "budgets"."notify_room_holder" or "budgets"."target" = 'room')
);
--> statement-breakpoint
ALTER TABLE "budget_alert_deliveries" ADD CONSTRAINT "budget_alert_deliveries_alert_fk" FOREIGN KEY ("account_id","alert_id") REFERENCES "public"."budget_alerts"("account_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budget_alerts" ADD CONSTRAINT "budget_alerts_budget_fk" FOREIGN KEY ("account_id","budget_id") REFERENCES "public"."budgets"("account_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budgets" ADD CONSTRAINT "budgets_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budgets" ADD CONSTRAINT "budgets_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budgets" ADD CONSTRAINT "budgets_room_fk" FOREIGN KEY ("account_id","room_id") REFERENCES "public"."rooms"("account_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "budget_alerts_open" ON "budget_alerts" USING btree ("next_attempt_at") WHERE "budget_alerts"."status" in ('pending', 'sending');