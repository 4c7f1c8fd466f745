import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../support/chaos/cluster.ts';
import { FAULTS, runScenario, table, type ScenarioResult } from '../support/chaos/scenarios.ts';

/**
 * Chaos across processes (issue 15): the sandbox, the API and two workers as separate processes on
 * a redis-server of the test's own, under the mix (test/support/chaos/mix.ts: buyers ordering
 * through the sandbox's generator, sellers editing products and stock and confirming and shipping,
 * the clerk receiving parcels). Each fault is injected in turn, then all together; after each, at
 * quiescence, the invariants of test/support/chaos/invariants.ts must hold: zero violations.
 */
const SECONDS = Number(process.env.CHAOS_SECONDS ?? 15);
const MIX = { ordersPerSecond: 3, sellerOpsPerSecond: 8, seconds: SECONDS, settleMs: 150_000 };

let cluster: Cluster;
const results: ScenarioResult[] = [];

beforeAll(async () => {
  cluster = await startCluster({ shops: 4, productsPerShop: 5, artifacts: 'test-artifacts/chaos', say: (l) => process.stdout.write(`[chaos] ${l}\n`) });
}, 300_000);
afterAll(async () => {
  if (results.length > 0) process.stdout.write(`\nChaos across processes (${SECONDS} s of mix per scenario):\n${table(results)}\n\n`);
  await cluster?.close();
});

describe('chaos across processes', () => {
  it('keeps every invariant through each fault in turn and all of them together', async () => {
    // CHAOS_ONLY=<part of a name> runs the matching scenarios alone (while working on one).
    const only = process.env.CHAOS_ONLY?.toLowerCase();
    for (const fault of FAULTS.filter((f) => !only || f.name.toLowerCase().includes(only))) {
      results.push(await runScenario(cluster, fault.name, [fault], MIX));
      process.stdout.write(`[chaos] ${fault.name}: ${results.at(-1)!.total} violations\n`);
    }
    if (!only || 'all together'.includes(only)) results.push(await runScenario(cluster, 'all together', FAULTS, { ...MIX, seconds: SECONDS + 5 }));
    // Every violation of every scenario, named, in one assertion.
    expect(results.filter((r) => r.total > 0).map((r) => ({ scenario: r.scenario, violations: r.violations }))).toEqual([]);
  }, 840_000);
});
