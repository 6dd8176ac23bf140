import type { ProcessRole } from './config.types';
import type { KeyObject } from 'node:crypto';
import type { EncryptionKeyVersion } from '../crypto/key-config';

/** The data of an AppConfig (its methods excluded). */
export type AppConfigValues = Omit<AppConfig, 'hasRole' | 'isProduction'>;

/** Validated, typed configuration. Built once at boot by `loadConfig`; never read from env again. */
export class AppConfig {
  readonly nodeEnv!: 'development' | 'test' | 'production';
  readonly port!: number;
  readonly host!: string;
  readonly roles!: ReadonlySet<ProcessRole>;
  readonly dataDir!: string;
  readonly databaseUrl!: string | undefined;
  readonly redisUrl!: string | undefined;
  /** Prefix for every Redis key this deployment owns (queues, rate limits, socket.io). */
  readonly redisPrefix!: string;
  readonly publicUrl!: string;
  readonly frontendUrl!: string;
  readonly smtpUrl!: string | undefined;
  readonly emailFrom!: string;
  /** Secrets: never logged (see `describeConfig`). */
  readonly jwtSecret!: string;
  readonly encryptionKey!: Buffer;
  /** Id stored in every value encrypted with `encryptionKey` (ENCRYPTION_KEY_ID; default: its fingerprint). */
  readonly encryptionKeyId!: string;
  /** Older master keys, accepted for decryption only, during a rotation (ENCRYPTION_KEYS_PREVIOUS). */
  readonly previousEncryptionKeys!: readonly EncryptionKeyVersion[];
  /** Tamper-evident audit log: Ed25519 checkpoint signing key (secret), checkpoint origin and export directory. */
  readonly audit!: { signingKey: KeyObject; origin: string; checkpointDir: string; sealIntervalMs: number };
  readonly bootstrapSuperadmin!: { email: string; password: string } | undefined;
  readonly corsOrigins!: readonly string[];
  readonly openai!: { apiKey: string | undefined; baseUrl: string; realtimeModel: string; textModel: string };
  readonly ari!: {
    url: string | undefined;
    username: string | undefined;
    password: string | undefined;
    app: string;
    dialTemplate: string;
  };
  readonly rtp!: { host: string; portMin: number; portMax: number };
  readonly twilio!: {
    accountSid: string | undefined;
    authToken: string | undefined;
    fromNumber: string | undefined;
    /** Twilio REST base URL (TWILIO_API_BASE_URL; tests point it at a local fake). */
    apiBaseUrl: string;
  };
  readonly stripe!: {
    secretKey: string | undefined;
    publishableKey: string | undefined;
    webhookSecret: string | undefined;
    /** Stripe API base URL (STRIPE_API_BASE_URL; https only in production; tests point it at a local fake). */
    apiBaseUrl: string;
  };
  readonly enableTestRoutes!: boolean;
  readonly authRateLimitPerMinute!: number;
  readonly loginMaxFailures!: number;
  /** Server-side idle timeout of a login session (SESSION_IDLE_MINUTES, 1..15). */
  readonly sessionIdleMinutes!: number;
  /** Express `trust proxy` (TRUST_PROXY): false, true, a hop count or a comma-separated list of addresses. */
  readonly trustProxy!: boolean | number | string;
  /** OIDC providers for SSO; a provider without client ids is disabled (its login answers 501). */
  readonly sso!: {
    google: { clientIds: readonly string[]; issuers: readonly string[]; jwksUrl: string };
    microsoft: { clientIds: readonly string[]; issuer: string; jwksUrl: string };
  };
  readonly calls!: { maxConcurrentPerOrg: number; maxConcurrent: number };
  readonly logLevel!: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** How long graceful shutdown waits for in-flight HTTP requests and jobs. */
  readonly shutdownTimeoutMs!: number;

  constructor(values: AppConfigValues) {
    Object.assign(this, values);
    Object.freeze(this);
  }

  hasRole(role: ProcessRole): boolean {
    return this.roles.has(role);
  }

  get isProduction(): boolean {
    return this.nodeEnv === 'production';
  }
}
