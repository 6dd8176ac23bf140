CREATE TABLE "audit_prune_anchors" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_prune_anchors_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"through_seq" bigint NOT NULL,
	"prev_through_seq" bigint NOT NULL,
	"batch_id" bigint NOT NULL,
	"chain_hash" text NOT NULL,
	"checkpoint" text NOT NULL,
	"cutoff" timestamp with time zone NOT NULL,
	"entries" bigint NOT NULL,
	"signature" text NOT NULL,
	"pruned_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audit_prune_anchors_through_seq_unique" UNIQUE("through_seq")
);
