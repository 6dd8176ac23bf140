/**
 * Negation cues per language for the live risk detector ("I did not fall", "no chest pain",
 * "no me caí", "je ne suis pas tombé", "没有摔倒", "転んでいない"). Deliberately conservative:
 * a cue only cancels a match inside the same clause and within a few words of it, because a
 * missed emergency costs more than a spurious alert.
 */
export interface NegationCues {
  /** Whole words that negate what follows within `window` words (space-separated languages). */
  words?: readonly string[];
  /** Substrings that negate what follows within `window` characters (languages without spaces). */
  chars?: readonly string[];
  /** Negation right after the match (e.g. Japanese verb endings), tested on the following text. */
  after?: RegExp;
  /** How far before the match a cue counts (words, or characters for `chars`). */
  window?: number;
}

export const NEGATION_CUES: Readonly<Record<string, NegationCues>> = {
  en: {
    words: [
      'no',
      'not',
      'never',
      "don't",
      'dont',
      "didn't",
      'didnt',
      "doesn't",
      'doesnt',
      "haven't",
      'havent',
      "hasn't",
      "hadn't",
      "wasn't",
      "weren't",
      "isn't",
      "aren't",
      "won't",
      "wouldn't",
      'without',
      'nobody',
      'nothing',
      'neither',
      'nor',
    ],
    window: 3,
  },
  es: { words: ['no', 'nunca', 'jamás', 'jamas', 'sin', 'ningún', 'ningun', 'ninguna', 'tampoco', 'nada'], window: 3 },
  fr: { words: ['ne', 'n', 'pas', 'jamais', 'aucun', 'aucune', 'sans', 'plus', 'rien'], window: 3 },
  de: { words: ['nicht', 'kein', 'keine', 'keinen', 'keinem', 'keiner', 'nie', 'niemals', 'ohne', 'nichts'], window: 3 },
  it: { words: ['non', 'mai', 'senza', 'nessun', 'nessuna', 'nessuno', 'niente'], window: 3 },
  pt: { words: ['não', 'nao', 'nunca', 'sem', 'nenhum', 'nenhuma', 'nada'], window: 3 },
  ru: { words: ['не', 'нет', 'никогда', 'без', 'ни', 'ничего'], window: 3 },
  hi: { words: ['नहीं', 'ना', 'मत', 'बिना', 'कभी'], window: 3 },
  ar: { words: ['لا', 'لم', 'لن', 'ليس', 'ما', 'بدون', 'غير'], window: 3 },
  zh: { chars: ['没有', '沒有', '没', '沒', '不', '别', '別', '无', '無', '未'], window: 3 },
  ja: { chars: ['ない'], after: /^[\u3041-\u3096]{0,4}(ない|なかった|ません|ませんでした|ず)/, window: 0 },
  ko: { words: ['안', '못'], after: /^[\uac00-\ud7a3]{0,3}\s*(않|없|못)/, window: 2 },
};

/** Clause boundaries: a cue before one of these does not reach the match. */
const CLAUSE_BREAK =
  /[.!?;:,。！？；：，、\n]|(?<![\p{L}\p{M}])(but|and|then|pero|y|mais|et|aber|und|ma|mas|но|и|لكن|و|लेकिन|और)(?![\p{L}\p{M}])/giu;

const WORD = /[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}]+)?/gu;

/** Text of the clause before `index` (from the last clause boundary). */
function clauseBefore(text: string, index: number): string {
  const before = text.slice(0, index);
  let start = 0;
  CLAUSE_BREAK.lastIndex = 0;
  for (let m = CLAUSE_BREAK.exec(before); m; m = CLAUSE_BREAK.exec(before)) start = m.index + m[0].length;
  return before.slice(start);
}

/** Whether the match at [start, end) of `text` is negated in `language`. */
export function isNegated(text: string, start: number, end: number, language: string): boolean {
  const cues = NEGATION_CUES[language] ?? NEGATION_CUES[language.split('-')[0]] ?? NEGATION_CUES.en;
  const clause = clauseBefore(text, start);
  if (cues.words) {
    const words = (clause.toLowerCase().match(WORD) ?? []).map((w) => w.replace('’', "'"));
    const tail = words.slice(-(cues.window ?? 3));
    for (let i = 0; i < tail.length; i++) {
      const word = tail[i];
      // "oh no, I fell" is an exclamation, not a negation.
      if (word === 'no' && (i > 0 ? tail[i - 1] : words[words.length - tail.length - 1]) === 'oh') continue;
      const elided = word.includes("'") ? word.slice(0, word.indexOf("'")) : undefined; // French n'ai, n'est
      if (cues.words.includes(word) || (elided !== undefined && elided.length === 1 && cues.words.includes(elided))) return true;
    }
  }
  if (cues.chars && (cues.window ?? 0) > 0) {
    const near = clause.replace(/\s+/g, '').slice(-(cues.window ?? 3));
    if (cues.chars.some((c) => near.includes(c))) return true;
  }
  if (cues.after && cues.after.test(text.slice(end, end + 12))) return true;
  return false;
}
