import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Html } from '../../web/html.ts';
import { page, type PageOptions, type Shell } from '../../web/layout.ts';
import { flashOf } from '../../web/seller/shell.ts';

/** What every route file of the sellers' app shares: the shell and one way to answer a page. */
export type AppContext = {
  shell: Shell;
  render: (req: FastifyRequest, reply: FastifyReply, opts: Omit<PageOptions, 'csrf' | 'who'> & { status?: number }) => FastifyReply;
  /** An htmx request swaps a fragment; a plain one gets the whole page. */
  fragment: (reply: FastifyReply, body: Html) => FastifyReply;
};

export function appContext(shell: Shell): AppContext {
  return {
    shell,
    render: (req, reply, opts) => {
      const flash = opts.flash ?? flashOf((req.query as Record<string, unknown> | undefined)?.msg);
      const body = page(shell, { ...opts, flash, csrf: req.web?.csrf ?? null, who: req.web?.principal.name ?? null });
      return reply.status(opts.status ?? 200).type('text/html; charset=utf-8').send(body.value);
    },
    fragment: (reply, body) => reply.type('text/html; charset=utf-8').send(body.value),
  };
}

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
