import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { AuditService } from '@app/audit';
import type { AuthActor } from '@app/auth';
import { DatabaseService, NotFoundError, ValidationError, pageRequest, parseSort, toPage, type DbOrTx, type Page } from '@app/platform';
import type { Category, Severity } from './alert.table';
import { DEFAULT_PHRASES, type DefaultPhrase } from './default-phrases';
import {
  CreatePhraseDto,
  type BulkImportResponse,
  type PhraseExportItem,
  type PhraseImportError,
  type PhraseListQueryDto,
  type PhraseResponse,
  type PhraseStatisticsResponse,
  type TestPatternResponse,
  type UpdatePhraseDto,
} from './emergency-phrase.dto';
import { EmergencyPhraseEvents } from './emergency-phrase.events';
import { EmergencyPhraseRepository, type PhraseFilter, type PhraseInsert, type PhrasePatch } from './emergency-phrase.repository';
import type { EmergencyPhraseRow, PhraseLanguage } from './emergency-phrase.table';

export const PHRASE_NOT_FOUND = 'Emergency phrase not found';
const SEVERITY_ORDER: Record<Severity, number> = { CRITICAL: 3, HIGH: 2, MEDIUM: 1 };

/** One detection rule, compiled (case-insensitive, Unicode). */
export interface CompiledPhrase {
  /** uuid of an org/platform row, or `default:<key>`. */
  id: string;
  phrase: string;
  severity: Severity;
  category: Category;
  regex: RegExp;
}

function compile(pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'iu');
  } catch (err) {
    throw new ValidationError(`Invalid regex pattern: ${(err as Error).message}`, 'InvalidPattern');
  }
}

/**
 * Emergency phrases per org and language: the built-in defaults (12 languages), platform-wide rows
 * (superAdmin) and the org's own rows, which may override a default by key (e.g. to switch it off).
 * The live detector asks `phraseSet(orgId, language)`.
 */
@Injectable()
export class EmergencyPhraseService {
  constructor(
    private readonly database: DatabaseService,
    private readonly repo: EmergencyPhraseRepository,
    private readonly audit: AuditService,
    private readonly events: EmergencyPhraseEvents,
  ) {}

  /**
   * The compiled, active phrases for an org and language, highest severity first. A language
   * without any phrase falls back to English (as before). Invalid stored patterns are skipped.
   */
  async phraseSet(orgId: string, language: string, tx?: DbOrTx): Promise<CompiledPhrase[]> {
    return (await this.phraseSets(orgId, [language], tx)).get(language) ?? [];
  }

  /** `phraseSet` for several languages from one query (the live detector compiles every language of an org). */
  async phraseSets(orgId: string, languages: readonly string[], tx?: DbOrTx): Promise<Map<string, CompiledPhrase[]>> {
    const rows = await this.repo.forDetection(orgId, [...new Set([...languages, 'en'])], tx);
    return new Map(
      languages.map((language) => {
        const set = effectiveOf(rows, language);
        return [language, compileActive(set.length ? set : effectiveOf(rows, 'en'))];
      }),
    );
  }

  defaults(language?: string): PhraseResponse[] {
    return DEFAULT_PHRASES.filter((d) => !language || d.language === language).map(defaultResponse);
  }

  async effective(orgId: string, language: string, tx?: DbOrTx): Promise<PhraseResponse[]> {
    return effectiveOf(await this.repo.forDetection(orgId, [language], tx), language);
  }

  // ---- HTTP (orgAdmin: own org's rows; superAdmin: platform rows) ----

  async byLanguage(actor: AuthActor, language: string): Promise<PhraseResponse[]> {
    if (!actor.orgId) return this.defaults(language);
    return (await this.effective(actor.orgId, language)).filter((p) => p.isActive);
  }

  async list(actor: AuthActor, query: PhraseListQueryDto): Promise<Page<PhraseResponse>> {
    const page = pageRequest(query);
    const [sort] = parseSort(query.sortBy, ['createdAt'] as const, [{ field: 'createdAt', direction: 'desc' }]);
    const { rows, total } = await this.repo.page(owner(actor), query, sort.direction, page);
    return toPage(rows.map(rowResponse), total, page);
  }

