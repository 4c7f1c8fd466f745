import type { Job, Queue, Worker } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus metrics, shared by the API (which serves them at GET /metrics, see
 * src/plugins/metrics.ts) and the workers (which observe job durations and failures here).
 *
 * With ROLES=all, API and workers run in one process and share this registry, so /metrics shows
 * everything. In a scaled deployment each process has its own registry: the queue gauges are
 * right from any replica (they are read from Redis at scrape time), but job durations and failures
 * are only counted by the worker replica that ran the job, and HTTP durations by the API replica
 * that served the request, so every replica is scraped: API replicas on their API port, worker
 * replicas on WORKER_HTTP_PORT (jobs/ops-server.ts).
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

/** BullMQ 6 keeps jobs of a paused queue in `waiting` (there is no paused list); pausing is bullmq_queue_paused. */
export const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;

type QueueSnapshot = { queue: string; counts: Record<string, number> | null; paused: boolean | null };

const tracked = new Set<Queue>();
let inFlight: Promise<QueueSnapshot[]> | null = null;
const READ_TIMEOUT_MS = 2000;

/**
 * Reads every tracked queue once per scrape: the three gauges below are collected in parallel and
 * share the read in flight. The read is forgotten as soon as it settles, so every scrape shows Redis
 * as it is then, never what an earlier scrape saw (a cache across scrapes hid a job added between
 * two scrapes a moment apart). A queue that cannot be read reports bullmq_queue_up 0 and no counts,
 * instead of failing the whole scrape.
 */
function queueSnapshot(): Promise<QueueSnapshot[]> {
  if (!inFlight) {
    const read = async (q: Queue): Promise<QueueSnapshot> => {
      let timer: NodeJS.Timeout | undefined;
      // A queue whose connection has never been ready waits for it instead of failing, so a
      // scrape while Redis is down since start would hang without this bound.
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), READ_TIMEOUT_MS)));
      try {
        const [counts, paused] = await Promise.race([Promise.all([q.getJobCounts(...JOB_STATES), q.isPaused()]), timeout]);
        return { queue: q.name, counts, paused };
      } catch {
        return { queue: q.name, counts: null, paused: null };
      } finally {
        clearTimeout(timer);
      }
    };
    const value = Promise.all([...tracked].map(read));
    inFlight = value;
    // read() never rejects, so this only clears the slot once the read is done.
    void value.then(() => {
      if (inFlight === value) inFlight = null;
    });
  }
  return inFlight;
}

new Gauge({
  name: 'bullmq_queue_jobs',
  help: 'Jobs in each BullMQ queue by state, read from Redis at scrape time',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    for (const { queue, counts } of await queueSnapshot()) {
      if (counts) for (const state of JOB_STATES) this.set({ queue, state }, counts[state] ?? 0);
    }
  },
});

new Gauge({
  name: 'bullmq_queue_paused',
  help: '1 while the BullMQ queue is paused',
  labelNames: ['queue'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    for (const { queue, paused } of await queueSnapshot()) if (paused !== null) this.set({ queue }, paused ? 1 : 0);
  },
});

new Gauge({
  name: 'bullmq_queue_up',
  help: '1 if the queue could be read from Redis during this scrape, 0 if not',
  labelNames: ['queue'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    for (const { queue, counts } of await queueSnapshot()) this.set({ queue }, counts ? 1 : 0);
  },
});

