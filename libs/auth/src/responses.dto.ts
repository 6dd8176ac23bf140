import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ROLES, SSO_PROVIDERS, THEMES } from '@app/caregivers';

/** The contract's error body. */
export class ErrorResponse {
  @ApiProperty({ example: 400, description: 'HTTP status' }) code!: number;
  @ApiProperty({ example: '"email" must be a valid email' }) message!: string;
  @ApiPropertyOptional({ example: 'ValidationFailed', description: 'domain error code' }) error?: string;
}

export class TokenResponse {
  @ApiProperty() token!: string;
  @ApiProperty({ description: 'expiry, Unix epoch seconds', example: 1767225600 }) expires!: number;
}

export class AuthTokensResponse {
  @ApiProperty({ type: TokenResponse, description: 'access token (≤ 15 min)' }) access!: TokenResponse;
  @ApiProperty({ type: TokenResponse, description: 'refresh token (rotated on every use)' }) refresh!: TokenResponse;
}

export class CallRetrySettingsResponse {
  @ApiProperty() retryCount!: number;
  @ApiProperty() retryIntervalMinutes!: number;
  @ApiProperty() alertOnAllMissedCalls!: boolean;
}

/** CaregiverDTO plus the raw document's extra fields (a superset both readings accept). */
export class CaregiverResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) avatar!: string | null;
  @ApiProperty() email!: string;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty() isEmailVerified!: boolean;
  @ApiProperty() isPhoneVerified!: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'org id' }) org!: string | null;
  @ApiProperty({ type: [String], description: 'patient ids' }) patients!: string[];
  @ApiProperty() mfaEnabled!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) mfaEnrolledAt!: string | null;
  @ApiProperty() accountLocked!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String }) lockedReason!: string | null;
  @ApiProperty() failedLoginAttempts!: number;
  @ApiProperty({ enum: THEMES }) themePreference!: string;
  @ApiProperty({ example: 'en' }) preferredLanguage!: string;
  @ApiPropertyOptional({ nullable: true, type: Boolean }) telemetryOptIn!: boolean | null;
  @ApiPropertyOptional({ nullable: true, enum: SSO_PROVIDERS }) ssoProvider!: string | null;
}

export class OrgResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) avatar!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) logo!: string | null;
  @ApiProperty() isEmailVerified!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String }) stripeCustomerId!: string | null;
  @ApiProperty({ example: 'America/New_York' }) timezone!: string;
  @ApiProperty({ type: CallRetrySettingsResponse }) callRetrySettings!: CallRetrySettingsResponse;
  @ApiProperty({ type: [String], description: 'caregiver ids' }) caregivers!: string[];
  @ApiProperty({ type: [String], description: 'patient ids' }) patients!: string[];
  @ApiProperty({ type: [String] }) paymentMethods!: string[];
  @ApiProperty({ description: 'members must enrol in MFA' }) requireMfa!: boolean;
  @ApiProperty() deleted!: boolean;
}

export class RegisterResponse {
  @ApiProperty() message!: string;
  @ApiProperty({ type: OrgResponse }) org!: OrgResponse;
  @ApiProperty({ type: CaregiverResponse }) caregiver!: CaregiverResponse;
  @ApiProperty({ type: AuthTokensResponse }) tokens!: AuthTokensResponse;
  @ApiProperty({ example: true }) requiresEmailVerification!: boolean;
}

export class LoginResponse {
  @ApiProperty({ type: OrgResponse, nullable: true }) org!: OrgResponse | null;
  @ApiProperty({ type: CaregiverResponse }) caregiver!: CaregiverResponse;
  @ApiProperty({ type: [Object], description: 'the caregiver’s patients with schedules' }) patients!: unknown[];
  @ApiProperty({ type: [Object], description: 'unread, relevant alerts' }) alerts!: unknown[];
  @ApiProperty({ type: AuthTokensResponse }) tokens!: AuthTokensResponse;
  @ApiPropertyOptional({ description: 'MFA is mandatory and not yet enrolled: only /v1/mfa/* and /v1/auth/* are reachable' })
  mfaEnrollRequired?: boolean;
}

