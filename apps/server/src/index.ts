// Door for the test harness and tools: the server's module graph and HTTP pipeline.
export * from './app.module';
export * from './configure-app';
export * from './openapi';
