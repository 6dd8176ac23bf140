import { RiskDetector, type RiskPhrase } from './risk-detector';

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
