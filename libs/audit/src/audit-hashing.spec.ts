import { createHash, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { canonicalJson, chainHash, merkleRoot, type Json } from './audit-hashing';
import { openCheckpoint, parseCheckpoint, signCheckpoint } from './checkpoint-note';

const rawLeaf = (hex: string): Buffer =>
  createHash('sha256')
    .update(Buffer.from([0x00]))
    .update(Buffer.from(hex, 'hex'))
    .digest();

describe('canonicalJson (RFC 8785)', () => {
  it('matches the RFC 8785 §3.2.3 example', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    ) as Json;
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3 sorting example)', () => {
    const input: Json = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const keysInOrder = [...canonicalJson(input).matchAll(/"((?:[^"\\]|\\.)*)":/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
    expect(keysInOrder).toEqual(['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
  });

  it('is independent of key insertion order and round-trips (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const canonical = canonicalJson(value as Json);
        expect(canonicalJson(JSON.parse(canonical) as Json)).toBe(canonical);
      }),
    );
  });
});

describe('merkleRoot (RFC 6962)', () => {
  // transparency-dev/merkle testdata: leaves and the roots of the first n of them.
  const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(rawLeaf);
  const roots = [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
    '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
    'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
    '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
  ];

  it.each(roots.map((root, i) => [i + 1, root]))('matches the reference root of %i leaves', (n, root) => {
    expect(merkleRoot(leaves.slice(0, n)).toString('hex')).toBe(root);
  });

  it('changes when any leaf changes, or leaves are reordered (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.nat(), (n, pick) => {
        const hashes = Array.from({ length: n }, (_, i) => rawLeaf(i.toString(16).padStart(2, '0')));
        const root = merkleRoot(hashes);
        const i = pick % n;
        const mutated = hashes.map((h, j) => (j === i ? rawLeaf('ff') : h));
        expect(merkleRoot(mutated).equals(root)).toBe(false);
        const swapped = [...hashes];
        [swapped[i], swapped[(i + 1) % n]] = [swapped[(i + 1) % n], swapped[i]];
        expect(merkleRoot(swapped).equals(root)).toBe(false);
      }),
    );
  });

  it('binds the chain link to the previous link, the range and the root', () => {
    const prev = Buffer.alloc(32);
    const root = rawLeaf('');
    const link = chainHash(prev, 1, 10, root);
    expect(chainHash(Buffer.alloc(32, 1), 1, 10, root).equals(link)).toBe(false);
    expect(chainHash(prev, 2, 10, root).equals(link)).toBe(false);
    expect(chainHash(prev, 1, 11, root).equals(link)).toBe(false);
    expect(chainHash(prev, 1, 10, rawLeaf('00')).equals(link)).toBe(false);
  });
});

describe('checkpoint notes (C2SP signed note)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const origin = 'example.org/bianca-audit';
  const note = signCheckpoint({ origin, treeSize: 4242, root: rawLeaf('') }, privateKey);

  it('has the tlog-checkpoint layout and verifies with the public key', () => {
    expect(note).toMatch(/^example\.org\/bianca-audit\n4242\n[A-Za-z0-9+/]{43}=\n\n\u2014 example\.org\/bianca-audit [A-Za-z0-9+/]+=*\n$/);
    const opened = openCheckpoint(note, origin, [publicKey]);
    expect(opened.checkpoint).toMatchObject({ origin, treeSize: 4242 });
    expect(opened.checkpoint?.root.equals(rawLeaf(''))).toBe(true);
  });

  it('rejects every single-character mutation of the note (mutation battery)', () => {
    for (let i = 0; i < note.length; i++) {
      const mutated = note.slice(0, i) + String.fromCharCode(note.charCodeAt(i) ^ 1) + note.slice(i + 1);
      expect(openCheckpoint(mutated, origin, [publicKey]).checkpoint).toBeUndefined();
    }
  });

  it('rejects another key, another origin, truncated or padded notes', () => {
    expect(openCheckpoint(note, origin, [generateKeyPairSync('ed25519').publicKey]).problem).toBe('unknown_key');
    expect(openCheckpoint(note, 'other.org/log', [publicKey]).problem).toBe('wrong_origin');
    expect(openCheckpoint(note.slice(0, note.indexOf('\n\n')), origin, [publicKey]).problem).toBe('malformed');
    expect(openCheckpoint(`x${note}`, origin, [publicKey]).checkpoint).toBeUndefined();
    expect(parseCheckpoint('origin\n-1\nAAAA\n\n')).toBeUndefined();
  });
});
