import { isNegated } from './negation';
import { compileGate, gateSource } from './prefilter';

export type RiskSeverity = 'CRITICAL' | 'HIGH' | 'MEDIUM';

export const RISK_SEVERITY_RANK: Readonly<Record<RiskSeverity, number>> = { CRITICAL: 3, HIGH: 2, MEDIUM: 1 };

/**
 * One emergency phrase as plain data (the shape of an `emergency_phrases` row or a built-in
 * default): `pattern` is a regular-expression source matched case-insensitively.
 */
export interface RiskPhrase {
  key?: string;
  language: string;
  /** Human label ("chest pain"); defaults to the matched text. */
  phrase?: string;
  category: string;
  severity: RiskSeverity;
  pattern: string;
}

export interface RiskHit {
  key?: string;
  phrase: string;
  /** The transcript text that matched. */
  matched: string;
  category: string;
  severity: RiskSeverity;
  language: string;
  /** The utterance (transcript item) it came from. */
  itemId?: string;
  /**
   * Same category within the duplicate window and not more severe: merge it into the existing
   * alert (count it), do not notify again.
   */
  repeat: boolean;
  /** Same category within the window but more severe than before: notify again. */
  escalated: boolean;
  /** Hits of this category within the current window, this one included. */
  occurrences: number;
}

export interface RiskDetectorOptions {
  /**
   * Characters of already-scanned text kept in front of each new delta, so a phrase split across
   * deltas is found and negation cues before it are seen. Default 96.
   */
  overlapChars?: number;
  /**
   * Longest text a phrase match may span. A search starts this far before the new text (not at
   * the start of the overlap, which is there for negation context). Default 48.
   */
  maxMatchChars?: number;
  /** Duplicate window per category. Default 5 minutes. */
  dedupeWindowMs?: number;
  /** Language used when a scanner's languages have no phrases. Default en. */
  fallbackLanguage?: string;
  /**
   * Test each delta against one combined, relaxed regex of the call's phrases first and run the
   * exact phrase regexes only when it fires (see prefilter.ts; it never changes what is found).
   * Default true; false is the plain scan (the reference the prefilter is tested against).
   */
  prefilter?: boolean;
}

interface CompiledPhrase {
  source: RiskPhrase;
  regex: RegExp;
  /** Relaxed source for the combined gate; undefined: the phrase always runs on its own. */
  gate?: string;
}

interface ScanPhrase {
  source: RiskPhrase;
  regex: RegExp;
  /** Skipped when the scanner's gate does not fire. */
  gated: boolean;
}

interface ScanSet {
  language: string;
  phrases: ScanPhrase[];
}

interface ScanEntry {
  phrase: ScanPhrase;
  language: string;
}

/** A phrase whose pattern did not compile (kept out of the sets; report it to the operator). */
export interface RejectedPhrase {
  phrase: RiskPhrase;
  reason: string;
}

/**
 * Anything `normalise` could change: code points from U+0300 up (below it every string is already
 * NFC: no combining marks, nothing that composes), the ʼ apostrophe (U+02BC) and the no-break space.
 */
const MAY_NEED_NORMALISING = /[\u00a0\u02bc-\uffff]/;

function normalise(text: string): string {
  if (!MAY_NEED_NORMALISING.test(text)) return text; // most English deltas: nothing to do
  // Same length in, same length out (indices stay valid): typographic quotes and spaces only.
  return text
    .normalize('NFC')
    .replace(/[’‘ʼ]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[\u00a0\u2007\u202f]/g, ' ');
}

/**
 * The live emergency detector: phrase sets compiled once per language (rebuild the detector when
 * the phrases change); per-call state lives in `RiskScanner`s.
 */
export class RiskDetector {
  readonly rejected: RejectedPhrase[] = [];
  private readonly byLanguage = new Map<string, CompiledPhrase[]>();
  readonly overlapChars: number;
  readonly maxMatchChars: number;
  readonly dedupeWindowMs: number;
  readonly fallbackLanguage: string;
  readonly prefilter: boolean;

