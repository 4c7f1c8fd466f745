import { defineConfig } from 'vitest/config';

// The default run is the fast suite; `npm run test:chaos` runs the long fault-injection suite alone.
const chaos = process.env.TEST_SUITE === 'chaos';

export default defineConfig({
  test: {
    include: chaos ? ['test/chaos/**/*.test.ts'] : ['test/**/*.test.ts'],
    exclude: chaos ? [] : ['test/chaos/**'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: chaos ? 600_000 : 30_000,
    hookTimeout: 120_000,
    // Files share one per-run database; each builds its own data with unique keys, so they can run in parallel.
    fileParallelism: true,
    // Files, and the tests inside each file, run in a shuffled order: a test that needs another to
    // run first fails loudly instead of passing by luck. The seed is printed; `--sequence.seed=N`
    // replays an order. A file may share an expensive world built in beforeAll, never what one test
    // leaves for the next.
    sequence: { shuffle: true },
  },
});
