import { defineConfig } from 'vitest/config';

// Three projects: fast pure tests, the deterministic simulator, and real node processes.
export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          // Projects run one after another, so timing-sensitive real-process tests never share
          // the two cores with the simulation sweep.
          sequence: { groupOrder: 0 },
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'simulation',
          sequence: { groupOrder: 1 },
          include: ['test/sim/**/*.test.ts'],
          testTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 2 },
          include: ['test/integration/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
