import { Injectable } from '@nestjs/common';
import type { Tx } from '@app/platform';

/** One patient of one org: what a contributor exports or erases. */
export interface PrivacySubject {
  orgId: string;
  patientId: string;
}

/** A domain's part of a data-subject export: JSON data plus optional plain-text files. */
export interface PrivacyExportPart {
  /** Written to `<domain>.json` in the archive (decrypted: this is the patient's copy). */
  data: unknown;
  /** Further files, path relative to the archive root (e.g. `transcripts/<id>.txt`). */
  files?: Array<{ path: string; content: string }>;
}

/** What an eraser did: rows removed, and work to run once the erasure committed (e.g. delete files). */
export interface PrivacyErasure {
  rows: number;
  afterCommit?: () => Promise<void>;
}

/**
 * A domain's exporter and eraser for data-subject requests (feature-inventory §3.20). Both run in
 * the request's transaction (`tx`: never use another connection inside). Erasure must remove the
 * patient's PHI for good (delete rows, or crypto-shred) and return how many rows it removed; the
 * audit log is never touched (it holds ids only, and its chain must keep verifying).
 */
export interface PrivacyContributor {
  /** Short name; also the JSON file name of its export part. */
  domain: string;
  /** Erasure order: lower first. The patient record itself goes last (1000). */
  eraseOrder?: number;
  export?(subject: PrivacySubject, tx: Tx): Promise<PrivacyExportPart>;
  erase?(subject: PrivacySubject, tx: Tx): Promise<number | PrivacyErasure>;
}

/**
 * The contributor registry: domains register in `onModuleInit` (import ComplianceModule, inject
 * PrivacyContributors), so compliance never imports every domain. A new domain holding patient
 * data (analyses, recordings…) adds itself here and is then covered by export and erasure.
 */
@Injectable()
export class PrivacyContributors {
  private readonly contributors = new Map<string, PrivacyContributor>();

  register(contributor: PrivacyContributor): void {
    if (!/^[a-z][a-z0-9_-]{0,40}$/.test(contributor.domain)) throw new Error(`PrivacyContributors: bad domain "${contributor.domain}"`);
    if (this.contributors.has(contributor.domain)) throw new Error(`PrivacyContributors: "${contributor.domain}" registered twice`);
    this.contributors.set(contributor.domain, contributor);
  }

  list(): PrivacyContributor[] {
    return [...this.contributors.values()];
  }

  /** Erasers in erase order. */
  erasers(): PrivacyContributor[] {
    return this.list()
      .filter((c) => c.erase)
      .sort((a, b) => (a.eraseOrder ?? 100) - (b.eraseOrder ?? 100));
  }
}
