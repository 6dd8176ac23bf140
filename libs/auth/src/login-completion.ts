import { Injectable } from '@nestjs/common';
import { AuditService } from '@app/audit';
import type { CaregiverRow } from '@app/caregivers';
import { AccountViews, actorFor } from './account-views';
import { MfaService } from './mfa.service';
import type { LoginResponse } from './responses.dto';
import { SessionService, type SessionMethod } from './session.service';

/**
 * The last step of every successful login (password or SSO): a session restricted to MFA
 * enrolment when the account must enrol, the `auth.login` audit entry, and the login answer.
 */
@Injectable()
export class LoginCompletion {
  constructor(
    private readonly sessions: SessionService,
    private readonly mfa: MfaService,
    private readonly audit: AuditService,
    private readonly views: AccountViews,
  ) {}

  async complete(caregiver: CaregiverRow, method: SessionMethod, reason?: string): Promise<{ answer: LoginResponse; mustEnroll: boolean }> {
    const mustEnroll = !caregiver.mfaEnabled && (await this.mfa.isRequired(caregiver));
    const tokens = await this.sessions.issue(caregiver, method, { restriction: mustEnroll ? 'mfa-enroll' : null });
    await this.audit.record({
      action: 'auth.login',
      resourceType: 'user',
      resourceIds: [caregiver.id],
      orgId: caregiver.orgId,
      outcome: 'success',
      reason,
      actor: { id: caregiver.id, role: caregiver.role, orgId: caregiver.orgId },
    });
    return { answer: await this.views.session(caregiver, tokens, actorFor(caregiver)), mustEnroll };
  }
}
