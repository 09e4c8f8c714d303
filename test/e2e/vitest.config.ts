// End-to-end tests: the built renderer in Debian's chromium (playwright-core) against `ntk-workbench serve`.
// Run with `npm run test:e2e` (it builds first); screenshots land in test-artifacts/e2e/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
