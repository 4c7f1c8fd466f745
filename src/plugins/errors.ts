import type { FastifyError } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.ts';
import { pickLanguage, type Lang } from '../i18n/language.ts';
import { describeValidationError } from '../i18n/validation.ts';

declare module 'fastify' {
  interface FastifyRequest {
    lang: Lang;
  }
}

/** Fastify's own 4xx errors, mapped to our codes so clients see one error vocabulary. */
function fromFastifyError(err: FastifyError): AppError | null {
  if (err.validation && err.validation.length > 0) {
    const { field, detail } = describeValidationError(err.validation[0] as never, err.validationContext);
    return new AppError('VALIDATION_FAILED', { detail }, field);
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', { type: err.message.replace(/^Unsupported Media Type:?\s*/i, '') || '?' });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('INVALID_BODY', { detail: { vi: 'thân JSON rỗng', en: 'empty JSON body' } });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('INVALID_BODY', { detail: err.message });
  }
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/.test(err.message))) {
    return new AppError('INVALID_BODY', { detail: { vi: 'JSON không hợp lệ', en: 'malformed JSON' } });
  }
  return null;
}

/** One error body everywhere: { error: { code, message, field? } }, in the client's language. 5xx hide internals. */
export default fp(
  async (app) => {
    app.decorateRequest('lang', 'vi');
    app.addHook('onRequest', async (req) => {
      req.lang = pickLanguage(req.headers['accept-language']);
    });

    app.setErrorHandler((raw: FastifyError | AppError, req, reply) => {
      let err: AppError | null = raw instanceof AppError ? raw : fromFastifyError(raw);
      const status = raw instanceof AppError ? raw.status : raw.statusCode;
      if (!err && status && status >= 400 && status < 500) {
        req.log.info({ err: raw }, 'client error');
        return reply.status(status).send({ error: { code: raw.code ?? 'BAD_REQUEST', message: raw.message } });
      }
      if (!err) {
        req.log.error({ err: raw }, 'unhandled error');
        err = new AppError('INTERNAL', { requestId: req.id });
      } else if (err.status >= 500) {
        req.log.error({ err: raw }, err.code);
      }
      const body = { error: { code: err.code, message: err.messageIn(req.lang), ...(err.field ? { field: err.field } : {}), ...(err.details ? { details: err.details } : {}) } };
      return reply.status(err.status).send(body);
    });

    app.setNotFoundHandler((req, reply) => {
      const err = new AppError('ROUTE_NOT_FOUND', { route: `${req.method} ${req.url.split('?')[0]}` });
      return reply.status(404).send({ error: { code: err.code, message: err.messageIn(req.lang) } });
    });
  },
  { name: 'errors' },
);
