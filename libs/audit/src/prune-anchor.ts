import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { noteKeyHash } from './checkpoint-note';

/**
 * The signed statement of a retention prune (security.md L6, Crosby & Wallach's agreed deletion):
 * "entries 1..through_seq were pruned; the chain hash there is R (committed by the batch's signed
 * checkpoint); the previous prune ended at P; every pruned entry occurred before `cutoff`". It is a
 * signed note (same key and key hash as the checkpoints) with its own first line, so it can never
 * be mistaken for a checkpoint and vice versa:
 *
 *   bianca-audit-prune/v1\n<origin>\n<through seq>\n<prev through seq>\n<batch id>\n<base64 chain hash>\n<cutoff ISO>\n
 *   \n— <origin> <base64(key hash[4] ‖ Ed25519 signature)>\n
 *
 * Without the signing key, a database superuser cannot turn a deletion into a legitimate prune.
 */
export interface PruneStatement {
  origin: string;
  throughSeq: number;
  prevThroughSeq: number;
  batchId: number;
  chainHash: string;
  cutoff: Date;
}

const HEADER = 'bianca-audit-prune/v1';
const SIGNATURE_PREFIX = '\u2014 ';

function body(s: PruneStatement): string {
  const root = Buffer.from(s.chainHash, 'hex').toString('base64');
  return `${HEADER}\n${s.origin}\n${s.throughSeq}\n${s.prevThroughSeq}\n${s.batchId}\n${root}\n${s.cutoff.toISOString()}\n`;
}

export function signPruneStatement(statement: PruneStatement, privateKey: KeyObject): string {
  const text = body(statement);
  const signature = sign(null, Buffer.from(text, 'utf8'), privateKey);
  const blob = Buffer.concat([noteKeyHash(statement.origin, createPublicKey(privateKey)), signature]).toString('base64');
  return `${text}\n${SIGNATURE_PREFIX}${statement.origin} ${blob}\n`;
}

/** True when `note` is exactly the statement (same fields) signed by one of the trusted keys. */
export function verifyPruneStatement(note: string, statement: PruneStatement, trustedKeys: readonly KeyObject[]): boolean {
  const text = body(statement);
  const prefix = `${text}\n${SIGNATURE_PREFIX}${statement.origin} `;
  if (!note.startsWith(prefix) || !note.endsWith('\n')) return false;
  const encoded = note.slice(prefix.length, -1);
  const blob = Buffer.from(encoded, 'base64');
  if (blob.length !== 68 || blob.toString('base64') !== encoded) return false;
  return trustedKeys.some(
    (key) =>
      blob.subarray(0, 4).equals(noteKeyHash(statement.origin, key)) && verify(null, Buffer.from(text, 'utf8'), key, blob.subarray(4)),
  );
}
