import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { ed25519PublicKeyBytes } from '@app/platform';

/**
 * Checkpoints as C2SP signed notes (tlog-checkpoint + signed-note), so standard tooling and
 * witnesses can read them:
 *
 *   <origin>\n<tree size>\n<base64 root>\n\n— <origin> <base64(key hash[4] ‖ Ed25519 signature)>\n
 *
 * The key hash is SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key)[:4] (signed-note, Ed25519 type 0x01).
 */
export interface Checkpoint {
  origin: string;
  treeSize: number;
  root: Buffer;
}

export type CheckpointProblem = 'malformed' | 'wrong_origin' | 'unknown_key' | 'bad_signature';

const SIGNATURE_PREFIX = '\u2014 ';

/** Base64 that re-encodes to itself: Node's decoder ignores stray characters and padding bits. */
function strictBase64(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64');
  return bytes.length > 0 && bytes.toString('base64') === text ? bytes : undefined;
}

export function checkpointBody(checkpoint: Checkpoint): string {
  return `${checkpoint.origin}\n${checkpoint.treeSize}\n${checkpoint.root.toString('base64')}\n`;
}

export function noteKeyHash(name: string, publicKey: KeyObject): Buffer {
  return createHash('sha256')
    .update(`${name}\n`)
    .update(Buffer.from([0x01]))
    .update(ed25519PublicKeyBytes(publicKey))
    .digest()
    .subarray(0, 4);
}

export function signCheckpoint(checkpoint: Checkpoint, privateKey: KeyObject): string {
  const body = checkpointBody(checkpoint);
  const signature = sign(null, Buffer.from(body, 'utf8'), privateKey);
  const publicKey = createPublicKey(privateKey);
  const blob = Buffer.concat([noteKeyHash(checkpoint.origin, publicKey), signature]).toString('base64');
  return `${body}\n${SIGNATURE_PREFIX}${checkpoint.origin} ${blob}\n`;
}

/** Parses the note body; no signature check (see openCheckpoint). */
export function parseCheckpoint(note: string): Checkpoint | undefined {
  const split = note.indexOf('\n\n');
  if (split < 0) return undefined;
  const lines = note.slice(0, split).split('\n');
  if (lines.length < 3 || !/^(0|[1-9]\d{0,15})$/.test(lines[1] ?? '')) return undefined;
  const root = strictBase64(lines[2] ?? '');
  if (root?.length !== 32) return undefined;
  return { origin: lines[0], treeSize: Number(lines[1]), root };
}

/**
 * Verifies a note's signature by one of the trusted keys (name = origin) and returns its
 * checkpoint; a problem code otherwise. Extra signatures (e.g. witness cosignatures) are ignored.
 */
export function openCheckpoint(
  note: string,
  origin: string,
  trustedKeys: readonly KeyObject[],
): { checkpoint: Checkpoint; problem?: undefined } | { checkpoint?: undefined; problem: CheckpointProblem } {
  const checkpoint = parseCheckpoint(note);
  if (!checkpoint) return { problem: 'malformed' };
  if (checkpoint.origin !== origin) return { problem: 'wrong_origin' };
  const body = Buffer.from(note.slice(0, note.indexOf('\n\n') + 1), 'utf8');
  const signatureLines = note.slice(note.indexOf('\n\n') + 2);
  if (!signatureLines.endsWith('\n')) return { problem: 'malformed' };
  const signatures = signatureLines
    .slice(0, -1)
    .split('\n')
    .filter((line) => line.startsWith(`${SIGNATURE_PREFIX}${origin} `))
    .map((line) => strictBase64(line.slice(SIGNATURE_PREFIX.length + origin.length + 1)))
    .filter((blob): blob is Buffer => blob !== undefined);
  let known = false;
  for (const key of trustedKeys) {
    const keyHash = noteKeyHash(origin, key);
    for (const blob of signatures) {
      if (blob.length !== 68 || !blob.subarray(0, 4).equals(keyHash)) continue;
      known = true;
      if (verify(null, body, key, blob.subarray(4))) return { checkpoint };
    }
  }
  return { problem: known ? 'bad_signature' : 'unknown_key' };
}
