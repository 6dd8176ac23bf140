CREATE TABLE "compliance_breach_detector_state" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"last_seq" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "compliance_breach_detector_state_single_row" CHECK ("compliance_breach_detector_state"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "compliance_breaches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid,
	"rule" text NOT NULL,
	"subject" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"severity" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"window_end" timestamp with time zone NOT NULL,
	"evidence" jsonb NOT NULL,
	"discovered_at" timestamp with time zone NOT NULL,
	"notification_deadline" timestamp with time zone NOT NULL,
	"escalated_day30_at" timestamp with time zone,
	"escalated_day50_at" timestamp with time zone,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" text,
	"notified_at" timestamp with time zone,
	"notified_by" text,
	CONSTRAINT "compliance_breaches_status_check" CHECK ("compliance_breaches"."status" in ('open', 'acknowledged', 'notified')),
	CONSTRAINT "compliance_breaches_severity_check" CHECK ("compliance_breaches"."severity" in ('medium', 'high', 'critical'))
);
--> statement-breakpoint
CREATE TABLE "compliance_break_glass_grants" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"actor_id" text NOT NULL,
	"reason_encrypted" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" text
);
--> statement-breakpoint
CREATE TABLE "compliance_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid,
	"recipient_id" text NOT NULL,
	"kind" text NOT NULL,
	"ref_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "compliance_org_settings" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"business_hours" jsonb,
	"audit_retention_days" integer DEFAULT 2557 NOT NULL,
	"conversation_retention_days" integer,
	"legal_hold" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "compliance_reencrypt_progress" (
	"table_name" text PRIMARY KEY NOT NULL,
	"key_id" text NOT NULL,
	"last_id" text,
	"done" boolean DEFAULT false NOT NULL,
	"rewritten" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "compliance_breaches_dedupe_key_unique" ON "compliance_breaches" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "compliance_breaches_org_discovered_idx" ON "compliance_breaches" USING btree ("org_id","discovered_at");--> statement-breakpoint
CREATE INDEX "compliance_breaches_rule_subject_idx" ON "compliance_breaches" USING btree ("rule","subject","window_end");--> statement-breakpoint
CREATE INDEX "compliance_break_glass_actor_idx" ON "compliance_break_glass_grants" USING btree ("actor_id","expires_at");--> statement-breakpoint
CREATE INDEX "compliance_alerts_recipient_idx" ON "compliance_alerts" USING btree ("recipient_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "compliance_alerts_once_unique" ON "compliance_alerts" USING btree ("recipient_id","kind","ref_id");