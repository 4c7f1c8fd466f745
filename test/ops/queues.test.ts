import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_JOB_OPTIONS, QUEUES } from '../../src/queues/definitions.ts';
import { buildTestApp } from '../support/app.ts';

describe('app.queues', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('has one queue per name in QUEUES, under the configured prefix, with the default job options', () => {
    expect(app.queues.list.map((q) => q.name)).toEqual(Object.values(QUEUES));
    for (const key of Object.keys(QUEUES) as (keyof typeof QUEUES)[]) {
      const q = app.queues[key];
      expect(q.name).toBe(QUEUES[key]);
      expect(q.opts.prefix).toBe(app.config.queuePrefix);
      expect(q.jobsOpts).toMatchObject(DEFAULT_JOB_OPTIONS);
    }
  });

  it('adds jobs with the default options into this run’s Redis prefix', async () => {
    // Delayed, so that no worker of another test on this run's prefix picks it up.
    const job = await app.queues.listingBatch.add('probe', { sellerId: randomUUID(), shopId: 'shop-probe' }, { jobId: `probe-${randomUUID()}`, delay: 3_600_000 });
    try {
      expect(job.opts.attempts).toBe(DEFAULT_JOB_OPTIONS.attempts);
      expect(await app.queues.listingBatch.getJobState(job.id!)).toBe('delayed');
      expect(await app.redis.exists(`${app.config.queuePrefix}:${QUEUES.listingBatch}:${job.id}`)).toBe(1);
    } finally {
      await job.remove();
    }
  });
});
