// Public door of @app/testing: harness, databases, Redis, factories and protocol fakes.
// Test and tooling code only — never imported by application sources (lint-enforced).
export * from './app-harness';
export * from './test-database';
export * from './test-redis';
export * from './test-state';
export * from './factories';
export * from './until';
export * from './identity-factories';
export * from './care-factories';
export * from './fake-smtp';
export * from './fake-oidc';
export * from './voice';
export * from './fake-twilio';
export * from './fake-stripe';
export * from './fake-openai-http';
