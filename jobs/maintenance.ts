import type { Db } from '../src/db.ts';
import { recordTimeDependentChanges } from '../src/services/outbox/listing-outbox.ts';
import { flagParcelsForReturn } from '../src/services/fulfillment/pickup-parcels.ts';
import { refreshSalesRollup } from '../src/services/reports/reports-rollup.ts';
import type { OutboxRelay } from './outbox-relay.ts';
import { QUEUES, type MaintenanceJob } from '../src/queues/definitions.ts';
import type { JobSpec, RunnerJob } from './runner.ts';

export type MaintenanceDeps = {
  db: Db;
  relay: OutboxRelay;
  reconcile: (sellerId?: string) => Promise<unknown>;
  sweepWebhooks: () => Promise<number>;
  /** The order poller (src/services/order-poll.ts pollAllShops), the backstop for missed webhooks. */
  pollOrders: () => Promise<unknown>;
  /** The pickup point sync (src/services/pickup-sync.ts) against Postmart's post-office list. */
  syncPickupPoints: () => Promise<unknown>;
};

/** maintenance processor: the outbox sweeper, the daily sellable rules, reconcile, the order poller and the sales rollup. */
export async function processMaintenance(job: RunnerJob<MaintenanceJob>, deps: MaintenanceDeps) {
  switch (job.data.task) {
    case 'sweep-outbox':
      return { redriven: await deps.relay.sweep(), webhooks: await deps.sweepWebhooks() };
    case 'apply-sellable-rules':
      return { examined: await recordTimeDependentChanges(deps.db) };
    case 'reconcile':
      return deps.reconcile(job.data.sellerId);
    case 'poll-orders':
      return deps.pollOrders();
    case 'sync-pickup-points':
      return deps.syncPickupPoints();
    case 'age-parcels':
      return flagParcelsForReturn(deps.db);
    case 'refresh-sales':
      return { cells: await refreshSalesRollup(deps.db) };
  }
}

export const maintenanceJob: JobSpec<MaintenanceJob, MaintenanceDeps> = { queue: QUEUES.maintenance, process: processMaintenance };

/**
 * Schedules registered by id: every replica upserts the same schedulers, so each runs once, not
 * once per replica. Times are Vietnam's (a harvest window closes at local midnight).
 */
export const SCHEDULES = [
  { id: 'sweep-outbox', repeat: { every: 15_000 }, data: { task: 'sweep-outbox' as const } },
  { id: 'apply-sellable-rules', repeat: { pattern: '5 0 * * *', tz: 'Asia/Ho_Chi_Minh' }, data: { task: 'apply-sellable-rules' as const } },
  { id: 'reconcile', repeat: { pattern: '30 2 * * *', tz: 'Asia/Ho_Chi_Minh' }, data: { task: 'reconcile' as const } },
  { id: 'poll-orders', repeat: { every: 30_000 }, data: { task: 'poll-orders' as const } },
  { id: 'sync-pickup-points', repeat: { pattern: '0 3 * * *', tz: 'Asia/Ho_Chi_Minh' }, data: { task: 'sync-pickup-points' as const } },
  { id: 'age-parcels', repeat: { every: 15 * 60_000 }, data: { task: 'age-parcels' as const } },
  // Reports refresh the rollup themselves; this keeps the backlog of changed cells short between reads.
  { id: 'refresh-sales', repeat: { every: 60_000 }, data: { task: 'refresh-sales' as const } },
];
