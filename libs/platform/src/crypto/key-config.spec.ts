import { createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config/config.errors';
import { describeConfig, loadConfig } from '../config/load-config';
import { ed25519PublicKeyBytes, keyFingerprintId, parseEd25519PrivateKey } from './key-config';

describe('key configuration', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'bianca-keys-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const encryptionKey = randomBytes(32);
  const base = (): Record<string, string> => ({
    DATA_DIR: dataDir,
    ENCRYPTION_KEY: encryptionKey.toString('base64'),
    JWT_SECRET: 'j'.repeat(40),
  });
  const problemsOf = (env: Record<string, string>): string => {
    try {
      loadConfig(env);
    } catch (err) {
      if (err instanceof ConfigError) return err.problems.join('\n');
      throw err;
    }
    return '';
  };

  it('names the current key by its fingerprint unless ENCRYPTION_KEY_ID is set', () => {
    expect(loadConfig(base()).encryptionKeyId).toBe(keyFingerprintId(encryptionKey));
    expect(loadConfig({ ...base(), ENCRYPTION_KEY_ID: 'k2026' }).encryptionKeyId).toBe('k2026');
    expect(problemsOf({ ...base(), ENCRYPTION_KEY_ID: 'bad id!' })).toContain('ENCRYPTION_KEY_ID must be');
  });

  it('parses ENCRYPTION_KEYS_PREVIOUS and reports bad entries without echoing keys', () => {
    const old = randomBytes(32).toString('base64');
    const config = loadConfig({ ...base(), ENCRYPTION_KEY_ID: 'k2', ENCRYPTION_KEYS_PREVIOUS: `k1:${old}` });
    expect(config.previousEncryptionKeys.map((k) => [k.id, k.key.toString('base64')])).toEqual([['k1', old]]);
    const problems = problemsOf({ ...base(), ENCRYPTION_KEY_ID: 'k2', ENCRYPTION_KEYS_PREVIOUS: `k2:${old},k3:c2hvcnQ=` });
    expect(problems).toContain('"k2" is used twice');
    expect(problems).toContain('entry 2 must be keyId:base64key');
    expect(problems).not.toContain(old);
  });

  it('accepts AUDIT_SIGNING_KEY as PKCS8 PEM (also with literal \\n), base64 DER or a base64 seed', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    const expected = ed25519PublicKeyBytes(privateKey);
    for (const text of [pem, pem.replace(/\n/g, '\\n'), der.toString('base64'), der.subarray(16).toString('base64')]) {
      const config = loadConfig({ ...base(), AUDIT_SIGNING_KEY: text });
      expect(ed25519PublicKeyBytes(config.audit.signingKey).equals(expected)).toBe(true);
    }
    expect(
      parseEd25519PrivateKey(
        generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      ),
    ).toBeUndefined();
    expect(problemsOf({ ...base(), AUDIT_SIGNING_KEY: 'not a key' })).toContain('AUDIT_SIGNING_KEY must be an Ed25519 private key');
  });

  it('derives a stable development signing key from the encryption key, and a different one per key', () => {
    const a = loadConfig(base()).audit.signingKey;
    const b = loadConfig(base()).audit.signingKey;
    expect(ed25519PublicKeyBytes(a).equals(ed25519PublicKeyBytes(b))).toBe(true);
    const other = loadConfig({ ...base(), ENCRYPTION_KEY: randomBytes(32).toString('base64') }).audit.signingKey;
    expect(ed25519PublicKeyBytes(other).equals(ed25519PublicKeyBytes(a))).toBe(false);
    const signature = sign(null, Buffer.from('checkpoint'), a);
    expect(verify(null, Buffer.from('checkpoint'), createPublicKey(a), signature)).toBe(true);
  });

  it('refuses production without AUDIT_SIGNING_KEY and never describes key material', () => {
    const production = { ...base(), NODE_ENV: 'production', DATABASE_URL: 'postgres://db/bianca', REDIS_URL: 'redis://r:6379' };
    expect(problemsOf(production)).toContain('production requires AUDIT_SIGNING_KEY');
    const config = loadConfig({ ...production, AUDIT_SIGNING_KEY: randomBytes(32).toString('base64') });
    expect(config.audit).toMatchObject({
      origin: 'localhost:3000/bianca-audit',
      checkpointDir: join(dataDir, 'audit-checkpoints'),
      sealIntervalMs: 5000,
    });
    expect(JSON.stringify(describeConfig(config))).not.toMatch(/BEGIN|PRIVATE/);
  });

  it('validates the audit origin and seal interval', () => {
    const problems = problemsOf({ ...base(), AUDIT_ORIGIN: 'has space', AUDIT_SEAL_INTERVAL_MS: '-1' });
    expect(problems).toContain('AUDIT_ORIGIN must be');
    expect(problems).toContain('AUDIT_SEAL_INTERVAL_MS must be an integer');
    expect(loadConfig({ ...base(), AUDIT_ORIGIN: 'example.org/log', AUDIT_CHECKPOINT_DIR: '/var/audit' }).audit).toMatchObject({
      origin: 'example.org/log',
      checkpointDir: '/var/audit',
    });
  });
});
