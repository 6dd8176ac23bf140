CREATE TABLE "conversations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"call_sid" text,
	"provider" text,
	"call_type" text DEFAULT 'outbound' NOT NULL,
	"status" text DEFAULT 'initiated' NOT NULL,
	"call_status" text DEFAULT 'initiating' NOT NULL,
	"call_outcome" text,
	"end_reason" text,
	"start_time" timestamp with time zone DEFAULT now() NOT NULL,
	"end_time" timestamp with time zone,
	"duration" integer DEFAULT 0 NOT NULL,
	"call_start_time" timestamp with time zone,
	"call_end_time" timestamp with time zone,
	"call_duration" integer DEFAULT 0 NOT NULL,
	"usage" jsonb,
	"cost_cents" integer DEFAULT 0 NOT NULL,
	"agent_id" uuid,
	"line_item_id" uuid,
	"summary" text,
	"last_seq" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"role" text NOT NULL,
	"message_type" text DEFAULT 'text' NOT NULL,
	"content" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alert_reads" (
	"alert_id" uuid NOT NULL,
	"caregiver_id" uuid NOT NULL,
	"read_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_reads_alert_id_caregiver_id_pk" PRIMARY KEY("alert_id","caregiver_id")
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"message" text NOT NULL,
	"importance" text DEFAULT 'low' NOT NULL,
	"alert_type" text NOT NULL,
	"category" text,
	"severity" text,
	"related_patient_id" uuid,
	"related_conversation_id" uuid,
	"created_by" uuid NOT NULL,
	"created_model" text NOT NULL,
	"visibility" text NOT NULL,
	"relevance_until" timestamp with time zone,
	"occurrences" integer DEFAULT 1 NOT NULL,
	"last_raised_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "emergency_phrases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid,
	"default_key" text,
	"phrase" text NOT NULL,
	"language" text NOT NULL,
	"severity" text NOT NULL,
	"category" text NOT NULL,
	"pattern" text NOT NULL,
	"description" text,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"usage_count" integer DEFAULT 0 NOT NULL,
	"last_used_at" timestamp with time zone,
	"created_by" uuid,
	"last_modified_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "patient_caregivers" (
	"patient_id" uuid NOT NULL,
	"caregiver_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "patient_caregivers_patient_id_caregiver_id_pk" PRIMARY KEY("patient_id","caregiver_id")
);
--> statement-breakpoint
CREATE TABLE "patients" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"name_index" text NOT NULL,
	"email" text,
	"email_index" text,
	"phone" text NOT NULL,
	"phone_index" text,
	"preferred_name" text,
	"date_of_birth" text,
	"address" text,
	"notes" text,
	"medications" text,
	"conditions" text,
	"avatar" text,
	"preferred_language" text DEFAULT 'en' NOT NULL,
	"is_email_verified" boolean DEFAULT false NOT NULL,
	"last_contact_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "schedules" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"frequency" text NOT NULL,
	"intervals" jsonb NOT NULL,
	"times" jsonb NOT NULL,
	"timezone" text NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_reads" ADD CONSTRAINT "alert_reads_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_caregivers" ADD CONSTRAINT "patient_caregivers_patient_id_patients_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conversations_org_patient_start_idx" ON "conversations" USING btree ("org_id","patient_id","start_time");--> statement-breakpoint
CREATE UNIQUE INDEX "conversations_provider_call_sid_unique" ON "conversations" USING btree ("provider","call_sid");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_conversation_seq_unique" ON "messages" USING btree ("conversation_id","seq");--> statement-breakpoint
CREATE INDEX "alerts_org_created_idx" ON "alerts" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "alerts_org_patient_category_idx" ON "alerts" USING btree ("org_id","related_patient_id","category","last_raised_at");--> statement-breakpoint
CREATE INDEX "emergency_phrases_org_language_idx" ON "emergency_phrases" USING btree ("org_id","language","is_active");--> statement-breakpoint
CREATE UNIQUE INDEX "emergency_phrases_org_default_unique" ON "emergency_phrases" USING btree ("org_id","default_key");--> statement-breakpoint
CREATE INDEX "patient_caregivers_caregiver_idx" ON "patient_caregivers" USING btree ("caregiver_id");--> statement-breakpoint
CREATE INDEX "patients_org_created_idx" ON "patients" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "patients_org_name_index_idx" ON "patients" USING btree ("org_id","name_index");--> statement-breakpoint
CREATE INDEX "patients_phone_index_idx" ON "patients" USING btree ("phone_index");--> statement-breakpoint
CREATE UNIQUE INDEX "patients_org_email_index_live_unique" ON "patients" USING btree ("org_id","email_index") WHERE "patients"."deleted_at" is null and "patients"."email_index" is not null;--> statement-breakpoint
CREATE INDEX "schedules_org_patient_idx" ON "schedules" USING btree ("org_id","patient_id");--> statement-breakpoint
CREATE INDEX "schedules_active_idx" ON "schedules" USING btree ("is_active");