-- Audit sealing without rewriting entries (npm run bench -- audit): the seal of an entry (seq,
-- batch_id, leaf_hash) moves from columns of audit_entries, which the sealer had to UPDATE (a new
-- heap tuple and new entries in every index per sealed row), to the narrow insert-only
-- audit_entry_seals, which the sealer fills with one INSERT per batch. An entry is now written
-- exactly once, so the append-only guard of audit_entries rejects every UPDATE (no seal exception
-- any more); DELETE keeps only the retention prune path of 0012, now finding the seq in the seal.
-- The hash document is unchanged (entry columns + seq + batch_id), so existing seals still verify:
-- they are moved, not recomputed.
CREATE TABLE "audit_entry_seals" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"entry_id" bigint NOT NULL,
	"batch_id" bigint NOT NULL,
	"leaf_hash" text NOT NULL,
	CONSTRAINT "audit_entry_seals_entry_id_unique" UNIQUE("entry_id")
);
--> statement-breakpoint
INSERT INTO "audit_entry_seals" ("seq", "entry_id", "batch_id", "leaf_hash")
SELECT "seq", "id", "batch_id", "leaf_hash" FROM "audit_entries" WHERE "seq" IS NOT NULL ORDER BY "seq";
--> statement-breakpoint

-- The guards that named the seal columns go first (a trigger's WHEN clause depends on its columns).
DROP TRIGGER IF EXISTS "audit_entries_insert_guard" ON "audit_entries";
--> statement-breakpoint
DROP TRIGGER IF EXISTS "audit_entries_append_only" ON "audit_entries";
--> statement-breakpoint
DROP FUNCTION IF EXISTS "audit_entries_insert_guard"();
--> statement-breakpoint
ALTER TABLE "audit_entries" DROP CONSTRAINT "audit_entries_seq_unique";--> statement-breakpoint
DROP INDEX "audit_entries_unsealed_idx";--> statement-breakpoint
ALTER TABLE "audit_entries" DROP COLUMN "seq";--> statement-breakpoint
ALTER TABLE "audit_entries" DROP COLUMN "batch_id";--> statement-breakpoint
ALTER TABLE "audit_entries" DROP COLUMN "leaf_hash";--> statement-breakpoint

-- Where the sealer's search for unsealed entries starts (AuditChainRepository.advanceFloor).
ALTER TABLE "audit_chain_head" ADD COLUMN "sealed_floor_id" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_chain_head" ADD COLUMN "floor_candidate_id" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_chain_head" ADD COLUMN "floor_candidate_at" timestamp with time zone;--> statement-breakpoint

-- audit_entries: no UPDATE at all; DELETE only a sealed entry at or below an existing prune anchor,
-- inside a transaction that set `bianca.audit_prune_through` locally (AuditPruner, as in 0012).
CREATE OR REPLACE FUNCTION "audit_entries_update_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  prune_through bigint;
BEGIN
  IF TG_OP = 'DELETE' THEN
    prune_through := nullif(current_setting('bianca.audit_prune_through', true), '')::bigint;
    IF prune_through IS NOT NULL
       AND EXISTS (SELECT 1 FROM "audit_entry_seals" s WHERE s.entry_id = OLD.id AND s.seq <= prune_through)
       AND EXISTS (SELECT 1 FROM "audit_prune_anchors" a WHERE a.through_seq = prune_through) THEN
      RETURN OLD;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit_entries is append-only: % rejected', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_entries_append_only" BEFORE UPDATE ON "audit_entries"
  FOR EACH ROW EXECUTE FUNCTION "audit_entries_update_guard"();
--> statement-breakpoint

-- Seals are evidence: insert only (the seals of pruned entries stay; they hold hashes, no PHI).
CREATE OR REPLACE FUNCTION "audit_entry_seals_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_entry_seals is append-only: % rejected', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_entry_seals_append_only" BEFORE UPDATE OR DELETE ON "audit_entry_seals"
  FOR EACH ROW EXECUTE FUNCTION "audit_entry_seals_guard"();
--> statement-breakpoint
CREATE TRIGGER "audit_entry_seals_no_truncate" BEFORE TRUNCATE ON "audit_entry_seals"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_reject_truncate"();
--> statement-breakpoint

-- Privileges (as 0015 for the other audit tables): nobody but the owner changes seals; the app role,
-- when configured, gets read + append on the new table through the grant function of 0015.
REVOKE UPDATE, DELETE, TRUNCATE ON "audit_entry_seals" FROM PUBLIC;
--> statement-breakpoint
DO $$
BEGIN
  IF to_regprocedure('audit_grant_app_role(text)') IS NOT NULL THEN
    PERFORM "audit_grant_app_role"(current_setting('bianca.app_role', true));
  END IF;
END
$$;
