import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

export const API_VERSION = '1.0.0';

/** The OpenAPI document, generated from the code; committed as openapi.json (drift-tested). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Bianca API')
    .setDescription(
      'AI wellness calls for elderly people: organisations, caregivers, patients, schedules, calls, alerts, ' +
        'analyses and billing. Errors are `{code, message}` (plus a domain `error` code); lists are ' +
        '`{results, page, limit, totalPages, totalResults}`.',
    )
    .setVersion(API_VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  return SwaggerModule.createDocument(app, config, { operationIdFactory: (controller, method) => `${controller}_${method}` });
}

/** Stable text form of the document (what openapi.json holds). */
export function serializeOpenApi(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
