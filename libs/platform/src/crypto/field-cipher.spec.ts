import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { ValidationError } from '../errors/domain-error';
import { FieldCipher, FieldDecryptionError, type CipherContext } from './field-cipher';
import { keyFingerprintId, parsePreviousKeys } from './key-config';
import { normalizeEmail, normalizeName, normalizePhoneE164 } from './normalize';

function cipherWith(current: Buffer, previous: Array<{ id: string; key: Buffer }> = [], id = keyFingerprintId(current)): FieldCipher {
  return new FieldCipher({ encryptionKey: current, encryptionKeyId: id, previousEncryptionKeys: previous });
}

function context(overrides: Partial<CipherContext> = {}): CipherContext {
  return { table: 'patients', column: 'phone', rowId: randomUUID(), orgId: randomUUID(), ...overrides };
}

/** Flips one bit of one base64url part of the envelope (index 2 nonce, 3 ciphertext, 4 tag). */
function flipBit(value: string, part: number, bit: number): string {
  const parts = value.split(':');
  const bytes = Buffer.from(parts[part], 'base64url');
  bytes[Math.floor(bit / 8) % bytes.length] ^= 1 << (bit % 8);
  parts[part] = bytes.toString('base64url');
  return parts.join(':');
}

describe('FieldCipher', () => {
  const key = randomBytes(32);
  const cipher = cipherWith(key);

  it('round-trips text, including empty and non-ASCII values', () => {
    const ctx = context();
    for (const plaintext of ['+15551234567', '', 'Zoë Ångström 🌷', 'x'.repeat(10_000)]) {
      expect(cipher.decrypt(cipher.encrypt(plaintext, ctx), ctx)).toBe(plaintext);
    }
  });

  it('writes the versioned envelope v1:<keyId>:<nonce>:<ct>:<tag> with a fresh 96-bit nonce', () => {
    const ctx = context();
    const a = cipher.encrypt('same', ctx);
    const b = cipher.encrypt('same', ctx);
    const [version, keyId, nonce, , tag] = a.split(':');
    expect(version).toBe('v1');
    expect(keyId).toBe(cipher.currentKeyId);
    expect(Buffer.from(nonce, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag, 'base64url')).toHaveLength(16);
    expect(a).not.toBe(b);
    expect(a).not.toContain('same');
  });

  it.each([
    ['row', { rowId: randomUUID() }],
    ['org', { orgId: randomUUID() }],
    ['no org', { orgId: null }],
    ['column', { column: 'name' }],
    ['table', { table: 'caregivers' }],
  ])('refuses a value copied to another %s (AAD mismatch)', (_name, change) => {
    const ctx = context();
    const value = cipher.encrypt('+15551234567', ctx);
    const error = captureError(() => cipher.decrypt(value, { ...ctx, ...change }));
    expect(error).toBeInstanceOf(FieldDecryptionError);
    expect((error as FieldDecryptionError).reason).toBe('authentication_failed');
    expect((error as FieldDecryptionError).status).toBe(500);
    expect((error as Error).message).not.toContain('+1555');
  });

  it('refuses a value whose key id was rewritten to another configured key', () => {
    const old = { id: 'old', key: randomBytes(32) };
    const rotated = cipherWith(randomBytes(32), [old]);
    const ctx = context();
    const value = rotated.encrypt('secret', ctx).replace(`:${rotated.currentKeyId}:`, ':old:');
    expect(() => rotated.decrypt(value, ctx)).toThrow(FieldDecryptionError);
  });

  it('detects one flipped bit anywhere in nonce, ciphertext or tag', () => {
    const ctx = context();
    const value = cipher.encrypt('medication list', ctx);
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 4 }), fc.nat(127), (part, bit) => {
        expect(() => cipher.decrypt(flipBit(value, part, bit), ctx)).toThrow(FieldDecryptionError);
      }),
      { numRuns: 200 },
    );
  });

  it('decrypts exactly under the context it was written with (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.uuid(), fc.uuid(), (plaintext, rowA, rowB) => {
        const ctx = context({ rowId: rowA });
        const value = cipher.encrypt(plaintext, ctx);
        expect(cipher.decrypt(value, ctx)).toBe(plaintext);
        if (rowA !== rowB) expect(() => cipher.decrypt(value, { ...ctx, rowId: rowB })).toThrow(FieldDecryptionError);
      }),
      { numRuns: 100 },
    );
  });

  it.each([
    ['garbage', 'not-a-ciphertext', 'malformed'],
    ['wrong version', 'v9:k:AAAA:AAAA:AAAA', 'malformed'],
    ['unknown key id', 'v1:nokey:AAAAAAAAAAAAAAAA:AAAA:AAAAAAAAAAAAAAAAAAAAAA', 'unknown_key'],
    ['short nonce', `v1:${keyFingerprintId(key)}:AAAA:AAAA:AAAAAAAAAAAAAAAAAAAAAA`, 'malformed'],
  ])('throws FieldDecryptionError (%s), never a raw crypto error', (_name, value, reason) => {
    const error = captureError(() => cipher.decrypt(value, context()));
    expect(error).toBeInstanceOf(FieldDecryptionError);
    expect((error as FieldDecryptionError).reason).toBe(reason);
  });

  it('a different master key cannot decrypt', () => {
    const ctx = context();
    const value = cipher.encrypt('x', ctx);
    const other = cipherWith(randomBytes(32), [], cipher.currentKeyId);
    expect(() => other.decrypt(value, ctx)).toThrow(FieldDecryptionError);
  });

  describe('rotation', () => {
    const oldKey = randomBytes(32);
    const before = cipherWith(oldKey, [], 'k2024');
    const after = cipherWith(randomBytes(32), [{ id: 'k2024', key: oldKey }], 'k2025');

    it('decrypts values written under a previous key and re-encrypts them under the current one', () => {
      const ctx = context();
      const old = before.encrypt('+15550001111', ctx);
      expect(after.decrypt(old, ctx)).toBe('+15550001111');
      expect(after.isCurrent(old)).toBe(false);
      const rewrapped = after.reencrypt(old, ctx);
      expect(after.keyIdOf(rewrapped)).toBe('k2025');
      expect(after.decrypt(rewrapped, ctx)).toBe('+15550001111');
      expect(after.reencrypt(rewrapped, ctx)).toBe(rewrapped);
      expect(() => before.decrypt(rewrapped, ctx)).toThrow(FieldDecryptionError);
    });

    it('offers the blind index under every key so searches have no gap while re-indexing', () => {
      const orgId = randomUUID();
      const indexes = after.blindIndexes('patient.phone', '+15550001111', orgId);
      expect(indexes).toEqual([
        after.blindIndex('patient.phone', '+15550001111', orgId),
        before.blindIndex('patient.phone', '+15550001111', orgId),
      ]);
    });

    it('parses ENCRYPTION_KEYS_PREVIOUS with ids, bare keys and problems', () => {
      const a = randomBytes(32);
      const b = randomBytes(32);
      const parsed = parsePreviousKeys(`old1:${a.toString('base64')}, ${b.toString('base64')}`, 'current');
      expect(parsed.problems).toEqual([]);
      expect(parsed.keys.map((k) => k.id)).toEqual(['old1', keyFingerprintId(b)]);
      expect(parsePreviousKeys('current:' + a.toString('base64'), 'current').problems[0]).toContain('used twice');
      const bad = parsePreviousKeys('x:c2hvcnQ=', 'current').problems[0];
      expect(bad).toContain('entry 1');
      expect(bad).not.toContain('c2hvcnQ');
    });
  });

  describe('blind index', () => {
    it('is stable, hex, per org and per purpose, and differs from an unkeyed hash', () => {
      const orgA = randomUUID();
      const orgB = randomUUID();
      const value = normalizePhoneE164('(555) 123-4567');
      const a = cipher.blindIndex('patient.phone', value, orgA);
      expect(a).toMatch(/^[0-9a-f]{64}$/);
      expect(cipher.blindIndex('patient.phone', value, orgA)).toBe(a);
      expect(cipher.blindIndex('patient.phone', value, orgB)).not.toBe(a);
      expect(cipher.blindIndex('patient.phone', value, null)).not.toBe(a);
      expect(cipher.blindIndex('caregiver.phone', value, orgA)).not.toBe(a);
      expect(cipherWith(randomBytes(32)).blindIndex('patient.phone', value, orgA)).not.toBe(a);
    });

    it('is stable under formatting variants once normalised (property)', () => {
      const orgId = randomUUID();
      const variants = ['+1 555 123 4567', '(555) 123-4567', '555.123.4567', '1-555-123-4567', '0015551234567'];
      const indexes = new Set(variants.map((v) => cipher.blindIndex('patient.phone', normalizePhoneE164(v), orgId)));
      expect(indexes.size).toBe(1);
      const emails = ['  Jane.Doe@Example.ORG', 'jane.doe@example.org'];
      expect(new Set(emails.map((e) => cipher.blindIndex('user.email', normalizeEmail(e), null))).size).toBe(1);
    });

    it('rejects a purpose that is not a short code', () => {
      expect(() => cipher.blindIndex('Patient Phone', 'x', null)).toThrow(/purpose/);
    });
  });
});

describe('normalisers', () => {
  it('normalise phone numbers to E.164 and are idempotent (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[2-9]\d{9}$/), (national) => {
        const once = normalizePhoneE164(national);
        expect(once).toBe(`+1${national}`);
        expect(normalizePhoneE164(once)).toBe(once);
      }),
    );
    expect(normalizePhoneE164('07911 123456', '44')).toBe('+447911123456');
  });

  it.each(['', 'abc', '+0123', '98', '+9876543210987654'])('rejects %p with a 400 that does not echo it', (input) => {
    const error = captureError(() => normalizePhoneE164(input));
    expect(error).toBeInstanceOf(ValidationError);
    if (input) expect((error as Error).message).not.toContain(input);
  });

  it('normalise e-mails and names idempotently', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(normalizeEmail(normalizeEmail(s))).toBe(normalizeEmail(s));
        expect(normalizeName(normalizeName(s))).toBe(normalizeName(s));
      }),
    );
    expect(normalizeName('  Mary   ANN  ')).toBe('mary ann');
  });
});

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}
