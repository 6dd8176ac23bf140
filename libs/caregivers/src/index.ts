// Public door of @app/caregivers: caregiver accounts (workforce identities). HTTP routes for them
// live in @app/auth, which sits above this lib (identity and access).
export * from './caregivers.module';
export * from './caregiver.service';
export { ROLES, SSO_PROVIDERS, THEMES, type Role, type SsoProvider, type ThemePreference, type CaregiverRow } from './caregiver.table';
export type { CaregiverPatch } from './caregiver.repository';
export { INVALID_PHONE_MESSAGE, isPhoneNumber, validatePhone, toE164, maskPhone } from './phone';