  constructor(phrases: readonly RiskPhrase[], options: RiskDetectorOptions = {}) {
    this.overlapChars = options.overlapChars ?? 96;
    this.maxMatchChars = Math.min(options.maxMatchChars ?? 48, this.overlapChars);
    this.dedupeWindowMs = options.dedupeWindowMs ?? 5 * 60_000;
    this.fallbackLanguage = options.fallbackLanguage ?? 'en';
    this.prefilter = options.prefilter ?? true;
    for (const phrase of phrases) {
      let regex: RegExp;
      let gate: string | undefined;
      try {
        regex = new RegExp(phrase.pattern, 'giu');
        gate = this.prefilter ? gateSource(phrase.pattern) : undefined;
      } catch {
        try {
          regex = new RegExp(phrase.pattern, 'gi'); // patterns written for non-unicode mode
        } catch (err) {
          this.rejected.push({ phrase, reason: err instanceof Error ? err.message : String(err) });
          continue;
        }
      }
      if (regex.test('')) {
        this.rejected.push({ phrase, reason: 'pattern matches the empty string' });
        continue;
      }
      const language = phrase.language.toLowerCase();
      const list = this.byLanguage.get(language) ?? [];
      list.push({ source: phrase, regex, ...(gate !== undefined ? { gate } : {}) });
      this.byLanguage.set(language, list);
    }
  }

  get languages(): string[] {
    return [...this.byLanguage.keys()].sort();
  }

  /** Phrases compiled for a language (0 when it has none). */
  phraseCount(language: string): number {
    return this.byLanguage.get(language.toLowerCase())?.length ?? 0;
  }

  /**
   * A scanner for one call's transcript stream. `languages`: the patient's language first, then
   * any others to watch (e.g. ['es', 'en']); languages without phrases fall back to English.
   */
  scanner(options: { languages: readonly string[]; now?: () => number }): RiskScanner {
    const chosen: { language: string; phrases: CompiledPhrase[] }[] = [];
    const seen = new Set<string>();
    for (const raw of options.languages) {
      const language = raw.toLowerCase();
      const resolved = this.byLanguage.has(language)
        ? language
        : this.byLanguage.has(language.split('-')[0])
          ? language.split('-')[0]
          : this.fallbackLanguage;
      if (seen.has(resolved)) continue;
      seen.add(resolved);
      const phrases = this.byLanguage.get(resolved);
      if (phrases) chosen.push({ language: resolved, phrases });
    }
    // One gate per scanner over every watched language (one regex run per delta when nothing is
    // said); if it cannot be built, every phrase runs on its own as without the prefilter.
    const gate = compileGate(chosen.flatMap((set) => set.phrases.flatMap((p) => (p.gate !== undefined ? [p.gate] : []))));
    const sets: ScanSet[] = chosen.map((set) => ({
      language: set.language,
      phrases: set.phrases.map((p) => ({
        source: p.source,
        regex: new RegExp(p.regex.source, p.regex.flags),
        gated: gate !== undefined && p.gate !== undefined,
      })),
    }));
    return new RiskScanner(sets, gate, this.overlapChars, this.maxMatchChars, this.dedupeWindowMs, options.now ?? Date.now);
  }
}

/**
 * Incremental scanning of one transcript stream: each `push` scans only the new text plus a
 * small overlap of what came before, so the cost per delta does not grow with the call. There
 * is no minimum length: "help" is scanned like anything else.
 */
export class RiskScanner {
  /** Every phrase in scan order (languages in the scanner's order), run when the gate fires. */
  private readonly all: ScanEntry[];
  /** The phrases outside the gate, in the same order, run on every delta. */
  private readonly ungated: ScanEntry[];
  private tail = '';
  private itemId: string | undefined;
  private readonly itemsWithDeltas = new Set<string>();
  private readonly lastByCategory = new Map<string, { at: number; severity: RiskSeverity; occurrences: number }>();
  negatedMatches = 0;

