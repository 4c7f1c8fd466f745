import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Queue, Worker } from 'bullmq';
import { Cluster } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/postmart/client/rate-limiter.ts';
import { clusterNodes, createRedis, type RedisConnection } from '../../src/redis.ts';
import { buildTestApp } from '../support/app.ts';
import { uniquePhone } from '../support/fixtures.ts';
import { errorOf } from '../support/http.ts';
import { startLocalCluster, type LocalCluster } from '../support/redis-cluster.ts';

describe('on a Redis Cluster (3 local masters)', () => {
  let cluster: LocalCluster;
  const prefix = `{dtpc-cluster-${randomUUID().slice(0, 8)}}`;
  const opened: RedisConnection[] = [];
  const open = (kind: 'worker' | 'producer') => {
    const c = createRedis(cluster.url, kind);
    c.on('error', () => {});
    opened.push(c);
    return c;
  };

  beforeAll(async () => {
    cluster = await startLocalCluster(3);
  }, 60_000);
  afterAll(async () => {
    await Promise.allSettled(opened.map((c) => c.quit()));
    await cluster?.stop();
  });

  it('selects cluster mode for a REDIS_URL listing several nodes, and a single Redis for one URL', () => {
    expect(clusterNodes('redis://127.0.0.1:6379')).toBeNull();
    expect(clusterNodes('redis://:s3cret@10.0.0.1:7000,redis://10.0.0.2')).toEqual({
      nodes: [{ host: '10.0.0.1', port: 7000 }, { host: '10.0.0.2', port: 6379 }],
      options: { password: 's3cret' },
    });
    expect(open('producer')).toBeInstanceOf(Cluster);
  });

  it('runs BullMQ jobs under the hash-tagged prefix, every key of the queue in one slot', async () => {
    const name = `cluster-${randomUUID().slice(0, 8)}`;
    const queue = new Queue(name, { connection: open('producer'), prefix });
    const done: string[] = [];
    const worker = new Worker(name, async (job) => void done.push(job.data.n), { connection: open('worker'), prefix, concurrency: 4 });
    worker.on('error', () => {});
    try {
      await queue.waitUntilReady();
      const all = new Promise<void>((resolve) => worker.on('completed', () => done.length === 20 && resolve()));
      await queue.addBulk(Array.from({ length: 20 }, (_, n) => ({ name: 'n', data: { n: String(n) } })));
      await all;
      expect(done.sort()).toEqual(Array.from({ length: 20 }, (_, n) => String(n)).sort());

      // All of the queue's keys live on one master, in the prefix's slot.
      const redis = open('worker') as Cluster;
      const slot = Number(await redis.cluster('KEYSLOT', `${prefix}:${name}:id`));
      const keysPerNode = await Promise.all(redis.nodes('master').map((n) => n.keys(`${prefix}:${name}:*`)));
      const holding = keysPerNode.filter((k) => k.length > 0);
      expect(holding).toHaveLength(1);
      for (const key of holding[0]!) expect(Number(await redis.cluster('KEYSLOT', key))).toBe(slot);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('shares one Postmart rate-limit bucket and its 429 pause across clients', async () => {
    const scope = `ptn:${randomUUID().slice(0, 8)}`;
    const a = new RateLimiter(open('worker'), { perSecond: 1000, burst: 5, prefix });
    const b = new RateLimiter(open('worker'), { perSecond: 1000, burst: 5, prefix });
    // Both scripts touch the bucket and the pause key together: one slot, so no CROSSSLOT error.
    await a.acquire(scope);
    await b.acquire(scope);
    await a.pause(scope, 1000);
    // The pause set through one client holds the other's next call until it ends.
    const started = performance.now();
    await b.acquire(scope);
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
  });

  describe('the API', () => {
    let app: FastifyInstance;
    beforeAll(async () => {
      app = await buildTestApp({ REDIS_URL: cluster.url, QUEUE_PREFIX: prefix, LOGIN_ATTEMPTS_PER_MINUTE: '2' });
      if (app.redis.status !== 'ready') await once(app.redis, 'ready');
    });
    afterAll(async () => {
      await app?.close();
    });

    it('is ready, queues jobs, and counts login attempts in the cluster', async () => {
      const ready = await app.inject({ url: '/ready' });
      expect(ready.json()).toEqual({ status: 'ok', postgres: { status: 'ok' }, redis: { status: 'ok' } });
      const job = await app.queues.maintenance.add('probe', { task: 'reconcile' }, { delay: 3_600_000 });
      expect(await app.queues.maintenance.getJobState(job.id!)).toBe('delayed');
      await job.remove();

      const phone = uniquePhone();
      const attempt = () => app.inject({ method: 'POST', url: '/v1/auth/login', payload: { phone, password: 'wrong-password-123' } });
      expect((await attempt()).statusCode).toBe(401);
      expect((await attempt()).statusCode).toBe(401);
      const third = await attempt();
      expect(third.statusCode).toBe(429);
      expect(errorOf(third).code).toBe('TOO_MANY_LOGINS');
    });
  });
});
