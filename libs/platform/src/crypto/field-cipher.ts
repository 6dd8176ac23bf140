import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../errors/domain-error';
import type { EncryptionKeyVersion } from './key-config';

/**
 * Application-level encryption of PHI columns (security.md D1–D3).
 *
 * Value format: `v1:<keyId>:<nonce>:<ciphertext>:<tag>` (base64url parts): AES-256-GCM with a
 * random 96-bit nonce and a 128-bit tag. The AAD binds the value to its table, column, row, org
 * and key id, so a ciphertext copied to another row, column or org fails authentication instead
 * of decrypting as someone else's data.
 *
 * One master key per version (ENCRYPTION_KEY, plus ENCRYPTION_KEYS_PREVIOUS during a rotation)
 * yields two independent sub-keys through HKDF-SHA256: one for encryption, one root for blind
 * indexes (whose keys are further derived per org and purpose). Random nonces bound a key to
 * about 2^32 encryptions (NIST SP 800-38D); rotate well before 2^30.
 */
export interface CipherContext {
  table: string;
  column: string;
  /** The row's id; generate it before the insert so the value can be bound to it. */
  rowId: string;
  orgId: string | null;
}

export type FieldDecryptionFailure = 'malformed' | 'unknown_key' | 'authentication_failed';

/** A stored value does not decrypt under its context. Message and body carry no PHI. */
export class FieldDecryptionError extends DomainError {
  constructor(
    readonly reason: FieldDecryptionFailure,
    readonly table: string,
    readonly column: string,
  ) {
    super(500, 'FieldDecryptionFailed', 'Stored data could not be decrypted');
  }
}

/** A programming error: an encryption context or blind-index purpose that is not an identifier. */
export class CipherUsageError extends DomainError {
  constructor(message: string) {
    super(500, 'CipherUsage', message);
  }
}

interface KeyMaterial {
  id: string;
  encryptionKey: Buffer;
  indexRoot: Buffer;
}

const FORMAT = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const IDENTIFIER = /^[A-Za-z0-9_.:-]{1,128}$/;
const PURPOSE = /^[a-z0-9_.:-]{1,64}$/;
const HKDF_SALT = Buffer.from('bianca/field-cipher/v1');

function derive(master: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, HKDF_SALT, info, 32));
}

function keyMaterial(version: EncryptionKeyVersion): KeyMaterial {
  return {
    id: version.id,
    encryptionKey: derive(version.key, 'encryption'),
    indexRoot: derive(version.key, 'blind-index'),
  };
}

/** JSON array: unambiguous (no separator injection) and stable. */
function aad(ctx: CipherContext, keyId: string): Buffer {
  return Buffer.from(JSON.stringify(['bianca-field', FORMAT, ctx.table, ctx.column, ctx.rowId, ctx.orgId, keyId]));
}

function checkContext(ctx: CipherContext): void {
  for (const name of ['table', 'column', 'rowId'] as const) {
    if (typeof ctx[name] !== 'string' || !IDENTIFIER.test(ctx[name])) {
      throw new CipherUsageError(`cipher context ${name} must be an identifier`);
    }
  }
  if (ctx.orgId !== null && (typeof ctx.orgId !== 'string' || !IDENTIFIER.test(ctx.orgId))) {
    throw new CipherUsageError('cipher context orgId must be an identifier or null');
  }
}

@Injectable()
export class FieldCipher {
  private readonly current: KeyMaterial;
  private readonly keys = new Map<string, KeyMaterial>();
  /** Derived blind-index keys by key id, purpose and org (HKDF per call would cost ~10 µs). */
  private readonly indexKeys = new Map<string, Buffer>();

  constructor(@Inject(AppConfig) config: Pick<AppConfig, 'encryptionKey' | 'encryptionKeyId' | 'previousEncryptionKeys'>) {
    this.current = keyMaterial({ id: config.encryptionKeyId, key: config.encryptionKey });
    this.keys.set(this.current.id, this.current);
    for (const previous of config.previousEncryptionKeys) this.keys.set(previous.id, keyMaterial(previous));
  }

  /** The id new values are written with. */
  get currentKeyId(): string {
    return this.current.id;
  }

