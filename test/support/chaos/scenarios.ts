import type { Cluster } from './cluster.ts';
import { awaitQuiescence, baseline, checkInvariants, count, type Violations } from './invariants.ts';
import { Mix, type MixOptions } from './mix.ts';

/**
 * The faults of the chaos suite, injected in turn and then together while the mix runs
 * (test/chaos/cross-process-chaos.test.ts). Each fault says what it did, for the table.
 */
export type Fault = { name: string; inject: (c: Cluster, at: (ms: number) => Promise<void>, did: (what: string) => void) => Promise<void>; heal?: (c: Cluster) => Promise<void> };

const workerKill: Fault = {
  name: 'worker SIGKILL',
  inject: async (c, at, did) => {
    for (const [t, role] of [[2_000, 'worker-1'], [7_000, 'worker-2']] as const) {
      await at(t);
      await c.children[role].kill('SIGKILL');
      did(`${role} SIGKILL`);
      await c.children[role].start();
    }
  },
};

const redisRestart = (keepData: boolean): Fault => ({
  name: keepData ? 'Redis restart, data kept' : 'Redis restart, data lost',
  inject: async (c, at, did) => {
    await at(4_000);
    await c.redis.restart({ keepData });
    did(keepData ? 'Redis crash + restart (AOF replayed)' : 'Redis crash + restart empty');
  },
});

const pgTerminate: Fault = {
  name: 'pg_terminate_backend',
  inject: async (c, at, did) => {
    let ended = 0;
    for (const t of [2_000, 6_000, 10_000]) {
      await at(t);
      ended += await c.terminateConnectorBackends();
    }
    did(`${ended} connector backends terminated (3 rounds)`);
  },
};

const sandboxStorm: Fault = {
  name: 'sandbox 5xx/latency/429 storm',
  inject: async (c, at, did) => {
    await at(1_000);
    await c.control('PUT', '/config', { faults: { error_rate: 0.3, reset_rate: 0.05, latency_ms: 300 }, rate_limit: { per_second: 2, burst: 2 } });
    did('30% 5xx, 5% resets, +300 ms, 2 calls/s per shop');
  },
  heal: async (c) => void (await c.control('PUT', '/config', { faults: { error_rate: 0, reset_rate: 0, latency_ms: 0 }, rate_limit: { per_second: 10, burst: 20 } })),
};

const webhookMess: Fault = {
  name: 'webhook duplicates, reordering, drops',
  inject: async (c, at, did) => {
    await at(0);
    await c.control('PUT', '/config', { webhooks: { duplicate_rate: 0.3, reorder: true, drop_rate: 0.2 } });
    did('30% duplicated, reordered, 20% dropped');
  },
  heal: async (c) => void (await c.control('PUT', '/config', { webhooks: { duplicate_rate: 0, reorder: false, drop_rate: 0 } })),
};

export const FAULTS = [workerKill, redisRestart(true), redisRestart(false), pgTerminate, sandboxStorm, webhookMess];

export type ScenarioResult = { scenario: string; faults: string[]; orders: number; calls: number; work: string; errors: number; unsettled: string[]; violations: Violations; total: number };

/**
 * One scenario: the mix runs for `seconds` while the faults are injected (all of them at once when
 * several are given), then the mix stops, the faults are healed, the cluster is awaited until
 * nothing is in flight, and the invariants are checked.
 */
export async function runScenario(c: Cluster, name: string, faults: Fault[], opts: MixOptions & { seconds: number; settleMs: number }): Promise<ScenarioResult> {
  const before = await baseline(c);
  const mix = new Mix(c, opts);
  const did: string[] = [];
  await mix.start();
  const t0 = Date.now();
  const at = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, t0 + ms - Date.now())));
  try {
    await Promise.all(faults.map((f) => f.inject(c, at, (what) => did.push(what))));
    await at(opts.seconds * 1000);
  } finally {
    await mix.stop();
    for (const f of faults) await f.heal?.(c);
    // A process a fault left down (a failed restart) is started again, so the next scenario has all four.
    for (const p of Object.values(c.children)) if (!p.alive) await p.start();
  }
  const { orders, calls } = await mix.operations();
  // What the sellers and the clerk got done (2xx answers), so the table shows the mix really ran.
  const done = (route: string) => mix.stats.summary().find((r) => r.route === route);
  const okCalls = (route: string) => (done(route) ? done(route)!.calls - done(route)!.refused - done(route)!.errors : 0);
  const work = `${okCalls('PATCH /v1/products/:id')} edits, ${okCalls('POST /v1/products/:id/stock')} stock, ${okCalls('POST /v1/orders/:id/confirm')} confirms, ${okCalls('POST /v1/orders/:id/ship')} ships, ${okCalls('POST /v1/orders/:id/handover')} handovers`;
  const left = await awaitQuiescence(c, opts.settleMs);
  const violations = await checkInvariants(c, before, mix.lowestStock);
  violations.settled = left.map((l) => `not settled after ${opts.settleMs / 1000} s: ${l}`);
  return { scenario: name, faults: did, orders, calls, work, errors: mix.stats.errors, unsettled: left, violations, total: count(violations) };
}

export function table(results: ScenarioResult[]): string {
  const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [
    row(['scenario', 'faults injected', 'orders placed', 'API calls', 'of which done', 'API errors (5xx, cut)', 'violations']),
    row(['---', '---', '---', '---', '---', '---', '---']),
    ...results.map((r) => row([r.scenario, r.faults.join('; ') || '—', r.orders, r.calls, r.work, r.errors, r.total])),
  ].join('\n');
}
