CREATE TABLE "user_audit_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "user_audit_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_user_id" bigint,
	"actor_label" text DEFAULT '' NOT NULL,
	"action" text NOT NULL,
	"subject" text DEFAULT '' NOT NULL,
	"before" jsonb,
	"after" jsonb
);
--> statement-breakpoint
-- Events of a person alone (no account) move to their own table, in their order.
INSERT INTO "user_audit_events" ("at", "actor_user_id", "actor_label", "action", "subject", "before", "after")
SELECT "at", "actor_user_id", "actor_label", "action", "subject", "before", "after" FROM "audit_events" WHERE "account_id" IS NULL ORDER BY "id";--> statement-breakpoint
DELETE FROM "audit_events" WHERE "account_id" IS NULL;--> statement-breakpoint
ALTER TABLE "audit_events" DROP CONSTRAINT "audit_events_pkey";--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "account_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_account_id_id_pk" PRIMARY KEY("account_id","id");--> statement-breakpoint
ALTER TABLE "user_audit_events" ADD CONSTRAINT "user_audit_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "user_audit_events_at" ON "user_audit_events" USING btree ("at");