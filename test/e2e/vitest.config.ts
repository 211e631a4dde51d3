import { defineConfig } from 'vitest/config';

// Browser tests against a running web server (BERTH_WEB_URL, default http://127.0.0.1:3000):
//   npx vitest run --config test/e2e/vitest.config.ts
export default defineConfig({
  test: {
    name: 'e2e',
    root: import.meta.dirname,
    include: ['**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
