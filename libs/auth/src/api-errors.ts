import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponse } from './responses.dto';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Validation failed (message lists every problem)',
  401: 'Not authenticated, or the credentials/token are invalid',
  403: 'Authenticated but not allowed',
  404: 'Not found (also for another organisation’s ids)',
  409: 'Conflict with the current state',
  413: 'Upload too large',
  429: 'Too many requests or temporarily locked',
  501: 'Provider not configured',
  503: 'A dependency (audit log, session store, mail) is unavailable',
};

/** Swagger for the error answers of a route, all with the `{code, message, error?}` body. */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: DESCRIPTIONS[status] ?? 'Error', type: ErrorResponse })),
  );
}
