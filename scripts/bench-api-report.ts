import type autocannon from 'autocannon';

/** The targets from the issue: product list ≥ 0.7× the bare route's throughput, p99 ≤ 1.5× its p99. */
export const TARGETS = { throughputRatioMin: 0.7, p99RatioMax: 1.5 } as const;

export type RunResult = { label: string; round: number; reqPerSec: number; p50: number; p99: number; bytesPerReq: number; cpuPerReq: number; hostBusy: number; total: number };
export type Summary = { label: string; runs: RunResult[]; reqPerSec: number; p99: number; p50: number; bytesPerReq: number; cpuPerReq: number; hostBusy: number };

/** Throws unless every request of the run answered 2xx without errors, timeouts or resets. */
export function checkRun(label: string, r: autocannon.Result): void {
  const problems: string[] = [];
  if (r.errors > 0) problems.push(`${r.errors} errors`);
  if (r.timeouts > 0) problems.push(`${r.timeouts} timeouts`);
  if (r.non2xx > 0) problems.push(`${r.non2xx} non-2xx responses (1xx ${r['1xx']}, 3xx ${r['3xx']}, 4xx ${r['4xx']}, 5xx ${r['5xx']})`);
  if (r.resets > 0) problems.push(`${r.resets} resets`);
  if (r.mismatches > 0) problems.push(`${r.mismatches} mismatches`);
  if (r['2xx'] === 0) problems.push('no 2xx responses at all');
  if (problems.length > 0) throw new Error(`${label}: ${problems.join(', ')}`);
}

/**
 * `cpuMicros`: the server process's CPU time (user + system) during the run; `hostBusy`: the share of
 * the whole machine's CPU in use meanwhile (server, PostgreSQL, load generator and anything else).
 */
export function toRun(label: string, round: number, r: autocannon.Result, cpuMicros: number, hostBusy: number): RunResult {
  return {
    label,
    round,
    // Completed 2xx responses over the measured time; autocannon's requests.average is the same per-second mean.
    reqPerSec: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    bytesPerReq: r.requests.total > 0 ? r.throughput.total / r.requests.total : 0,
    cpuPerReq: r.requests.total > 0 ? cpuMicros / r.requests.total : 0,
    hostBusy,
    total: r.requests.total,
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Runs of equal duration, so the mean of per-run rates is the overall rate; p99 is the mean of per-run p99s. */
export function summarize(label: string, runs: RunResult[]): Summary {
  return {
    label,
    runs,
    reqPerSec: mean(runs.map((r) => r.reqPerSec)),
    p50: mean(runs.map((r) => r.p50)),
    p99: mean(runs.map((r) => r.p99)),
    bytesPerReq: mean(runs.map((r) => r.bytesPerReq)),
    cpuPerReq: mean(runs.map((r) => r.cpuPerReq)),
    hostBusy: mean(runs.map((r) => r.hostBusy)),
  };
}

const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

export function formatReport(products: Summary, bare: Summary): { text: string; pass: { throughput: boolean; p99: boolean } } {
  const tRatio = products.reqPerSec / bare.reqPerSec;
  const pRatio = products.p99 / bare.p99;
  const pass = { throughput: tRatio >= TARGETS.throughputRatioMin, p99: pRatio <= TARGETS.p99RatioMax };
  const w = [34, 11, 9, 9, 10, 14, 10];
  const row = (cells: string[]) => cells.map((c, i) => (i === 0 ? pad(c, w[0]!) : lpad(c, w[i]!))).join(' ');
  const line = '-'.repeat(w.reduce((a, b) => a + b + 1, -1));
  const lines = [
    'Per run (A/B alternating):',
    row(['run', 'req/s', 'p50 ms', 'p99 ms', 'bytes/req', 'server µs/req', 'host busy']),
    line,
    ...[...products.runs, ...bare.runs]
      .sort((a, b) => a.round - b.round || (a.label === products.label ? -1 : 1))
      .map((r) => row([`#${r.round} ${r.label}`, r.reqPerSec.toFixed(1), r.p50.toFixed(2), r.p99.toFixed(2), r.bytesPerReq.toFixed(0), r.cpuPerReq.toFixed(0), pct(r.hostBusy)])),
    '',
    'Aggregate (mean of runs):',
    row(['route', 'req/s', 'p50 ms', 'p99 ms', 'bytes/req', 'server µs/req', 'host busy']),
    line,
    row([products.label, products.reqPerSec.toFixed(1), products.p50.toFixed(2), products.p99.toFixed(2), products.bytesPerReq.toFixed(0), products.cpuPerReq.toFixed(0), pct(products.hostBusy)]),
    row([bare.label, bare.reqPerSec.toFixed(1), bare.p50.toFixed(2), bare.p99.toFixed(2), bare.bytesPerReq.toFixed(0), bare.cpuPerReq.toFixed(0), pct(bare.hostBusy)]),
    '',
    'Products vs bare (ratio = products / bare):',
    ...ratioTable([
      ['throughput', `${products.reqPerSec.toFixed(1)} req/s`, `${bare.reqPerSec.toFixed(1)} req/s`, `${tRatio.toFixed(3)}×`, `≥ ${TARGETS.throughputRatioMin.toFixed(2)}×`, pass.throughput ? 'PASS' : 'FAIL'],
      ['p99 latency', `${products.p99.toFixed(2)} ms`, `${bare.p99.toFixed(2)} ms`, `${pRatio.toFixed(3)}×`, `≤ ${TARGETS.p99RatioMax.toFixed(2)}×`, pass.p99 ? 'PASS' : 'FAIL'],
      // Not a target; it says where the gap comes from when the machine is noisy.
      ['server CPU', `${products.cpuPerReq.toFixed(0)} µs/req`, `${bare.cpuPerReq.toFixed(0)} µs/req`, `${(products.cpuPerReq / bare.cpuPerReq).toFixed(3)}×`, '', ''],
    ]),
  ];
  return { text: lines.join('\n'), pass };
}

function ratioTable(rows: string[][]): string[] {
  const header = ['metric', 'products', 'bare', 'ratio', 'target', 'result'];
  const w = [12, 16, 16, 9, 9, 6];
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? pad(c, w[i]!) : lpad(c, w[i]!))).join('  ');
  return [fmt(header), '-'.repeat(w.reduce((a, b) => a + b + 2, -2)), ...rows.map(fmt)];
}
