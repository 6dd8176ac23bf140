import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { Logger } from 'nestjs-pino';
import { ConflictError, IdParam, RequestContext, NotFoundError, PageQueryDto, pageRequest, parseSort, toPage } from '@app/platform';
import { Public } from '@app/auth';
import { createTestApp, type TestApp } from '@app/testing';

class CreateWidgetDto {
  @IsString()
  @MaxLength(50)
  name!: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  size?: number;
}

class WidgetQueryDto extends PageQueryDto {
  @IsOptional()
  @IsString()
  name?: string;
}

const WIDGETS = Array.from({ length: 23 }, (_, i) => ({ name: `w${String(i).padStart(2, '0')}`, size: i % 5 }));

/** A test-only controller exercising the production pipeline (validation, filter, pagination). */
@ApiTags('pipeline-test')
@Public()
@Controller('pipeline-test')
class PipelineTestController {
  @Post('widgets')
  create(@Body() body: CreateWidgetDto): CreateWidgetDto & { sizeType: string } {
    return { ...body, sizeType: typeof body.size };
  }

  @Get('widgets')
  list(@Query() query: WidgetQueryDto) {
    const request = pageRequest(query);
    const [sort] = parseSort(query.sortBy, ['name', 'size'] as const, [{ field: 'name', direction: 'asc' }]);
    const filtered = WIDGETS.filter((w) => !query.name || w.name === query.name).sort((a, b) => {
      const field = sort.field;
      const order = a[field] < b[field] ? -1 : a[field] > b[field] ? 1 : 0;
      return sort.direction === 'asc' ? order : -order;
    });
    return toPage(filtered.slice(request.offset, request.offset + request.limit), filtered.length, request);
  }

  @Get('widgets/:widgetId')
  get(@IdParam('widgetId') id: string): never {
    throw new NotFoundError('Widget not found', 'WidgetNotFound', { widgetId: id });
  }

  @Post('conflict')
  conflict(): never {
    throw new ConflictError('Widget already exists', 'WidgetExists');
  }

  @Get('context')
  context(): { requestId: string | undefined } {
    return { requestId: RequestContext.current()?.requestId };
  }

  @Get('boom')
  boom(): never {
    throw new Error('database exploded: ZZCANARY secret row');
  }
}

