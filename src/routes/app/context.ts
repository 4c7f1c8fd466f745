import type { FastifyRequest } from 'fastify';

/** What every route file of a web app shares: the shell and one way to answer a page (src/plugins/web/web-app.ts). */
export type { AppContext } from '../../plugins/web/web-app.ts';

export const isHtmx = (req: FastifyRequest) => req.headers['hx-request'] === 'true';

/** Form fields as strings (a repeated name keeps its last value). */
export function formOf(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((req.body as Record<string, unknown> | null) ?? {})) {
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    if (typeof last === 'string') out[k] = last;
    else if (last && typeof last === 'object' && 'value' in last && typeof last.value === 'string') out[k] = last.value;
  }
  return out;
}
