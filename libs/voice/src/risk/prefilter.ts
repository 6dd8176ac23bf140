/**
 * The risk scanner's prefilter. V8 runs `\b` under the `iu` flags (every phrase pattern) some
 * 20× slower than the rest of a pattern, because a case-insensitive Unicode word boundary must
 * also treat ſ (U+017F) and K (U+212A) as word characters. So each delta is first tested against
 * ONE combined regex of all the call's phrases with their `\b` assertions removed. Removing an
 * assertion only relaxes a pattern: wherever the exact pattern matches, the relaxed one matches
 * too, so the gate never misses a hit and the exact per-phrase regexes (which decide what is
 * reported) run only when it fires. Patterns this cannot be proven for are left out of the gate
 * and always run on their own.
 */

/**
 * Source of the relaxed version of `pattern` for a combined `giu` gate: `\b` dropped outside
 * character classes (inside one, `[\b]` is a backspace and is kept). Undefined when the pattern
 * must run on its own: numbered or named back-references and named groups (a combined regex
 * renumbers or duplicates them), lookarounds (dropping `\b` inside a negative one would tighten
 * it), a relaxed form that does not compile in Unicode mode, or one that matches the empty string
 * (the gate would fire on every delta).
 */
export function gateSource(pattern: string): string | undefined {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return undefined;
      i++;
      if (!inClass) {
        if (next === 'k' || (next >= '1' && next <= '9')) return undefined; // back-reference
        if (next === 'b') continue; // the word boundary: dropped
      }
      out += c + next;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(' && pattern[i + 1] === '?') {
      const kind = pattern[i + 2];
      if (kind === '=' || kind === '!' || kind === '<') return undefined; // lookaround or named group
    }
    out += c;
  }
  try {
    if (new RegExp(out, 'iu').test('')) return undefined;
  } catch {
    return undefined;
  }
  return out;
}

/** The combined gate over relaxed sources, or undefined when there is nothing (valid) to combine. */
export function compileGate(sources: readonly string[]): RegExp | undefined {
  if (sources.length === 0) return undefined;
  try {
    return new RegExp(sources.map((s) => `(?:${s})`).join('|'), 'giu');
  } catch {
    return undefined;
  }
}
