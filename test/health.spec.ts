import { createTestApp, type TestApp } from '@app/testing';

describe('health endpoints', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers liveness', async () => {
    const res = await t.http().get('/health/live').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('is ready when database, migrations and redis are up', async () => {
    const res = await t.http().get('/health/ready').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.checks).toEqual({ database: { status: 'up' }, migrations: { status: 'up' }, redis: { status: 'up' } });
  });

  it('keeps the compatibility shape on /health', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'OK', environment: 'test', services: { database: 'up', redis: 'up' } });
    expect(new Date(res.body.timestamp).toString()).not.toBe('Invalid Date');
  });

  it('serves Swagger UI and the OpenAPI document', async () => {
    const ui = await t.http().get('/docs/').expect(200);
    expect(ui.text).toContain('swagger-ui');
    const doc = await t.http().get('/docs-json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toContain('/health/ready');
  });
});
