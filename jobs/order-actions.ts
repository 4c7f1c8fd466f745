import { UnrecoverableError, type Job } from 'bullmq';
import { PostmartError } from '../src/postmart/client/errors.ts';
import { performOrderAction } from '../src/services/orders/order-actions.ts';
import type { OrderImportDeps } from '../src/services/orders/order-import.ts';
import { abandonShip } from '../src/services/fulfillment/order-ship.ts';
import type { OrderActionJob } from '../src/queues/definitions.ts';

/** order-actions processor: a seller's confirm / cancel / answer to a buyer's cancellation / ship, pushed to Postmart. */
export async function processOrderAction(job: Pick<Job<OrderActionJob>, 'data' | 'attemptsMade' | 'opts'>, deps: OrderImportDeps) {
  const { orderId, actorUserId, ...action } = job.data;
  try {
    return await performOrderAction(deps, orderId, actorUserId, action);
  } catch (err) {
    // Refused by Postmart (e.g. the buyer cancelled meanwhile): retrying cannot help; the order's
    // status is whatever Postmart says, which the next import shows.
    if (err instanceof PostmartError && !err.retryable) throw new UnrecoverableError(err.message);
    // A ship that will not be tried again must not keep its drop-off slot booked for nothing.
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (lastAttempt && action.action === 'ship') await abandonShip(deps.db, orderId, action.bookingId, (err as Error).message);
    throw err;
  }
}
