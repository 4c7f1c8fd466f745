import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/build.ts';
import { resolveLogFormat } from '../../src/lib/logger.ts';
import { testConfig } from '../support/app.ts';

describe('requests in flight, for the log line of a process that dies', () => {
  let app: FastifyInstance;
  let entered: () => void;
  let release: () => void;
  const handlerEntered = new Promise<void>((r) => (entered = r));
  const released = new Promise<void>((r) => (release = r));

  beforeAll(async () => {
    app = await buildServer(testConfig(), { logger: false });
    // A route that stays busy until the test lets it go.
    app.get('/test/slow', async () => {
      entered();
      await released;
      return { done: true };
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  it('lists the request being served, with its id, method and URL, and forgets it once answered', async () => {
    expect(app.inFlightRequests()).toEqual([]);
    const pending = app.inject({ method: 'GET', url: '/test/slow?sku=XOAI-1', headers: { 'x-request-id': 'crash-probe-0001' } });
    await handlerEntered;
    const [busy, ...rest] = app.inFlightRequests();
    expect(rest).toEqual([]);
    expect(busy).toMatchObject({ reqId: 'crash-probe-0001', method: 'GET', url: '/test/slow?sku=XOAI-1' });
    expect(busy!.ms).toBeGreaterThanOrEqual(0);
    release();
    expect((await pending).json()).toEqual({ done: true });
    expect(app.inFlightRequests()).toEqual([]);
  });
});

describe('log format', () => {
  it('is JSON in production and off a terminal, pretty in development on a terminal, and as asked when asked', () => {
    expect(resolveLogFormat('auto', 'production', true)).toBe('json');
    expect(resolveLogFormat('auto', 'development', false)).toBe('json');
    expect(resolveLogFormat('auto', 'development', true)).toBe('pretty'); // pino-pretty is a dev dependency
    expect(resolveLogFormat('pretty', 'production', false)).toBe('pretty');
    expect(resolveLogFormat('json', 'development', true)).toBe('json');
  });
});
