import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { FastifyInstance } from 'fastify';

/**
 * Static files of a web app, each served under a name carrying a hash of its bytes
 * (`/app/static/app.3f2a9c1b7d.css`) with a year-long immutable cache: a phone on a weak signal
 * downloads a file once per release. A fixed list read at start: no URL ever reaches the file system.
 */
export type AssetFile = { name: string; path: URL | string };
export type Assets = {
  /** The hashed URL of a file of the list, e.g. url('app.css'). */
  url: (name: string) => string;
  /** Every hashed URL, for the service worker's precache. */
  all: () => string[];
};

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export async function registerAssets(app: FastifyInstance, base: string, files: readonly AssetFile[]): Promise<Assets> {
  const byUrl = new Map<string, { body: Buffer; type: string }>();
  const urls = new Map<string, string>();
  for (const f of files) {
    const body = await readFile(f.path);
    const ext = extname(f.name);
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
    const url = `${base}/static/${f.name.slice(0, -ext.length)}.${hash}${ext}`;
    urls.set(f.name, url);
    byUrl.set(url, { body, type: TYPES[ext] ?? 'application/octet-stream' });
  }
  app.get(`${base}/static/*`, { schema: { hide: true }, config: { webPublic: true } }, async (req, reply) => {
    const file = byUrl.get(req.url.split('?')[0]!);
    if (!file) return reply.callNotFound();
    return reply.type(file.type).header('cache-control', 'public, max-age=31536000, immutable').send(file.body);
  });
  return {
    url: (name) => {
      const url = urls.get(name);
      if (!url) throw new Error(`unknown asset ${name}`);
      return url;
    },
    all: () => [...urls.values()],
  };
}
