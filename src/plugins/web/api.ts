import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * The web apps call the API in-process (`fastify.inject`: no socket, no serialization over the
 * network), with the session's own JWT. So a page gets exactly the API's validation, authorization,
 * error bodies (`{error:{code,message,field}}`, in Vietnamese) and job queuing: one place decides
 * each rule, and the app cannot drift from what the API promises to other clients.
 */
export type ApiError = { code: string; message: string; field?: string; details?: Record<string, unknown> };
export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; error: ApiError };
export type ApiRaw = { status: number; headers: Record<string, unknown>; body: Buffer };

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
type Payload = { json?: unknown; text?: string; contentType?: string; body?: Buffer; headers?: Record<string, string> };

export type Api = {
  get: <T>(url: string, query?: Record<string, string | number | boolean | undefined>) => Promise<ApiResult<T>>;
  send: <T>(method: Method, url: string, payload?: Payload) => Promise<ApiResult<T>>;
  /** For binary answers (a label PDF): status, headers and bytes as the API sent them. */
  raw: (method: Method, url: string, payload?: Payload) => Promise<ApiRaw>;
};

export function queryString(query: Record<string, string | number | boolean | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The API as the person behind `req` (their token, their address, their request id). */
export function apiFor(app: FastifyInstance, req: FastifyRequest, token: string | null = req.web?.token ?? null): Api {
  const base = {
    'accept-language': 'vi',
    'x-request-id': req.id,
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
  const call = async (method: Method, url: string, payload: Payload = {}) => {
    const headers: Record<string, string> = { ...base, ...payload.headers };
    let body: string | Buffer | undefined;
    if (payload.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(payload.json);
    } else if (payload.text !== undefined || payload.body !== undefined) {
      headers['content-type'] = payload.contentType ?? 'text/plain';
      body = payload.text ?? payload.body;
    }
    return app.inject({ method, url, headers, remoteAddress: req.ip, ...(body === undefined ? {} : { payload: body }) });
  };
  const result = async <T>(res: Awaited<ReturnType<typeof call>>): Promise<ApiResult<T>> => {
    let parsed: unknown = null;
    try {
      parsed = res.body ? JSON.parse(res.body) : null;
    } catch {
      // not JSON (a proxy's error page): reported below by status
    }
    if (res.statusCode < 400) return { ok: true, status: res.statusCode, data: parsed as T };
    const error = (parsed as { error?: ApiError } | null)?.error ?? { code: 'UNKNOWN', message: `Lỗi ${res.statusCode}` };
    return { ok: false, status: res.statusCode, error };
  };
  return {
    get: async (url, query) => result(await call('GET', url + queryString(query))),
    send: async (method, url, payload) => result(await call(method, url, payload)),
    raw: async (method, url, payload) => {
      const res = await call(method, url, payload);
      return { status: res.statusCode, headers: res.headers, body: res.rawPayload };
    },
  };
}
