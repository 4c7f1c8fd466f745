import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Queue, Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../../src/queues/definitions.ts';
import { loadConfig } from '../../src/config.ts';
import { observeWorker } from '../../src/metrics/registry.ts';
import { createRedis } from '../../src/redis.ts';
import { buildTestApp, testConfig } from '../support/app.ts';
import { errorOf } from '../support/http.ts';

/** The value of one sample in Prometheus text, or null when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | null {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = m[2]!.split(',');
    if (want.every((w) => have.includes(w))) return Number(m[3]);
  }
  return null;
}

describe('Prometheus metrics at /metrics', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  const scrape = async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.body;
  };

  it('serves process metrics and the job counts of every queue by state, openly when METRICS_TOKEN is unset', async () => {
    // Delayed by an hour so that no worker of another test on this run's prefix picks it up.
    const job = await app.queues.maintenance.add('metrics-probe', { task: 'reconcile' }, { jobId: `probe-${randomUUID()}`, delay: 3_600_000 });
    try {
      const text = await scrape();
      expect(text).toContain('process_cpu_user_seconds_total');
      expect(text).toContain('# TYPE bullmq_queue_jobs gauge');
      for (const queue of Object.values(QUEUES)) {
        for (const state of ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'waiting-children']) {
          expect(sample(text, 'bullmq_queue_jobs', { queue, state }), `${queue} ${state}`).not.toBeNull();
        }
        expect(sample(text, 'bullmq_queue_paused', { queue }), queue).toBe(0);
        expect(sample(text, 'bullmq_queue_up', { queue }), queue).toBe(1);
      }
      expect(sample(text, 'bullmq_queue_jobs', { queue: QUEUES.maintenance, state: 'delayed' })).toBeGreaterThanOrEqual(1);
    } finally {
      await job.remove();
    }
  });

  describe('job outcomes observed on a real worker', () => {
    // Its own queue name on this run's prefix, so no other test's worker takes these jobs.
    const name = `ops-metrics-${randomUUID()}`;
    let producer: Redis;
    let consumer: Redis;
    let queue: Queue;
    let worker: Worker;

    beforeAll(async () => {
      const { redisUrl, queuePrefix: prefix } = testConfig();
      producer = createRedis(redisUrl, 'worker');
      consumer = createRedis(redisUrl, 'worker');
      queue = new Queue(name, { connection: producer, prefix });
      worker = new Worker(
        name,
        async (job) => {
          if (job.data.fail) throw new Error('boom');
          return 'ok';
        },
        { connection: consumer, prefix },
      );
      worker.on('error', () => {});
      observeWorker(worker);
      await worker.waitUntilReady();
    });
    afterAll(async () => {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await Promise.all([producer.quit(), consumer.quit()]);
    });

    it('counts a retried failure as final="false" and the last one as final="true", with their durations', async () => {
      const failures: boolean[] = [];
      const twice = new Promise<void>((resolve) =>
        worker.on('failed', (job) => {
          failures.push(Boolean(job?.finishedOn));
          if (failures.length === 2) resolve();
        }),
      );
      await queue.add('fails', { fail: true }, { attempts: 2 });
      await twice;
      expect(failures).toEqual([false, true]);

      const text = await scrape();
      expect(sample(text, 'bullmq_jobs_failed_total', { queue: name, final: 'false' })).toBe(1);
      expect(sample(text, 'bullmq_jobs_failed_total', { queue: name, final: 'true' })).toBe(1);
      expect(sample(text, 'bullmq_job_duration_seconds_count', { queue: name, outcome: 'failed' })).toBe(2);
    });

    it('observes the duration of completed jobs', async () => {
      const completed = once(worker, 'completed');
      await queue.add('works', { fail: false });
      await completed;
      const text = await scrape();
      expect(sample(text, 'bullmq_job_duration_seconds_count', { queue: name, outcome: 'completed' })).toBe(1);
      expect(sample(text, 'bullmq_job_duration_seconds_bucket', { queue: name, outcome: 'completed', le: '+Inf' })).toBe(1);
    });
  });

  describe('with METRICS_TOKEN set', () => {
    const token = `metrics-${randomUUID()}`;
    let locked: FastifyInstance;
    beforeAll(async () => {
      locked = await buildTestApp({ METRICS_TOKEN: token });
    });
    afterAll(async () => {
      await locked.close();
    });

    it('answers 401 without the token or with a wrong one, and the metrics with it', async () => {
      for (const authorization of [undefined, 'Bearer wrong-token-0123456789', token, `Bearer ${token}x`]) {
        const res = await locked.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
        expect(res.statusCode, String(authorization)).toBe(401);
        expect(errorOf(res).code).toBe('UNAUTHENTICATED');
      }
      const res = await locked.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('bullmq_queue_jobs');
    });

    it('refuses a METRICS_TOKEN shorter than 16 characters at start', () => {
      expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    });
  });
});
