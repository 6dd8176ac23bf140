import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { AppModule, applyRouting, buildOpenApiDocument, serializeOpenApi } from '@apps/server';
import { AppConfig, projectRoot } from '@app/platform';
import type { Command } from '../command';

export const openapiCommand: Command = {
  name: 'openapi:write',
  summary: 'Regenerate openapi.json from the code (commit it; a test fails when it drifts)',
  usage: 'openapi:write [--out <file>]',
  async run({ config, args, out }) {
    const file = args[0] === '--out' && args[1] ? args[1] : join(projectRoot, 'openapi.json');
    // The documented surface is the default one: every role, no test-only routes.
    const docConfig = new AppConfig({ ...config, roles: new Set(['api', 'worker', 'voice']), enableTestRoutes: false });
    const app = await NestFactory.create(AppModule.forRoot(docConfig), { preview: true, logger: false, abortOnError: false });
    try {
      applyRouting(app);
      const document = buildOpenApiDocument(app);
      writeFileSync(file, serializeOpenApi(document));
      out(`Wrote ${Object.keys(document.paths).length} paths to ${file}`);
      return 0;
    } finally {
      await app.close();
    }
  },
};