  async get(actor: AuthActor, id: string): Promise<PhraseResponse> {
    return rowResponse(await this.load(actor, id));
  }

  async create(actor: AuthActor, dto: CreatePhraseDto): Promise<PhraseResponse> {
    compile(dto.pattern);
    if (dto.overridesDefault && !DEFAULT_KEYS.has(dto.overridesDefault)) throw new ValidationError(UNKNOWN_DEFAULT);
    const created = await this.database.transaction(async (tx) => {
      const row = await this.repo.insert(insertOf(actor, dto), tx);
      await this.record('emergency_phrase.create', actor, row.id, tx);
      return rowResponse(row);
    });
    await this.changed(actor);
    return created;
  }

  /**
   * Many phrases at once: each item is checked like `create` (shape, lengths, regex, built-in key)
   * and must not repeat an override key or a (language, phrase) the caller already has or an
   * earlier item brings. The valid ones are stored in one transaction, audited once with their ids;
   * the others come back in `errors` with their index.
   */
  async bulkImport(actor: AuthActor, items: readonly unknown[]): Promise<BulkImportResponse> {
    const errors: PhraseImportError[] = [];
    const valid: { index: number; dto: CreatePhraseDto }[] = [];
    items.forEach((item, index) => {
      const checked = checkItem(item);
      if (typeof checked === 'string') errors.push({ index, phrase: phraseOf(item), error: checked });
      else valid.push({ index, dto: checked });
    });
    const stored = valid.length
      ? await this.database.transaction(async (tx) => {
          const existing = await this.repo.identities(owner(actor), tx);
          const keys = new Set(existing.flatMap((r) => (r.defaultKey ? [r.defaultKey] : [])));
          const texts = new Set(existing.filter((r) => !r.defaultKey).map((r) => identity(r.language, r.phrase)));
          const accepted: { index: number; values: PhraseInsert & { id: string } }[] = [];
          for (const { index, dto } of valid) {
            const text = identity(dto.language, dto.phrase);
            if (dto.overridesDefault ? keys.has(dto.overridesDefault) : texts.has(text)) {
              const error = dto.overridesDefault
                ? `A phrase overriding "${dto.overridesDefault}" already exists`
                : 'Phrase already exists for this language';
              errors.push({ index, phrase: phraseOf(dto), error });
              continue;
            }
            if (dto.overridesDefault) keys.add(dto.overridesDefault);
            else texts.add(text);
            accepted.push({ index, values: { id: randomUUID(), ...insertOf(actor, dto) } });
          }
          const rows = await this.repo.insertMany(
            accepted.map((a) => a.values),
            tx,
          );
          if (rows.length) {
            await this.audit.record(
              {
                action: 'emergency_phrase.bulk_import',
                resourceType: 'emergency_phrase',
                resourceIds: rows.map((r) => r.id),
                orgId: owner(actor),
                outcome: 'success',
              },
              tx,
            );
          }
          const byId = new Map(rows.map((r) => [r.id, r]));
          return accepted.flatMap((a) => {
            const row = byId.get(a.values.id);
            return row ? [rowResponse(row)] : [];
          });
        })
      : [];
    if (stored.length) await this.changed(actor);
    errors.sort((a, b) => a.index - b.index);
    return { success: stored, errors, total: items.length };
  }

  /** The caller's own rows (as `list`), sorted by language, severity, category, in the create shape. */
  async export(actor: AuthActor, filter: PhraseFilter): Promise<PhraseExportItem[]> {
    const rows = await this.repo.exportRows(owner(actor), filter);
    return rows.map((r) => ({
      phrase: r.phrase,
      language: r.language,
      severity: r.severity,
      category: r.category,
      pattern: r.pattern,
      ...(r.description !== null ? { description: r.description } : {}),
      tags: r.tags,
      isActive: r.isActive,
      ...(r.defaultKey !== null ? { overridesDefault: r.defaultKey } : {}),
    }));
  }

