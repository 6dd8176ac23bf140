import { Injectable } from '@nestjs/common';
import { AuditService } from '@app/audit';
import { CaregiverService } from '@app/caregivers';
import { OrgService } from '@app/orgs';
import { DatabaseService } from '@app/platform';
import { AccountViews, actorFor } from './account-views';
import { MfaService } from './mfa.service';
import { OneTimeTokenService } from './one-time-token.service';
import type { VerifyEmailErrorResponse, VerifyEmailResponse } from './responses.dto';
import { SessionService } from './session.service';

export type VerifyOutcome =
  | { status: 200; outcome: 'verified' | 'already-verified'; body: VerifyEmailResponse; language: string | null }
  | { status: 400 | 401; outcome: 'failed'; body: VerifyEmailErrorResponse; language: null };

function failure(status: 400 | 401, error: string): VerifyOutcome {
  return { status, outcome: 'failed', body: { success: false, error, code: status, message: error }, language: null };
}

/**
 * A12: the e-mailed link. The first use marks the address verified (and the org's, when it is the
 * same address) and logs the person in, unless MFA is enabled (a link must not bypass it). A used
 * link of an already verified account answers `alreadyVerified` without tokens.
 */
@Injectable()
export class EmailVerificationService {
  constructor(
    private readonly database: DatabaseService,
    private readonly tokens: OneTimeTokenService,
    private readonly caregivers: CaregiverService,
    private readonly orgs: OrgService,
    private readonly sessions: SessionService,
    private readonly mfa: MfaService,
    private readonly audit: AuditService,
    private readonly views: AccountViews,
  ) {}

  async verify(token: string | undefined): Promise<VerifyOutcome> {
    if (!token) return failure(400, 'Verification token is required');
    const check = await this.tokens.check('verifyEmail', token);
    if (check.status === 'unknown') return failure(401, 'Invalid or expired verification token');
    const current = await this.caregivers.find(check.row.caregiverId);
    if (!current) return failure(401, 'Invalid or expired verification token');
    if (check.status !== 'ok') {
      if (!current.isEmailVerified) return failure(401, 'Invalid or expired verification token');
      return {
        status: 200,
        outcome: 'already-verified',
        language: current.preferredLanguage,
        body: { success: true, alreadyVerified: true, message: 'Email is already verified', caregiver: null, org: null, patients: [] },
      };
    }
    const caregiver = await this.database.transaction(async (tx) => {
      if (!(await this.tokens.consume(check.row.id, tx))) return undefined;
      await this.tokens.voidAll(current.id, 'verifyEmail', tx);
      const updated = await this.caregivers.update(current.id, { isEmailVerified: true }, tx);
      if (updated.orgId) {
        const org = await this.orgs.find(updated.orgId, tx);
        if (org && org.email === updated.email && !org.isEmailVerified) await this.orgs.patchTrusted(org.id, { isEmailVerified: true }, tx);
      }
      await this.audit.record(
        {
          action: 'auth.email.verify',
          resourceType: 'user',
          resourceIds: [updated.id],
          orgId: updated.orgId,
          outcome: 'success',
          actor: { id: updated.id, role: updated.role, orgId: updated.orgId },
        },
        tx,
      );
      return updated;
    });
    if (!caregiver) return failure(401, 'Invalid or expired verification token');
    await this.sessions.updateLive(caregiver.id, { emailVerified: true });
    const alreadyVerified = current.isEmailVerified;
    if (caregiver.mfaEnabled) {
      return {
        status: 200,
        outcome: alreadyVerified ? 'already-verified' : 'verified',
        language: caregiver.preferredLanguage,
        body: {
          success: true,
          alreadyVerified,
          message: 'Email verified successfully. Please log in.',
          caregiver: await this.views.caregiver(caregiver),
          org: await this.views.orgOf(caregiver),
          patients: [],
        },
      };
    }
    const mustEnroll = await this.mfa.isRequired(caregiver);
    const issued = await this.sessions.issue(caregiver, 'email-link', { restriction: mustEnroll ? 'mfa-enroll' : null });
    const session = await this.views.session(caregiver, issued, actorFor(caregiver));
    return {
      status: 200,
      outcome: alreadyVerified ? 'already-verified' : 'verified',
      language: caregiver.preferredLanguage,
      body: {
        success: true,
        alreadyVerified,
        message: 'Email verified successfully',
        caregiver: session.caregiver,
        tokens: session.tokens,
        org: session.org,
        patients: session.patients,
      },
    };
  }
}
