import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../db/migrate.ts';
import { check, startOpsServer, type OpsServer } from '../../jobs/ops-server.ts';
import { startWorkers, type Workers } from '../../jobs/worker.ts';
import { QUEUES } from '../../src/queues/definitions.ts';
import { createScratchDatabase, dropDatabase, testConfig } from '../support/app.ts';

describe('a worker process is watched on its own port', () => {
  // Its own database (the relay drains every outbox row it sees) and queue prefix.
  let databaseUrl: string;
  let workers: Workers;
  let ops: OpsServer;
  let base: string;
  const token = `worker-metrics-${randomUUID()}`;

  const config = () => testConfig({ DATABASE_URL: databaseUrl, QUEUE_PREFIX: `{dtpc-worker-http-${randomUUID().slice(0, 8)}}`, METRICS_TOKEN: token });
  const log = pino({ level: 'silent' });

  beforeAll(async () => {
    databaseUrl = await createScratchDatabase('worker_http');
    await runMigrations(databaseUrl);
    workers = await startWorkers(config(), log);
    ops = await startOpsServer({ host: '127.0.0.1', port: 0, metricsToken: token, readiness: workers.readiness, log });
    base = `http://127.0.0.1:${ops.port}`;
  });
  afterAll(async () => {
    await workers.close();
    await ops.close();
    await dropDatabase(databaseUrl);
  });

  it('answers /health, and /ready with PostgreSQL, Redis and its workers ok', async () => {
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/ready`);
    expect(await ready.json()).toEqual({ status: 'ok', postgres: { status: 'ok' }, redis: { status: 'ok' }, workers: { status: 'ok' } });
    expect(ready.status).toBe(200);
  });

  it('serves its own metrics, every queue included, only with METRICS_TOKEN', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('process_cpu_user_seconds_total');
    for (const queue of Object.values(QUEUES)) expect(text).toContain(`bullmq_queue_up{queue="${queue}"} 1`);
  });

  it('answers 404 elsewhere', async () => {
    expect((await fetch(`${base}/v1/products`)).status).toBe(404);
  });

  it('reports not ready once its workers have stopped', async () => {
    // Its own workers and port, so the other tests (in any order) keep theirs running.
    const own = await startWorkers(config(), log);
    const ownOps = await startOpsServer({ host: '127.0.0.1', port: 0, metricsToken: token, readiness: own.readiness, log });
    await own.close();
    const ready = await fetch(`http://127.0.0.1:${ownOps.port}/ready`).finally(() => ownOps.close());
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { status: string; workers: { status: string; error: string } };
    expect(body.status).toBe('fail');
    expect(body.workers.status).toBe('fail');
    expect(body.workers.error).toContain(QUEUES.listingSync);
  });
});

describe('a readiness check', () => {
  it('fails when its probe never settles, instead of hanging the scrape', async () => {
    const never = new Promise(() => {});
    expect(await check(() => never, 20)).toEqual({ status: 'fail', error: 'no answer within 20 ms' });
    expect(await check(async () => 'pong', 20)).toEqual({ status: 'ok' });
  });
});
