import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../errors.ts';
import { WEBHOOK_PATH } from '../../postmart/paths.ts';
import { errorResponses } from '../../schemas/common.ts';
import { notQueued, recordWebhook, verifyWebhook } from '../../services/orders/webhooks.ts';
import { postmartSigned } from '../docs.ts';
import { enqueueWebhook, flushWebhooks } from '../../queues/webhook-enqueue.ts';

/** postmart-api.md#webhooks: payloads are thin; anything near this size is not a Postmart event. */
const MAX_BODY = 64 * 1024;

const webhooks: FastifyPluginAsyncTypebox = async (app) => {
  // Jobs still being added for events already answered: sent and settled before the queues and the
  // database close (this plugin's onClose runs before those of the plugins it is registered under).
  const queueing = new Set<Promise<void>>();
  app.addHook('onClose', async () => {
    flushWebhooks(app.queues.webhooks);
    await Promise.allSettled([...queueing]);
  });
  // The signature covers the raw bytes, so this route keeps them instead of parsing JSON first.
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: MAX_BODY }, (_req, body, done) => done(null, body));

  app.post(
    WEBHOOK_PATH,
    {
      // Each delivery is recorded in webhook_events (received, enqueued, processed, outcome), so the
      // per-request info line would only repeat it at a cost on the busiest route; refusals still log.
      logLevel: 'warn',
      schema: {
        tags: ['postmart'],
        summary: 'Receives Postmart webhooks',
        operationId: 'receivePostmartWebhook',
        ...postmartSigned(
          'Stores each event once (a duplicate event_id is acknowledged and ignored), answers as soon as it is stored and leaves the work to a job.',
        ),
        response: { 200: Type.Object({ received: Type.Boolean(), duplicate: Type.Boolean() }), ...errorResponses(400, 401, 413, 415, 503) },
      },
    },
    async (req) => {
      const pm = await app.postmart();
      const header = (name: string) => {
        const v = req.headers[name];
        return typeof v === 'string' ? v : undefined;
      };
      const verdict = verifyWebhook(
        Buffer.isBuffer(req.body) ? req.body : Buffer.from(''),
        { signature: header('x-pm-signature'), timestamp: header('x-pm-timestamp'), eventId: header('x-pm-event-id') },
        pm.partner.partnerKey,
        `${app.config.publicUrl}${WEBHOOK_PATH}`,
      );
      if (!verdict.ok) {
        req.log.warn({ reason: verdict.reason }, 'webhook refused');
        throw new AppError(verdict.status === 401 ? 'UNAUTHENTICATED' : 'INVALID_BODY', verdict.status === 401 ? {} : { detail: verdict.reason });
      }
      const fresh = await recordWebhook(app.db, verdict.event);
      if (fresh) {
        // Stored first, and answered once stored: the event is safe in webhook_events whatever
        // happens to its job. Not through the outbox: webhook_events is this path's own outbox (the
        // stored event, its enqueued_at, the same sweeper), and a direct add saves the relay's hop
        // on the busiest path. Events received together share one job (src/queues/webhook-enqueue.ts).
        const eventId = verdict.event.event_id;
        const queued = enqueueWebhook(app.queues.webhooks, eventId, { type: verdict.event.type, shop_id: verdict.event.shop_id, data: verdict.event.data }).catch(async (err: unknown) => {
          // Redis away: the sweeper takes the event on its next pass.
          app.log.warn({ err: (err as Error).message, eventId }, 'webhook stored but not queued; the sweeper will pick it up');
          await notQueued(app.db, eventId).catch((e: unknown) => app.log.error({ err: (e as Error).message, eventId }, 'could not mark a webhook event unqueued; the sweeper takes it once it is stale'));
        });
        queueing.add(queued);
        void queued.finally(() => queueing.delete(queued));
      }
      return { received: true, duplicate: !fresh };
    },
  );
};
export default webhooks;
