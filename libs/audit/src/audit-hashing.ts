import { createHash } from 'node:crypto';

/**
 * The hashing of the tamper-evident log, pure and deterministic so the sealer and the verifier
 * cannot drift apart.
 *
 * - entry leaf  = SHA-256(0x00 ‖ JCS(entry))          RFC 6962 leaf hash, RFC 8785 canonical JSON
 * - batch root  = MTH(leaves of the batch, in seq order)  RFC 6962 Merkle tree hash (0x01 nodes)
 * - chain link  = SHA-256(0x02 ‖ prev ‖ u64 first ‖ u64 last ‖ root)   binds each batch to all before
 *
 * The checkpoint root of tree size N is the chain link of the batch ending at seq N.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export const GENESIS_CHAIN_HASH = '0'.repeat(64);

/**
 * RFC 8785 (JCS): keys sorted by UTF-16 code units (JavaScript's default sort), no whitespace,
 * ECMAScript number and string serialisation (what JSON.stringify does for primitives).
 */
export function canonicalJson(value: Json): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('JCS cannot encode a non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
}

function sha256(...parts: Buffer[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

const LEAF = Buffer.from([0x00]);
const NODE = Buffer.from([0x01]);
const CHAIN = Buffer.from([0x02]);

export function leafHash(entry: Json): Buffer {
  return sha256(LEAF, Buffer.from(canonicalJson(entry), 'utf8'));
}

/** RFC 6962 §2.1 MTH: split at the largest power of two smaller than n. */
export function merkleRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha256(NODE, merkleRoot(leaves.slice(0, k)), merkleRoot(leaves.slice(k)));
}

function u64(value: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64BE(BigInt(value));
  return buffer;
}

export function chainHash(previous: Buffer, firstSeq: number, lastSeq: number, batchRoot: Buffer): Buffer {
  return sha256(CHAIN, previous, u64(firstSeq), u64(lastSeq), batchRoot);
}
