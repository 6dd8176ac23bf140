import { Injectable, Logger, type INestApplicationContext, type OnApplicationBootstrap } from '@nestjs/common';
import { AuditService } from '@app/audit';
import { CaregiverService, type CaregiverRow } from '@app/caregivers';
import { AppConfig, ConflictError, DatabaseService, normalizeEmail } from '@app/platform';
import { PasswordService } from './password.service';

/**
 * Creates a platform superAdmin (no org; e-mail verified; MFA to enrol at first login). Used by
 * BOOTSTRAP_SUPERADMIN_* at start and by `npm run cli -- create-superadmin`.
 */
@Injectable()
export class SuperadminService implements OnApplicationBootstrap {
  private readonly logger = new Logger('SuperadminService');

  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseService,
    private readonly caregivers: CaregiverService,
    private readonly passwords: PasswordService,
    private readonly audit: AuditService,
  ) {}

  async create(input: { email: string; password: string; name?: string }): Promise<CaregiverRow> {
    this.passwords.assertAcceptable(input.password);
    const email = normalizeEmail(input.email);
    if (await this.caregivers.findByEmail(email)) throw new ConflictError(`An account with this e-mail already exists`, 'AccountExists');
    const passwordHash = await this.passwords.hash(input.password);
    return this.database.transaction(async (tx) => {
      const row = await this.caregivers.create(
        { orgId: null, name: input.name ?? 'Super Admin', email, role: 'superAdmin', passwordHash, isEmailVerified: true },
        tx,
      );
      await this.passwords.remember(row.id, passwordHash, tx);
      await this.audit.record(
        {
          action: 'auth.superadmin.create',
          resourceType: 'user',
          resourceIds: [row.id],
          orgId: null,
          outcome: 'success',
          severity: 'high',
          actor: null,
        },
        tx,
      );
      return row;
    });
  }

  /** BOOTSTRAP_SUPERADMIN_EMAIL/PASSWORD: created once, when no superAdmin exists yet. */
  async onApplicationBootstrap(): Promise<void> {
    const bootstrap = this.config.bootstrapSuperadmin;
    if (!bootstrap || (await this.caregivers.countByRole('superAdmin')) > 0) return;
    try {
      const row = await this.create(bootstrap);
      this.logger.log({ msg: 'bootstrap superAdmin created', caregiverId: row.id });
    } catch (err) {
      // Another instance won the race, or the address is taken: never fatal at start.
      this.logger.warn({ msg: 'bootstrap superAdmin not created', reason: (err as Error).message });
    }
  }
}

/** For the CLI: `createSuperadmin(app, {email, password})` → the new account's id and e-mail. */
export async function createSuperadmin(
  app: INestApplicationContext,
  input: { email: string; password: string; name?: string },
): Promise<{ id: string; email: string }> {
  const row = await app.get(SuperadminService, { strict: false }).create(input);
  return { id: row.id, email: row.email };
}
