import { defineConfig } from 'drizzle-kit';

// Tables live with their owning lib (`libs/<lib>/src/**/*.table.ts`); migrations are generated
// into drizzle/ and committed: `npm run db:generate -- --name=<what-changed>`.
export default defineConfig({
  dialect: 'postgresql',
  schema: './libs/*/src/**/*.table.ts',
  out: './drizzle',
  strict: true,
  verbose: true,
});
