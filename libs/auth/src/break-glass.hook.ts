import { Injectable } from '@nestjs/common';
import type { Action, SubjectName } from './abilities';
import type { AuthActor, BreakGlassAccess } from './actor';

/**
 * Break-glass (security.md Z6/Z7): how the compliance domain, which sits above identity, lets a
 * superAdmin's active grant reach the permission check without a dependency cycle. It registers
 * one hook in `onModuleInit`; without one, superAdmins never get PHI access.
 */
export interface BreakGlassLookup {
  /** The superAdmin's active grant now, if any. */
  activeGrant(actorId: string): Promise<BreakGlassAccess | undefined>;
  /** A PHI route was reached through the grant: audit it (high severity). */
  recordUse(actor: AuthActor, action: Action, subject: SubjectName): Promise<void>;
}

/** Subjects holding PHI: a grant allows reading them in its org only. */
export const PHI_SUBJECTS: readonly SubjectName[] = ['Patient', 'Conversation', 'MedicalAnalysis', 'Schedule', 'Alert'];

@Injectable()
export class BreakGlassHooks {
  private lookup: BreakGlassLookup | undefined;

  register(lookup: BreakGlassLookup): void {
    this.lookup = lookup;
  }

  /** Attaches the active grant to a superAdmin actor (its PHI scope becomes the grant's org). */
  async attach(actor: AuthActor): Promise<void> {
    if (actor.role !== 'superAdmin' || !this.lookup) return;
    const grant = await this.lookup.activeGrant(actor.id);
    if (!grant) return;
    actor.breakGlass = grant;
    actor.orgId = grant.orgId;
  }

  async recordUse(actor: AuthActor, action: Action, subject: SubjectName): Promise<void> {
    if (actor.breakGlass && PHI_SUBJECTS.includes(subject)) await this.lookup?.recordUse(actor, action, subject);
  }
}
