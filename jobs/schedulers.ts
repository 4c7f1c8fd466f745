import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { MaintenanceJob } from '../src/queues/definitions.ts';
import { SCHEDULES } from './maintenance.ts';

/** How often a worker checks that Redis still holds the maintenance schedulers. */
export const SCHEDULER_CHECK_MS = 10_000;

export type SchedulerKeeper = { ensure: () => Promise<string[]>; stop: () => void };

/**
 * Registers the maintenance schedulers (jobs/maintenance.ts SCHEDULES) and registers them again
 * whenever Redis has lost them. A Redis restarted without its data comes back without schedulers,
 * and without them nothing sweeps the outbox or polls Postmart for missed orders: work committed in
 * PostgreSQL before the loss would wait for the next worker restart. Only a missing scheduler is
 * added, so a check never moves the next run of one that exists.
 */
export function keepSchedulers(queue: Queue<MaintenanceJob>, log: Logger, everyMs = SCHEDULER_CHECK_MS): SchedulerKeeper {
  let first = true;
  let running: Promise<string[]> | null = null;
  const ensure = () =>
    (running ??= (async () => {
      const added: string[] = [];
      for (const s of SCHEDULES) {
        if (!first && (await queue.getJobScheduler(s.id))) continue;
        await queue.upsertJobScheduler(s.id, s.repeat, { name: s.id, data: s.data });
        if (!first) added.push(s.id);
      }
      if (added.length > 0) log.warn({ schedulers: added }, 'Redis had lost maintenance schedulers (restart without its data?); registered them again');
      first = false;
      return added;
    })().finally(() => (running = null)));
  const timer = setInterval(() => {
    ensure().catch((err: unknown) => log.warn({ err: (err as Error).message }, 'could not check the maintenance schedulers; will retry'));
  }, everyMs);
  return { ensure, stop: () => clearInterval(timer) };
}
