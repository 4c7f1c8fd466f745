import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runMigrations } from '../../db/migrate.ts';
import { startWorkers, type Workers } from '../../jobs/worker.ts';
import { SCHEDULES } from '../../jobs/maintenance.ts';
import { QUEUES } from '../../src/queues/definitions.ts';
import { createScratchDatabase, dropDatabase, testConfig } from '../support/app.ts';
import { eventually } from '../support/eventually.ts';

// Workers on a database of their own (their outbox relay drains every row it sees) and a queue
// prefix of their own, whose keys this test deletes as a Redis restarted without its data would lose them.
let url: string;
let prefix: string;
let workers: Workers;
let redis: Redis;
let queue: Queue;

beforeAll(async () => {
  const run = randomBytes(3).toString('hex');
  url = await createScratchDatabase(`sch_${run}`);
  await runMigrations(url);
  prefix = inject('queuePrefix').replace(/\}$/, `-sch${run}}`);
  workers = await startWorkers(testConfig({ DATABASE_URL: url, QUEUE_PREFIX: prefix }), pino({ level: 'silent' }), { schedulerCheckMs: 100 });
  redis = new Redis(inject('redisUrl'));
  queue = new Queue(QUEUES.maintenance, { connection: redis, prefix });
});
afterAll(async () => {
  await workers?.close();
  await queue?.close();
  await redis?.quit();
  if (url) await dropDatabase(url);
});

const registered = async () => (await Promise.all(SCHEDULES.map((s) => queue.getJobScheduler(s.id)))).filter(Boolean).length;

describe('maintenance schedulers', () => {
  it('are registered again by a running worker after Redis lost its data, so the outbox sweep and the order poller keep running', async () => {
    expect(await registered()).toBe(SCHEDULES.length);
    // What a Redis restarted without persistence shows the workers: none of this prefix's keys.
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    expect(await registered()).toBe(0);
    await eventually(registered, (n) => n === SCHEDULES.length);
    expect(await queue.getJobScheduler('sweep-outbox')).toMatchObject({ key: 'sweep-outbox', every: 15_000 });
  });
});
