import { hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppConfig, type AppConfigValues } from './app-config';
import { ConfigError } from './config.errors';
import { PROCESS_ROLES, type ProcessRole } from './config.types';
import type { Env } from './env';
import { KEY_ID_PATTERN, ed25519FromSeed, keyFingerprintId, parseEd25519PrivateKey, parsePreviousKeys } from '../crypto/key-config';

const NODE_ENVS = ['development', 'test', 'production'] as const;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const DEFAULT_CORS = 'http://localhost:8081,http://localhost:8082,http://localhost:3000';

/** Collects every problem so an operator fixes the environment in one pass, not one error per boot. */
class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.problems.push(`${name} must be an integer between ${min} and ${max} (got "${value}")`);
      return fallback;
    }
    return Number(value);
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    this.problems.push(`${name} must be true or false (got "${value}")`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
      return fallback;
    }
    return value as T;
  }

  url(name: string, protocols: readonly string[], fallback?: string): string | undefined {
    const value = this.raw(name) ?? fallback;
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        this.problems.push(`${name} must use ${protocols.join(' or ')} (got "${parsed.protocol}")`);
      }
    } catch {
      this.problems.push(`${name} must be a valid URL`);
    }
    return value.replace(/\/+$/, '');
  }
}

interface DevSecrets {
  jwtSecret: string;
  encryptionKey: string;
}

/**
 * Development convenience: secrets are generated once and kept in DATA_DIR (mode 0600), so tokens
 * and encrypted data survive restarts. Never used in production (see loadConfig).
 */
function devSecrets(dataDir: string): DevSecrets {
  const file = join(dataDir, 'dev-secrets.json');
  if (existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>;
    if (parsed.jwtSecret && parsed.encryptionKey) return parsed as DevSecrets;
  }
  mkdirSync(dataDir, { recursive: true });
  const secrets: DevSecrets = {
    jwtSecret: randomBytes(48).toString('base64url'),
    encryptionKey: randomBytes(32).toString('base64'),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return secrets;
}

function parseRoles(reader: EnvReader): ReadonlySet<ProcessRole> {
  const value = reader.raw('ROLES');
  if (value === undefined) return new Set(PROCESS_ROLES);
  const roles = value
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const unknown = roles.filter((r) => !(PROCESS_ROLES as readonly string[]).includes(r));
  if (unknown.length > 0 || roles.length === 0) {
    reader.problems.push(`ROLES must be a comma-separated subset of ${PROCESS_ROLES.join(',')} (got "${value}")`);
    return new Set(PROCESS_ROLES);
  }
  return new Set(roles as ProcessRole[]);
}

function parseEncryptionKey(reader: EnvReader, value: string): Buffer {
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32) {
    reader.problems.push('ENCRYPTION_KEY must be 32 bytes encoded as base64 (e.g. `openssl rand -base64 32`)');
    return Buffer.alloc(32);
  }
  return key;
}

function parseEncryptionKeyId(reader: EnvReader, key: Buffer): string {
  const id = reader.raw('ENCRYPTION_KEY_ID') ?? keyFingerprintId(key);
  if (!KEY_ID_PATTERN.test(id)) reader.problems.push('ENCRYPTION_KEY_ID must be 1-32 letters, digits, _ or -');
  return id;
}

function parsePreviousEncryptionKeys(reader: EnvReader, currentId: string): AppConfigValues['previousEncryptionKeys'] {
  const { keys, problems } = parsePreviousKeys(reader.raw('ENCRYPTION_KEYS_PREVIOUS'), currentId);
  reader.problems.push(...problems);
  return keys;
}

/**
 * Outside production an unset AUDIT_SIGNING_KEY is derived from the (configured or generated
 * development) encryption key, so checkpoints keep verifying across restarts without another
 * secret to manage; production refuses to start without a key of its own (see loadConfig).
 */
function parseAuditSigningKey(reader: EnvReader, text: string | undefined, encryptionKey: Buffer): KeyObject {
  if (text === undefined) return ed25519FromSeed(Buffer.from(hkdfSync('sha256', encryptionKey, 'bianca/dev-audit-signing-key', '', 32)));
  const key = parseEd25519PrivateKey(text);
  if (!key) reader.problems.push('AUDIT_SIGNING_KEY must be an Ed25519 private key (PKCS8 PEM, base64 PKCS8 DER or base64 32-byte seed)');
  return key ?? ed25519FromSeed(randomBytes(32));
}

/** C2SP checkpoint origin (also the signing key's name): no whitespace or '+'. */
function parseAuditOrigin(reader: EnvReader, publicUrl: string): string {
  let host = 'localhost';
  try {
    host = new URL(publicUrl).host;
  } catch {
    // PUBLIC_URL's own problem is already reported.
  }
  const origin = reader.string('AUDIT_ORIGIN', `${host}/bianca-audit`);
  if (!/^[!-*,-~]{1,255}$/.test(origin))
    reader.problems.push('AUDIT_ORIGIN must be 1-255 printable ASCII characters without spaces or "+"');
  return origin;
}

