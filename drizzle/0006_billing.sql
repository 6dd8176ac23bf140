CREATE TABLE "billing_settings" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"rate_cents_per_minute" integer DEFAULT 10 NOT NULL,
	"minimum_seconds" integer DEFAULT 0 NOT NULL,
	"rounding" text DEFAULT 'second' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoice_counters" (
	"scope" text PRIMARY KEY NOT NULL,
	"last_value" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoice_line_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"invoice_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"description" text NOT NULL,
	"quantity_seconds" integer NOT NULL,
	"conversation_count" integer NOT NULL,
	"unit_price_cents_per_minute" integer NOT NULL,
	"amount_cents" integer NOT NULL,
	"period_start" timestamp with time zone,
	"period_end" timestamp with time zone,
	"stripe_invoice_item_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"invoice_number" text NOT NULL,
	"issue_date" timestamp with time zone DEFAULT now() NOT NULL,
	"due_date" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"total_cents" integer NOT NULL,
	"notes" text,
	"period_start" timestamp with time zone,
	"period_end" timestamp with time zone,
	"billing_key" text,
	"payment_method_id" uuid,
	"stripe_invoice_id" text,
	"stripe_payment_intent_id" text,
	"stripe_synced" boolean DEFAULT false NOT NULL,
	"stripe_synced_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_methods" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"stripe_payment_method_id" text NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"type" text NOT NULL,
	"brand" text,
	"last4" text,
	"exp_month" integer,
	"exp_year" integer,
	"bank_name" text,
	"account_type" text,
	"billing_details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stripe_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_records" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"call_id" text,
	"outcome" text NOT NULL,
	"started_at" timestamp with time zone,
	"answered_at" timestamp with time zone,
	"ended_at" timestamp with time zone NOT NULL,
	"billable_seconds" integer NOT NULL,
	"rate_cents_per_minute" integer NOT NULL,
	"amount_cents" integer NOT NULL,
	"provider_cost" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"provider_cost_cents" integer DEFAULT 0 NOT NULL,
	"invoice_id" uuid,
	"line_item_id" uuid,
	"stripe_reported_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "invoice_line_items" ADD CONSTRAINT "invoice_line_items_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invoice_line_items_invoice_idx" ON "invoice_line_items" USING btree ("invoice_id");--> statement-breakpoint
CREATE INDEX "invoice_line_items_patient_idx" ON "invoice_line_items" USING btree ("org_id","patient_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_number_unique" ON "invoices" USING btree ("invoice_number");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_billing_key_unique" ON "invoices" USING btree ("billing_key");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_stripe_invoice_unique" ON "invoices" USING btree ("stripe_invoice_id");--> statement-breakpoint
CREATE INDEX "invoices_org_created_idx" ON "invoices" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "payment_methods_stripe_unique" ON "payment_methods" USING btree ("stripe_payment_method_id");--> statement-breakpoint
CREATE INDEX "payment_methods_org_idx" ON "payment_methods" USING btree ("org_id","is_default","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "usage_records_conversation_unique" ON "usage_records" USING btree ("conversation_id");--> statement-breakpoint
CREATE INDEX "usage_records_org_unbilled_idx" ON "usage_records" USING btree ("org_id","invoice_id","ended_at");--> statement-breakpoint
CREATE INDEX "usage_records_org_patient_idx" ON "usage_records" USING btree ("org_id","patient_id");