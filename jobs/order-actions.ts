import { performOrderAction } from '../src/services/orders/order-actions.ts';
import type { OrderImportDeps } from '../src/services/orders/order-import.ts';
import { abandonShip } from '../src/services/fulfillment/order-ship.ts';
import { QUEUES, type OrderActionJob } from '../src/queues/definitions.ts';
import type { JobSpec, RunnerJob } from './runner.ts';

/** order-actions processor: a seller's confirm / cancel / answer to a buyer's cancellation / ship, pushed to Postmart. */
export async function processOrderAction(job: RunnerJob<OrderActionJob>, deps: OrderImportDeps) {
  const { orderId, actorUserId, outboxId: _outboxId, ...action } = job.data;
  return performOrderAction(deps, orderId, actorUserId, action);
}

/**
 * Refused by Postmart (e.g. the buyer cancelled meanwhile): retrying cannot help; the order's
 * status is whatever Postmart says, which the next import shows (a refused ship has freed its slot
 * already, performShip). A ship that will not be tried again must not keep its slot booked for nothing.
 */
export const orderActionJob: JobSpec<OrderActionJob, OrderImportDeps> = {
  queue: QUEUES.orderActions,
  process: processOrderAction,
  async onFailure(job, deps, { terminal, reason }) {
    if (terminal && job.data.action === 'ship') await abandonShip(deps.db, job.data.orderId, job.data.bookingId, reason);
  },
};
