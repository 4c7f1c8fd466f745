import { Writable } from 'node:stream';
import { UnrecoverableError } from 'bullmq';
import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { outbox } from '../../db/schema/outbox.ts';
import { classify, runJob, type Failure, type JobSpec } from '../../jobs/runner.ts';
import { createDb } from '../../src/db.ts';
import { jobsGivenUp } from '../../src/metrics/registry.ts';
import { PostmartError } from '../../src/postmart/client/errors.ts';
import { recordWork } from '../../src/services/outbox/outbox.ts';

const refused = () => new PostmartError('VALIDATION_FAILED', 'price must be positive', { status: 400, retryable: false });
const unavailable = () => new PostmartError('SERVICE_UNAVAILABLE', 'try later', { status: 503, retryable: true });

const { pool, db } = createDb(inject('databaseUrl'), 2);
afterAll(() => pool.end());

/** A runner over a processor that does `work`, with its log lines captured. */
function harness(work: () => Promise<unknown>, onFailure = vi.fn<(job: unknown, deps: unknown, f: Failure) => Promise<void>>(async () => {})) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) });
  const spec: JobSpec<{ outboxId?: number }, object> = { queue: 'order-actions', process: work, onFailure };
  const run = runJob(spec, {}, { db, log: pino({ level: 'debug' }, sink) });
  const job = (attemptsMade: number, data: { outboxId?: number } = {}) => ({ id: 'job-1', name: 'confirm', data, attemptsMade, opts: { attempts: 3 } });
  return { run, job, onFailure, lines };
}
const givenUp = async (why: string) => (await jobsGivenUp.get()).values.find((v) => v.labels.queue === 'order-actions' && v.labels.why === why)?.value ?? 0;

describe('classify', () => {
  it("follows Postmart's verdict: a 4xx is final, a 5xx is retried", () => {
    expect(classify(refused())).toEqual({ retryable: false, reason: expect.stringContaining('VALIDATION_FAILED') });
    expect(classify(unavailable())).toMatchObject({ retryable: true });
  });
  it('keeps an UnrecoverableError final and retries anything else', () => {
    expect(classify(new UnrecoverableError('no such order'))).toEqual({ retryable: false, reason: 'no such order' });
    expect(classify(new Error('connection reset'))).toEqual({ retryable: true, reason: 'connection reset' });
  });
});

describe('runJob', () => {
  it('turns a final Postmart refusal into UnrecoverableError with the reason, gives up at once and counts it', async () => {
    const before = await givenUp('unrecoverable');
    const h = harness(async () => Promise.reject(refused()));
    const err = await h.run(h.job(0)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnrecoverableError);
    expect((err as Error).message).toContain('VALIDATION_FAILED');
    expect(h.onFailure).toHaveBeenCalledWith(expect.anything(), {}, expect.objectContaining({ retryable: false, terminal: true, attempt: 1 }));
    expect(await givenUp('unrecoverable')).toBe(before + 1);
    expect(h.lines.find((l) => l.msg === 'job given up')).toMatchObject({ queue: 'order-actions', jobId: 'job-1', job: 'confirm', attempt: 1 });
  });

  it('rethrows a retryable failure as it is, not terminal before the last attempt', async () => {
    const h = harness(async () => Promise.reject(unavailable()));
    await expect(h.run(h.job(0))).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    expect(h.onFailure).toHaveBeenCalledWith(expect.anything(), {}, expect.objectContaining({ retryable: true, terminal: false, attempt: 1 }));
  });

  it('gives up a retryable failure on the last attempt, calling the give-up hook, and rethrows it for BullMQ to record', async () => {
    const before = await givenUp('exhausted');
    const h = harness(async () => Promise.reject(new Error('database went away')));
    await expect(h.run(h.job(2))).rejects.toThrow('database went away');
    expect(h.onFailure).toHaveBeenCalledWith(expect.anything(), {}, expect.objectContaining({ retryable: true, terminal: true, attempt: 3, reason: 'database went away' }));
    expect(await givenUp('exhausted')).toBe(before + 1);
  });

  it("keeps the job's own error when the give-up hook fails", async () => {
    const h = harness(async () => Promise.reject(refused()), vi.fn(async () => Promise.reject(new Error('hook broke'))));
    await expect(h.run(h.job(0))).rejects.toBeInstanceOf(UnrecoverableError);
    expect(h.lines.find((l) => l.msg === 'job failure hook failed')).toBeTruthy();
  });

  it('settles the outbox row of a job that is done, and of one given up, but not of one that will be retried', async () => {
    const note = () => recordWork(db, 'maintenance.reconcile', {}, 'runner-test');
    const settled = async (id: number) => (await db.select({ at: outbox.processedAt }).from(outbox).where(eq(outbox.id, id)))[0]!.at !== null;
    const [done, retried, abandoned] = [await note(), await note(), await note()];

    const ok = harness(async () => 'fine');
    expect(await ok.run(ok.job(0, { outboxId: done }))).toBe('fine');
    expect(ok.onFailure).not.toHaveBeenCalled();
    const failing = harness(async () => Promise.reject(unavailable()));
    await expect(failing.run(failing.job(0, { outboxId: retried }))).rejects.toThrow();
    await expect(failing.run(failing.job(2, { outboxId: abandoned }))).rejects.toThrow();

    expect([await settled(done), await settled(retried), await settled(abandoned)]).toEqual([true, false, true]);
  });
});
