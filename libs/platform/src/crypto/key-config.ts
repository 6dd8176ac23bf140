import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

/**
 * Parsing of the key material the configuration carries (ENCRYPTION_KEY_ID,
 * ENCRYPTION_KEYS_PREVIOUS, AUDIT_SIGNING_KEY). Pure functions: `loadConfig` collects their
 * problems with the rest of the environment's. Problems never echo a key.
 */

/** One version of the field-encryption master key. The id is stored in every ciphertext. */
export interface EncryptionKeyVersion {
  id: string;
  key: Buffer;
}

export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Default key id: a short fingerprint, so rotating ENCRYPTION_KEY without naming the new key still
 * yields a new id (a constant default would make old ciphertexts point at the wrong key). A
 * truncated domain-separated SHA-256 of a 256-bit key reveals nothing usable about the key.
 */
export function keyFingerprintId(key: Buffer): string {
  return `k${createHash('sha256').update('bianca/key-id/v1\0').update(key).digest('base64url').slice(0, 10)}`;
}

function decodeKey(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return undefined;
  const key = Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
  return key.length === 32 ? key : undefined;
}

/**
 * `ENCRYPTION_KEYS_PREVIOUS`: comma-separated `keyId:base64key` (or a bare `base64key`, whose id
 * is its fingerprint). Keys only used to decrypt values written before a rotation.
 */
export function parsePreviousKeys(text: string | undefined, currentId: string): { keys: EncryptionKeyVersion[]; problems: string[] } {
  const keys: EncryptionKeyVersion[] = [];
  const problems: string[] = [];
  const entries = (text ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':');
    const key = decodeKey(colon >= 0 ? entry.slice(colon + 1) : entry);
    if (!key) {
      problems.push(`ENCRYPTION_KEYS_PREVIOUS entry ${index + 1} must be keyId:base64key with a 32-byte key`);
      return;
    }
    const id = colon >= 0 ? entry.slice(0, colon) : keyFingerprintId(key);
    if (!KEY_ID_PATTERN.test(id)) {
      problems.push(`ENCRYPTION_KEYS_PREVIOUS entry ${index + 1} has an invalid key id (use letters, digits, _ or -, up to 32)`);
    } else if (id === currentId || keys.some((k) => k.id === id)) {
      problems.push(`ENCRYPTION_KEYS_PREVIOUS key id "${id}" is used twice (ids must be unique across all keys)`);
    } else {
      keys.push({ id, key });
    }
  });
  return { keys, problems };
}

/** PKCS8 DER prefix of an Ed25519 private key; followed by the 32-byte seed (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** An Ed25519 private key from its 32-byte seed. */
export function ed25519FromSeed(seed: Buffer): KeyObject {
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/**
 * `AUDIT_SIGNING_KEY`: an Ed25519 private key as PKCS8 PEM (literal `\n` accepted, for .env
 * files), base64 PKCS8 DER, or a base64 32-byte seed. Returns undefined when it is not one.
 */
export function parseEd25519PrivateKey(text: string): KeyObject | undefined {
  try {
    const pem = text.replace(/\\n/g, '\n');
    let key: KeyObject;
    if (pem.includes('-----BEGIN')) {
      key = createPrivateKey({ key: pem, format: 'pem' });
    } else {
      const der = Buffer.from(text, 'base64');
      key = der.length === 32 ? ed25519FromSeed(der) : createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    }
    return key.asymmetricKeyType === 'ed25519' ? key : undefined;
  } catch {
    return undefined;
  }
}

/** The raw 32-byte Ed25519 public key of a private key (what checkpoint verifiers pin). */
export function ed25519PublicKeyBytes(privateOrPublic: KeyObject): Buffer {
  const publicKey = privateOrPublic.type === 'public' ? privateOrPublic : createPublicKey(privateOrPublic);
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return spki.subarray(spki.length - 32);
}
