import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Three projects:
// - unit: beside the code, fake driver, no Docker, milliseconds;
// - integration: test/integration, a real agent on the real Docker engine;
// - e2e: test/e2e, Debian's Chromium against a running web server (BERTH_WEB_URL).
export default defineConfig({
  test: {
    projects: [
      {
        // The web app's own import alias (apps/web/tsconfig.json), for its modules that use it.
        resolve: { alias: { '@/': fileURLToPath(new URL('./apps/web/src/', import.meta.url)) } },
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'worker-agent/src/**/*.test.ts', 'apps/web/src/**/*.test.ts', 'test/gateway/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // Sandboxes share one engine, one firewall and one registry: one file at a time.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
