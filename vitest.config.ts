import { defineConfig } from 'vitest/config';

// The unit suite runs in parallel; tests that touch the real kernel's global THP knobs and mounts
// (`*.kernel.test.ts`) run one file at a time, never beside each other. Tests that start a
// PostgreSQL server (`*.pg.test.ts`) never run beside them: its shared memory is shmem, so while
// a kernel test's knobs apply to it, its allocations would show in the machine-wide counters the
// kernel tests read. sequence.groupOrder runs the groups one after another: unit and heavy (0),
// then pg (1, each file stops its server when it ends), then kernel (2).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.kernel.test.ts', 'test/**/*.pg.test.ts', 'test/heavy/**', 'node_modules/**'],
          testTimeout: 60_000,
        },
      },
      {
        // Campaigns (issue 9): thousands of fuzzed seeds and replays, minutes rather than seconds.
        test: {
          name: 'heavy',
          include: ['test/heavy/**/*.test.ts'],
          testTimeout: 1_200_000,
        },
      },
      {
        test: {
          name: 'pg',
          include: ['test/**/*.pg.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'kernel',
          include: ['test/**/*.kernel.test.ts'],
          sequence: { groupOrder: 2 },
          fileParallelism: false,
          maxWorkers: 1,
          testTimeout: 300_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
