import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests beside the code (fake driver, no Docker), and
// integration tests in test/ that drive the real Docker engine.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'worker-agent/src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Sandboxes share one engine and one firewall: run files one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
