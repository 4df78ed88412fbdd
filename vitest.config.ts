// Test tiers (STYLE.md §10): `unit` runs everything named *.test.ts in parallel; `integration`
// (*.int.test.ts) talks to real Redis / PostgreSQL / child processes, one file at a time.
import { defineConfig } from 'vitest/config';

const exclude = ['**/node_modules/**', '**/dist/**'];

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{packages,tools,agents,examples}/**/*.test.ts'],
          exclude: [...exclude, '**/*.int.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['{packages,tools,agents,examples}/**/*.int.test.ts'],
          exclude,
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