  /** @internal use RiskDetector.scanner */
  constructor(
    sets: readonly ScanSet[],
    private readonly gate: RegExp | undefined,
    private readonly overlap: number,
    private readonly maxMatch: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {
    this.all = sets.flatMap((set) => set.phrases.map((phrase) => ({ phrase, language: set.language })));
    this.ungated = this.all.filter((e) => !e.phrase.gated);
  }

  /** A transcript delta of utterance `itemId` (a new item starts a fresh context). */
  push(delta: string, itemId?: string): RiskHit[] {
    if (itemId !== undefined) this.itemsWithDeltas.add(itemId);
    if (itemId !== this.itemId) {
      this.itemId = itemId;
      this.tail = '';
    }
    return this.scan(normalise(delta));
  }

  /**
   * A completed utterance. Scanned only when no delta of it was seen (transcription models that
   * send the whole text at once); otherwise the deltas already covered it.
   */
  complete(itemId: string, transcript: string): RiskHit[] {
    if (this.itemsWithDeltas.has(itemId)) return [];
    this.itemsWithDeltas.add(itemId);
    this.itemId = itemId;
    this.tail = '';
    return this.scan(normalise(transcript));
  }

  private scan(text: string): RiskHit[] {
    if (text.length === 0) return [];
    const window = this.tail + text;
    const fresh = this.tail.length; // a match must end inside the new text to be new
    const from = Math.max(0, fresh - this.maxMatch);
    let entries = this.all;
    if (this.gate) {
      this.gate.lastIndex = from;
      if (!this.gate.test(window)) entries = this.ungated;
    }
    const found: { phrase: ScanPhrase; language: string; matched: string }[] = [];
    for (const { phrase, language } of entries) {
      const regex = phrase.regex;
      regex.lastIndex = from;
      for (let m = regex.exec(window); m; m = regex.exec(window)) {
        const end = m.index + m[0].length;
        if (end > fresh) {
          if (isNegated(window, m.index, end, language)) this.negatedMatches++;
          else found.push({ phrase, language, matched: m[0] });
        }
        if (m[0].length === 0) regex.lastIndex++;
      }
    }
    this.tail = this.nextTail(window);
    if (found.length === 0) return [];
    found.sort((a, b) => RISK_SEVERITY_RANK[b.phrase.source.severity] - RISK_SEVERITY_RANK[a.phrase.source.severity]);
    return found.map((f) => this.hit(f.phrase.source, f.language, f.matched));
  }

  private hit(source: RiskPhrase, language: string, matched: string): RiskHit {
    const now = this.now();
    const last = this.lastByCategory.get(source.category);
    let repeat = false;
    let escalated = false;
    let occurrences = 1;
    if (last && now - last.at < this.windowMs) {
      occurrences = ++last.occurrences;
      if (RISK_SEVERITY_RANK[source.severity] > RISK_SEVERITY_RANK[last.severity]) {
        escalated = true;
        last.severity = source.severity;
      } else repeat = true;
    } else {
      this.lastByCategory.set(source.category, { at: now, severity: source.severity, occurrences: 1 });
    }
    return {
      ...(source.key !== undefined ? { key: source.key } : {}),
      phrase: source.phrase ?? matched,
      matched,
      category: source.category,
      severity: source.severity,
      language,
      ...(this.itemId !== undefined ? { itemId: this.itemId } : {}),
      repeat,
      escalated,
      occurrences,
    };
  }

  /** The last `overlap` characters, starting at a word boundary (no half word at the front). */
  private nextTail(window: string): string {
    if (window.length <= this.overlap) return window;
    const cut = window.length - this.overlap;
    const space = window.indexOf(' ', cut);
    return space === -1 ? window.slice(cut) : window.slice(space + 1);
  }
}
