import { AbilityBuilder, createMongoAbility, subject as asSubject, type MongoAbility } from '@casl/ability';
import type { AuthActor } from './actor';

/**
 * Who may do what, in one place (CASL). Type-level checks (`can(action, 'Patient')`) answer
 * whether any rule could allow it (used by the guard for `@RequirePermission`); object-level
 * checks (`can(action, subject('Patient', row))`) evaluate the conditions. Subjects are plain
 * objects carrying `id`, `orgId` and, for patients, `caregiverIds`.
 *
 * Later domains extend the subject list and the rules here (one reviewed file), and add their
 * routes to test/authz-matrix.ts.
 */
export const ACTIONS = ['manage', 'list', 'create', 'read', 'update', 'delete', 'invite', 'changeRole', 'endSessions'] as const;
export type Action = (typeof ACTIONS)[number];

export const SUBJECTS = [
  'Org',
  'Caregiver',
  'Patient',
  'Schedule',
  'Conversation',
  'Alert',
  'MedicalAnalysis',
  'Invoice',
  'PaymentMethod',
  'Billing',
  'EmergencyPhrase',
  'AuditLog',
] as const;
export type SubjectName = (typeof SUBJECTS)[number];

export interface SubjectObject {
  id?: string;
  orgId?: string | null;
  caregiverIds?: string[];
  [field: string]: unknown;
}

/** Actions and subject names are typed at the API (PermissionService, RequirePermission); CASL itself sees strings. */
export type AppAbility = MongoAbility;

/** Wraps a row as a typed CASL subject: `can('update', subject('Caregiver', row))`. */
export function subject<T extends SubjectObject>(type: SubjectName, object: T): T & { __caslSubjectType__: SubjectName } {
  return asSubject(type, object);
}

/** Money and account administration: out of reach until the e-mail address is verified. */
const BILLING: SubjectName[] = ['Billing', 'Invoice', 'PaymentMethod'];

export function defineAbilityFor(actor: AuthActor): AppAbility {
  const { can, cannot, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
  const orgId = actor.orgId;
  switch (actor.role) {
    case 'superAdmin':
      // Platform administration only: no implicit PHI (patients, conversations, analyses).
      can('manage', ['Org', 'Caregiver', 'EmergencyPhrase', 'AuditLog', ...BILLING]);
      // Break-glass (Z6): an active, time-boxed grant allows reading PHI of that one org.
      if (actor.breakGlass)
        can(['read', 'list'], ['Patient', 'Conversation', 'MedicalAnalysis', 'Schedule', 'Alert'], { orgId: actor.breakGlass.orgId });
      break;
    case 'orgAdmin':
      can(['read', 'update', 'delete'], 'Org', { id: orgId });
      can(['list', 'create', 'read', 'update', 'delete', 'invite', 'changeRole', 'endSessions'], 'Caregiver', { orgId });
      can('manage', ['Patient', 'Schedule', 'Alert', 'MedicalAnalysis'], { orgId });
      can(['read', 'update'], 'Conversation', { orgId });
      can('manage', 'EmergencyPhrase', { orgId });
      can('manage', BILLING, { orgId });
      break;
    case 'staff':
      can(['read', 'update', 'delete'], 'Caregiver', { id: actor.id });
      can('create', 'Patient', { orgId });
      // Staff see only the patients assigned to them.
      can(['read', 'update', 'delete'], 'Patient', { orgId, caregiverIds: { $in: [actor.id] } });
      can(['create', 'read', 'update', 'delete'], 'Schedule', { orgId });
      can(['read', 'update', 'delete'], 'Alert', { orgId });
      can('read', 'Conversation', { orgId });
      can(['read', 'create'], 'MedicalAnalysis', { orgId });
      break;
    case 'invited':
      can(['read', 'update'], 'Caregiver', { id: actor.id });
      break;
    default: {
      const never: never = actor.role;
      return never;
    }
  }
  if (!actor.emailVerified) {
    cannot('invite', 'Caregiver');
    cannot('changeRole', 'Caregiver');
    cannot('manage', BILLING);
  }
  return build();
}