  /** Counts over the caller's own rows (as `list`); `mostUsed` = the 10 with the most detector hits. */
  async statistics(actor: AuthActor, language?: string): Promise<PhraseStatisticsResponse> {
    const [counts, top] = await Promise.all([this.repo.counts(owner(actor), language), this.repo.mostUsed(owner(actor), language, 10)]);
    const tally = (key: 'language' | 'severity' | 'category'): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const c of counts) out[c[key]] = (out[c[key]] ?? 0) + c.n;
      return out;
    };
    return {
      totalPhrases: counts.reduce((n, c) => n + c.n, 0),
      activePhrases: counts.filter((c) => c.isActive).reduce((n, c) => n + c.n, 0),
      totalUsage: counts.reduce((n, c) => n + c.usage, 0),
      byLanguage: tally('language'),
      bySeverity: tally('severity'),
      byCategory: tally('category'),
      mostUsed: top.map((r) => ({
        phrase: r.phrase,
        language: r.language,
        usageCount: r.usageCount,
        severity: r.severity,
        category: r.category,
      })),
    };
  }

  async update(actor: AuthActor, id: string, dto: UpdatePhraseDto): Promise<PhraseResponse> {
    if (Object.keys(dto).length === 0) throw new ValidationError('"value" must have at least 1 key');
    await this.load(actor, id);
    if (dto.pattern !== undefined) compile(dto.pattern);
    const updated = await this.database.transaction(async (tx) => {
      const patch: PhrasePatch = { ...dto, language: dto.language as PhraseLanguage | undefined, lastModifiedBy: actor.id };
      const row = await this.repo.update(owner(actor), id, patch, tx);
      if (!row) throw new NotFoundError(PHRASE_NOT_FOUND, 'PhraseNotFound');
      await this.record('emergency_phrase.update', actor, id, tx);
      return rowResponse(row);
    });
    await this.changed(actor);
    return updated;
  }

  async toggle(actor: AuthActor, id: string): Promise<PhraseResponse> {
    const row = await this.load(actor, id);
    return this.update(actor, id, { isActive: !row.isActive });
  }

  async remove(actor: AuthActor, id: string): Promise<void> {
    await this.load(actor, id);
    await this.database.transaction(async (tx) => {
      await this.repo.delete(owner(actor), id, tx);
      await this.record('emergency_phrase.delete', actor, id, tx);
    });
    await this.changed(actor);
  }

  testPattern(pattern: string, text: string): TestPatternResponse {
    let regex: RegExp;
    try {
      regex = new RegExp(pattern, 'iu');
    } catch (err) {
      return { isValid: false, matches: false, error: (err as Error).message };
    }
    const m = regex.exec(text);
    return { isValid: true, matches: m !== null, matchDetails: m ? { match: m[0], index: m.index, input: text } : null };
  }

  /**
   * For the live detector: counts a hit of a phrase (`CompiledPhrase.id`) for the statistics. Built-in
   * defaults (`default:<key>`) have no row and are not counted; another org's id changes nothing.
   */
  async recordUsage(orgId: string, phraseId: string, tx?: DbOrTx): Promise<void> {
    if (!UUID.test(phraseId)) return;
    await this.repo.recordUsage(orgId, phraseId, tx);
  }

  deleteOfOrg(orgId: string, tx: DbOrTx): Promise<void> {
    return this.repo.deleteOfOrg(orgId, tx);
  }

  private async load(actor: AuthActor, id: string): Promise<EmergencyPhraseRow> {
    const row = await this.repo.find(owner(actor), id);
    if (!row) throw new NotFoundError(PHRASE_NOT_FOUND, 'PhraseNotFound');
    return row;
  }

  /** After a commit: caches of the detector drop the owner's sets (all orgs' for platform rows). */
  private changed(actor: AuthActor): Promise<void> {
    return this.events.emit({ orgId: owner(actor) });
  }

  private async record(action: string, actor: AuthActor, id: string, tx: DbOrTx): Promise<void> {
    await this.audit.record({ action, resourceType: 'emergency_phrase', resourceIds: [id], orgId: owner(actor), outcome: 'success' }, tx);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_KEYS = new Set(DEFAULT_PHRASES.map((d) => d.key));
const UNKNOWN_DEFAULT = '"overridesDefault" must be the key of a built-in phrase';

function insertOf(actor: AuthActor, dto: CreatePhraseDto): PhraseInsert {
  return {
    orgId: owner(actor),
    defaultKey: dto.overridesDefault ?? null,
    phrase: dto.phrase,
    language: dto.language as PhraseLanguage,
    severity: dto.severity,
    category: dto.category,
    pattern: dto.pattern,
    description: dto.description ?? null,
    tags: dto.tags ?? [],
    isActive: dto.isActive ?? true,
    createdBy: actor.id,
    lastModifiedBy: actor.id,
  };
}

/** An import item checked like the body of `create`: the DTO, or the error message. */
function checkItem(item: unknown): CreatePhraseDto | string {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return '"value" must be of type object';
  const dto = plainToInstance(CreatePhraseDto, item);
  const problems = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
  if (problems.length) return problems.flatMap((p) => Object.values(p.constraints ?? {})).join(', ');
  try {
    compile(dto.pattern);
  } catch (err) {
    return (err as Error).message;
  }
  if (dto.overridesDefault && !DEFAULT_KEYS.has(dto.overridesDefault)) return UNKNOWN_DEFAULT;
  return dto;
}

function phraseOf(item: unknown): string | null {
  const phrase = item !== null && typeof item === 'object' ? (item as { phrase?: unknown }).phrase : undefined;
  return typeof phrase === 'string' ? phrase.slice(0, 200) : null;
}

const identity = (language: string, phrase: string): string => `${language}\u0000${phrase.trim().toLowerCase()}`;

function owner(actor: AuthActor): string | null {
  return actor.role === 'superAdmin' ? null : actor.orgId;
}

function rowResponse(r: EmergencyPhraseRow): PhraseResponse {
  return {
    id: r.id,
    _id: r.id,
    phrase: r.phrase,
    language: r.language,
    severity: r.severity,
    category: r.category,
    pattern: r.pattern,
    description: r.description,
    tags: r.tags,
    isActive: r.isActive,
    builtIn: false,
    overridesDefault: r.defaultKey,
    usageCount: r.usageCount,
  };
}

function defaultResponse(d: DefaultPhrase): PhraseResponse {
  const id = `default:${d.key}`;
  return {
    id,
    _id: id,
    phrase: d.phrase,
    language: d.language,
    severity: d.severity,
    category: d.category,
    pattern: d.pattern,
    description: null,
    tags: [],
    isActive: true,
    builtIn: true,
    overridesDefault: null,
    usageCount: 0,
  };
}

/** Built-ins of `language` overridden by platform rows, then by the org's rows (per default key), plus own rows; by severity. */
function effectiveOf(rows: readonly EmergencyPhraseRow[], language: string): PhraseResponse[] {
  const ofLanguage = rows.filter((r) => r.language === language);
  const overridden = new Map<string, EmergencyPhraseRow>();
  for (const r of ofLanguage.filter((x) => x.defaultKey && x.orgId === null)) overridden.set(r.defaultKey!, r);
  for (const r of ofLanguage.filter((x) => x.defaultKey && x.orgId !== null)) overridden.set(r.defaultKey!, r);
  const defaults = DEFAULT_PHRASES.filter((d) => d.language === language).map((d) => {
    const o = overridden.get(d.key);
    return o ? rowResponse(o) : defaultResponse(d);
  });
  const own = ofLanguage.filter((r) => !r.defaultKey).map(rowResponse);
  return [...defaults, ...own].sort(
    (a, b) =>
      SEVERITY_ORDER[b.severity as Severity] - SEVERITY_ORDER[a.severity as Severity] ||
      a.category.localeCompare(b.category) ||
      a.phrase.localeCompare(b.phrase),
  );
}

/** Active phrases with their regex compiled (`iu`); a stored pattern that no longer compiles is skipped. */
function compileActive(set: readonly PhraseResponse[]): CompiledPhrase[] {
  return set
    .filter((p) => p.isActive)
    .flatMap((p) => {
      try {
        return [
          {
            id: p.id,
            phrase: p.phrase,
            severity: p.severity as Severity,
            category: p.category as Category,
            regex: new RegExp(p.pattern, 'iu'),
          },
        ];
      } catch {
        return [];
      }
    });
}