function csv(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

/** TRUST_PROXY: unset/false → no proxy; true; a hop count; or addresses/subnets for Express. */
function parseTrustProxy(reader: EnvReader): boolean | number | string {
  const value = reader.raw('TRUST_PROXY');
  if (value === undefined || ['false', '0', 'no'].includes(value.toLowerCase())) return false;
  if (['true', 'yes'].includes(value.toLowerCase())) return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

/**
 * Validates the environment into an `AppConfig`. Pure apart from the development secrets file.
 * Throws `ConfigError` listing every problem. In production it refuses to start without real
 * secrets and explicit database/Redis servers.
 */
export function loadConfig(env: Env, options: { cwd?: string } = {}): AppConfig {
  const reader = new EnvReader(env);
  const nodeEnv = reader.oneOf('NODE_ENV', NODE_ENVS, 'development');
  const production = nodeEnv === 'production';
  const dataDir = resolve(options.cwd ?? '.', reader.string('DATA_DIR', './.data'));

  if (production) {
    const missing = ['JWT_SECRET', 'ENCRYPTION_KEY', 'DATABASE_URL', 'REDIS_URL'].filter((n) => !reader.raw(n));
    if (missing.length > 0) reader.problems.push(`production requires ${missing.join(', ')} to be set`);
    const jwt = reader.raw('JWT_SECRET');
    if (jwt && jwt.length < 32) reader.problems.push('JWT_SECRET must be at least 32 characters in production');
    if (reader.bool('ENABLE_TEST_ROUTES', false)) reader.problems.push('ENABLE_TEST_ROUTES=true is refused in production');
    if (!reader.raw('AUDIT_SIGNING_KEY'))
      reader.problems.push('production requires AUDIT_SIGNING_KEY (Ed25519 PKCS8 PEM or base64) to be set');
  }

  let jwtSecret = reader.raw('JWT_SECRET');
  let encryptionKeyText = reader.raw('ENCRYPTION_KEY');
  if (!production && (!jwtSecret || !encryptionKeyText)) {
    const generated = devSecrets(dataDir);
    jwtSecret ??= generated.jwtSecret;
    encryptionKeyText ??= generated.encryptionKey;
  }
  const encryptionKey = parseEncryptionKey(reader, encryptionKeyText ?? Buffer.alloc(32).toString('base64'));
  const encryptionKeyId = parseEncryptionKeyId(reader, encryptionKey);

  const port = reader.int('PORT', 3000, 0, 65535);
  const publicUrl = reader.url('PUBLIC_URL', ['http:', 'https:'], `http://localhost:${port || 3000}`) as string;
  const rtpPortMin = reader.int('RTP_PORT_MIN', 20000, 1024, 65535);
  const rtpPortMax = reader.int('RTP_PORT_MAX', 29999, 1024, 65535);
  if (rtpPortMin > rtpPortMax) reader.problems.push('RTP_PORT_MIN must not be greater than RTP_PORT_MAX');

  const adminEmail = reader.raw('BOOTSTRAP_SUPERADMIN_EMAIL');
  const adminPassword = reader.raw('BOOTSTRAP_SUPERADMIN_PASSWORD');
  if (Boolean(adminEmail) !== Boolean(adminPassword)) {
    reader.problems.push('BOOTSTRAP_SUPERADMIN_EMAIL and BOOTSTRAP_SUPERADMIN_PASSWORD must be set together');
  }

  const values: AppConfigValues = {
    nodeEnv,
    port,
    host: reader.string('HOST', '0.0.0.0'),
    roles: parseRoles(reader),
    dataDir,
    databaseUrl: reader.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: reader.url('REDIS_URL', ['redis:', 'rediss:', 'unix:']),
    redisPrefix: reader.string('REDIS_PREFIX', 'bianca'),
    publicUrl,
    frontendUrl: reader.url('FRONTEND_URL', ['http:', 'https:'], publicUrl) as string,
    smtpUrl: reader.url('SMTP_URL', ['smtp:', 'smtps:']),
    emailFrom: reader.string('EMAIL_FROM', 'Bianca <no-reply@localhost>'),
    jwtSecret: jwtSecret ?? '',
    encryptionKey,
    encryptionKeyId,
    previousEncryptionKeys: parsePreviousEncryptionKeys(reader, encryptionKeyId),
    audit: {
      signingKey: parseAuditSigningKey(reader, reader.raw('AUDIT_SIGNING_KEY'), encryptionKey),
      origin: parseAuditOrigin(reader, publicUrl),
      checkpointDir: resolve(dataDir, reader.string('AUDIT_CHECKPOINT_DIR', 'audit-checkpoints')),
      sealIntervalMs: reader.int('AUDIT_SEAL_INTERVAL_MS', 5000, 0, 300000),
    },
    bootstrapSuperadmin: adminEmail && adminPassword ? { email: adminEmail, password: adminPassword } : undefined,
    corsOrigins: reader
      .string('CORS_ORIGINS', DEFAULT_CORS)
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    openai: {
      apiKey: reader.raw('OPENAI_API_KEY'),
      baseUrl: reader.url('OPENAI_BASE_URL', ['http:', 'https:'], 'https://api.openai.com/v1') as string,
      realtimeModel: reader.string('OPENAI_REALTIME_MODEL', 'gpt-realtime'),
      textModel: reader.string('OPENAI_TEXT_MODEL', 'gpt-5-mini'),
    },
    ari: {
      url: reader.url('ARI_URL', ['http:', 'https:']),
      username: reader.raw('ARI_USERNAME'),
      password: reader.raw('ARI_PASSWORD'),
      app: reader.string('ARI_APP', 'bianca'),
      dialTemplate: reader.string('ARI_DIAL_TEMPLATE', 'PJSIP/{phone}@trunk'),
    },
    rtp: { host: reader.string('RTP_HOST', '127.0.0.1'), portMin: rtpPortMin, portMax: rtpPortMax },
    twilio: {
      accountSid: reader.raw('TWILIO_ACCOUNT_SID'),
      authToken: reader.raw('TWILIO_AUTH_TOKEN'),
      fromNumber: reader.raw('TWILIO_FROM_NUMBER'),
      apiBaseUrl: reader.url('TWILIO_API_BASE_URL', production ? ['https:'] : ['http:', 'https:'], 'https://api.twilio.com') as string,
    },
    stripe: {
      secretKey: reader.raw('STRIPE_SECRET_KEY'),
      publishableKey: reader.raw('STRIPE_PUBLISHABLE_KEY'),
      webhookSecret: reader.raw('STRIPE_WEBHOOK_SECRET'),
      apiBaseUrl: reader.url('STRIPE_API_BASE_URL', production ? ['https:'] : ['http:', 'https:'], 'https://api.stripe.com') as string,
    },
    enableTestRoutes: reader.bool('ENABLE_TEST_ROUTES', false),
    authRateLimitPerMinute: reader.int('AUTH_RATE_LIMIT_PER_MINUTE', 60, 1, 100000),
    loginMaxFailures: reader.int('LOGIN_MAX_FAILURES', 10, 1, 1000),
    sessionIdleMinutes: reader.int('SESSION_IDLE_MINUTES', 15, 1, 15),
    trustProxy: parseTrustProxy(reader),
    sso: {
      google: {
        clientIds: csv(reader.raw('SSO_GOOGLE_CLIENT_IDS')),
        issuers: csv(reader.string('SSO_GOOGLE_ISSUERS', 'https://accounts.google.com,accounts.google.com')),
        jwksUrl: reader.url('SSO_GOOGLE_JWKS_URL', ['http:', 'https:'], 'https://www.googleapis.com/oauth2/v3/certs') as string,
      },
      microsoft: {
        clientIds: csv(reader.raw('SSO_MICROSOFT_CLIENT_IDS')),
        issuer: reader.string('SSO_MICROSOFT_ISSUER', 'https://login.microsoftonline.com/{tenantid}/v2.0'),
        jwksUrl: reader.url(
          'SSO_MICROSOFT_JWKS_URL',
          ['http:', 'https:'],
          'https://login.microsoftonline.com/common/discovery/v2.0/keys',
        ) as string,
      },
    },
    calls: {
      maxConcurrentPerOrg: reader.int('CALLS_MAX_CONCURRENT_PER_ORG', 100, 1, 100000),
      maxConcurrent: reader.int('CALLS_MAX_CONCURRENT', 200, 1, 100000),
    },
    logLevel: reader.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    shutdownTimeoutMs: reader.int('SHUTDOWN_TIMEOUT_MS', 25000, 0, 600000),
  };

  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return new AppConfig(values);
}

/** A log-safe description of the configuration: no secrets, no credentials in URLs. */
export function describeConfig(config: AppConfig): Record<string, unknown> {
  const redactUrl = (url: string | undefined): string | undefined => {
    if (!url) return url;
    try {
      const parsed = new URL(url);
      if (parsed.password) parsed.password = '***';
      return parsed.toString();
    } catch {
      return '***';
    }
  };
  return {
    nodeEnv: config.nodeEnv,
    roles: [...config.roles],
    port: config.port,
    dataDir: config.dataDir,
    database: config.databaseUrl ? redactUrl(config.databaseUrl) : 'embedded (PGlite)',
    redis: config.redisUrl ? redactUrl(config.redisUrl) : 'private redis-server child',
    publicUrl: config.publicUrl,
    mailer: config.smtpUrl ? 'smtp' : 'outbox',
    openai: config.openai.apiKey ? 'enabled' : 'disabled',
    asterisk: config.ari.url ? 'enabled' : 'disabled',
    twilio: config.twilio.accountSid ? 'enabled' : 'disabled',
    stripe: config.stripe.secretKey ? 'enabled' : 'disabled',
    testRoutes: config.enableTestRoutes,
  };
}
