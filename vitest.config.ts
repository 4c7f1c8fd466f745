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
    // Files run in a shuffled order (a file that needs another to run first fails loudly). Tests
    // inside a file keep their order for now: test/app/counter-flows.browser.test.ts (a closed cash
    // day refuses the lock test's collection) and test/ops/metrics.test.ts still depend on it
    // (reproduce with `--sequence.shuffle.tests --sequence.seed=11`); see issue 11's closing note.
    sequence: { shuffle: { files: true, tests: false } },
  },
});
