import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { RuntimeConfigPatch } from '../config.ts';
import { PmError } from '../errors.ts';
import { createPartner, createShop, requireShop, setWebhookUrl } from '../services/control.ts';
import { readStats } from '../stats.ts';

const Strict = { additionalProperties: false } as const;
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Id = Type.String({ minLength: 1, maxLength: 100 });

/**
 * The control API's set-up half (postmart-api.md#the-sandbox): partners, webhooks, shops, config,
 * the buyer generator, stats and reset. Not part of Postmart: answers are bare JSON objects (no
 * envelope); errors use the contract's failure envelope.
 */
const controlSetup: FastifyPluginAsyncTypebox = async (app) => {
  const rt = app.pmSandbox;
  const db = rt.deps.db;

  app.post('/partners', { schema: { body: Type.Object({ name: Name }, Strict) } }, async (req) => createPartner(db, req.body.name));

  app.put(
    '/partners/:partner_id/webhook',
    { schema: { params: Type.Object({ partner_id: Id }), body: Type.Object({ url: Type.Union([Type.String({ pattern: '^https?://\\S+$', maxLength: 2048 }), Type.Null()]) }, Strict) } },
    async (req, reply) => {
      await setWebhookUrl(db, req.params.partner_id, req.body.url);
      return reply.status(204).send();
    },
  );

  app.post('/shops', { schema: { body: Type.Object({ partner_id: Id, name: Name }, Strict) } }, async (req) => createShop(db, req.body.partner_id, req.body.name));

  app.get('/config', async () => rt.currentConfig());
  app.put('/config', { schema: { body: RuntimeConfigPatch } }, async (req) => rt.updateConfig(req.body));

  app.post(
    '/generator',
    {
      schema: {
        body: Type.Object(
          {
            shop_ids: Type.Array(Id, { minItems: 1, maxItems: 100 }),
            orders_per_second: Type.Number({ exclusiveMinimum: 0, maximum: 1000 }),
            total: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
          },
          Strict,
        ),
      },
    },
    async (req) => {
      for (const id of req.body.shop_ids) await requireShop(db, id);
      return rt.generator.start(req.body);
    },
  );
  app.get('/generator', async () => rt.generator.current());
  app.delete('/generator', async () => rt.generator.stop());

  app.get('/stats', { schema: { querystring: Type.Object({ partner_id: Type.Optional(Id), shop_id: Type.Optional(Id) }) } }, async (req) => {
    await rt.stats.flush();
    return readStats(db, req.query);
  });

  app.post('/reset', async (_req, reply) => {
    if (!rt.deps.settings.allowReset) throw new PmError('FORBIDDEN', 'this sandbox was started without resets allowed (allowReset / SANDBOX_ALLOW_RESET=true)');
    await rt.reset();
    return reply.status(204).send();
  });
};

export default controlSetup;
