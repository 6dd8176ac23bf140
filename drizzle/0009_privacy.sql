CREATE TABLE "compliance_consents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"effective_at" timestamp with time zone NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "compliance_consents_status_check" CHECK ("compliance_consents"."status" in ('granted', 'withdrawn'))
);
--> statement-breakpoint
CREATE TABLE "compliance_privacy_requests" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"requested_by" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	"error_code" text,
	CONSTRAINT "compliance_privacy_requests_kind_check" CHECK ("compliance_privacy_requests"."kind" in ('export', 'erasure')),
	CONSTRAINT "compliance_privacy_requests_status_check" CHECK ("compliance_privacy_requests"."status" in ('pending', 'completed', 'failed'))
);
--> statement-breakpoint
CREATE INDEX "compliance_consents_patient_idx" ON "compliance_consents" USING btree ("org_id","patient_id","type","recorded_at");--> statement-breakpoint
CREATE INDEX "compliance_privacy_requests_org_idx" ON "compliance_privacy_requests" USING btree ("org_id","requested_at");