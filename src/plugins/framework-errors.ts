import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode } from '../errors.ts';
import { pickLanguage } from '../i18n/language.ts';

/**
 * Errors raised before a route runs, so before the error handler (src/plugins/errors.ts) can:
 * Fastify's `frameworkErrors` (a URL that does not decode, a path parameter over maxParamLength)
 * and Node's `clientError` (the HTTP parser's 431 for oversized headers or URL, 400 for a malformed
 * request, 408 for one that did not arrive in time). Both answer in the API's one error body.
 */
export function frameworkError(error: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const lang = pickLanguage(req.headers['accept-language']);
  const err = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? new AppError('URI_TOO_LONG') : error.code === 'FST_ERR_BAD_URL' ? new AppError('BAD_REQUEST') : new AppError('INTERNAL', { requestId: req.id });
  if (err.status >= 500) req.log.error({ err: error }, 'framework error');
  void reply.status(err.status).send({ error: { code: err.code, message: err.messageIn(lang) } });
}

function clientErrorCode(err: NodeJS.ErrnoException): ErrorCode {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'REQUEST_TIMEOUT';
  if (err.code === 'HPE_HEADER_OVERFLOW') return 'HEADERS_TOO_LARGE';
  if (err.code === 'HPE_URI_TOO_LONG') return 'URI_TOO_LONG';
  return 'BAD_REQUEST';
}

/** Node's clientError: no request object exists yet, so the answer is written on the socket (Vietnamese first, then English). */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const e = new AppError(clientErrorCode(err));
  const body = JSON.stringify({ error: { code: e.code, message: `${e.messageIn('vi')} / ${e.messageIn('en')}` } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${e.status} ${STATUS_CODES[e.status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
