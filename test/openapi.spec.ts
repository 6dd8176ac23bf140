import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument, serializeOpenApi } from '@apps/server';
import { projectRoot } from '@app/platform';
import { createTestApp, type TestApp } from '@app/testing';

describe('openapi.json', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('matches the document generated from the code (run `npm run openapi` after API changes)', () => {
    const committed = readFileSync(join(projectRoot, 'openapi.json'), 'utf8');
    expect(serializeOpenApi(buildOpenApiDocument(t.app))).toBe(committed);
  });

  it('is what /docs-json serves', async () => {
    const res = await t.http().get('/docs-json').expect(200);
    expect(res.body).toEqual(JSON.parse(readFileSync(join(projectRoot, 'openapi.json'), 'utf8')));
  });
});
