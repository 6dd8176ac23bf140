import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppConfig } from '../config/app-config';
import { HealthService } from './health.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthService,
    private readonly config: AppConfig,
  ) {}

  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: 200 as soon as the process listens' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: database, migrations and Redis; 503 names the failing part' })
  @ApiOkResponse({ schema: { example: { status: 'ok', checks: { database: { status: 'up' } }, providers: {} } } })
  @ApiServiceUnavailableResponse({ schema: { example: { status: 'error', code: 503, message: 'Not ready: redis', failing: ['redis'] } } })
  async ready(@Res({ passthrough: true }) res: Response): Promise<Record<string, unknown>> {
    const { ready, checks, providers } = await this.health.readiness();
    if (ready) return { status: 'ok', checks, providers };
    const failing = Object.entries(checks)
      .filter(([, c]) => c.status === 'down')
      .map(([name]) => name);
    res.status(503);
    return { status: 'error', code: 503, message: `Not ready: ${failing.join(', ')}`, failing, checks, providers };
  }

  @Get()
  @ApiOperation({ summary: 'Compatibility health check of the earlier API' })
  @ApiOkResponse({ schema: { example: { status: 'OK', timestamp: '2026-01-01T00:00:00.000Z', environment: 'development', services: {} } } })
  async compat(): Promise<Record<string, unknown>> {
    const { ready, checks, providers } = await this.health.readiness();
    return {
      status: 'OK',
      ready,
      timestamp: new Date().toISOString(),
      environment: this.config.nodeEnv,
      services: { ...Object.fromEntries(Object.entries(checks).map(([k, v]) => [k, v.status])), ...providers },
    };
  }
}
