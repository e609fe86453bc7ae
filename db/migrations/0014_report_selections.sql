CREATE TABLE "report_selections" (
	"account_id" bigint NOT NULL,
	"id" text NOT NULL,
	"query" text NOT NULL,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_selections_account_id_id_pk" PRIMARY KEY("account_id","id"),
	CONSTRAINT "report_selections_id" CHECK ("report_selections"."id" ~ '^[A-Za-z0-9_-]{16}$')
);
--> statement-breakpoint
ALTER TABLE "report_selections" ADD CONSTRAINT "report_selections_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_selections" ADD CONSTRAINT "report_selections_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;