export class MfaChallengeResponse {
  @ApiProperty({ example: true }) requireMFA!: boolean;
  @ApiProperty({ description: 'opaque; the client re-posts email, password and mfaToken' }) tempToken!: string;
  @ApiProperty({ example: 'MFA verification required' }) message!: string;
}

export class RefreshResponse {
  @ApiProperty({ type: AuthTokensResponse }) tokens!: AuthTokensResponse;
}

export class InviteInfoResponse {
  @ApiProperty() name!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
}

export class CaregiverWithTokensResponse {
  @ApiProperty({ type: CaregiverResponse }) caregiver!: CaregiverResponse;
  @ApiProperty({ type: OrgResponse, nullable: true }) org!: OrgResponse | null;
  @ApiProperty({ type: AuthTokensResponse }) tokens!: AuthTokensResponse;
}

export class MessageResponse {
  @ApiProperty() message!: string;
}

export class SuccessMessageResponse {
  @ApiProperty({ example: true }) success!: boolean;
  @ApiProperty() message!: string;
}

export class VerifyEmailResponse {
  @ApiProperty() success!: boolean;
  @ApiProperty() message!: string;
  @ApiProperty() alreadyVerified!: boolean;
  @ApiProperty({ type: CaregiverResponse, nullable: true }) caregiver!: CaregiverResponse | null;
  @ApiPropertyOptional({ type: AuthTokensResponse }) tokens?: AuthTokensResponse;
  @ApiProperty({ type: OrgResponse, nullable: true }) org!: OrgResponse | null;
  @ApiProperty({ type: [Object] }) patients!: unknown[];
}

export class VerifyEmailErrorResponse {
  @ApiProperty({ example: false }) success!: boolean;
  @ApiProperty() error!: string;
  @ApiProperty() code!: number;
  @ApiProperty() message!: string;
}

export class MfaStatusResponse {
  @ApiProperty() mfaEnabled!: boolean;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) mfaEnrolledAt!: string | null;
  @ApiProperty() backupCodesRemaining!: number;
  @ApiProperty({ description: 'MFA is mandatory for this account (superAdmin or org policy)' }) mfaRequired!: boolean;
}

export class MfaEnableResponse {
  @ApiProperty() message!: string;
  @ApiProperty({ description: 'data:image/png;base64,… of the otpauth:// URI' }) qrCode!: string;
  @ApiProperty({ description: 'base32 TOTP secret' }) secret!: string;
  @ApiProperty({ type: [String], description: '10 single-use codes, shown once' }) backupCodes!: string[];
}

export class MfaToggleResponse {
  @ApiProperty() message!: string;
  @ApiProperty() mfaEnabled!: boolean;
}

export class BackupCodesResponse {
  @ApiProperty() message!: string;
  @ApiProperty({ type: [String] }) backupCodes!: string[];
}

export class PhoneCodeSentResponse {
  @ApiProperty({ example: true }) success!: boolean;
  @ApiProperty() message!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ example: '+1******0101', description: 'masked' }) phoneNumber!: string;
}

export class SsoLoginResponse {
  @ApiProperty() success!: boolean;
  @ApiProperty() message!: string;
  @ApiProperty({ type: AuthTokensResponse }) tokens!: AuthTokensResponse;
  @ApiProperty({ type: CaregiverResponse }) user!: CaregiverResponse;
  @ApiProperty({ type: CaregiverResponse, description: 'same as user' }) caregiver!: CaregiverResponse;
  @ApiProperty({ type: OrgResponse, nullable: true }) org!: OrgResponse | null;
}

export class SsoUserInfoResponse {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional() picture?: string;
}

export class SsoVerifyResponse {
  @ApiProperty() success!: boolean;
  @ApiProperty({ type: SsoUserInfoResponse }) userInfo!: SsoUserInfoResponse;
}

export class OrgPageResponse {
  @ApiProperty({ type: [OrgResponse] }) results!: OrgResponse[];
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() totalPages!: number;
  @ApiProperty() totalResults!: number;
}

export class CaregiverPageResponse {
  @ApiProperty({ type: [CaregiverResponse] }) results!: CaregiverResponse[];
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() totalPages!: number;
  @ApiProperty() totalResults!: number;
}

export class InviteResponse {
  @ApiProperty({ type: CaregiverResponse }) caregiver!: CaregiverResponse;
}
