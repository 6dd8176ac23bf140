import { sql } from 'drizzle-orm';
import { CallRiskPorts } from '@app/calls';
import { EmergencyPhraseService } from '@app/emergency';
import { queryRows } from '@app/platform';
import { createCaregiver, createOrg, createTestApp, loginAs, uniqueSuffix, type TestApp } from '@app/testing';

type Item = Record<string, unknown>;

/** A valid create-shape item with a unique phrase text. */
function item(overrides: Item = {}): Item {
  const word = `zq${uniqueSuffix().replace(/[^a-z0-9]/gi, '')}`;
  return { phrase: `phrase ${word}`, language: 'en', severity: 'HIGH', category: 'Physical', pattern: `\\b${word}\\b`, ...overrides };
}

describe('emergency phrases: bulk import, export, statistics, detector cache (§3.14)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function team() {
    const org = await createOrg(t);
    const admin = await createCaregiver(t, { org, role: 'orgAdmin' });
    const staff = await createCaregiver(t, { org, role: 'staff' });
    return { org, admin, adminAuth: `Bearer ${await loginAs(t, admin)}`, staffAuth: `Bearer ${await loginAs(t, staff)}` };
  }

  const bulk = (auth: string, phrases: unknown) =>
    t.http().post('/v1/emergency-phrases/bulk-import').set('Authorization', auth).send({ phrases });

  describe('POST /v1/emergency-phrases/bulk-import', () => {
    it('stores the valid items in one go (audited once with their ids) and lists the invalid ones by index', async () => {
      const { org, adminAuth } = await team();
      const good = [item({ tags: ['home'], description: 'kitchen' }), item({ severity: 'CRITICAL', category: 'Medical', isActive: false })];
      const existing = await t.http().post('/v1/emergency-phrases').set('Authorization', adminAuth).send(item()).expect(201);
      const body = [
        good[0],
        item({ pattern: '(unclosed' }),
        'not an object',
        item({ phrase: 'x'.repeat(201) }),
        { language: 'en' },
        item({ extra: true }),
        good[1],
        item({ overridesDefault: 'en.999' }),
        { ...good[0], pattern: 'other' },
        item({ phrase: existing.body.phrase.toUpperCase() }),
        item({ overridesDefault: 'en.21', isActive: false }),
        item({ overridesDefault: 'en.21' }),
        item({ language: 'xx' }),
      ];
      const res = await bulk(adminAuth, body).expect(201);
      expect(res.body.total).toBe(13);
      expect(res.body.success).toHaveLength(3);
      expect(res.body.success[0]).toMatchObject({
        id: expect.any(String),
        _id: res.body.success[0].id,
        phrase: good[0].phrase,
        tags: ['home'],
        description: 'kitchen',
        isActive: true,
        builtIn: false,
        usageCount: 0,
      });
      expect(res.body.success[1]).toMatchObject({ phrase: good[1].phrase, severity: 'CRITICAL', isActive: false });
      expect(res.body.success[2]).toMatchObject({ overridesDefault: 'en.21', isActive: false });
      expect(res.body.errors.map((e: { index: number }) => e.index)).toEqual([1, 2, 3, 4, 5, 7, 8, 9, 11, 12]);
      const byIndex = new Map<number, { phrase: string | null; error: string }>(
        res.body.errors.map((e: { index: number; phrase: string | null; error: string }) => [e.index, e]),
      );
      expect(byIndex.get(1)?.error).toMatch(/^Invalid regex pattern: /);
      expect(byIndex.get(2)).toEqual({ index: 2, phrase: null, error: '"value" must be of type object' });
      expect(byIndex.get(3)?.error).toContain('phrase must be shorter than or equal to 200 characters');
      expect(byIndex.get(3)?.phrase).toHaveLength(200);
      expect(byIndex.get(4)?.error).toContain('"phrase" is required');
      expect(byIndex.get(4)?.error).toContain('"severity" is required');
      expect(byIndex.get(5)?.error).toBe('property extra should not exist');
      expect(byIndex.get(7)?.error).toBe('"overridesDefault" must be the key of a built-in phrase');
      expect(byIndex.get(8)).toMatchObject({ phrase: good[0].phrase, error: 'Phrase already exists for this language' });
      expect(byIndex.get(9)?.error).toBe('Phrase already exists for this language');
      expect(byIndex.get(11)?.error).toBe('A phrase overriding "en.21" already exists');
      expect(byIndex.get(12)?.error).toContain('"language" must be one of [en, es, fr');

      // Stored in the caller's org; the override switched the built-in off for the detector.
      const page = await t.http().get('/v1/emergency-phrases?limit=100').set('Authorization', adminAuth).expect(200);
      expect(page.body.totalResults).toBe(4);
      const phrases = await t.get(EmergencyPhraseService).phraseSet(org.id, 'en');
      expect(phrases.some((p) => p.id === 'default:en.21')).toBe(false);
      expect(phrases.some((p) => p.id === res.body.success[0].id)).toBe(true);

      const audits = await queryRows<{ action: string; resource_ids: string[]; org_id: string }>(
        t.database.db,
        sql`select action, resource_ids, org_id from audit_entries where request_id = ${res.headers['x-request-id']}`,
      );
      expect(audits).toEqual([
        {
          action: 'emergency_phrase.bulk_import',
          resource_ids: expect.arrayContaining(res.body.success.map((p: { id: string }) => p.id)),
          org_id: org.id,
        },
      ]);
      expect(audits[0].resource_ids).toHaveLength(3);
    });

    it('all invalid: 201 with errors only, nothing stored, no audit entry', async () => {
      const { adminAuth } = await team();
      const res = await bulk(adminAuth, [item({ severity: 'LOW' })]).expect(201);
      expect(res.body).toEqual({
        success: [],
        errors: [{ index: 0, phrase: expect.any(String), error: '"severity" must be one of [CRITICAL, HIGH, MEDIUM]' }],
        total: 1,
      });
      const audits = await queryRows<{ n: number }>(
        t.database.db,
        sql`select count(*)::int as n from audit_entries where request_id = ${res.headers['x-request-id']}`,
      );
      expect(audits[0].n).toBe(0);
      const page = await t.http().get('/v1/emergency-phrases').set('Authorization', adminAuth).expect(200);
      expect(page.body.totalResults).toBe(0);
    });

    it('accepts 1000 items and refuses an empty, oversized, missing or non-array `phrases` (400)', async () => {
      const { adminAuth } = await team();
      const many = Array.from({ length: 1000 }, (_, i) => ({
        phrase: `bulk phrase ${i}`,
        language: 'fr',
        severity: 'MEDIUM',
        category: 'Request',
        pattern: `bulk\\s+phrase\\s+${i}\\b`,
      }));
      const ok = await bulk(adminAuth, many).expect(201);
      expect({ stored: ok.body.success.length, errors: ok.body.errors, total: ok.body.total }).toEqual({
        stored: 1000,
        errors: [],
        total: 1000,
      });
      expect(ok.body.success.map((p: { phrase: string }) => p.phrase)).toEqual(many.map((m) => m.phrase));

      const empty = await bulk(adminAuth, []).expect(400);
      expect(empty.body).toMatchObject({ code: 400, message: '"phrases" must contain at least 1 items' });
      const tooMany = await bulk(adminAuth, [...many, many[0]]).expect(400);
      expect(tooMany.body.message).toBe('"phrases" must contain less than or equal to 1000 items');
      const missing = await t.http().post('/v1/emergency-phrases/bulk-import').set('Authorization', adminAuth).send({}).expect(400);
      expect(missing.body.message).toContain('"phrases" is required');
      const notArray = await bulk(adminAuth, { phrase: 'x' }).expect(400);
      expect(notArray.body.message).toContain('"phrases" must be an array');
    });

    it('staff are refused (403); a superAdmin imports platform-wide phrases every org’s detector uses', async () => {
      const { org, adminAuth, staffAuth } = await team();
      await bulk(staffAuth, [item()]).expect(403);
      const superAdmin = await createCaregiver(t, { role: 'superAdmin' });
      const superAuth = `Bearer ${await loginAs(t, superAdmin)}`;
      const platform = item({ language: 'de' });
      const res = await bulk(superAuth, [platform]).expect(201);
      expect(res.body.success).toHaveLength(1);
      const id = res.body.success[0].id as string;
      // Not an org row: the orgAdmin's own list and export do not show it, the detector does.
      const page = await t.http().get('/v1/emergency-phrases').set('Authorization', adminAuth).expect(200);
      expect(page.body.totalResults).toBe(0);
      await t.http().get(`/v1/emergency-phrases/${id}`).set('Authorization', adminAuth).expect(404);
      expect((await t.get(EmergencyPhraseService).phraseSet(org.id, 'de')).some((p) => p.id === id)).toBe(true);
      const exported = await t.http().get('/v1/emergency-phrases/export?language=de').set('Authorization', superAuth).expect(200);
      expect(exported.body.some((p: Item) => p.phrase === platform.phrase)).toBe(true);
      await t.http().delete(`/v1/emergency-phrases/${id}`).set('Authorization', superAuth).expect(204);
    });
  });

  describe('GET /v1/emergency-phrases/export', () => {
    it('answers the caller’s own phrases as an attachment, sorted by language, severity, category; re-importable elsewhere', async () => {
      const { adminAuth } = await team();
      const stranger = await team();
      const items = [
        item({ language: 'fr', severity: 'MEDIUM', category: 'Request' }),
        item({ language: 'en', severity: 'MEDIUM', category: 'Medical', isActive: false }),
        item({ language: 'en', severity: 'CRITICAL', category: 'Safety', tags: ['a', 'b'], description: 'd' }),
        item({ language: 'en', severity: 'CRITICAL', category: 'Medical' }),
        item({ language: 'en', severity: 'HIGH', category: 'Physical', overridesDefault: 'en.11' }),
      ];
      await bulk(adminAuth, items).expect(201);
      await bulk(stranger.adminAuth, [item({ language: 'en' })]).expect(201);

      const res = await t.http().get('/v1/emergency-phrases/export').set('Authorization', adminAuth).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['content-disposition']).toBe('attachment; filename="emergency-phrases.json"');
      expect(res.body.map((p: Item) => [p.language, p.severity, p.category])).toEqual([
        ['en', 'CRITICAL', 'Medical'],
        ['en', 'CRITICAL', 'Safety'],
        ['en', 'HIGH', 'Physical'],
        ['en', 'MEDIUM', 'Medical'],
        ['fr', 'MEDIUM', 'Request'],
      ]);
      expect(res.body[1]).toEqual({ ...items[2], isActive: true });
      expect(res.body[2]).toEqual({ ...items[4], tags: [], isActive: true });
      expect(res.body[3]).toEqual({ ...items[1], tags: [] });

      const filtered = await t
        .http()
        .get('/v1/emergency-phrases/export?language=en&severity=CRITICAL&isActive=true')
        .set('Authorization', adminAuth)
        .expect(200);
      expect(filtered.body.map((p: Item) => p.category)).toEqual(['Medical', 'Safety']);
      const inactive = await t.http().get('/v1/emergency-phrases/export?isActive=false').set('Authorization', adminAuth).expect(200);
      expect(inactive.body.map((p: Item) => p.phrase)).toEqual([items[1].phrase]);
      await t.http().get('/v1/emergency-phrases/export?category=Other').set('Authorization', adminAuth).expect(400);
      await t.http().get('/v1/emergency-phrases/export').set('Authorization', stranger.staffAuth).expect(403);

      // The file goes back in as is (into another org); importing it twice only reports duplicates.
      const other = await team();
      const imported = await bulk(other.adminAuth, res.body).expect(201);
      expect({ stored: imported.body.success.length, errors: imported.body.errors }).toEqual({ stored: 5, errors: [] });
      const again = await bulk(other.adminAuth, res.body).expect(201);
      expect({ stored: again.body.success.length, errors: again.body.errors.length }).toEqual({ stored: 0, errors: 5 });
      const otherExport = await t.http().get('/v1/emergency-phrases/export').set('Authorization', other.adminAuth).expect(200);
      expect(otherExport.body).toEqual(res.body);
    });
  });

  describe('GET /v1/emergency-phrases/statistics', () => {
    it('counts the caller’s own phrases by language, severity and category; most used first', async () => {
      const { org, adminAuth, staffAuth } = await team();
      const res = await bulk(adminAuth, [
        item({ language: 'en', severity: 'HIGH', category: 'Physical' }),
        item({ language: 'en', severity: 'CRITICAL', category: 'Medical', isActive: false }),
        item({ language: 'es', severity: 'HIGH', category: 'Safety' }),
      ]).expect(201);
      const [a, b] = res.body.success as { id: string; phrase: string }[];
      // The detector's hit counter (no HTTP route writes it); built-ins and other orgs' ids are not counted.
      const phrases = t.get(EmergencyPhraseService);
      for (let i = 0; i < 7; i++) await phrases.recordUsage(org.id, a.id);
      for (let i = 0; i < 2; i++) await phrases.recordUsage(org.id, b.id);
      await phrases.recordUsage(org.id, 'default:en.1');
      const stranger = await team();
      await phrases.recordUsage(stranger.org.id, a.id);

      const stats = await t.http().get('/v1/emergency-phrases/statistics').set('Authorization', adminAuth).expect(200);
      expect(stats.body).toEqual({
        totalPhrases: 3,
        activePhrases: 2,
        totalUsage: 9,
        byLanguage: { en: 2, es: 1 },
        bySeverity: { HIGH: 2, CRITICAL: 1 },
        byCategory: { Physical: 1, Medical: 1, Safety: 1 },
        mostUsed: [
          { phrase: a.phrase, language: 'en', usageCount: 7, severity: 'HIGH', category: 'Physical' },
          { phrase: b.phrase, language: 'en', usageCount: 2, severity: 'CRITICAL', category: 'Medical' },
        ],
      });
      const es = await t.http().get('/v1/emergency-phrases/statistics?language=es').set('Authorization', adminAuth).expect(200);
      expect(es.body).toMatchObject({ totalPhrases: 1, activePhrases: 1, totalUsage: 0, byLanguage: { es: 1 }, mostUsed: [] });
      await t.http().get('/v1/emergency-phrases/statistics?language=xx').set('Authorization', adminAuth).expect(400);
      await t.http().get('/v1/emergency-phrases/statistics').set('Authorization', staffAuth).expect(403);
      const empty = await team();
      const none = await t.http().get('/v1/emergency-phrases/statistics').set('Authorization', empty.adminAuth).expect(200);
      expect(none.body).toEqual({
        totalPhrases: 0,
        activePhrases: 0,
        totalUsage: 0,
        byLanguage: {},
        bySeverity: {},
        byCategory: {},
        mostUsed: [],
      });
    });
  });

  describe('live detector cache', () => {
    it('drops an org’s compiled phrase set when its phrases change (create, import, update, toggle, delete)', async () => {
      const { org, adminAuth } = await team();
      const bystander = await team();
      const ports = t.get(CallRiskPorts);
      const count = async (orgId = org.id) => (await ports.detectorFor(orgId)).phraseCount('it');
      const base = await count();
      const bystanderDetector = await ports.detectorFor(bystander.org.id);

      const created = await t
        .http()
        .post('/v1/emergency-phrases')
        .set('Authorization', adminAuth)
        .send(item({ language: 'it' }))
        .expect(201);
      expect(await count()).toBe(base + 1);
      await bulk(adminAuth, [item({ language: 'it' }), item({ language: 'it' })]).expect(201);
      expect(await count()).toBe(base + 3);
      await t.http().patch(`/v1/emergency-phrases/${created.body.id}/toggle`).set('Authorization', adminAuth).expect(200);
      expect(await count()).toBe(base + 2);
      await t.http().patch(`/v1/emergency-phrases/${created.body.id}`).set('Authorization', adminAuth).send({ isActive: true }).expect(200);
      expect(await count()).toBe(base + 3);
      await t.http().delete(`/v1/emergency-phrases/${created.body.id}`).set('Authorization', adminAuth).expect(204);
      expect(await count()).toBe(base + 2);
      // Another org's cached set was not touched by these changes.
      expect(await ports.detectorFor(bystander.org.id)).toBe(bystanderDetector);

      // Platform rows belong to every org's set: every cache is dropped.
      const superAdmin = await createCaregiver(t, { role: 'superAdmin' });
      const superAuth = `Bearer ${await loginAs(t, superAdmin)}`;
      const platform = await bulk(superAuth, [item({ language: 'it' })]).expect(201);
      expect(await count(bystander.org.id)).toBe(bystanderDetector.phraseCount('it') + 1);
      await t.http().delete(`/v1/emergency-phrases/${platform.body.success[0].id}`).set('Authorization', superAuth).expect(204);
      expect(await count(bystander.org.id)).toBe(bystanderDetector.phraseCount('it'));
    });
  });
});
