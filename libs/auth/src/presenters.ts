import type { CaregiverRow } from '@app/caregivers';
import type { OrgRow } from '@app/orgs';
import type { AuthTokensResponse, CaregiverResponse, OrgResponse } from './responses.dto';

export interface IssuedTokens {
  access: { token: string; expires: number };
  refresh: { token: string; expires: number };
}

export function caregiverResponse(row: CaregiverRow, patientIds: string[] = []): CaregiverResponse {
  return {
    id: row.id,
    name: row.name,
    avatar: row.avatar,
    email: row.email,
    phone: row.phone,
    role: row.role,
    isEmailVerified: row.isEmailVerified,
    isPhoneVerified: row.isPhoneVerified,
    org: row.orgId,
    patients: patientIds,
    mfaEnabled: row.mfaEnabled,
    mfaEnrolledAt: row.mfaEnrolledAt ? row.mfaEnrolledAt.toISOString() : null,
    accountLocked: row.accountLocked,
    lockedReason: row.lockedReason,
    failedLoginAttempts: row.failedLoginAttempts,
    themePreference: row.themePreference,
    preferredLanguage: row.preferredLanguage,
    telemetryOptIn: row.telemetryOptIn,
    ssoProvider: row.ssoProvider,
  };
}

export function orgResponse(row: OrgRow, caregiverIds: string[], patientIds: string[] = []): OrgResponse {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    avatar: row.avatar,
    logo: row.logo,
    isEmailVerified: row.isEmailVerified,
    stripeCustomerId: row.stripeCustomerId,
    timezone: row.timezone,
    callRetrySettings: row.callRetrySettings,
    caregivers: caregiverIds,
    patients: patientIds,
    paymentMethods: [],
    requireMfa: row.requireMfa,
    deleted: row.deletedAt !== null,
  };
}

export function tokensResponse(tokens: IssuedTokens): AuthTokensResponse {
  return { access: { ...tokens.access }, refresh: { ...tokens.refresh } };
}
