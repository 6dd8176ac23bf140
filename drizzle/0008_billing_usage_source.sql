ALTER TABLE "usage_records" ADD COLUMN "source" text DEFAULT 'pipeline' NOT NULL;--> statement-breakpoint
CREATE INDEX "stripe_events_received_idx" ON "stripe_events" USING btree ("received_at");