import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { CaregiverService, ROLES, type Role } from '@app/caregivers';
import { MailTransport, NotificationService, readOutbox } from '@app/notifications';
import { OrgService } from '@app/orgs';
import { AppConfig, DomainError, NotImplementedError, normalizeEmail } from '@app/platform';
import { AccountExtensions } from './account-extensions';
import { AccountViews } from './account-views';
import { CreateTestCaregiverDto, TestEmailDto, TestGetEmailDto, TestSendInviteDto } from './account.dto';
import { Public } from './decorators';
import { MfaService } from './mfa.service';
import { OneTimeTokenService } from './one-time-token.service';
import { PasswordService } from './password.service';
import { caregiverResponse } from './presenters';
import type { CaregiverResponse } from './responses.dto';
import { SessionService } from './session.service';

/** The test helpers' error body: `{error}` (plus the usual `code` and `message`). */
function helperError(status: number, message: string): DomainError {
  return new DomainError(status, message, message);
}

const SEED_PASSWORD = 'Password1';

function tokenFrom(text: string, path: string): string | null {
  const match = new RegExp(`${path.replace(/[/.]/g, '\\$&')}\\?token=([A-Za-z0-9_-]+)`).exec(text);
  return match?.[1] ?? null;
}

/**
 * §6: helpers for the client's end-to-end tests. Mounted only with ENABLE_TEST_ROUTES=true, which
 * the configuration refuses in production; excluded from the OpenAPI document.
 */
@ApiExcludeController()
@Controller('test')
@Public()
export class TestSupportController {
  constructor(
    private readonly config: AppConfig,
    private readonly orgs: OrgService,
    private readonly caregivers: CaregiverService,
    private readonly passwords: PasswordService,
    private readonly tokens: OneTimeTokenService,
    private readonly notifications: NotificationService,
    private readonly mail: MailTransport,
    private readonly mfa: MfaService,
    private readonly sessions: SessionService,
    private readonly extensions: AccountExtensions,
    private readonly views: AccountViews,
  ) {}

  @Post('clean')
  @HttpCode(200)
  async clean(): Promise<{ success: boolean; message: string }> {
    await this.extensions.testClean();
    const ids = await this.caregivers.softDeleteAll();
    await this.orgs.softDeleteAll();
    await this.sessions.revokeAll(ids, 'test_clean');
    return { success: true, message: 'Database cleaned' };
  }

  @Post('seed')
  @HttpCode(200)
  async seed(): Promise<{ success: boolean; message: string; data: { org: unknown; caregiver: CaregiverResponse; patients: unknown[] } }> {
    const org =
      (await this.orgs.findByName('Example Org')) ??
      (await this.orgs.create({ name: 'Example Org', email: 'org@example.org', isEmailVerified: true }));
    const hash = await this.passwords.hash(SEED_PASSWORD);
    const people: Array<{ email: string; name: string; role: Role; orgId: string | null; password: boolean; sso?: boolean }> = [
      { email: 'admin@example.org', name: 'Admin User', role: 'orgAdmin', orgId: org.id, password: true },
      { email: 'fake@example.org', name: 'Fake Caregiver', role: 'staff', orgId: org.id, password: true },
      { email: 'no-patients@example.org', name: 'No Patients', role: 'staff', orgId: org.id, password: true },
      { email: 'org@example.org', name: 'Org Admin', role: 'orgAdmin', orgId: org.id, password: true },
      { email: 'superadmin@example.org', name: 'Super Admin', role: 'superAdmin', orgId: null, password: true },
      { email: 'sso-unlinked@example.org', name: 'SSO Unlinked', role: 'staff', orgId: org.id, password: false, sso: true },
    ];
    const ids: Record<string, string> = {};
    for (const p of people) {
      const existing = await this.caregivers.findByEmail(p.email);
      const row =
        existing ??
        (await this.caregivers.create({
          orgId: p.orgId,
          name: p.name,
          email: p.email,
          role: p.role,
          phone: '+16045550100',
          passwordHash: p.password ? hash : null,
          isEmailVerified: true,
          ssoProvider: p.sso ? 'google' : null,
        }));
      ids[p.email] = row.id;
    }
    const patients = await this.extensions.testSeed({ orgId: org.id, caregiverIds: ids });
    const caregiver = await this.caregivers.get(ids['fake@example.org']);
    return {
      success: true,
      message: 'Database seeded',
      data: { org: await this.views.org(org), caregiver: caregiverResponse(caregiver), patients },
    };
  }

  @Post('create-caregiver')
  @HttpCode(201)
  async createCaregiver(@Body() dto: CreateTestCaregiverDto): Promise<CaregiverResponse> {
    const org = await this.orgs.find(dto.orgId).catch(() => undefined);
    if (!org) throw helperError(404, 'Org not found');
    const row = await this.caregivers.create({
      orgId: org.id,
      name: dto.name,
      email: dto.email,
      phone: dto.phone ?? null,
      role: dto.role && (ROLES as readonly string[]).includes(dto.role) ? dto.role : 'staff',
      passwordHash: await this.passwords.hash(dto.password),
      isEmailVerified: true,
    });
    return this.views.caregiver(row);
  }

