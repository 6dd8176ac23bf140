import { DEFAULT_PHRASES } from '@app/emergency';
import { NEGATION_CUES } from './negation';
import { compileGate, gateSource } from './prefilter';
import { RiskDetector, type RiskDetectorOptions, type RiskHit, type RiskPhrase } from './risk-detector';

const PHRASES: RiskPhrase[] = [
  { key: 'en.fall', language: 'en', phrase: 'fall', category: 'Physical', severity: 'HIGH', pattern: '\\b(fell|fall(en)?|tripped)\\b' },
  {
    key: 'en.chest',
    language: 'en',
    phrase: 'chest pain',
    category: 'Medical',
    severity: 'HIGH',
    pattern: '\\bchest\\s+(pain|pressure|tightness)\\b',
  },
  { key: 'en.heart', language: 'en', phrase: 'heart attack', category: 'Medical', severity: 'CRITICAL', pattern: '\\bheart\\s+attack\\b' },
  {
    key: 'en.breathe',
    language: 'en',
    phrase: "can't breathe",
    category: 'Medical',
    severity: 'CRITICAL',
    pattern: "\\b(can'?t|cannot)\\s+breathe\\b",
  },
  { key: 'en.help', language: 'en', phrase: 'help', category: 'Request', severity: 'MEDIUM', pattern: '\\bhelp\\b' },
  { key: 'en.dizzy', language: 'en', phrase: 'dizzy', category: 'Medical', severity: 'MEDIUM', pattern: '\\bdizzy\\b' },
  {
    key: 'es.fall',
    language: 'es',
    phrase: 'me caí',
    category: 'Physical',
    severity: 'HIGH',
    pattern: 'me\\s+ca[ií]|me\\s+he\\s+ca[ií]do',
  },
  {
    key: 'es.chest',
    language: 'es',
    phrase: 'dolor en el pecho',
    category: 'Medical',
    severity: 'HIGH',
    pattern: 'dolor\\s+(en\\s+el|de)\\s+pecho',
  },
  { key: 'fr.fall', language: 'fr', phrase: 'je suis tombé', category: 'Physical', severity: 'HIGH', pattern: 'tomb[ée]e?' },
  {
    key: 'fr.chest',
    language: 'fr',
    phrase: 'douleur thoracique',
    category: 'Medical',
    severity: 'HIGH',
    pattern: 'douleur\\s+(thoracique|à\\s+la\\s+poitrine)',
  },
  { key: 'de.fall', language: 'de', phrase: 'gestürzt', category: 'Physical', severity: 'HIGH', pattern: 'gest[üu]rzt|hingefallen' },
  { key: 'de.chest', language: 'de', phrase: 'Brustschmerzen', category: 'Medical', severity: 'HIGH', pattern: 'brustschmerz(en)?' },
  { key: 'zh.fall', language: 'zh', phrase: '摔倒', category: 'Physical', severity: 'HIGH', pattern: '摔倒|跌倒' },
  { key: 'ja.fall', language: 'ja', phrase: '転んだ', category: 'Physical', severity: 'HIGH', pattern: '転ん' },
  { key: 'ru.fall', language: 'ru', phrase: 'упал', category: 'Physical', severity: 'HIGH', pattern: 'упал[аи]?' },
];

function scanner(languages: string[] = ['en'], now: () => number = () => 0) {
  return new RiskDetector(PHRASES).scanner({ languages, now });
}

