// Loaded with `node --import` into each process of the soak (test/support/chaos/cluster.ts): every
// PROBE_EVERY_MS (5 s) it appends one JSON line to PROBE_FILE with the process's RSS, heap used and
// the event-loop delay over the interval (p99 and max, ms), so the soak can compare start and end
// for every process alike, the sandbox included, which has no /metrics.
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.PROBE_FILE;
if (file) {
  const every = Number(process.env.PROBE_EVERY_MS ?? 5000);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    const line = { t: Date.now(), pid: process.pid, rss: m.rss, heapUsed: m.heapUsed, eldP99Ms: delay.percentile(99) / 1e6, eldMaxMs: delay.max / 1e6 };
    delay.reset();
    try {
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    } catch {
      // A sample lost to a full disk is not worth disturbing the process under test.
    }
  }, every);
  // The probe must never keep a process alive that is shutting down.
  timer.unref();
}