  encrypt(plaintext: string, ctx: CipherContext): string {
    checkContext(ctx);
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.encryptionKey, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(ctx, this.current.id));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [nonce, ciphertext, cipher.getAuthTag()].map((b) => b.toString('base64url'));
    return `${FORMAT}:${this.current.id}:${parts.join(':')}`;
  }

  decrypt(value: string, ctx: CipherContext): string {
    checkContext(ctx);
    const fail = (reason: FieldDecryptionFailure): FieldDecryptionError => new FieldDecryptionError(reason, ctx.table, ctx.column);
    const parts = typeof value === 'string' ? value.split(':') : [];
    if (parts.length !== 5 || parts[0] !== FORMAT) throw fail('malformed');
    const [, keyId, nonceText, ciphertextText, tagText] = parts as [string, string, string, string, string];
    const key = this.keys.get(keyId);
    if (!key) throw fail('unknown_key');
    const nonce = Buffer.from(nonceText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    if (nonce.length !== NONCE_BYTES || tag.length !== TAG_BYTES) throw fail('malformed');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.encryptionKey, nonce, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(ctx, keyId));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(ciphertextText, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw fail('authentication_failed');
    }
  }

  encryptNullable(plaintext: string | null | undefined, ctx: CipherContext): string | null {
    return plaintext === null || plaintext === undefined ? null : this.encrypt(plaintext, ctx);
  }

  decryptNullable(value: string | null | undefined, ctx: CipherContext): string | null {
    return value === null || value === undefined ? null : this.decrypt(value, ctx);
  }

  /** For structured PHI (e.g. a medication list): JSON inside the same envelope. */
  encryptJson(value: unknown, ctx: CipherContext): string {
    return this.encrypt(JSON.stringify(value), ctx);
  }

  decryptJson<T>(value: string, ctx: CipherContext): T {
    return JSON.parse(this.decrypt(value, ctx)) as T;
  }

  /** The key id a stored value names (undefined when it is not one of our values). */
  keyIdOf(value: string): string | undefined {
    const parts = value.split(':');
    return parts.length === 5 && parts[0] === FORMAT ? parts[1] : undefined;
  }

  /** True when the value is already under the current key: the re-encryption job skips it. */
  isCurrent(value: string): boolean {
    return this.keyIdOf(value) === this.current.id;
  }

  /** Rotation: the same plaintext under the current key (idempotent for current values). */
  reencrypt(value: string, ctx: CipherContext): string {
    return this.isCurrent(value) ? value : this.encrypt(this.decrypt(value, ctx), ctx);
  }

  /**
   * Exact-match search token: HMAC-SHA256 (hex) under a key derived from the current master key,
   * the purpose (e.g. `patient.phone`) and the org, so equal values in two orgs differ. Callers
   * normalise first (`normalizeEmail`, `normalizePhoneE164`). Leaks equality only (see D3).
   */
  blindIndex(purpose: string, value: string, orgId: string | null): string {
    return this.indexWith(this.current, purpose, value, orgId);
  }

  /**
   * The value's index under every configured key, current first. During a key rotation, query
   * with `IN (...)` so rows not yet re-indexed are still found (no search gap).
   */
  blindIndexes(purpose: string, value: string, orgId: string | null): string[] {
    return [...this.keys.values()].map((key) => this.indexWith(key, purpose, value, orgId));
  }

  private indexWith(key: KeyMaterial, purpose: string, value: string, orgId: string | null): string {
    if (!PURPOSE.test(purpose)) throw new CipherUsageError('blind index purpose must be a short code');
    if (orgId !== null && !IDENTIFIER.test(orgId)) throw new CipherUsageError('blind index orgId must be an identifier or null');
    const cacheKey = `${key.id}\0${purpose}\0${orgId ?? ''}`;
    let indexKey = this.indexKeys.get(cacheKey);
    if (!indexKey) {
      if (this.indexKeys.size >= 10_000) this.indexKeys.clear();
      indexKey = Buffer.from(hkdfSync('sha256', key.indexRoot, HKDF_SALT, `blind-index\0${purpose}\0${orgId ?? '*'}`, 32));
      this.indexKeys.set(cacheKey, indexKey);
    }
    return createHmac('sha256', indexKey).update(value, 'utf8').digest('hex');
  }
}
