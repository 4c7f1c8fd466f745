import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { DbOrTx } from '../src/db.ts';
import { jobsGivenUp } from '../src/metrics/registry.ts';
import { PostmartError } from '../src/postmart/client/errors.ts';
import type { QueueName } from '../src/queues/definitions.ts';
import { settleOutboxRow } from '../src/services/outbox/outbox.ts';

/** What a processor and its hooks see of a BullMQ job (tests build these by hand). */
export type RunnerJob<D> = Pick<Job<D>, 'data' | 'attemptsMade' | 'opts'> & Partial<Pick<Job<D>, 'id' | 'name'>>;

export type Classified = { retryable: boolean; reason: string };

/**
 * One failure policy for every job: Postmart's own verdict when it gave one (a 4xx is final, a 5xx
 * or a rate limit is worth retrying: postmart-api.md#errors), UnrecoverableError as thrown, and
 * anything else (a database hiccup, Redis, a missing credential) retried.
 */
export function classify(err: unknown): Classified {
  if (err instanceof PostmartError) return { retryable: err.retryable, reason: err.message }; // the message starts with the code
  if (err instanceof UnrecoverableError) return { retryable: false, reason: err.message };
  return { retryable: true, reason: err instanceof Error ? err.message : String(err) };
}

export type Failure = Classified & {
  err: unknown;
  /** 1-based number of the attempt that failed. */
  attempt: number;
  /** No attempt follows: unrecoverable, or this was the last one. */
  terminal: boolean;
};

export type JobSpec<D, Deps> = {
  queue: QueueName;
  /** The work: a plain function of the job and its dependencies, with no failure handling of its own. */
  process: (job: RunnerJob<D>, deps: Deps) => Promise<unknown>;
  /** Runs on every failed attempt before the runner rethrows; `terminal` marks the give-up (e.g. free a booked slot). */
  onFailure?: (job: RunnerJob<D>, deps: Deps, failure: Failure) => Promise<void>;
};

export type RunnerContext = { db: DbOrTx; log: Logger };

/**
 * Wraps a processor in the one failure policy: logs with the job's context, classifies the error,
 * calls the give-up hook, settles the job's outbox row when it is done or given up (so the sweeper
 * does not drive it again), counts give-ups, and rethrows what BullMQ needs: UnrecoverableError
 * (with the reason) for a failure retrying cannot fix, the error itself otherwise.
 */
export function runJob<D extends object, Deps>(spec: JobSpec<D, Deps>, deps: Deps, ctx: RunnerContext) {
  return async (job: RunnerJob<D>): Promise<unknown> => {
    const attempt = job.attemptsMade + 1;
    // The job's logger is made only when something is logged: most jobs log nothing (the busiest,
    // webhooks, run hundreds a second), and a child logger serializes its bindings when made.
    let jobLog: Logger | undefined;
    const log = () => (jobLog ??= ctx.log.child({ queue: spec.queue, jobId: job.id, job: job.name, attempt }));
    const outboxId = (job.data as { outboxId?: unknown }).outboxId;
    const settle = async () => {
      if (typeof outboxId === 'number') await settleOutboxRow(ctx.db, outboxId);
    };
    let result: unknown;
    try {
      result = await spec.process(job, deps);
    } catch (err) {
      const c = classify(err);
      const terminal = !c.retryable || attempt >= (job.opts.attempts ?? 1);
      try {
        await spec.onFailure?.(job, deps, { ...c, err, attempt, terminal });
      } catch (hookErr) {
        log().error({ err: hookErr }, 'job failure hook failed');
      }
      if (terminal) {
        jobsGivenUp.inc({ queue: spec.queue, why: c.retryable ? 'exhausted' : 'unrecoverable' });
        log().warn({ reason: c.reason, retryable: c.retryable }, 'job given up');
        await settle().catch((e: unknown) => log().error({ err: e }, 'could not settle the outbox row of a given-up job'));
      } else {
        log().info({ reason: c.reason }, 'job failed; will retry');
      }
      if (!c.retryable) throw err instanceof UnrecoverableError ? err : new UnrecoverableError(c.reason);
      throw err;
    }
    await settle();
    if (ctx.log.isLevelEnabled('debug')) log().debug('job done');
    return result;
  };
}
