// npm run bench:soak: the chaos suite's mix (test/support/chaos/mix.ts: buyers ordering through the
// sandbox's generator, sellers editing products and stock, confirming and shipping, the clerk
// receiving parcels) against the sandbox, the API and two workers as separate processes on a
// redis-server of its own (test/support/chaos/cluster.ts), without faults, for SOAK_MINUTES (10)
// after a warm-up of SOAK_WARMUP_SECONDS (60). Prints throughput, p50/p99 per route, errors, and for
// each process its event-loop delay and memory (RSS, heap) over the first and the last minute after
// the warm-up (medians of 5 s samples by test/support/chaos/probe.ts); target: memory growth under
// 10%. Then checks the chaos suite's invariants at quiescence; exits 1 if one fails.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { sql } from 'drizzle-orm';
import { startCluster, type Role } from '../test/support/chaos/cluster.ts';
import { awaitQuiescence, baseline, checkInvariants, count } from '../test/support/chaos/invariants.ts';
import { Mix } from '../test/support/chaos/mix.ts';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const WARMUP_S = Number(process.env.SOAK_WARMUP_SECONDS ?? 60);
const MIX = { ordersPerSecond: Number(process.env.SOAK_ORDERS_PER_SECOND ?? 3), sellerOpsPerSecond: Number(process.env.SOAK_SELLER_OPS_PER_SECOND ?? 8) };
const ARTIFACTS = 'test-artifacts/soak';
const GROWTH_TARGET = 0.1;
const say = (line: string) => process.stdout.write(`[soak] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Sample = { t: number; rss: number; heapUsed: number; eldP99Ms: number; eldMaxMs: number };
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
};
const mb = (b: number) => (b / 2 ** 20).toFixed(0);
const pctChange = (a: number, b: number) => `${b >= a ? '+' : ''}${((100 * (b - a)) / a).toFixed(1)}%`;
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;

function samples(role: Role): Sample[] {
  try {
    return readFileSync(join(ARTIFACTS, `${role}.probe.jsonl`), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Sample);
  } catch {
    return [];
  }
}

const load0 = loadavg().map((l) => l.toFixed(2)).join(' ');
const cluster = await startCluster({ shops: 4, productsPerShop: 5, artifacts: ARTIFACTS, probe: true, say });
let failed = false;
try {
  const before = await baseline(cluster);
  const localOrders = async () => Number((await cluster.db.execute<{ n: string }>(sql`SELECT count(*) AS n FROM orders`)).rows[0]!.n);
  const mix = new Mix(cluster, MIX);
  await mix.start();
  say(`warming up for ${WARMUP_S} s (${MIX.ordersPerSecond} orders/s, ${MIX.sellerOpsPerSecond} seller actions/s)`);
  await sleep(WARMUP_S * 1000);
  mix.resetStats();
  const t0 = Date.now();
  const placed0 = (await mix.operations()).orders;
  const imported0 = await localOrders();
  say(`measuring for ${MINUTES} min`);
  for (let m = 1; m <= MINUTES; m++) {
    await sleep(Math.max(0, t0 + m * 60_000 - Date.now()));
    say(`${m}/${MINUTES} min: ${mix.stats.calls} API calls, ${mix.stats.errors} errors`);
  }
  const seconds = (Date.now() - t0) / 1000;
  const placed = (await mix.operations()).orders - placed0;
  const imported = (await localOrders()) - imported0;
  const routes = mix.stats.summary();
  await mix.stop();

  const windowMs = Math.min(60_000, (seconds * 1000) / 2);
  const procs = (['sandbox', 'api', 'worker-1', 'worker-2'] as const).map((role) => {
    const all = samples(role).filter((s) => s.t >= t0 && s.t <= t0 + seconds * 1000);
    const first = all.filter((s) => s.t < t0 + windowMs);
    const last = all.filter((s) => s.t > t0 + seconds * 1000 - windowMs);
    const at = (w: Sample[]) => ({ rss: median(w.map((s) => s.rss)), heap: median(w.map((s) => s.heapUsed)), eld: median(w.map((s) => s.eldP99Ms)) });
    return { role, start: at(first), end: at(last), eldMax: Math.max(...all.map((s) => s.eldMaxMs)) };
  });

  say('waiting for the connector to settle, then checking the invariants');
  const left = await awaitQuiescence(cluster, 180_000);
  const violations = await checkInvariants(cluster, before, mix.lowestStock);
  violations.settled = left;
  const broken = count(violations);
  const growthOk = procs.every((p) => p.end.rss <= p.start.rss * (1 + GROWTH_TARGET) && p.end.heap <= p.start.heap * (1 + GROWTH_TARGET));

  process.stdout.write(
    [
      '',
      `Soak: ${MINUTES} min after a ${WARMUP_S} s warm-up; sandbox, API and 2 workers as separate processes; 4 shops × 5 products; load average before: ${load0}, after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
      `throughput: ${(mix.stats.calls / seconds).toFixed(1)} API calls/s, ${(placed / seconds).toFixed(2)} orders/s placed on Postmart, ${(imported / seconds).toFixed(2)} orders/s imported; errors (5xx or cut off): ${routes.reduce((n, r) => n + r.errors, 0)}`,
      '',
      row(['route', 'calls', 'per s', 'p50 ms', 'p99 ms', 'max ms', 'refused (4xx)', 'errors']),
      row(['---', '---', '---', '---', '---', '---', '---', '---']),
      ...routes.map((r) => row([r.route, r.calls, (r.calls / seconds).toFixed(2), r.p50.toFixed(0), r.p99.toFixed(0), r.max.toFixed(0), r.refused, r.errors])),
      '',
      `process memory and event-loop delay, medians of the first and the last ${(windowMs / 1000).toFixed(0)} s after the warm-up (target: growth under ${GROWTH_TARGET * 100}%)`,
      row(['process', 'RSS start MB', 'RSS end MB', 'RSS growth', 'heap start MB', 'heap end MB', 'heap growth', 'loop delay p99 start ms', 'end ms', 'max ms']),
      row(['---', '---', '---', '---', '---', '---', '---', '---', '---', '---']),
      ...procs.map((p) => row([p.role, mb(p.start.rss), mb(p.end.rss), pctChange(p.start.rss, p.end.rss), mb(p.start.heap), mb(p.end.heap), pctChange(p.start.heap, p.end.heap), p.start.eld.toFixed(1), p.end.eld.toFixed(1), p.eldMax.toFixed(0)])),
      '',
      `memory growth under ${GROWTH_TARGET * 100}% → ${growthOk ? 'PASS' : 'FAIL'}; invariants at quiescence: ${broken === 0 ? 'PASS (0 violations)' : `FAIL (${broken} violations)`}`,
      ...(broken ? [JSON.stringify(violations, null, 2)] : []),
      '',
    ].join('\n'),
  );
  failed = broken > 0;
} finally {
  await cluster.close();
}
if (failed) process.exit(1);
