// Two test projects: the engine, store and transports on node (with the tfjs backend CI uses), and the renderer's
// stores and components in happy-dom with the Vue plugin. The browser tests (test/e2e) have their own config.
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/renderer/**', 'node_modules/**'],
          setupFiles: ['test/setup-backend.ts'],
        },
      },
      {
        extends: true,
        plugins: [vue()],
        test: {
          name: 'renderer',
          include: ['test/renderer/**/*.test.ts'],
          environment: 'happy-dom',
          setupFiles: ['test/renderer/setup-dom.ts'],
        },
      },
    ],
  },
});