describe('RiskDetector', () => {
  it('finds phrases with their category, severity and matched text', () => {
    const hits = scanner().push('I think I am having a heart attack', 'item-1');
    expect(hits).toEqual([
      {
        key: 'en.heart',
        phrase: 'heart attack',
        matched: 'heart attack',
        category: 'Medical',
        severity: 'CRITICAL',
        language: 'en',
        itemId: 'item-1',
        repeat: false,
        escalated: false,
        occurrences: 1,
      },
    ]);
  });

  it('has no length gate: a one-word utterance counts', () => {
    expect(
      scanner()
        .push('Help!', 'i1')
        .map((h) => h.category),
    ).toEqual(['Request']);
  });

  it('finds a phrase split across transcript deltas', () => {
    const s = scanner();
    expect(s.push('I have chest ', 'i1')).toEqual([]);
    expect(s.push('pa', 'i1')).toEqual([]);
    expect(s.push('in since this morning', 'i1').map((h) => h.phrase)).toEqual(['chest pain']);
  });

  it('never reports the same match twice while scanning the overlap', () => {
    const s = scanner();
    expect(s.push('I fell', 'i1')).toHaveLength(1);
    expect(s.push(' in the garden and then', 'i1')).toEqual([]);
    expect(s.push(' it rained', 'i1')).toEqual([]);
  });

  it.each([
    ['en', 'I did not fall, I just sat down'],
    ['en', 'no chest pain today'],
    ['en', "I don't have any chest pain"],
    ['en', "I haven't fallen this week"],
    ['es', 'no me caí, gracias'],
    ['es', 'no tengo dolor en el pecho'],
    ['fr', 'je ne suis pas tombée'],
    ['fr', "je n'ai pas de douleur thoracique"],
    ['de', 'ich bin nicht gestürzt'],
    ['de', 'ich habe keine Brustschmerzen'],
    ['zh', '我没有摔倒'],
    ['ja', '転んでいないよ'],
    ['ru', 'я не упала'],
  ])('filters negations (%s: "%s")', (language, text) => {
    const s = scanner([language]);
    expect(s.push(text, 'i1')).toEqual([]);
    expect(s.negatedMatches).toBe(1);
  });

  it.each([
    ['en', 'I fell in the bathroom', 'Physical'],
    ['en', "I can't breathe", 'Medical'],
    ['en', 'Oh no, I fell', 'Physical'],
    ['en', "I'm not sure, but I think I fell", 'Physical'],
    ['es', 'me caí en la cocina', 'Physical'],
    ['fr', 'je suis tombée hier soir', 'Physical'],
    ['de', 'ich bin gestürzt', 'Physical'],
    ['zh', '我刚才摔倒了', 'Physical'],
    ['ja', '階段で転んだ', 'Physical'],
    ['ru', 'я упала на кухне', 'Physical'],
  ])('detects in %s: "%s"', (language, text, category) => {
    expect(
      scanner([language])
        .push(text, 'i1')
        .map((h) => h.category),
    ).toEqual([category]);
  });

  it('keeps a negation from a previous utterance out of the next one', () => {
    const s = scanner();
    expect(s.push('No, not really.', 'i1')).toEqual([]);
    expect(s.push('I fell', 'i2')).toHaveLength(1);
  });

  it('marks repeats of a category within the window, escalations, and a new window', () => {
    let now = 0;
    const s = scanner(['en'], () => now);
    const first = s.push('I feel dizzy', 'i1');
    expect(first[0]).toMatchObject({ category: 'Medical', repeat: false, occurrences: 1 });
    now = 60_000;
    expect(s.push('still dizzy', 'i2')[0]).toMatchObject({ repeat: true, escalated: false, occurrences: 2 });
    expect(s.push('and chest pain', 'i3')[0]).toMatchObject({ severity: 'HIGH', repeat: false, escalated: true, occurrences: 3 });
    expect(s.push('I fell', 'i4')[0]).toMatchObject({ category: 'Physical', repeat: false }); // other category
    now = 6 * 60_000;
    expect(s.push('dizzy again', 'i5')[0]).toMatchObject({ repeat: false, occurrences: 1 });
  });

  it('orders several hits of one delta by severity, the most severe first', () => {
    const hits = scanner().push('chest pain, I think a heart attack', 'i1');
    expect(hits.map((h) => [h.phrase, h.repeat, h.escalated])).toEqual([
      ['heart attack', false, false],
      ['chest pain', true, false],
    ]);
  });

  it('scans a completed utterance only when no delta of it was seen', () => {
    const s = scanner();
    expect(s.complete('i1', 'I fell')).toHaveLength(1);
    s.push('I fell', 'i2');
    expect(s.complete('i2', 'I fell')).toEqual([]);
  });

  it('watches several languages and falls back to English for a language without phrases', () => {
    expect(
      scanner(['es', 'en'])
        .push('me caí, help', 'i1')
        .map((h) => h.language),
    ).toEqual(['es', 'en']);
    expect(
      scanner(['pt'])
        .push('help', 'i1')
        .map((h) => h.language),
    ).toEqual(['en']);
    expect(scanner(['es-MX']).push('me caí', 'i1')).toHaveLength(1);
  });

  it('normalises typographic apostrophes', () => {
    expect(scanner().push('I can’t breathe', 'i1')).toHaveLength(1);
  });

  it('skips normalising only text it could not change (every code point below U+0300 is NFC)', () => {
    for (let code = 0; code < 0x300; code++) {
      const c = String.fromCharCode(code);
      expect(c.normalize('NFC')).toBe(c);
      expect(`a${c}`.normalize('NFC')).toBe(`a${c}`);
    }
    // A combining mark is still composed: a + U+0300 is à, which the pattern spells precomposed.
    expect(
      scanner(['fr'])
        .push('une douleur a\u0300 la poitrine', 'i1')
        .map((h) => h.key),
    ).toEqual(['fr.chest']);
  });

  it('rejects invalid or empty-matching patterns instead of throwing', () => {
    const detector = new RiskDetector([
      { language: 'en', category: 'Medical', severity: 'HIGH', pattern: '(unclosed' },
      { language: 'en', category: 'Medical', severity: 'HIGH', pattern: 'x*' },
      { language: 'en', category: 'Medical', severity: 'HIGH', pattern: 'ok' },
    ]);
    expect(detector.rejected.map((r) => r.phrase.pattern)).toEqual(['(unclosed', 'x*']);
    expect(detector.phraseCount('en')).toBe(1);
  });

  it('costs the same per delta late in a long call (only the new text and the overlap are scanned)', () => {
    const s = scanner();
    for (let i = 0; i < 2000; i++) s.push('we talked about the garden and the weather ', 'long');
    expect(s.push('and then I fell', 'long')).toHaveLength(1);
    // The retained context is bounded by the overlap, whatever the call length.
    expect((s as unknown as { tail: string }).tail.length).toBeLessThanOrEqual(96);
  });
});

