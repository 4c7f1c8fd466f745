import type { FastifyError, FastifyInstance } from 'fastify';
import { registerApiHooks } from './api-hooks.ts';
import { failureBody, invalidParam, PmError } from './errors.ts';
import { EMPTY_BODY, freshState } from './request-state.ts';
import authRoutes from './routes/auth.ts';
import controlBuyerRoutes from './routes/control-buyers.ts';
import controlSetupRoutes from './routes/control-setup.ts';
import logisticsRoutes from './routes/logistics.ts';
import orderRoutes from './routes/orders.ts';
import productRoutes from './routes/products.ts';
import type { SandboxRuntime } from './runtime.ts';
import { compileValidator, detailOf } from './validation.ts';

/** Fastify's own errors, in the contract's vocabulary (postmart-api.md#conventions). */
function toPmError(err: FastifyError): PmError {
  if (err instanceof PmError) return err;
  if (err.validation && err.validation.length > 0) {
    const detail = detailOf(err.validation[0]!, err.validationContext);
    return new PmError('INVALID_PARAM', `${detail.field}: ${detail.message}`, [detail]);
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return invalidParam('Content-Type', 'send JSON with Content-Type: application/json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return invalidParam('body', 'is larger than 1 MiB');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return invalidParam('Content-Length', 'does not match the body');
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return invalidParam('request', err.message);
  return new PmError('INTERNAL', 'internal error; retry later');
}

/**
 * The sandbox as a Fastify plugin: the contract under /api/v1 with its signing, idempotency,
 * rate-limit and fault hooks, and the control API under /sandbox (postmart-api.md#the-sandbox).
 */
export default async function sandboxApp(app: FastifyInstance, opts: { runtime: SandboxRuntime }): Promise<void> {
  app.decorate('pmSandbox', opts.runtime);
  app.decorateRequest('pmSandbox', null as never);
  app.addHook('onRequest', async (req, reply) => {
    req.pmSandbox = freshState();
    reply.header('x-request-id', req.id);
  });
  app.setValidatorCompiler(compileValidator);

  // Signatures cover the raw body bytes, so JSON is parsed here from the kept buffer.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    const raw = body as Buffer;
    req.pmSandbox.rawBody = raw.length > 0 ? raw : EMPTY_BODY;
    if (raw.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(raw.toString('utf8')));
    } catch {
      done(invalidParam('body', 'is not valid JSON'), undefined);
    }
  });

  app.setErrorHandler((raw: FastifyError, req, reply) => {
    const err = toPmError(raw);
    if (err.status >= 500 && !(raw instanceof PmError)) req.log.error({ err: raw }, 'sandbox internal error');
    for (const [name, value] of Object.entries(err.headers)) reply.header(name, value);
    return reply.status(err.status).send(failureBody(req.id, err));
  });
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send(failureBody(req.id, new PmError('NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`))),
  );

  await app.register(
    async (api) => {
      registerApiHooks(api);
      // Inside /api/v1 so an unknown route still gets the rate-limit headers every response carries.
      api.setNotFoundHandler((req, reply) =>
        reply.status(404).send(failureBody(req.id, new PmError('NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`))),
      );
      await api.register(authRoutes);
      await api.register(productRoutes);
      await api.register(orderRoutes);
      await api.register(logisticsRoutes);
    },
    { prefix: '/api/v1' },
  );
  await app.register(
    async (control) => {
      await control.register(controlSetupRoutes);
      await control.register(controlBuyerRoutes);
    },
    { prefix: '/sandbox' },
  );
}