describe('HTTP pipeline (validation, errors, pagination)', () => {
  let t: TestApp;
  const logged: string[] = [];

  beforeAll(async () => {
    t = await createTestApp({ controllers: [PipelineTestController] });
    const logger = t.get(Logger);
    const original = logger.error.bind(logger);
    jest.spyOn(logger, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(JSON.stringify(args));
      original(...(args as [unknown]));
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('transforms and returns valid input', async () => {
    const res = await t.http().post('/v1/pipeline-test/widgets').send({ name: 'a', size: 3 }).expect(201);
    expect(res.body).toEqual({ name: 'a', size: 3, sizeType: 'number' });
  });

  it('rejects unknown fields with 400 and names them', async () => {
    const res = await t.http().post('/v1/pipeline-test/widgets').send({ name: 'a', role: 'superAdmin' }).expect(400);
    expect(res.body).toEqual({ code: 400, message: 'property role should not exist', error: 'ValidationFailed' });
  });

  it('rejects wrong types with every message in one 400', async () => {
    const res = await t.http().post('/v1/pipeline-test/widgets').send({ name: 7, size: 'big' }).expect(400);
    expect(res.body.code).toBe(400);
    expect(res.body.message).toContain('name must be a string');
    expect(res.body.message).toContain('size must be an integer number');
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const res = await t.http().post('/v1/pipeline-test/widgets').set('Content-Type', 'application/json').send('{"name": ').expect(400);
    expect(res.body).toEqual({ code: 400, message: 'Malformed JSON in request body' });
  });

  it('answers an oversized body with 413', async () => {
    const res = await t
      .http()
      .post('/v1/pipeline-test/widgets')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(200_000) }))
      .expect(413);
    expect(res.body.code).toBe(413);
  });

  it('maps a thrown domain error to its status and code', async () => {
    const res = await t.http().post('/v1/pipeline-test/conflict').expect(409);
    expect(res.body).toEqual({ code: 409, message: 'Widget already exists', error: 'WidgetExists' });
  });

  it('answers a bad id with 400 naming the parameter, a good unknown id with 404', async () => {
    const bad = await t.http().get('/v1/pipeline-test/widgets/not-a-uuid').expect(400);
    expect(bad.body).toEqual({ code: 400, message: '"widgetId" must be a valid id', error: 'InvalidId' });
    const missing = await t.http().get('/v1/pipeline-test/widgets/2b1c7d8e-6f2a-4b4c-9d1e-0a1b2c3d4e5f').expect(404);
    expect(missing.body).toMatchObject({ code: 404, message: 'Widget not found' });
  });

  it('turns an unknown error into a generic 500 without stack or data, and logs it with the request id', async () => {
    const res = await t.http().get('/v1/pipeline-test/boom').set('X-Request-Id', 'req-boom-12345').expect(500);
    expect(res.body).toEqual({ code: 500, message: 'Internal server error' });
    expect(JSON.stringify(res.body)).not.toContain('ZZCANARY');
    expect(res.headers['x-request-id']).toBe('req-boom-12345');
    expect(logged.some((line) => line.includes('req-boom-12345') && line.includes('unhandled error'))).toBe(true);
  });

  it('answers unknown routes with the contract 404', async () => {
    const res = await t.http().get('/v1/no-such-route').expect(404);
    expect(res.body).toEqual({ code: 404, message: 'Not found' });
  });

  it('marks API responses as not cacheable and sets security headers', async () => {
    const res = await t.http().get('/v1/pipeline-test/widgets');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('shares one request id between the response header, the logs and the request context (audit)', async () => {
    const given = await t.http().get('/v1/pipeline-test/context').set('X-Request-Id', 'req-context-1234').expect(200);
    expect(given.body).toEqual({ requestId: 'req-context-1234' });
    const generated = await t.http().get('/v1/pipeline-test/context').expect(200);
    expect(generated.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(generated.headers['x-request-id']).toBe(generated.body.requestId);
  });

  it('replaces an unsafe incoming request id', async () => {
    const res = await t.http().get('/health/live').set('X-Request-Id', 'bad id {"level":"info"}');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('paginates with the contract envelope, sorting and clamped limits', async () => {
    const page2 = await t.http().get('/v1/pipeline-test/widgets?page=2&limit=10').expect(200);
    expect(page2.body).toMatchObject({ page: 2, limit: 10, totalPages: 3, totalResults: 23 });
    expect(page2.body.results[0].name).toBe('w10');

    const sorted = await t.http().get('/v1/pipeline-test/widgets?sortBy=name:desc&limit=2').expect(200);
    expect(sorted.body.results.map((w: { name: string }) => w.name)).toEqual(['w22', 'w21']);

    const clamped = await t.http().get('/v1/pipeline-test/widgets?limit=100000').expect(200);
    expect(clamped.body.limit).toBe(100);
    expect(clamped.body.results).toHaveLength(23);

    const filtered = await t.http().get('/v1/pipeline-test/widgets?name=w03').expect(200);
    expect(filtered.body).toMatchObject({ totalResults: 1, results: [{ name: 'w03' }] });
  });

  it('rejects bad pagination input with 400', async () => {
    expect((await t.http().get('/v1/pipeline-test/widgets?page=zero').expect(400)).body.message).toContain('page must be an integer');
    expect((await t.http().get('/v1/pipeline-test/widgets?sortBy=password:asc').expect(400)).body.message).toBe(
      'sortBy field "password" is not allowed; use one of name, size',
    );
    expect((await t.http().get('/v1/pipeline-test/widgets?sortBy=name;drop').expect(400)).body.message).toContain('sortBy must look like');
    expect((await t.http().get('/v1/pipeline-test/widgets?evil=1').expect(400)).body.message).toBe('property evil should not exist');
  });
});
