import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config.errors';
import { describeConfig, loadConfig } from './load-config';

describe('loadConfig', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'bianca-config-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('applies the documented defaults when nothing is set', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.nodeEnv).toBe('development');
    expect(config.port).toBe(3000);
    expect(config.host).toBe('0.0.0.0');
    expect([...config.roles]).toEqual(['api', 'worker', 'voice']);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.frontendUrl).toBe('http://localhost:3000');
    expect(config.emailFrom).toBe('Bianca <no-reply@localhost>');
    expect(config.corsOrigins).toEqual(['http://localhost:8081', 'http://localhost:8082', 'http://localhost:3000']);
    expect(config.openai.baseUrl).toBe('https://api.openai.com/v1');
    expect(config.openai.realtimeModel).toBe('gpt-realtime');
    expect(config.ari).toMatchObject({ app: 'bianca', dialTemplate: 'PJSIP/{phone}@trunk' });
    expect(config.rtp).toEqual({ host: '127.0.0.1', portMin: 20000, portMax: 29999 });
    expect(config.enableTestRoutes).toBe(false);
    expect(config.authRateLimitPerMinute).toBe(60);
    expect(config.loginMaxFailures).toBe(10);
    expect(config.calls).toEqual({ maxConcurrentPerOrg: 100, maxConcurrent: 200 });
    expect(config.logLevel).toBe('info');
  });

  it('generates development secrets once into DATA_DIR and reuses them', () => {
    const first = loadConfig({ DATA_DIR: dataDir });
    const file = join(dataDir, 'dev-secrets.json');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(first.encryptionKey).toHaveLength(32);
    const second = loadConfig({ DATA_DIR: dataDir });
    expect(second.jwtSecret).toBe(first.jwtSecret);
    expect(second.encryptionKey.equals(first.encryptionKey)).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain(first.jwtSecret);
  });

  it('prefers configured secrets over generated ones', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const config = loadConfig({ DATA_DIR: dataDir, JWT_SECRET: 'x'.repeat(40), ENCRYPTION_KEY: key });
    expect(config.jwtSecret).toBe('x'.repeat(40));
    expect(config.encryptionKey.toString('base64')).toBe(key);
    expect(existsSync(join(dataDir, 'dev-secrets.json'))).toBe(false);
  });

  it('refuses production without real secrets and servers, naming each missing one', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir })).toThrow(
      /production requires JWT_SECRET, ENCRYPTION_KEY, DATABASE_URL, REDIS_URL to be set/,
    );
    expect(existsSync(join(dataDir, 'dev-secrets.json'))).toBe(false);
  });

  it('accepts a complete production configuration', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      JWT_SECRET: 'p'.repeat(48),
      ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
      DATABASE_URL: 'postgres://app:secret@db:5432/bianca',
      REDIS_URL: 'redis://redis:6379',
      AUDIT_SIGNING_KEY: Buffer.alloc(32, 2).toString('base64'),
    });
    expect(config.isProduction).toBe(true);
    expect(describeConfig(config).database).toBe('postgres://app:***@db:5432/bianca');
    expect(JSON.stringify(describeConfig(config))).not.toContain('secret');
  });

  it('refuses test routes in production', () => {
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        DATA_DIR: dataDir,
        JWT_SECRET: 'p'.repeat(48),
        ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
        DATABASE_URL: 'postgres://db/bianca',
        REDIS_URL: 'redis://redis:6379',
        ENABLE_TEST_ROUTES: 'true',
      }),
    ).toThrow(/ENABLE_TEST_ROUTES=true is refused in production/);
  });

  it('reports every invalid value at once', () => {
    let error: unknown;
    try {
      loadConfig({
        DATA_DIR: dataDir,
        PORT: 'eighty',
        ROLES: 'api,cook',
        NODE_ENV: 'staging',
        DATABASE_URL: 'mysql://x',
        ENCRYPTION_KEY: 'c2hvcnQ=',
        RTP_PORT_MIN: '30000',
        RTP_PORT_MAX: '20000',
        LOG_LEVEL: 'loud',
        ENABLE_TEST_ROUTES: 'maybe',
        BOOTSTRAP_SUPERADMIN_EMAIL: 'root@example.org',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('PORT must be an integer between 0 and 65535 (got "eighty")');
    expect(problems).toContain('ROLES must be a comma-separated subset of api,worker,voice');
    expect(problems).toContain('NODE_ENV must be one of development, test, production');
    expect(problems).toContain('DATABASE_URL must use postgres: or postgresql:');
    expect(problems).toContain('ENCRYPTION_KEY must be 32 bytes encoded as base64');
    expect(problems).toContain('RTP_PORT_MIN must not be greater than RTP_PORT_MAX');
    expect(problems).toContain('LOG_LEVEL must be one of');
    expect(problems).toContain('ENABLE_TEST_ROUTES must be true or false');
    expect(problems).toContain('BOOTSTRAP_SUPERADMIN_EMAIL and BOOTSTRAP_SUPERADMIN_PASSWORD must be set together');
  });

  it('parses a subset of roles for scaled-out processes', () => {
    const config = loadConfig({ DATA_DIR: dataDir, ROLES: ' worker , voice ' });
    expect(config.hasRole('api')).toBe(false);
    expect(config.hasRole('worker')).toBe(true);
    expect(config.hasRole('voice')).toBe(true);
  });

  it('derives FRONTEND_URL from PUBLIC_URL and trims trailing slashes', () => {
    const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'https://api.example.org/' });
    expect(config.publicUrl).toBe('https://api.example.org');
    expect(config.frontendUrl).toBe('https://api.example.org');
  });

  it('is frozen', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(Object.isFrozen(config)).toBe(true);
  });
});
