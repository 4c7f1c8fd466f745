import type { FastifyInstance, RouteOptions } from 'fastify';
import { inject } from 'vitest';
import { runMigrations } from '../../db/migrate.ts';
import { seedReference } from '../../db/seed/reference.ts';
import { buildServer } from '../../src/build.ts';
import { createDb } from '../../src/db.ts';
import { createScratchDatabase, dropDatabase, testConfig } from '../support/app.ts';

export type JsonSchema = { type?: string | string[]; properties?: Record<string, JsonSchema>; required?: string[]; [k: string]: unknown };
export type Route = {
  method: string;
  url: string;
  schema: { body?: JsonSchema; querystring?: JsonSchema; params?: JsonSchema; consumes?: string[]; hide?: boolean } | undefined;
};

/**
 * Routes served by third-party plugins (bull-board's UI and API, Swagger UI's files) or static
 * files, which declare no schema of ours; every other route must declare one, so the generated
 * suites (hostile input, authorization matrix) cover it without being told.
 */
export const THIRD_PARTY = [/^\/admin\/queues(\/|$)/, /^\/docs(\/|$)/, /^\/dashboard(\/|$)/];

/**
 * The real app on a database of its own (so a suite can compare the database before and after a
 * request), with the route table as the app built it: every method and URL, with its schema.
 */
export async function appWithRoutes(overrides: Record<string, string> = {}, logStream?: NodeJS.WritableStream): Promise<{ app: FastifyInstance; routes: Route[]; close: () => Promise<void> }> {
  const run = Math.random().toString(16).slice(2, 8);
  const url = await createScratchDatabase(`sec_${run}`);
  await runMigrations(url);
  const ref = createDb(url, 1);
  await seedReference(ref.db);
  await ref.pool.end();
  const routes: Route[] = [];
  const config = testConfig({ DATABASE_URL: url, DATABASE_POOL_SIZE: '3', QUEUE_PREFIX: inject('queuePrefix').replace(/\}$/, `-sec${run}}`), ...(logStream ? { LOG_LEVEL: 'info' } : {}), ...overrides });
  const app = await buildServer(config, {
    logger: logStream ? { stream: logStream } : false,
    onRoute: (r: RouteOptions) => {
      // Read when asked, not now: a plugin's own onRoute hook (the web apps' hide marker) may still set the schema after this one.
      for (const method of [r.method].flat())
        if (method !== 'HEAD')
          routes.push({
            method,
            url: r.url,
            get schema() {
              return r.schema as Route['schema'];
            },
          });
    },
  });
  await app.ready();
  return {
    app,
    routes,
    close: async () => {
      await app.close();
      await dropDatabase(url);
    },
  };
}

export const isThirdParty = (r: Route) => THIRD_PARTY.some((re) => re.test(r.url));

/**
 * The server-rendered apps (src/plugins/web/web-app.ts): the sellers' app and the post-office
 * counter. Their pages take forms with a cookie session and a CSRF token, and answer with HTML
 * (a page, a redirect, or the form again with its errors), never the API's JSON error shape; what
 * they post is validated by the API routes they call.
 */
export const WEB_APPS = [/^\/app(\/|$)/, /^\/counter(\/|$)/];
export const isWebApp = (r: Route) => WEB_APPS.some((re) => re.test(r.url));
export const routeKey = (r: Route) => `${r.method} ${r.url}`;
