import { once } from 'node:events';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.ts';
import { errorOf } from '../support/http.ts';

describe('health and readiness', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('GET /health answers 200 {status: ok} without a login', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /ready answers 200 with PostgreSQL and Redis both ok once the Redis connection is up', async () => {
    // The producer connection does not queue commands while connecting, so readiness is only
    // claimed once it is connected; wait for that event rather than for a fixed time.
    if (app.redis.status !== 'ready') await once(app.redis, 'ready');
    const res = await app.inject({ method: 'GET', url: '/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', postgres: { status: 'ok' }, redis: { status: 'ok' } });
  });

  it('echoes a well-formed X-Request-Id and issues one when the caller sends none', async () => {
    const given = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'trace-abc-12345' } });
    expect(given.headers['x-request-id']).toBe('trace-abc-12345');
    const issued = await app.inject({ method: 'GET', url: '/health' });
    expect(issued.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown route with 404 ROUTE_NOT_FOUND in the error shape', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/nothing-here?x=1' });
    expect(res.statusCode).toBe(404);
    const err = errorOf(res);
    expect(err.code).toBe('ROUTE_NOT_FOUND');
    expect(err.message).toContain('GET /v1/nothing-here');
  });
});

describe('readiness with Redis unreachable', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    // Port 1 on loopback refuses connections at once: a Redis that is down.
    app = await buildTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
  });
  afterAll(async () => {
    await app.close();
  });

  it('GET /ready answers 503 naming Redis as failed while PostgreSQL stays ok', async () => {
    const res = await app.inject({ method: 'GET', url: '/ready' });
    expect(res.statusCode).toBe(503);
    const body = res.json();
    expect(body.status).toBe('fail');
    expect(body.postgres).toEqual({ status: 'ok' });
    expect(body.redis.status).toBe('fail');
    expect(typeof body.redis.error).toBe('string');
  });

  it('GET /health still answers 200: liveness does not depend on Redis', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
  });
});
