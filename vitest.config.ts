import { defineConfig } from 'vitest/config';
import { PG_BIN } from './test/store/_pg-bin.js';

/** The store suite that runs on both backends: SQLite in `unit`, PostgreSQL in `store-pg`. */
const TWO_BACKEND_SUITE = [
  'test/store/writer.test.ts', 'test/store/delete.test.ts', 'test/store/views.test.ts', 'test/store/folio-log.test.ts',
  'test/store/checkpoints.test.ts', 'test/query/at.test.ts', 'test/query/diff.test.ts', 'test/query/explain.test.ts',
  'test/query/history.test.ts',
];

// The unit suite runs in parallel; tests that touch the real kernel's global THP knobs and mounts
// (`*.kernel.test.ts`) run one file at a time, never beside each other. Tests that start a
// PostgreSQL server (`*.pg.test.ts`) never run beside them: its shared memory is shmem, so while
// a kernel test's knobs apply to it, its allocations would show in the machine-wide counters the
// kernel tests read. sequence.groupOrder runs the groups one after another: unit and heavy (0),
// then pg (1, each file stops its server when it ends), then kernel (2).
export default defineConfig({
  test: {
    // Vitest's default is one worker fewer than the cores: one on a 2-core machine, which leaves
    // a core idle through the whole suite. The kernel project keeps its single worker.
    maxWorkers: 2,
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
      // The two-backend store suite again, on a throwaway PostgreSQL cluster per file (when the
      // server's binaries are there: .ci/run installs them; elsewhere the pg files say why they skip).
      ...(PG_BIN === undefined ? [] : [{
        test: {
          name: 'store-pg',
          include: TWO_BACKEND_SUITE,
          env: { FOLIOLOG_TEST_BACKEND: 'postgres' },
          testTimeout: 120_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 1 },
        },
      }]),
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