export const jobDuration = new Histogram({
  name: 'bullmq_job_duration_seconds',
  help: 'Processing time of BullMQ jobs (finishedOn - processedOn), by queue and outcome (completed, failed)',
  labelNames: ['queue', 'outcome'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  registers: [registry],
});

/**
 * Every HTTP request by method, route pattern (`/v1/products/:id`, never the raw URL, so the label
 * set stays bounded) and status code; an unmatched URL counts as route "(unmatched)". Observed by
 * src/plugins/metrics.ts when the response is sent.
 */
export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration by method, route pattern and status code',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

/** Counted by the job runner (jobs/runner.ts), which knows why: the reason classes are few and fixed. */
export const jobsGivenUp = new Counter({
  name: 'jobs_given_up_total',
  help: 'Jobs the runner gave up on, by queue and why: "unrecoverable" (a failure retrying cannot fix, e.g. Postmart refused) or "exhausted" (retryable, out of attempts)',
  labelNames: ['queue', 'why'] as const,
  registers: [registry],
});

export const jobFailures = new Counter({
  name: 'bullmq_jobs_failed_total',
  help: 'Failed attempts of BullMQ jobs by queue; final="false" will be retried, final="true" has moved to failed',
  labelNames: ['queue', 'final'] as const,
  registers: [registry],
});

/**
 * The gauges below are counted in PostgreSQL at scrape time by a reader the API registers
 * (src/plugins/metrics.ts). A process normally holds one API; when several are open at once (tests
 * build an app per file or per case) they read the same database, so the newest one still open
 * answers: closing one app leaves the others' gauges in place, and a count is never added up twice.
 */
function newestReader<T>(readers: Set<T>): T | undefined {
  let last: T | undefined;
  for (const r of readers) last = r;
  return last;
}

type OverdueReader = () => Promise<{ sellerId: string; count: number }[]>;
const overdueReaders = new Set<OverdueReader>();

/**
 * Orders past their ship-by deadline and not handed over yet, per seller, counted in PostgreSQL at
 * scrape time (from any API replica). A failed count leaves the gauge empty for that scrape, like
 * an unreadable queue, rather than failing /metrics.
 */
new Gauge({
  name: 'orders_overdue',
  help: 'Orders still to ship (ready_to_ship, processed) past their ship_by deadline, by seller',
  labelNames: ['seller_id'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    const rows = (await newestReader(overdueReaders)?.().catch(() => [])) ?? [];
    for (const r of rows) this.set({ seller_id: r.sellerId }, r.count);
  },
});

/** Counts overdue orders with `read` on every scrape until the returned function is called. */
export function trackOverdueOrders(read: OverdueReader): () => void {
  overdueReaders.add(read);
  return () => void overdueReaders.delete(read);
}

/** Reports these queues' job counts on every scrape until the returned function is called. */
export function trackQueues(queues: readonly Queue[]): () => void {
  for (const q of queues) tracked.add(q);
  inFlight = null;
  return () => {
    for (const q of queues) tracked.delete(q);
    inFlight = null;
  };
}

function seconds(job: Job, end: number | undefined): number | null {
  return job.processedOn && end ? Math.max(0, end - job.processedOn) / 1000 : null;
}

/** Counts a worker's job durations and failures; call once per Worker (jobs/worker.ts does). */
export function observeWorker(worker: Worker): void {
  const queue = worker.name;
  worker.on('completed', (job) => {
    const s = seconds(job, job.finishedOn);
    if (s !== null) jobDuration.observe({ queue, outcome: 'completed' }, s);
  });
  worker.on('failed', (job) => {
    // BullMQ sets finishedOn only when the job moves to failed for good, not when it will be
    // retried (Job#moveToFailed); a job lost to stalling arrives without a Job at all.
    const final = !job || Boolean(job.finishedOn);
    jobFailures.inc({ queue, final: String(final) });
    const s = job ? seconds(job, job.finishedOn ?? Date.now()) : null;
    if (s !== null) jobDuration.observe({ queue, outcome: 'failed' }, s);
  });
}

type ParcelsReader = () => Promise<{ code: string; count: number }[]>;
const parcelsReaders = new Set<ParcelsReader>();

/** Counts parcels to return with `read` on every scrape until the returned function is called. */
export function trackParcelsToReturn(read: ParcelsReader): () => void {
  parcelsReaders.add(read);
  return () => void parcelsReaders.delete(read);
}

new Gauge({
  name: 'pickup_parcels_to_return',
  help: 'Parcels that waited for their buyer past the pickup point hold period and are flagged for return, by point code (read at scrape time)',
  labelNames: ['pickup_point'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    const rows = (await newestReader(parcelsReaders)?.().catch(() => [])) ?? [];
    for (const r of rows) this.set({ pickup_point: r.code }, r.count);
  },
});