describe('RiskDetector prefilter (combined gate without \\b)', () => {
  it.each([
    ['\\bheart\\s+attack\\b', 'heart\\s+attack'],
    ['\\b(dizzy|vertigo)\\b|mareo', '(dizzy|vertigo)|mareo'],
    ['[\\b]x\\b', '[\\b]x'], // inside a class \b is a backspace: kept
    ['a\\\\b', 'a\\\\b'], // an escaped backslash followed by a literal b: kept
    ['[\\]\\b]\\b', '[\\]\\b]'],
    ['\\Bing\\b', '\\Bing'],
    ['心脏病(发作)?|心梗', '心脏病(发作)?|心梗'],
  ])('relaxes %s to %s', (pattern, relaxed) => {
    expect(gateSource(pattern)).toBe(relaxed);
  });

  it.each([
    ['(ha)\\1', 'numbered back-reference'],
    ['(?<w>ha)\\k<w>', 'named back-reference'],
    ['(?<w>fell)', 'named group'],
    ['(?<!not\\s)\\bfell\\b', 'lookbehind'],
    ['\\bfell(?!\\s+asleep)', 'negative lookahead'],
    ['\\b(x)?\\b', 'relaxed form matches the empty string'],
    ['\\p{Lu', 'not valid in Unicode mode'],
  ])('leaves %s out of the gate (%s)', (pattern) => {
    expect(gateSource(pattern)).toBeUndefined();
  });

  it('puts every built-in phrase in the gate', () => {
    expect(DEFAULT_PHRASES.filter((p) => gateSource(p.pattern) === undefined).map((p) => p.key)).toEqual([]);
    expect(compileGate(DEFAULT_PHRASES.map((p) => gateSource(p.pattern) ?? ''))).toBeInstanceOf(RegExp);
    expect(compileGate([])).toBeUndefined();
  });

  it('still runs phrases outside the gate on every delta (back-references, lookarounds, non-Unicode syntax)', () => {
    const detector = new RiskDetector([
      { key: 'gated', language: 'en', category: 'Medical', severity: 'HIGH', pattern: '\\bchest\\s+pain\\b' },
      { key: 'backref', language: 'en', category: 'Request', severity: 'MEDIUM', pattern: '\\b(help)\\s+\\1\\b' },
      { key: 'lookbehind', language: 'en', category: 'Physical', severity: 'HIGH', pattern: '(?<!almost\\s)\\bfell\\b' },
      { key: 'legacy', language: 'en', category: 'Safety', severity: 'CRITICAL', pattern: '\\u{intruder' }, // only valid without u
    ]);
    expect(detector.rejected).toEqual([]);
    const s = detector.scanner({ languages: ['en'], now: () => 0 });
    expect(s.push('help help', 'i1').map((h) => h.key)).toEqual(['backref']);
    expect(s.push('I almost fell, then I fell', 'i2').map((h) => h.key)).toEqual(['lookbehind']);
    expect(s.push('u{intruder', 'i3').map((h) => h.key)).toEqual(['legacy']);
    expect(s.push('and chest pain', 'i4').map((h) => h.key)).toEqual(['gated']);
  });

  it('keeps Unicode case-insensitive word boundaries exact (ſ and the Kelvin sign are word characters)', () => {
    const s = new RiskDetector(DEFAULT_PHRASES).scanner({ languages: ['en'], now: () => 0 });
    // The relaxed gate fires on these; the exact regexes decide, as without the prefilter.
    expect(s.push('ſheart attack', 'i1')).toEqual([]);
    expect(s.push('heart attack\u212a', 'i2')).toEqual([]);
    expect(s.push('HEART ATTAC\u212a', 'i3').map((h) => h.key)).toEqual(['en.1']); // K is k (NFC makes it K)
    expect(s.push('a ſeizure', 'i4').map((h) => h.key)).toEqual(['en.5']); // ſ folds to s under iu
  });

  /** Deterministic PRNG (mulberry32) so a failure reproduces. */
  function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  type Gen = (rnd: () => number) => string;
  const pick = <T>(items: readonly T[], rnd: () => number): T => items[Math.floor(rnd() * items.length)];

  /**
   * Random strings a phrase pattern matches, for the regex subset the built-in phrases use
   * (literals, groups, alternation, classes, ? * +, \s \S \b); undefined for anything else.
   */
  function generator(pattern: string): Gen | undefined {
    let i = 0;
    const unsupported = (): never => {
      throw new Error(`unsupported at ${i}`);
    };
    const alternation = (): Gen => {
      const options = [sequence()];
      while (pattern[i] === '|') {
        i++;
        options.push(sequence());
      }
      return (rnd) => pick(options, rnd)(rnd);
    };
    const sequence = (): Gen => {
      const parts: Gen[] = [];
      while (i < pattern.length && pattern[i] !== '|' && pattern[i] !== ')') parts.push(quantified(atom()));
      return (rnd) => parts.map((p) => p(rnd)).join('');
    };
    const atom = (): Gen => {
      const c = pattern[i++];
      if (c === '(') {
        if (pattern.startsWith('?:', i)) i += 2;
        else if (pattern[i] === '?') unsupported();
        const inner = alternation();
        if (pattern[i++] !== ')') unsupported();
        return inner;
      }
      if (c === '[') {
        if (pattern[i] === '^') unsupported();
        const chars: string[] = [];
        while (pattern[i] !== ']') {
          if (i >= pattern.length) unsupported();
          let ch = pattern[i++];
          if (ch === '\\') {
            ch = pattern[i++];
            if (ch === 's') ch = ' ';
            else if (/[A-Za-z0-9]/.test(ch)) unsupported();
          }
          if (pattern[i] === '-' && pattern[i + 1] !== ']') {
            const last = pattern.charCodeAt(i + 1);
            i += 2;
            for (let code = ch.charCodeAt(0); code <= last; code++) chars.push(String.fromCharCode(code));
          } else chars.push(ch);
        }
        i++;
        return (rnd) => pick(chars, rnd);
      }
      if (c === '\\') {
        const e = pattern[i++];
        if (e === 'b') return () => '';
        if (e === 's') return (rnd) => pick([' ', ' ', '  ', '\t', '\u00a0'], rnd);
        if (e === 'S') return (rnd) => pick(['x', 'é', 'ы', '-'], rnd);
        if (/[A-Za-z0-9]/.test(e)) unsupported();
        return () => e;
      }
      if ('*+?{}^$.'.includes(c)) unsupported();
      return () => c;
    };
    const quantified = (g: Gen): Gen => {
      const q = pattern[i];
      const range = q === '?' ? [0, 1] : q === '*' ? [0, 2] : q === '+' ? [1, 2] : undefined;
      if (!range) return g;
      i++;
      return (rnd) => {
        const n = range[0] + Math.floor(rnd() * (range[1] - range[0] + 1));
        let out = '';
        for (let k = 0; k < n; k++) out += g(rnd);
        return out;
      };
    };
    try {
      const g = alternation();
      return i === pattern.length ? g : undefined;
    } catch {
      return undefined;
    }
  }

  const FILLER = [
    'we',
    'talked',
    'about',
    'the',
    'garden',
    'tea',
    'oh',
    'and',
    'but',
    'la',
    'casa',
    'je',
    'ich',
    'мы',
    '我们',
    '天気',
    'और',
    'في',
  ];
  const NOISE = ['ſ', 'K', 'x', '’', "'", '-', '_', '1', 'é', 'ы', '字'];
  const SEPARATORS = [' ', ' ', ' ', ' ', '', ', ', '. ', '\u00a0', '’', '\n'];

  function sentence(language: string, phrases: readonly RiskPhrase[], gens: Map<string, Gen>, rnd: () => number): string {
    const cues = NEGATION_CUES[language] ?? NEGATION_CUES.en;
    const negations = [...(cues.words ?? []), ...(cues.chars ?? []), 'not', "didn't"];
    const tokens: string[] = [];
    const count = 1 + Math.floor(rnd() * 9);
    for (let k = 0; k < count; k++) {
      const roll = rnd();
      let token: string;
      if (roll < 0.35) {
        const phrase = pick(phrases, rnd);
        token = gens.get(phrase.pattern)?.(rnd) ?? phrase.phrase ?? '';
      } else if (roll < 0.45) token = pick(phrases, rnd).phrase ?? '';
      else if (roll < 0.75) token = pick(FILLER, rnd);
      else if (roll < 0.88) token = pick(negations, rnd);
      else token = pick(NOISE, rnd);
      const caseRoll = rnd();
      if (caseRoll < 0.2) token = token.toUpperCase();
      else if (caseRoll < 0.3) token = token.charAt(0).toUpperCase() + token.slice(1);
      tokens.push(token);
    }
    return tokens.map((t, k) => (k === 0 ? t : pick(SEPARATORS, rnd) + t)).join('');
  }

  it.each<[string, RiskDetectorOptions]>([
    ['defaults', {}],
    ['short overlap', { overlapChars: 24, maxMatchChars: 12 }],
  ])(
    'never misses what the plain scan finds: generated sentences over the built-in phrases, every language, random deltas (%s)',
    (_name, options) => {
      const gens = new Map<string, Gen>();
      for (const p of DEFAULT_PHRASES) {
        const g = generator(p.pattern);
        if (g) gens.set(p.pattern, g);
      }
      expect(gens.size).toBeGreaterThan(DEFAULT_PHRASES.length * 0.8); // the generator covers the set
      const gated = new RiskDetector(DEFAULT_PHRASES, options);
      const plain = new RiskDetector(DEFAULT_PHRASES, { ...options, prefilter: false });
      const rnd = prng(0x5eed + (options.overlapChars ?? 0));
      const keysFound = new Set<string>();
      let hits = 0;
      let deltas = 0;
      for (const language of gated.languages) {
        let now = 0;
        const languages = rnd() < 0.7 ? [language, 'en'] : rnd() < 0.5 ? [language] : [language, 'en', pick(gated.languages, rnd)];
        const a = gated.scanner({ languages, now: () => now });
        const b = plain.scanner({ languages, now: () => now });
        const phrases = DEFAULT_PHRASES.filter((p) => languages.includes(p.language));
        let item = 0;
        for (let n = 0; n < 120; n++) {
          now += Math.floor(rnd() * 90_000);
          const text = sentence(language, phrases, gens, rnd);
          if (rnd() < 0.7) item++;
          const itemId = `${language}-${item}`;
          let expected: RiskHit[];
          if (rnd() < 0.1) {
            item++;
            expected = b.complete(`${language}-${item}`, text);
            expect(a.complete(`${language}-${item}`, text)).toEqual(expected);
            hits += expected.length;
            expected.forEach((h) => keysFound.add(h.key ?? ''));
            continue;
          }
          for (let at = 0; at < text.length;) {
            const size = 1 + Math.floor(rnd() * 40);
            const delta = text.slice(at, at + size);
            at += size;
            deltas++;
            expected = b.push(delta, itemId);
            expect({ text, delta, hits: a.push(delta, itemId) }).toEqual({ text, delta, hits: expected });
            hits += expected.length;
            expected.forEach((h) => keysFound.add(h.key ?? ''));
          }
          expect(a.negatedMatches).toBe(b.negatedMatches);
        }
      }
      // Not vacuous: thousands of deltas, and most built-in phrases were actually found.
      expect(deltas).toBeGreaterThan(2000);
      expect(hits).toBeGreaterThan(500);
      expect(keysFound.size).toBeGreaterThan(DEFAULT_PHRASES.length * 0.75);
    },
  );
});

describe('built-in phrases with accented final letters', () => {
  it('detects Portuguese "caí" at the end of a sentence (JS \\b never follows an accented letter)', () => {
    const s = new RiskDetector(DEFAULT_PHRASES).scanner({ languages: ['pt'], now: () => 0 });
    expect(s.push('Ontem eu caí', 'i1').map((h) => h.phrase)).toEqual(['eu caí']);
  });
});
