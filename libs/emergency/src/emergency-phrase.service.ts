import { Injectable } from '@nestjs/common';
import { AuditService } from '@app/audit';
import type { AuthActor } from '@app/auth';
import { DatabaseService, NotFoundError, ValidationError, pageRequest, parseSort, toPage, type DbOrTx, type Page } from '@app/platform';
import type { Category, Severity } from './alert.table';
import { DEFAULT_PHRASES, type DefaultPhrase } from './default-phrases';
import type { CreatePhraseDto, PhraseListQueryDto, PhraseResponse, TestPatternResponse, UpdatePhraseDto } from './emergency-phrase.dto';
import { EmergencyPhraseRepository, type PhrasePatch } from './emergency-phrase.repository';
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
  ) {}

  /**
   * The compiled, active phrases for an org and language, highest severity first. A language
   * without any phrase falls back to English (as before). Invalid stored patterns are skipped.
   */
  async phraseSet(orgId: string, language: string, tx?: DbOrTx): Promise<CompiledPhrase[]> {
    const set = await this.effective(orgId, language, tx);
    const result = set.length ? set : await this.effective(orgId, 'en', tx);
    return result
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

  defaults(language?: string): PhraseResponse[] {
    return DEFAULT_PHRASES.filter((d) => !language || d.language === language).map(defaultResponse);
  }

  async effective(orgId: string, language: string, tx?: DbOrTx): Promise<PhraseResponse[]> {
    const rows = await this.repo.forDetection(orgId, language, tx);
    // Org rows override platform rows, which override the built-ins, per default key.
    const overridden = new Map<string, EmergencyPhraseRow>();
    for (const r of rows.filter((x) => x.defaultKey && x.orgId === null)) overridden.set(r.defaultKey!, r);
    for (const r of rows.filter((x) => x.defaultKey && x.orgId !== null)) overridden.set(r.defaultKey!, r);
    const defaults = DEFAULT_PHRASES.filter((d) => d.language === language).map((d) => {
      const o = overridden.get(d.key);
      return o ? rowResponse(o) : defaultResponse(d);
    });
    const own = rows.filter((r) => !r.defaultKey).map(rowResponse);
    return [...defaults, ...own].sort(
      (a, b) =>
        SEVERITY_ORDER[b.severity as Severity] - SEVERITY_ORDER[a.severity as Severity] ||
        a.category.localeCompare(b.category) ||
        a.phrase.localeCompare(b.phrase),
    );
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
    if (dto.overridesDefault && !DEFAULT_PHRASES.some((d) => d.key === dto.overridesDefault)) {
      throw new ValidationError('"overridesDefault" must be the key of a built-in phrase');
    }
    return this.database.transaction(async (tx) => {
      const row = await this.repo.insert(
        {
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
        },
        tx,
      );
      await this.record('emergency_phrase.create', actor, row.id, tx);
      return rowResponse(row);
    });
  }

  async update(actor: AuthActor, id: string, dto: UpdatePhraseDto): Promise<PhraseResponse> {
    if (Object.keys(dto).length === 0) throw new ValidationError('"value" must have at least 1 key');
    await this.load(actor, id);
    if (dto.pattern !== undefined) compile(dto.pattern);
    return this.database.transaction(async (tx) => {
      const patch: PhrasePatch = { ...dto, language: dto.language as PhraseLanguage | undefined, lastModifiedBy: actor.id };
      const row = await this.repo.update(owner(actor), id, patch, tx);
      if (!row) throw new NotFoundError(PHRASE_NOT_FOUND, 'PhraseNotFound');
      await this.record('emergency_phrase.update', actor, id, tx);
      return rowResponse(row);
    });
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

  deleteOfOrg(orgId: string, tx: DbOrTx): Promise<void> {
    return this.repo.deleteOfOrg(orgId, tx);
  }

  private async load(actor: AuthActor, id: string): Promise<EmergencyPhraseRow> {
    const row = await this.repo.find(owner(actor), id);
    if (!row) throw new NotFoundError(PHRASE_NOT_FOUND, 'PhraseNotFound');
    return row;
  }

  private async record(action: string, actor: AuthActor, id: string, tx: DbOrTx): Promise<void> {
    await this.audit.record({ action, resourceType: 'emergency_phrase', resourceIds: [id], orgId: owner(actor), outcome: 'success' }, tx);
  }
}

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
