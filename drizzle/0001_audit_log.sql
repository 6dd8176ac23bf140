CREATE TABLE "audit_batches" (
	"id" bigint PRIMARY KEY NOT NULL,
	"first_seq" bigint NOT NULL,
	"last_seq" bigint NOT NULL,
	"batch_root" text NOT NULL,
	"prev_chain_hash" text NOT NULL,
	"chain_hash" text NOT NULL,
	"checkpoint" text NOT NULL,
	"sealed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"exported_at" timestamp with time zone,
	CONSTRAINT "audit_batches_first_seq_unique" UNIQUE("first_seq"),
	CONSTRAINT "audit_batches_last_seq_unique" UNIQUE("last_seq")
);
--> statement-breakpoint
CREATE TABLE "audit_chain_head" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"last_seq" bigint DEFAULT 0 NOT NULL,
	"last_batch_id" bigint DEFAULT 0 NOT NULL,
	"chain_hash" text NOT NULL,
	CONSTRAINT "audit_chain_head_single_row" CHECK ("audit_chain_head"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "audit_entries" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_entries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"seq" bigint,
	"batch_id" bigint,
	"leaf_hash" text,
	"occurred_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"org_id" uuid,
	"actor_id" text,
	"actor_role" text,
	"session_id" text,
	"request_id" text,
	"ip" text,
	"user_agent" text,
	"action" text NOT NULL,
	"resource_type" text NOT NULL,
	"resource_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"patient_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"outcome" text NOT NULL,
	"reason" text,
	"severity" text DEFAULT 'info' NOT NULL,
	CONSTRAINT "audit_entries_seq_unique" UNIQUE("seq"),
	CONSTRAINT "audit_entries_outcome_check" CHECK ("audit_entries"."outcome" in ('success', 'denied', 'failure')),
	CONSTRAINT "audit_entries_severity_check" CHECK ("audit_entries"."severity" in ('info', 'warning', 'high'))
);
--> statement-breakpoint
CREATE INDEX "audit_entries_unsealed_idx" ON "audit_entries" USING btree ("id") WHERE "audit_entries"."seq" is null;--> statement-breakpoint
CREATE INDEX "audit_entries_org_time_idx" ON "audit_entries" USING btree ("org_id","occurred_at");--> statement-breakpoint
CREATE INDEX "audit_entries_actor_time_idx" ON "audit_entries" USING btree ("actor_id","occurred_at");--> statement-breakpoint
CREATE INDEX "audit_entries_patient_ids_idx" ON "audit_entries" USING gin ("patient_ids");