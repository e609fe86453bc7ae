CREATE TABLE "usage_api_keys" (
	"account_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "usage_api_keys_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" bigint NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"window_start" timestamp with time zone,
	"window_used" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_api_keys_account_id_id_pk" PRIMARY KEY("account_id","id"),
	CONSTRAINT "usage_api_keys_hash" UNIQUE("account_id","hash")
);
--> statement-breakpoint
ALTER TABLE "usage_api_keys" ADD CONSTRAINT "usage_api_keys_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_api_keys" ADD CONSTRAINT "usage_api_keys_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;