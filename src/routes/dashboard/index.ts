import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';

const here = (file: string) => new URL(`../../dashboard/${file}`, import.meta.url);
// Chart.js's self-contained UMD build, served from node_modules: no CDN (the machine may be offline), no
// bundler. The package's exports map hides dist/, so the file is found next to its CommonJS entry.
const chartJs = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

const FILES: Record<string, { path: URL | string; type: string }> = {
  '': { path: here('index.html'), type: 'text/html; charset=utf-8' },
  'style.css': { path: here('style.css'), type: 'text/css; charset=utf-8' },
  'app.js': { path: here('app.js'), type: 'text/javascript; charset=utf-8' },
  'api.js': { path: here('api.js'), type: 'text/javascript; charset=utf-8' },
  'format.js': { path: here('format.js'), type: 'text/javascript; charset=utf-8' },
  'charts.js': { path: here('charts.js'), type: 'text/javascript; charset=utf-8' },
  'render.js': { path: here('render.js'), type: 'text/javascript; charset=utf-8' },
  'vendor/chart.umd.min.js': { path: chartJs, type: 'text/javascript; charset=utf-8' },
};

// Everything the page loads comes from here; the API is same-origin. No inline script or style.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * The monitoring dashboard at /dashboard: static files (a login page and one page of reports) that
 * call the API with the bearer token kept in sessionStorage. A fixed list of files, read once at
 * start: no path from the URL ever reaches the file system.
 */
const dashboard: FastifyPluginAsync = async (app) => {
  const bodies = new Map<string, Buffer>();
  for (const [name, f] of Object.entries(FILES)) bodies.set(name, await readFile(f.path));

  app.get('/dashboard', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/dashboard/', 301));
  app.get<{ Params: { '*': string } }>('/dashboard/*', { schema: { hide: true } }, async (req, reply) => {
    const name = req.params['*'];
    const body = bodies.get(name);
    if (!body) return reply.callNotFound();
    return reply
      .type(FILES[name]!.type)
      .header('cache-control', name.startsWith('vendor/') ? 'public, max-age=86400' : 'no-cache')
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(body);
  });
};
export default dashboard;