  @Post('send-verification-email')
  @HttpCode(200)
  async sendVerificationEmail(@Body() dto: TestEmailDto): Promise<{ details: { verificationLinks: { frontend: string }; token: string } }> {
    const caregiver = await this.caregivers.findByEmail(dto.email);
    if (!caregiver) throw helperError(404, 'User not found');
    const token = await this.tokens.create(caregiver.id, 'verifyEmail');
    await this.notifications.sendVerifyEmail(caregiver, token);
    return { details: { verificationLinks: { frontend: this.notifications.verifyEmailLink(token) }, token } };
  }

  @Post('generate-reset-password-link')
  @HttpCode(200)
  async resetLink(@Body() dto: TestEmailDto): Promise<{ details: { resetPasswordLink: { frontend: string }; token: string } }> {
    const caregiver = await this.caregivers.findByEmail(dto.email);
    if (!caregiver) throw helperError(404, 'User not found');
    const token = await this.tokens.create(caregiver.id, 'resetPassword');
    return { details: { resetPasswordLink: { frontend: this.notifications.resetPasswordLink(token) }, token } };
  }

  @Post('generate-invite-link')
  @HttpCode(200)
  async inviteLink(@Body() dto: TestEmailDto): Promise<{ details: { inviteLink: { frontend: string }; token: string } }> {
    const caregiver = await this.caregivers.findByEmail(dto.email);
    if (!caregiver) throw helperError(404, 'User not found');
    if (caregiver.role !== 'invited') throw helperError(400, 'Caregiver is not in invited state');
    const token = await this.tokens.create(caregiver.id, 'invite');
    return { details: { inviteLink: { frontend: this.notifications.inviteLink(token) }, token } };
  }

  @Post('send-invite-email')
  @HttpCode(200)
  async sendInvite(@Body() dto: TestSendInviteDto): Promise<{
    success: boolean;
    message: string;
    caregiver: Pick<CaregiverResponse, 'id' | 'email' | 'name' | 'role'>;
    inviteToken: string;
  }> {
    const org = dto.orgId ? await this.orgs.find(dto.orgId).catch(() => undefined) : (await this.orgs.list({ limit: 1 })).results[0];
    if (!org) throw helperError(404, 'Org not found');
    let caregiver = await this.caregivers.findByEmail(dto.email);
    if (caregiver && caregiver.role !== 'invited') throw helperError(409, 'Caregiver already exists');
    caregiver ??= await this.caregivers.create({
      orgId: org.id,
      name: dto.name ?? 'Invited Caregiver',
      email: dto.email,
      phone: dto.phone ?? null,
      role: 'invited',
    });
    if (dto.forceResend) await this.tokens.voidAll(caregiver.id, 'invite');
    const token = await this.tokens.create(caregiver.id, 'invite');
    await this.notifications.sendInvite(caregiver, token, org.name);
    return {
      success: true,
      message: 'Invite email sent',
      caregiver: { id: caregiver.id, email: caregiver.email, name: caregiver.name, role: caregiver.role },
      inviteToken: token,
    };
  }

  @Post('get-email')
  @HttpCode(200)
  async getEmail(@Body() dto: TestGetEmailDto): Promise<{ success: boolean; email: Record<string, unknown> }> {
    if (this.mail.kind !== 'outbox')
      throw new NotImplementedError('get-email reads the outbox; unset SMTP_URL to use it', 'OutboxDisabled');
    const deadline = Date.now() + (dto.waitForEmail ? (dto.maxWaitMs ?? 10_000) : 0);
    for (;;) {
      const [latest] = (await readOutbox(this.config.dataDir, normalizeEmail(dto.email))).filter((e) => e.channel === 'email');
      if (latest) {
        return {
          success: true,
          email: {
            subject: latest.subject,
            from: this.config.emailFrom,
            to: latest.to,
            text: latest.text,
            html: latest.html,
            date: latest.date,
            tokens: {
              verification: tokenFrom(latest.text, '/auth/verify-email'),
              invite: tokenFrom(latest.text, '/signup'),
              resetPassword: tokenFrom(latest.text, '/reset-password'),
            },
          },
        };
      }
      if (Date.now() >= deadline) throw helperError(404, 'No email found for this address');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  @Post('reset-mfa')
  @HttpCode(200)
  async resetMfa(@Body() dto: TestEmailDto): Promise<{ success: boolean; message: string }> {
    const caregiver = await this.caregivers.findByEmail(dto.email);
    if (!caregiver) throw helperError(404, 'User not found');
    await this.mfa.reset([caregiver.id]);
    await this.sessions.updateLive(caregiver.id, { restriction: null });
    return { success: true, message: 'MFA reset' };
  }
}
