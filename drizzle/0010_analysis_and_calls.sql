CREATE TABLE "conversation_sentiments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"conversation_at" timestamp with time zone NOT NULL,
	"overall_sentiment" text NOT NULL,
	"sentiment_score" real NOT NULL,
	"confidence" real NOT NULL,
	"concern_level" text,
	"fallback" boolean NOT NULL,
	"provider" text NOT NULL,
	"model" text,
	"analysis" text NOT NULL,
	"analyzed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fraud_abuse_analyses" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"analysis_date" timestamp with time zone DEFAULT now() NOT NULL,
	"time_range" text NOT NULL,
	"start_date" timestamp with time zone NOT NULL,
	"end_date" timestamp with time zone NOT NULL,
	"conversation_count" integer NOT NULL,
	"message_count" integer NOT NULL,
	"total_words" integer NOT NULL,
	"confidence" text NOT NULL,
	"overall_risk_score" real NOT NULL,
	"financial_risk_score" real NOT NULL,
	"abuse_risk_score" real NOT NULL,
	"relationship_risk_score" real NOT NULL,
	"details" text NOT NULL,
	"warnings" text NOT NULL,
	"recommendations" text NOT NULL,
	"run_key" text,
	"processing_time_ms" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "medical_analyses" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"analysis_date" timestamp with time zone DEFAULT now() NOT NULL,
	"time_range" text NOT NULL,
	"start_date" timestamp with time zone NOT NULL,
	"end_date" timestamp with time zone NOT NULL,
	"conversation_count" integer NOT NULL,
	"message_count" integer NOT NULL,
	"total_words" integer NOT NULL,
	"confidence" text NOT NULL,
	"cognitive_risk_score" real NOT NULL,
	"depression_score" real NOT NULL,
	"anxiety_score" real NOT NULL,
	"psychiatric_risk_score" real NOT NULL,
	"vocabulary_complexity" real NOT NULL,
	"overall_health_score" real NOT NULL,
	"has_crisis_indicators" boolean NOT NULL,
	"metrics" text NOT NULL,
	"warnings" text NOT NULL,
	"recommendations" text NOT NULL,
	"run_key" text,
	"processing_time_ms" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "call_dispatches" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"schedule_id" uuid,
	"slot_at" timestamp with time zone,
	"attempt" integer DEFAULT 1 NOT NULL,
	"trigger" text NOT NULL,
	"direction" text DEFAULT 'outbound' NOT NULL,
	"provider" text NOT NULL,
	"requested_by" uuid,
	"state" text DEFAULT 'queued' NOT NULL,
	"outcome" text,
	"end_reason" text,
	"callback_needed" boolean DEFAULT false NOT NULL,
	"followed_up" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "conversation_sentiments_conversation_unique" ON "conversation_sentiments" USING btree ("conversation_id");--> statement-breakpoint
CREATE INDEX "conversation_sentiments_org_patient_at_idx" ON "conversation_sentiments" USING btree ("org_id","patient_id","conversation_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "fraud_abuse_analyses_org_patient_date_idx" ON "fraud_abuse_analyses" USING btree ("org_id","patient_id","analysis_date" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "fraud_abuse_analyses_run_key_unique" ON "fraud_abuse_analyses" USING btree ("org_id","patient_id","run_key");--> statement-breakpoint
CREATE INDEX "medical_analyses_org_patient_date_idx" ON "medical_analyses" USING btree ("org_id","patient_id","analysis_date" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "medical_analyses_run_key_unique" ON "medical_analyses" USING btree ("org_id","patient_id","run_key");--> statement-breakpoint
CREATE UNIQUE INDEX "call_dispatches_slot_attempt_unique" ON "call_dispatches" USING btree ("schedule_id","slot_at","attempt");--> statement-breakpoint
CREATE INDEX "call_dispatches_org_state_idx" ON "call_dispatches" USING btree ("org_id","state");